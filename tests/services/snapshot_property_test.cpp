// Properties of the snapshot on a demo city: units add up, closed-form
// person-days equal a day-by-day count, and following the log incrementally
// (late, out of order, with new persons) gives what a rebuild gives.
#include <algorithm>
#include <filesystem>
#include <random>

#include <gtest/gtest.h>
#include <unistd.h>

#include "analytics/indicators.h"
#include "analytics/panel.h"
#include "services/demo_register.h"
#include "services/snapshot_loader.h"
#include "services/stats.h"
#include "store/open.h"
#include "support/test_store.h"

namespace junheng {
namespace {

using analytics::Period;
using analytics::Tally;

Date D(const char* s) { return *Date::Parse(s); }
const DivisionCode kCity = *DivisionCode::Parse("141000000000");

void ExpectSameTallies(const analytics::Snapshot& first, const analytics::Snapshot& second);

class SnapshotPropertyTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    register_ = new testing::TestRegister(std::filesystem::temp_directory_path(),
                                          "jh_snapshot_property_" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(register_->target());
    auto store = store::OpenStore(register_->target());
    ASSERT_TRUE(store.has_value()) << store.error().message;
    ASSERT_TRUE(BuildDemoRegister(**store, 0.01, 3));
    store_ = store->release();
    auto snapshot = services::LoadSnapshot(*store_);
    ASSERT_TRUE(snapshot.has_value()) << snapshot.error().message;
    snapshot_ = new analytics::Snapshot(std::move(*snapshot));
  }
  static void TearDownTestSuite() {
    delete snapshot_;
    delete store_;
    if (!testing::OnPostgres())
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(register_->target() + suffix);
    delete register_;
  }
  void SetUp() override {
    if (!snapshot_) GTEST_SKIP() << "the demo register could not be built";
  }
  static std::vector<DivisionCode> Counties() {
    std::vector<DivisionCode> out;
    for (const Division* d : snapshot_->tree().Children(kCity)) out.push_back(d->code);
    return out;
  }
  static std::vector<Period> Years() {
    return *analytics::SplitPeriods(D("2015-01-01"), D("2026-01-01"), analytics::PeriodSplit::kYear);
  }

