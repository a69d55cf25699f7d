// A hand-built register whose exposures, births, deaths, moves and delays are
// worked out by hand below, checked at village, township, county and city level.
#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "analytics/indicators.h"
#include "analytics/panel.h"
#include "analytics/snapshot.h"

namespace junheng::analytics {
namespace {

Date D(const char* text) { return *Date::Parse(text); }
DivisionCode C(const char* code) { return *DivisionCode::Parse(code); }

constexpr const char* kCity = "141000000000";
constexpr const char* kCountyA = "141002000000";
constexpr const char* kTownshipA = "141002001000";
constexpr const char* kV1 = "141002001001";
constexpr const char* kV2 = "141002001002";
constexpr const char* kCountyB = "141021000000";
constexpr const char* kV3 = "141021001001";

DivisionTree Tree() {
  auto div = [](const char* code, const char* name, DivisionLevel level, const char* parent) {
    return Division{C(code), name, level, parent ? C(parent) : DivisionCode{}, ""};
  };
  return *DivisionTree::Build({
      div("140000000000", "山西省", DivisionLevel::kProvince, nullptr),
      div(kCity, "临汾市", DivisionLevel::kCity, "140000000000"),
      div(kCountyA, "尧都区", DivisionLevel::kCounty, kCity),
      div(kTownshipA, "乡一", DivisionLevel::kTownship, kCountyA),
      div(kV1, "村一", DivisionLevel::kVillage, kTownshipA),
      div(kV2, "村二", DivisionLevel::kVillage, kTownshipA),
      div(kCountyB, "曲沃县", DivisionLevel::kCounty, kCity),
      div("141021001000", "乡二", DivisionLevel::kTownship, kCountyB),
      div(kV3, "村三", DivisionLevel::kVillage, "141021001000"),
  });
}

Person P(const char* id, Sex sex, const char* birth, const char* mother = "") {
  Person p;
  p.person_id = id;
  p.sex = sex;
  p.birth_date = D(birth);
  p.mother_id = mother;
  return p;
}

Event E(const char* id, EventType type, const char* date, const char* person, const char* division,
        const char* recorded) {
  Event e;
  e.event_id = id;
  e.source = "manual";
  e.type = type;
  e.date = D(date);
  e.recorded_at = *ParseTimestamp(recorded);
  e.person_id = person;
  e.division = C(division);
  return e;
}

// The register, by person (ages are completed years; 2021 is a common year):
//  A ♀ 1990-06-15  enumerated in V1 2020-01-01, moves to V2 2021-07-01
//  B ♂ 1960-03-10  enumerated in V1, dies 2021-03-10, on his 61st birthday
//  C ♀ 2000-02-29  enumerated in V2; in 2021 her birthday falls on 1 March
//  D ♀ 1995-01-20  moves in to V2 2021-04-01 from outside, gives birth 2021-09-10
//  E ♂ 2021-09-10  born in V2 to D, birth order 1
//  F ♂ 1980-05-05  enumerated in V3, moves out 2021-05-05 (his birthday)
//  G ♂ 1970-12-31  enumerated in V2, moves to V3 (another county) 2021-12-31
std::vector<Person> Persons() {
  return {P("A", Sex::kFemale, "1990-06-15"), P("B", Sex::kMale, "1960-03-10"),
          P("C", Sex::kFemale, "2000-02-29"), P("D", Sex::kFemale, "1995-01-20"),
          P("E", Sex::kMale, "2021-09-10", "D"), P("F", Sex::kMale, "1980-05-05"),
          P("G", Sex::kMale, "1970-12-31")};
}

std::vector<Event> Events() {
  const char* census = "2020-01-05T10:00:00+08:00";
  std::vector<Event> e = {
      E("a0", EventType::kEnumerate, "2020-01-01", "A", kV1, census),
      E("a1", EventType::kMove, "2021-07-01", "A", kV2, "2021-07-03T09:00:00+08:00"),  // delay 2
      E("b0", EventType::kEnumerate, "2020-01-01", "B", kV1, census),
      E("b1", EventType::kDeath, "2021-03-10", "B", kV1, "2021-03-20T10:00:00+08:00"),  // delay 10
      E("c0", EventType::kEnumerate, "2020-01-01", "C", kV2, census),
      E("d1", EventType::kMoveIn, "2021-04-01", "D", kV2, "2021-04-01T16:00:00+08:00"),  // delay 0
      E("e1", EventType::kBirth, "2021-09-10", "E", kV2, "2021-10-19T17:00:00Z"),  // Beijing 10-20: 40
      E("f0", EventType::kEnumerate, "2020-01-01", "F", kV3, census),
      E("f1", EventType::kMoveOut, "2021-05-05", "F", kV3, "2021-05-06T08:00:00+08:00"),  // delay 1
      E("g0", EventType::kEnumerate, "2020-01-01", "G", kV2, census),
      E("g1", EventType::kMove, "2021-12-31", "G", kV3, "2022-01-02T08:00:00+08:00"),  // delay 2
  };
  e[1].other_place = "";
  e[5].other_place = "140105";
  e[6].mother_id = "D";
  e[6].birth_order = 1;
  e[8].other_place = "110105";
  return e;
}

Snapshot Build(const std::vector<Event>& events) {
  Snapshot s(Tree());
  for (const Person& p : Persons()) EXPECT_TRUE(s.AddPerson(p));
  for (const Event& e : events) EXPECT_TRUE(s.Apply(e)) << e.event_id;
  return s;
}

const Period kYear2021{D("2021-01-01"), D("2022-01-01")};

Tally Of(const Snapshot& s, const char* unit, Period period = kYear2021) {
  auto t = TallyOne(s, C(unit), period);
  EXPECT_TRUE(t) << t.error().message;
  return *t;
}

int64_t Days(const Tally& t, int sex, int age) { return t.person_days[sex][age]; }

TEST(SnapshotTest, Village1ExposureDeathOnABirthdayAndAMoveOut) {
  const Tally t = Of(Build(Events()), kV1);
  // A: 1 Jan – 14 Jun aged 30 (165 days), 15–30 Jun aged 31 (16), then gone.
  EXPECT_EQ(Days(t, 1, 30), 165);
  EXPECT_EQ(Days(t, 1, 31), 16);
  // B: 1 Jan – 9 Mar aged 60 (68 days); the day of death does not count.
  EXPECT_EQ(Days(t, 0, 60), 68);
  EXPECT_EQ(Days(t, 0, 61), 0);
  // He died on his birthday: aged 61 at death.
  EXPECT_EQ(t.deaths[0][61], 1);
  EXPECT_EQ(t.deaths_total(), 1);
  EXPECT_EQ(t.out_migrants, 1);
  EXPECT_EQ(t.out_internal, 1);
  EXPECT_EQ(t.in_migrants, 0);
  EXPECT_EQ(t.population_start[0] + t.population_start[1], 2);
  EXPECT_EQ(t.population_end[0] + t.population_end[1], 0);
  // B's death, recorded 10 days later; enumerations are not registrations.
  ASSERT_EQ(t.registered(), 1);
  EXPECT_EQ(t.delay_days[10], 1);
  // Records received in March 2021 only: 1 of 12 village-months.
  EXPECT_EQ(t.village_months, 12);
  EXPECT_EQ(t.village_months_reporting, 1);
}

TEST(SnapshotTest, Village2LeapDayBirthdayAndABirthToAMotherWhoMovedIn) {
  const Tally t = Of(Build(Events()), kV2);
  // C, born 29 Feb 2000: aged 20 to 28 Feb (59 days), 21 from 1 March (306).
  // A from 1 July aged 31 (184). D from 1 April aged 26 (275).
  EXPECT_EQ(Days(t, 1, 20), 59);
  EXPECT_EQ(Days(t, 1, 21), 306);
  EXPECT_EQ(Days(t, 1, 31), 184);
  EXPECT_EQ(Days(t, 1, 26), 275);
  // E from his birth on 10 Sep (113 days); G to 30 Dec aged 50 (364 days).
  EXPECT_EQ(Days(t, 0, 0), 113);
  EXPECT_EQ(Days(t, 0, 50), 364);
  EXPECT_EQ(Days(t, 0, 51), 0);
  EXPECT_EQ(t.births[0], 1);
  EXPECT_EQ(t.births_by_order[1], 1);
  EXPECT_EQ(t.births_by_mother_age[26], 1);
  EXPECT_EQ(t.births_mother_unknown, 0);
  // D's exact age: 26 + (10 Sep − 20 Jan = 233 days) / 365.
  EXPECT_NEAR(t.mother_age_sum[0], 26 + 233.0 / 365, 1e-12);
  EXPECT_NEAR(t.mother_age_sum[1], 26 + 233.0 / 365, 1e-12);
  EXPECT_EQ(t.in_migrants, 2);  // D from outside the city, A from V1
  EXPECT_EQ(t.in_internal, 1);
  EXPECT_EQ(t.out_migrants, 1);  // G to V3
  EXPECT_EQ(t.population_start[1], 1);  // C
  EXPECT_EQ(t.population_start[0], 1);  // G
  EXPECT_EQ(t.population_end[1], 3);    // A, C, D
  EXPECT_EQ(t.population_end[0], 1);    // E; G left on the last day
  // Delays: A's move 2, D's move-in 0, E's birth 40 (recorded 01:00 Beijing time).
  ASSERT_EQ(t.registered(), 3);
  EXPECT_EQ(t.delay_days[0], 1);
  EXPECT_EQ(t.delay_days[2], 1);
  EXPECT_EQ(t.delay_days[40], 1);
  EXPECT_EQ(t.village_months_reporting, 3);  // April, July, October
}

TEST(SnapshotTest, TheTownshipHoldsBothVillagesAndAMoveBetweenThemIsNoMigration) {
  const Snapshot s = Build(Events());
  const Tally t = Of(s, kTownshipA);
  EXPECT_EQ(Days(t, 1, 30), 165);
  EXPECT_EQ(Days(t, 1, 31), 16 + 184);
  EXPECT_EQ(t.in_migrants, 1);  // D only
  EXPECT_EQ(t.in_internal, 0);
  EXPECT_EQ(t.out_migrants, 1);  // G, to another county
  EXPECT_EQ(t.out_internal, 1);
  EXPECT_EQ(t.village_months, 24);
  EXPECT_EQ(t.village_months_reporting, 4);
  const std::vector<Value> v = ComputeIndicators(t);
  auto value = [&](const char* name) { return v[*FindIndicator(name)]; };
  // Delays 10, 2, 0, 40: median 6, three of four within 30 days.
  EXPECT_DOUBLE_EQ(*value("delay_median").value, 6);
  EXPECT_DOUBLE_EQ(*value("share_within_30d").value, 75);
  // Person-days: A 365, B 68, C 365, D 275, E 113, G 364 = 1550.
  EXPECT_DOUBLE_EQ(*value("population_avg").value, 1550.0 / 365);
  EXPECT_DOUBLE_EQ(*value("cbr").value, 1 / (1550.0 / 365) * 1000);
  // One birth to a woman aged 26 with 275 days of exposure at 26: ASFR 365/275.
  EXPECT_NEAR(*value("tfr").value, 365.0 / 275, 1e-12);
  // No female births: the sex ratio has no denominator, so no value.
  EXPECT_FALSE(value("srb").value.has_value());
  EXPECT_EQ(*value("srb").numerator, 1);
}

TEST(SnapshotTest, CountiesAndTheCity) {
  const Snapshot s = Build(Events());
  const Tally b = Of(s, kCountyB);
  EXPECT_EQ(Days(b, 0, 40), 124);  // F, 1 Jan – 4 May
  EXPECT_EQ(Days(b, 0, 41), 0);
  EXPECT_EQ(Days(b, 0, 51), 1);    // G on 31 Dec, his 51st birthday
  EXPECT_EQ(b.in_migrants, 1);
  EXPECT_EQ(b.in_internal, 1);
  EXPECT_EQ(b.out_migrants, 1);    // F
  const Tally city = Of(s, kCity);
  EXPECT_EQ(city.in_migrants, 1);   // D
  EXPECT_EQ(city.out_migrants, 1);  // F; G stayed in the city
  EXPECT_EQ(city.births_total(), 1);
  EXPECT_EQ(city.deaths_total(), 1);
  EXPECT_EQ(Days(city, 0, 50), 364);
  EXPECT_EQ(Days(city, 0, 51), 1);
}

TEST(SnapshotTest, PeriodsSplitTheSameDaysAsTheWholeYear) {
  const Snapshot s = Build(Events());
  auto months = SplitPeriods(kYear2021.from, kYear2021.to, PeriodSplit::kMonth);
  ASSERT_TRUE(months);
  auto panel = TallyPanel(s, {{C(kCity)}, *months, 2});
  ASSERT_TRUE(panel);
  Tally sum;
  sum.period = kYear2021;
  for (const Tally& t : *panel) sum.Merge(t);
  const Tally year = Of(s, kCity);
  EXPECT_EQ(sum.person_days, year.person_days);
  EXPECT_EQ(sum.births, year.births);
  EXPECT_EQ(sum.deaths, year.deaths);
  EXPECT_EQ(sum.in_migrants, year.in_migrants);
  EXPECT_EQ(sum.out_migrants, year.out_migrants);
  EXPECT_EQ(sum.delay_days, year.delay_days);
  EXPECT_EQ((*panel)[0].population_start, year.population_start);
  EXPECT_EQ((*panel)[11].population_end, year.population_end);
}

TEST(SnapshotTest, EventsInAnyOrderGiveTheSameSnapshot) {
  const std::vector<Event> in_order = Events();
  const Snapshot reference = Build(in_order);
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<Event> shuffled = in_order;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    const Snapshot s = Build(shuffled);
    for (const char* unit : {kV1, kV2, kV3, kTownshipA, kCity}) {
      const Tally a = Of(reference, unit), b = Of(s, unit);
      EXPECT_EQ(a.person_days, b.person_days) << unit << " round " << round;
      EXPECT_EQ(a.in_migrants, b.in_migrants) << unit;
      EXPECT_EQ(a.out_migrants, b.out_migrants) << unit;
      EXPECT_EQ(a.births_by_mother_age, b.births_by_mother_age) << unit;
    }
    for (const char* id : {"A", "G"}) {
      const auto x = reference.StaysOf(reference.FindPerson(id));
      const auto y = s.StaysOf(s.FindPerson(id));
      ASSERT_EQ(x.size(), y.size()) << id;
      for (size_t i = 0; i < x.size(); ++i) {
        EXPECT_EQ(x[i].from, y[i].from);
        EXPECT_EQ(x[i].to, y[i].to);
        EXPECT_EQ(x[i].entry, y[i].entry);
        EXPECT_EQ(x[i].exit, y[i].exit);
      }
    }
  }
}

TEST(SnapshotTest, ALateEventSplitsAStayAlreadyClosed) {
  // A death is known first; the move before it arrives later.
  Snapshot s(Tree());
  ASSERT_TRUE(s.AddPerson(P("H", Sex::kMale, "1950-01-01")));
  ASSERT_TRUE(s.Apply(E("h0", EventType::kEnumerate, "2020-01-01", "H", kV1, "2020-01-02")));
  ASSERT_TRUE(s.Apply(E("h2", EventType::kDeath, "2021-10-01", "H", kV3, "2021-10-02")));
  ASSERT_TRUE(s.Apply(E("h1", EventType::kMove, "2021-06-01", "H", kV3, "2021-09-01")));
  const auto stays = s.StaysOf(s.FindPerson("H"));
  ASSERT_EQ(stays.size(), 2u);
  EXPECT_EQ(stays[0].to, D("2021-06-01").days());
  EXPECT_EQ(stays[0].exit, Exit::kMove);
  EXPECT_EQ(stays[1].from, D("2021-06-01").days());
  EXPECT_EQ(stays[1].to, D("2021-10-01").days());
  EXPECT_EQ(stays[1].exit, Exit::kDeath);
  EXPECT_EQ(stays[1].origin, s.IndexOf(C(kV1)));
  EXPECT_EQ(Of(s, kV3).person_days[0][71], D("2021-10-01") - D("2021-06-01"));
}

TEST(SnapshotTest, AMotherAddedAfterHerChildsBirthIsFoundThen) {
  Snapshot s(Tree());
  ASSERT_TRUE(s.AddPerson(P("E", Sex::kMale, "2021-09-10", "D")));
  Event birth = E("e1", EventType::kBirth, "2021-09-10", "E", kV2, "2021-09-12");
  birth.mother_id = "D";
  birth.birth_order = 2;
  ASSERT_TRUE(s.Apply(birth));
  EXPECT_EQ(Of(s, kV2).births_mother_unknown, 1);
  EXPECT_EQ(s.GetCounts().pending_mothers, 1u);
  ASSERT_TRUE(s.AddPerson(P("D", Sex::kFemale, "1995-01-20")));
  const Tally t = Of(s, kV2);
  EXPECT_EQ(t.births_mother_unknown, 0);
  EXPECT_EQ(t.births_by_mother_age[26], 1);
  EXPECT_EQ(t.births_by_order[2], 1);
  EXPECT_EQ(s.mother(s.FindPerson("E")), s.FindPerson("D"));
  EXPECT_EQ(s.GetCounts().pending_mothers, 0u);
}

// Adding persons in bulk gives the same mothers as adding them one by one: a
// mother already here, earlier in the same batch, later in it, or never.
TEST(SnapshotTest, AddPersonsLinksMothersAsAddPersonDoes) {
  const std::vector<Person> first = {P("M1", Sex::kFemale, "1980-01-01")};
  const std::vector<Person> batch = {
      P("C1", Sex::kMale, "2005-01-01", "M1"),    // mother in an earlier batch
      P("M2", Sex::kFemale, "1982-01-01"),
      P("C2", Sex::kFemale, "2006-01-01", "M2"),  // mother earlier in this batch
      P("C3", Sex::kMale, "2007-01-01", "M3"),    // mother later in this batch
      P("M3", Sex::kFemale, "1984-01-01"),
      P("C4", Sex::kMale, "2008-01-01", "M9"),    // mother never added
  };
  Snapshot bulk(Tree()), single(Tree());
  ASSERT_TRUE(bulk.AddPersons(first));
  ASSERT_TRUE(bulk.AddPersons(batch));
  for (const auto* list : {&first, &batch})
    for (const Person& p : *list) ASSERT_TRUE(single.AddPerson(p));
  ASSERT_EQ(bulk.person_count(), 7u);
  for (const auto* list : {&first, &batch}) {
    for (const Person& p : *list) {
      const uint32_t b = bulk.FindPerson(p.person_id), s = single.FindPerson(p.person_id);
      ASSERT_EQ(b, s) << p.person_id;
      EXPECT_EQ(bulk.mother(b), single.mother(s)) << p.person_id;
    }
  }
  EXPECT_EQ(bulk.mother(bulk.FindPerson("C1")), bulk.FindPerson("M1"));
  EXPECT_EQ(bulk.mother(bulk.FindPerson("C3")), bulk.FindPerson("M3"));
  EXPECT_EQ(bulk.mother(bulk.FindPerson("C4")), kNone);
  // A failure stops the batch there, with the persons before it added.
  const std::vector<Person> bad = {P("D1", Sex::kMale, "2010-01-01"), P("C1", Sex::kMale, "2005-01-01"),
                                   P("D2", Sex::kMale, "2010-01-01")};
  EXPECT_EQ(bulk.AddPersons(bad).error().code, ErrorCode::kConflict);
  EXPECT_NE(bulk.FindPerson("D1"), kNone);
  EXPECT_EQ(bulk.FindPerson("D2"), kNone);
}

// An event applied with its person found beforehand is the same as Apply.
TEST(SnapshotTest, ApplyWithAPersonFoundBeforehand) {
  Snapshot s(Tree());
  ASSERT_TRUE(s.AddPersons(std::vector<Person>{P("A", Sex::kFemale, "1990-01-01"), P("B", Sex::kMale, "1991-01-01")}));
  const std::vector<std::string_view> ids = {"B", "nobody", "A"};
  std::vector<uint32_t> found(ids.size());
  s.FindPersons(ids, found);
  EXPECT_EQ(found[0], s.FindPerson("B"));
  EXPECT_EQ(found[1], PersonIndex::kMissing);
  ASSERT_TRUE(s.Apply(E("b0", EventType::kEnumerate, "2020-01-01", "B", kV1, "2020-01-02"), found[0]));
  EXPECT_EQ(s.Apply(E("x0", EventType::kEnumerate, "2020-01-01", "nobody", kV1, "2020-01-02"), found[1]).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(s.StaysOf(found[0]).size(), 1u);
}

TEST(SnapshotTest, RejectsWhatItCannotPlace) {
  Snapshot s(Tree());
  ASSERT_TRUE(s.AddPerson(P("A", Sex::kFemale, "1990-01-01")));
  EXPECT_EQ(s.AddPerson(P("A", Sex::kFemale, "1990-01-01")).error().code, ErrorCode::kConflict);
  EXPECT_EQ(s.AddPerson(P("X", Sex::kUnknown, "1990-01-01")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.Apply(E("z", EventType::kEnumerate, "2020-01-01", "nobody", kV1, "2020-01-01")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(s.Apply(E("z", EventType::kEnumerate, "2020-01-01", "A", "141099001001", "2020-01-01")).error().code,
            ErrorCode::kNotFound);
  EXPECT_FALSE(TallyOne(s, C("141099000000"), kYear2021));
  EXPECT_FALSE(TallyOne(s, C(kCity), {kYear2021.to, kYear2021.from}));
}

}  // namespace
}  // namespace junheng::analytics