  static inline testing::TestRegister* register_ = nullptr;
  static inline store::Store* store_ = nullptr;
  static inline analytics::Snapshot* snapshot_ = nullptr;
};

// Every county's births, deaths, person-days and migrants add up to the city's,
// except moves between counties, which are migration for each county but not for the city.
TEST_F(SnapshotPropertyTest, CountiesAddUpToTheCity) {
  const auto counties = Counties();
  ASSERT_EQ(counties.size(), 17u);
  const auto years = Years();
  auto by_county = analytics::TallyPanel(*snapshot_, {counties, years, 2});
  auto city = analytics::TallyPanel(*snapshot_, {{kCity}, years, 2});
  ASSERT_TRUE(by_county && city);
  for (size_t y = 0; y < years.size(); ++y) {
    Tally sum;
    for (size_t c = 0; c < counties.size(); ++c) sum.Merge((*by_county)[c * years.size() + y]);
    const Tally& whole = (*city)[y];
    EXPECT_EQ(sum.births, whole.births) << years[y].from.ToString();
    EXPECT_EQ(sum.deaths, whole.deaths);
    EXPECT_EQ(sum.person_days, whole.person_days);
    EXPECT_EQ(sum.population_end, whole.population_end);
    EXPECT_EQ(sum.births_by_mother_age, whole.births_by_mother_age);
    EXPECT_EQ(sum.delay_days, whole.delay_days);
    EXPECT_EQ(sum.in_migrants - sum.in_internal, whole.in_migrants);
    EXPECT_EQ(sum.out_migrants - sum.out_internal, whole.out_migrants);
    EXPECT_EQ(whole.in_internal, 0);
    EXPECT_GT(sum.in_internal, 0) << "the demo city has moves between counties";
    EXPECT_GT(whole.births_total(), 100);
  }
}

// Person-days over a year equal the residents counted on each of its days, and the
// average population is that sum over the days of the year.
TEST_F(SnapshotPropertyTest, PersonDaysEqualTheDailyCount) {
  const DivisionCode county = Counties()[1];
  const Period year{D("2020-01-01"), D("2021-01-01")};
  auto tally = analytics::TallyOne(*snapshot_, county, year);
  ASSERT_TRUE(tally);
  std::array<analytics::ByAge, analytics::kSexes> daily{};
  for (Date d = year.from; d < year.to; d = d.AddDays(1)) {
    auto point = analytics::PointPopulation(*snapshot_, county, d);
    ASSERT_TRUE(point);
    for (int s = 0; s < analytics::kSexes; ++s) {
      for (int a = 0; a < analytics::kAges; ++a) daily[s][a] += (*point)[s][a];
    }
  }
  EXPECT_EQ(tally->person_days, daily);
  int64_t total = 0;
  for (const auto& by_age : daily) for (int64_t n : by_age) total += n;
  const auto values = analytics::ComputeIndicators(*tally);
  EXPECT_DOUBLE_EQ(*values[*analytics::FindIndicator("population_avg")].value, static_cast<double>(total) / 366);
}

// A snapshot that followed the log late, out of order and without knowing every
// person gives exactly what a fresh load gives.
TEST_F(SnapshotPropertyTest, FollowingTheLogEqualsRebuilding) {
  std::vector<store::StoredEvent> log;
  ASSERT_TRUE(store_->ForEachEvent([&](const store::StoredEvent& se) { log.push_back(se); }));
  ASSERT_GT(log.size(), 20000u);
  auto divisions = store_->LoadDivisions();
  ASSERT_TRUE(divisions);
  analytics::Snapshot followed(*DivisionTree::Build(*divisions));
  // The first half of the log, with only the persons it mentions.
  const size_t half = log.size() / 2;
  for (size_t i = 0; i < half; ++i) {
    if (followed.FindPerson(log[i].event.person_id) == analytics::kNone) {
      auto person = store_->FindPerson(log[i].event.person_id);
      ASSERT_TRUE(person && *person);
      ASSERT_TRUE(followed.AddPerson(**person));
    }
  }
  for (size_t i = 0; i < half; ++i) ASSERT_TRUE(followed.Apply(log[i].event)) << log[i].event.event_id;
  // Then 2,000 later events in a shuffled order, as late records arrive ...
  std::vector<size_t> late(2000);
  for (size_t i = 0; i < late.size(); ++i) late[i] = half + i;
  std::shuffle(late.begin(), late.end(), std::mt19937(5));
  for (size_t i : late) {
    if (followed.FindPerson(log[i].event.person_id) == analytics::kNone) {
      auto person = store_->FindPerson(log[i].event.person_id);
      ASSERT_TRUE(person && *person);
      ASSERT_TRUE(followed.AddPerson(**person));
    }
    ASSERT_TRUE(followed.Apply(log[i].event)) << log[i].event.event_id;
  }
  // ... and the rest by CatchUp, which fetches the persons it has not seen.
  followed.set_applied_seq(log[half + late.size() - 1].seq);
  auto caught_up = services::CatchUp(*store_, followed);
  ASSERT_TRUE(caught_up) << caught_up.error().message;
  EXPECT_EQ(*caught_up, static_cast<int64_t>(log.size() - half - late.size()));
  EXPECT_EQ(followed.person_count(), snapshot_->person_count());

  ExpectSameTallies(*snapshot_, followed);
}

// Loading on two connections, in windows far smaller than the log, gives the
// snapshot one connection gives.
TEST_F(SnapshotPropertyTest, LoadingOnTwoConnectionsEqualsOne) {
  auto second = store::OpenStore(register_->target(), {.create_if_missing = false});
  ASSERT_TRUE(second) << second.error().message;
  auto last = store_->LastSeq();
  ASSERT_TRUE(last);
  ASSERT_GT(*last, 20 * 997) << "more windows than one";
  auto two = services::LoadSnapshot(*store_, {.second = second->get(), .piece_size = 997});
  ASSERT_TRUE(two) << two.error().message;
  EXPECT_EQ(two->applied_seq(), *last);
  EXPECT_EQ(snapshot_->applied_seq(), *last);
  const auto x = snapshot_->GetCounts(), y = two->GetCounts();
  EXPECT_EQ(x.persons, y.persons);
  EXPECT_EQ(x.stays, y.stays);
  EXPECT_EQ(x.births, y.births);
  EXPECT_EQ(x.deaths, y.deaths);
  EXPECT_EQ(x.records, y.records);
  EXPECT_EQ(x.pending_mothers, y.pending_mothers);
  ExpectSameTallies(*snapshot_, *two);
  // One connection in small windows too.
  auto one = services::LoadSnapshot(*store_, {.piece_size = 5000});
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->GetCounts().stays, x.stays);
  ExpectSameTallies(*snapshot_, *one);
}

// The same tallies from two snapshots, for the counties, the city and 60 villages.
void ExpectSameTallies(const analytics::Snapshot& first, const analytics::Snapshot& second) {
  std::vector<DivisionCode> units = SnapshotPropertyTest::Counties();
  units.push_back(kCity);
  for (const Division* v : first.tree().AtLevel(DivisionLevel::kVillage)) {
    if (units.size() >= 60) break;
    units.push_back(v->code);
  }
  const auto years = SnapshotPropertyTest::Years();
  auto a = analytics::TallyPanel(first, {units, years, 2});
  auto b = analytics::TallyPanel(second, {units, years, 2});
  ASSERT_TRUE(a && b);
  for (size_t i = 0; i < a->size(); ++i) {
    const Tally &x = (*a)[i], &y = (*b)[i];
    const std::string where = units[i / years.size()].ToString() + " " + x.period.from.ToString();
    EXPECT_EQ(x.person_days, y.person_days) << where;
    EXPECT_EQ(x.population_start, y.population_start) << where;
    EXPECT_EQ(x.births, y.births) << where;
    EXPECT_EQ(x.births_by_mother_age, y.births_by_mother_age) << where;
    EXPECT_EQ(x.births_mother_unknown, y.births_mother_unknown) << where;
    EXPECT_EQ(x.deaths, y.deaths) << where;
    EXPECT_EQ(x.in_migrants, y.in_migrants) << where;
    EXPECT_EQ(x.out_migrants, y.out_migrants) << where;
    EXPECT_EQ(x.delay_days, y.delay_days) << where;
    EXPECT_EQ(x.village_months_reporting, y.village_months_reporting) << where;
    EXPECT_DOUBLE_EQ(x.mother_age_sum[0], y.mother_age_sum[0]) << where;
  }
}

// A birth committed after the snapshot was loaded shows in the indicators once
// the snapshot catches up with the log.
TEST_F(SnapshotPropertyTest, ANewBirthShowsAfterCatchUp) {
  auto divisions = store_->LoadDivisions();
  ASSERT_TRUE(divisions);
  auto snapshot = services::LoadSnapshot(*store_);
  ASSERT_TRUE(snapshot);
  const DivisionCode village = snapshot_->tree().AtLevel(DivisionLevel::kVillage)[10]->code;
  const Period year{D("2025-01-01"), D("2026-01-01")};
  auto before = analytics::TallyOne(*snapshot, village, year);
  ASSERT_TRUE(before);

  auto batch = store_->BeginBatch({"manual", {}, Timestamp{}});
  ASSERT_TRUE(batch);
  Person child;
  child.person_id = "NEWBORN-1";
  child.name = "新生儿";
  child.sex = Sex::kFemale;
  child.birth_date = D("2025-06-01");
  ASSERT_TRUE((*batch)->InsertPerson(child, "新生儿"));
  Event birth;
  birth.event_id = "NB1";
  birth.source = "manual";
  birth.type = EventType::kBirth;
  birth.date = child.birth_date;
  birth.recorded_at = *ParseTimestamp("2025-06-03T09:00:00+08:00");
  birth.person_id = child.person_id;
  birth.division = village;
  birth.birth_order = 1;
  ASSERT_TRUE((*batch)->AppendEvent(birth, 1));
  ASSERT_TRUE((*batch)->Commit({}));

  auto applied = services::CatchUp(*store_, *snapshot);
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(*applied, 1);
  auto after = analytics::TallyOne(*snapshot, village, year);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->births[1], before->births[1] + 1);
  EXPECT_EQ(after->births_mother_unknown, before->births_mother_unknown + 1);
  EXPECT_EQ(after->person_days[1][0] - before->person_days[1][0], D("2026-01-01") - D("2025-06-01"));
  // And a fresh load agrees.
  auto fresh = services::LoadSnapshot(*store_);
  ASSERT_TRUE(fresh);
  auto again = analytics::TallyOne(*fresh, village, year);
  EXPECT_EQ(again->births, after->births);
  EXPECT_EQ(again->person_days, after->person_days);
}

}  // namespace
}  // namespace junheng
