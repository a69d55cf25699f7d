// The importer against a real SQLite register: every batch-level rule of the
// exchange format with a row that breaks it, duplicates, conflicts, order.
#include <gmock/gmock.h>

#include "ingest/import_fixture.h"

namespace junheng::ingest::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

// Every test here runs on both ways of reading the register (BothReadsTest).
using ImporterTest = BothReadsTest;
INSTANTIATE_READS(ImporterTest);

// The register the rule tests start from: W1 and M1 enumerated in A社区 on
// 2015-01-01, G1 born to W1 there on 2016-02-29 (birth order 1).
class RulesTest : public BothReadsTest {
 protected:
  void SetUp() override {
    BothReadsTest::SetUp();
    ASSERT_EQ(ImportPersons(BasePersons()).counts.persons_loaded, 3);
    auto r = ImportEvents({
        {.id = "e1", .type = "enumerate", .date = "2015-01-01", .person = "W1", .division = kV1, .source = "census"},
        {.id = "e2", .type = "enumerate", .date = "2015-01-01", .person = "M1", .division = kV1, .source = "census"},
        {.id = "b1", .type = "birth", .date = "2016-02-29", .person = "G1", .division = kV1, .source = "census",
         .mother = "W1", .father = "M1", .order = "1"},
    }, "census");
    ASSERT_EQ(r.counts.events_loaded, 3) << FormatSummary(r);
  }
};

INSTANTIATE_READS(RulesTest);

TEST_P(RulesTest, EachRegisterRuleRejectsTheRowThatBreaksIt) {
  ASSERT_EQ(ImportPersons("X9,,赵六,1,2000-01-01,01,,,,,\n"
                          "Y1,,钱七,1,2010-05-05,01,,,,,\n"
                          "K1,,幼女,2,2020-01-01,01,,,,,\n"
                          "O1,,老妇,2,1950-01-01,01,,,,,\n").counts.persons_loaded, 4);
  struct Case {
    Ev row;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {{.id = "r1", .type = "move", .date = "2020-01-01", .person = "W1", .division = "141002001099"},
       "division.unknown"},
      {{.id = "r2", .type = "move", .date = "2020-01-01", .person = "NOBODY", .division = kV2}, "person.unknown"},
      {{.id = "r3", .type = "move_in", .date = "1999-12-31", .person = "X9", .division = kV2}, "life.before_birth"},
      {{.id = "r4", .type = "move_out", .date = "2020-01-01", .person = "X9", .division = kV1, .other = "140100"},
       "life.not_resident"},
      {{.id = "r5", .type = "move_in", .date = "2020-01-01", .person = "W1", .division = kV2, .other = "140100"},
       "life.enter_while_resident"},
      {{.id = "r6", .type = "move", .date = "2020-01-01", .person = "W1", .division = kV1}, "life.move_same_division"},
      {{.id = "r8", .type = "birth", .date = "2010-05-06", .person = "Y1", .division = kV1, .order = "1"},
       "life.birth_date_mismatch"},
      {{.id = "r9", .type = "birth", .date = "2016-02-29", .person = "G1", .division = kV1, .order = "1"},
       "life.birth_not_first"},
      {{.id = "r10", .type = "death", .date = "2020-03-01", .person = "M1", .division = kV1, .cause = "O72",
        .maternal = "1"},
       "death.maternal_not_female"},
      {{.id = "r11", .type = "move", .date = "2020-01-01", .person = "W1", .division = kV2, .source = "health"},
       "source.mismatch"},
  };
  for (const Case& c : cases) {
    const auto r = ImportEvents({c.row});
    EXPECT_EQ(r.counts.events_loaded, 0) << c.row.id << " should break " << c.reason;
    EXPECT_THAT(ReasonsOf(r, c.row.id), Contains(c.reason)) << c.row.id;
  }
}

TEST_P(RulesTest, MotherRules) {
  ASSERT_EQ(ImportPersons("C2,,男孩,1,2019-06-01,01,,M1,,,\n"      // mother is a man
                          "C3,,女孩,2,2019-06-01,01,,W1,,,\n"      // order 1 again after G1
                          "C4,,孩四,2,2019-06-02,01,,W1,,,\n"      // order 2 before C3's order... fine
                          "K1,,幼女,2,2012-01-01,01,,,,,\n"        // girl aged 9 at C5's birth
                          "C5,,孩五,1,2021-01-01,01,,K1,,,\n"
                          "O1,,老妇,2,1950-01-01,01,,,,,\n"        // 71 at C6's birth
                          "C6,,孩六,1,2021-01-01,01,,O1,,,\n").counts.persons_loaded, 7);
  ASSERT_EQ(ImportEvents({{.id = "k", .type = "enumerate", .date = "2015-01-01", .person = "K1", .division = kV1},
                          {.id = "o", .type = "enumerate", .date = "2015-01-01", .person = "O1", .division = kV1}})
                .counts.events_loaded, 2);
  auto r = ImportEvents({
      {.id = "x2", .type = "birth", .date = "2019-06-01", .person = "C2", .division = kV1, .source = "health",
       .mother = "M1", .order = "1"},
      {.id = "x3", .type = "birth", .date = "2019-06-01", .person = "C3", .division = kV1, .source = "health",
       .mother = "W1", .order = "1"},
      {.id = "x5", .type = "birth", .date = "2021-01-01", .person = "C5", .division = kV1, .source = "health",
       .mother = "K1", .order = "1"},
      {.id = "x6", .type = "birth", .date = "2021-01-01", .person = "C6", .division = kV1, .source = "health",
       .mother = "O1", .order = "1"},
  }, "health");
  EXPECT_THAT(ReasonsOf(r, "x2"), Contains("mother.not_female"));
  EXPECT_THAT(ReasonsOf(r, "x3"), ElementsAre("birth_order.inconsistent"));
  EXPECT_THAT(ReasonsOf(r, "x5"), ElementsAre("mother.age"));
  EXPECT_THAT(ReasonsOf(r, "x6"), ElementsAre("mother.age"));
  EXPECT_EQ(r.counts.events_loaded, 0);
  // The next order after the register's birth of order 1 is fine.
  auto next = ImportEvents({{.id = "x4", .type = "birth", .date = "2019-06-02", .person = "C4", .division = kV1,
                            .source = "health", .mother = "W1", .order = "2"}}, "health");
  EXPECT_EQ(next.counts.events_loaded, 1) << FormatSummary(next);
}

TEST_P(RulesTest, NothingAfterDeathAndMaternalDeathAge) {
  ASSERT_EQ(ImportEvents({{.id = "d1", .type = "death", .date = "2021-05-01", .person = "W1", .division = kV1,
                           .cause = "O72", .maternal = "1"}}).counts.events_loaded, 1);
  auto r = ImportEvents({{.id = "after", .type = "move", .date = "2021-06-01", .person = "W1", .division = kV2}});
  EXPECT_THAT(ReasonsOf(r, "after"), ElementsAre("life.after_death"));
  ASSERT_EQ(ImportPersons("OLD,,老太,2,1940-01-01,01,,,,,\n").counts.persons_loaded, 1);
  ASSERT_EQ(ImportEvents({{.id = "oe", .type = "enumerate", .date = "2015-01-01", .person = "OLD", .division = kV1}})
                .counts.events_loaded, 1);
  auto old = ImportEvents({{.id = "od", .type = "death", .date = "2020-01-01", .person = "OLD", .division = kV1,
                            .cause = "O72", .maternal = "1"}});
  EXPECT_THAT(ReasonsOf(old, "od"), ElementsAre("death.maternal_age"));
  // A birth to a mother who died before it.
  ASSERT_EQ(ImportPersons("LATE,,遗孤,1,2022-01-01,01,,W1,,,\n").counts.persons_loaded, 1);
  auto orphan = ImportEvents({{.id = "lb", .type = "birth", .date = "2022-01-01", .person = "LATE", .division = kV1,
                               .source = "health", .mother = "W1", .order = "2"}}, "health");
  EXPECT_THAT(ReasonsOf(orphan, "lb"), Contains("mother.dead"));
}

TEST_P(RulesTest, LateRecordInTheMiddleOfALifeIsReplayed) {
  ASSERT_EQ(ImportEvents({{.id = "m1", .type = "move", .date = "2022-01-01", .person = "M1", .division = kV2}})
                .counts.events_loaded, 1);
  // Arrives later but happened before the 2022 move: possible, so accepted.
  auto ok = ImportEvents({{.id = "m0", .type = "move", .date = "2019-01-01", .person = "M1", .division = kV3}});
  EXPECT_EQ(ok.counts.events_loaded, 1) << FormatSummary(ok);
  // A death in 2020 would put the 2022 move after death: rejected.
  auto bad = ImportEvents({{.id = "dd", .type = "death", .date = "2020-01-01", .person = "M1", .division = kV3,
                            .cause = "I21"}});
  EXPECT_THAT(ReasonsOf(bad, "dd"), ElementsAre("life.after_death"));
}

// What a file teaches the importer about itself: a key seen earlier in the same
// file, a mother's births earlier in the same file, a life the file changes.
TEST_P(RulesTest, RowsOfOneFileSeeTheRowsBeforeThem) {
  ASSERT_EQ(ImportPersons("C7,,七宝,1,2020-05-05,01,,W1,M1,,\n"
                          "C8,,八宝,2,2021-06-06,01,,W1,M1,,\n").counts.persons_loaded, 2);
  const Ev move{.id = "mv", .type = "move", .date = "2019-03-01", .person = "M1", .division = kV2};
  Ev changed = move;
  changed.division = kV3;
  auto r = ImportEvents({
      move, move,       // the same row twice: a duplicate
      {.id = "mv2", .type = "move", .date = "2019-04-01", .person = "M1", .division = kV2},  // already there
      {.id = "c7", .type = "birth", .date = "2020-05-05", .person = "C7", .division = kV1, .mother = "W1",
       .order = "2"},
      {.id = "c8", .type = "birth", .date = "2021-06-06", .person = "C8", .division = kV1, .mother = "W1",
       .order = "2"},   // W1's third child, after G1 and C7
      {.id = "e2", .type = "enumerate", .date = "2015-01-01", .person = "M1", .division = kV1,
       .source = "census"},  // in the log since SetUp, sent again
  });
  EXPECT_EQ(r.counts.events_loaded, 2) << FormatSummary(r);
  EXPECT_EQ(r.counts.duplicates, 1);
  EXPECT_THAT(ReasonsOf(r, "mv2"), ElementsAre("life.move_same_division"));
  EXPECT_THAT(ReasonsOf(r, "c8"), ElementsAre("birth_order.inconsistent"));
  EXPECT_THAT(ReasonsOf(r, "e2"), Contains("source.mismatch"));
  // The same key with other content in one later file: a conflict, the log unchanged.
  auto again = ImportEvents({changed});
  EXPECT_EQ(again.counts.conflicts, 1) << FormatSummary(again);
  EXPECT_EQ(store_->EventsOfPerson("M1")->back().event.division.ToString(), kV2);
}

TEST_P(ImporterTest, EventsOfAFileAreAppliedInDateOrder) {
  ASSERT_EQ(ImportPersons("P1,,张三,1,1980-01-01,01,,,,,\n").counts.persons_loaded, 1);
  auto r = ImportEvents({
      {.id = "3", .type = "move_out", .date = "2021-03-01", .person = "P1", .division = kV2, .other = "140100"},
      {.id = "1", .type = "move_in", .date = "2021-01-01", .person = "P1", .division = kV1, .other = "110105"},
      {.id = "2", .type = "move", .date = "2021-02-01", .person = "P1", .division = kV2},
  });
  EXPECT_EQ(r.counts.events_loaded, 3) << FormatSummary(r);
  auto events = *store_->EventsOfPerson("P1");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event.event_id, "1");
  EXPECT_EQ(events[2].event.event_id, "3");
}

TEST_P(ImporterTest, BadRowsAreQuarantinedWithEveryReasonAndGoodRowsStillLoad) {
  const std::string csv = std::string(kPersonsHeader) +
                          "P1,,张三,1,1980-01-01,01,,,,,\n"
                          "P2," + MakeCitizenId("19800101", "002") + ",李四,1,1980-01-02,01,,,,,12\n"
                          "P3,,\"王, 五\",2,1985-05-05,01,,,,,\n";
  auto r = ImportText("persons.csv", csv, Options("public_security"));
  EXPECT_EQ(r.counts.persons_loaded, 2);
  EXPECT_EQ(r.counts.rejected, 1);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0].line, 3);
  EXPECT_THAT(ReasonsOf(r, "P2"), ElementsAre("citizen_id.birth_date_mismatch", "citizen_id.sex_mismatch",
                                              "phone.invalid"));
  auto q = *store_->ListQuarantine(r.batch_id);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].line, 3);
  EXPECT_EQ(q[0].source, "public_security");
  EXPECT_NE(q[0].file.find("persons.csv"), std::string::npos);
  EXPECT_EQ(q[0].raw.substr(0, 3), "P2,");
  EXPECT_EQ(q[0].reasons.size(), 3u);
  EXPECT_EQ(store_->FindPerson("P3")->value().name, "王, 五");
}

TEST_P(ImporterTest, MalformedCsvRowsAreQuarantined) {
  const std::string csv = std::string(kPersonsHeader) + "P1,,张三,1,1980-01-01,01,,,,,\nP2,,\"李四,1\n";
  auto r = ImportText("persons.csv", csv, Options("public_security"));
  EXPECT_EQ(r.counts.persons_loaded, 1);
  EXPECT_EQ(r.rejected_by_reason.at("row.malformed"), 1);
}

TEST_P(ImporterTest, ReimportingChangesNothing) {
  const std::string persons = BasePersons();
  const std::vector<Ev> events = {
      {.id = "e1", .type = "enumerate", .date = "2015-01-01", .person = "W1", .division = kV1},
      {.id = "e2", .type = "move", .date = "2018-01-01", .person = "W1", .division = kV2}};
  ASSERT_EQ(ImportPersons(persons).counts.persons_loaded, 3);
  ASSERT_EQ(ImportEvents(events).counts.events_loaded, 2);
  const auto before = Summary();
  auto p = ImportPersons(persons);
  auto e = ImportEvents(events);
  EXPECT_EQ(p.counts.duplicates, 3);
  EXPECT_EQ(e.counts.duplicates, 2);
  EXPECT_EQ(p.counts.persons_loaded + e.counts.events_loaded + e.counts.rejected + e.counts.conflicts, 0);
  const auto after = Summary();
  EXPECT_EQ(after.persons, before.persons);
  EXPECT_EQ(after.events, before.events);
  EXPECT_EQ(after.max_seq, before.max_seq);
}

TEST_P(ImporterTest, SameKeyWithOtherContentIsAConflictNeverAnOverwrite) {
  ASSERT_EQ(ImportPersons(BasePersons()).counts.persons_loaded, 3);
  ASSERT_EQ(ImportEvents({{.id = "e1", .type = "enumerate", .date = "2015-01-01", .person = "W1", .division = kV1}})
                .counts.events_loaded, 1);
  auto e = ImportEvents({{.id = "e1", .type = "enumerate", .date = "2015-01-01", .person = "W1", .division = kV2}});
  EXPECT_EQ(e.counts.conflicts, 1);
  EXPECT_EQ(store_->EventsOfPerson("W1")->at(0).event.division.ToString(), kV1);
  auto p = ImportPersons("M1," + MakeCitizenId("19880701", "011") + ",王刚,1,1988-07-01,01,141002001001,,,H1,\n");
  EXPECT_EQ(p.counts.conflicts, 1);
  ASSERT_EQ(p.conflicts.size(), 1u);
  EXPECT_NE(p.conflicts[0].message.find("name"), std::string::npos) << p.conflicts[0].message;
  EXPECT_EQ(store_->FindPerson("M1")->value().name, "王强");
  auto conflicts = *store_->ListConflicts(0);
  ASSERT_EQ(conflicts.size(), 2u);
  EXPECT_EQ(conflicts[0].existing_seq, 1);
}

TEST_P(ImporterTest, JsonLinesImportTheSameWay) {
  const std::string jsonl =
      "{\"person_id\":\"J1\",\"name\":\"周九\",\"sex\":1,\"birth_date\":\"1970-07-07\"}\n"
      "{\"person_id\":\"J2\",\"name\":\"吴十\",\"sex\":3,\"birth_date\":\"1971-07-07\"}\n";
  auto r = ImportText("persons.jsonl", jsonl, Options("civil_affairs"));
  EXPECT_EQ(r.counts.persons_loaded, 1);
  EXPECT_THAT(ReasonsOf(r, "J2"), ElementsAre("sex.invalid"));
}

TEST_P(ImporterTest, ReportJsonListsEveryRejectedRow) {
  auto r = ImportPersons("P1,,,3,1980-13-01,01,,,,,\n");
  const std::string json = ToJson(r);
  EXPECT_NE(json.find("\"line\": 2"), std::string::npos) << json;
  EXPECT_NE(json.find("name.missing"), std::string::npos);
  EXPECT_NE(json.find("sex.invalid"), std::string::npos);
  EXPECT_NE(json.find("birth_date.invalid"), std::string::npos);
}

}  // namespace
}  // namespace junheng::ingest::testing

namespace junheng::ingest::testing {
namespace {

TEST_P(RulesTest, ADeathReportedInAnotherVillageStillEndsTheLife) {
  // The register has M1 in A社区; civil affairs reports the death in C村 (a move
  // in between was never reported). The death counts; nothing may follow it.
  auto r = ImportEvents({{.id = "d", .type = "death", .date = "2022-01-01", .person = "M1", .division = kV3,
                          .cause = "I21"},
                         {.id = "after", .type = "move", .date = "2022-02-01", .person = "M1", .division = kV2}});
  EXPECT_EQ(r.counts.events_loaded, 1);
  EXPECT_THAT(ReasonsOf(r, "after"), ElementsAre("life.after_death"));
}

}  // namespace
}  // namespace junheng::ingest::testing

namespace junheng::ingest::testing {
namespace {

// The typed path keeps what it learns across records: a mother whose record
// arrives after a birth that named her still has that birth counted.
TEST_P(ImporterTest, AMotherWhoArrivesAfterHerChildKeepsTheBirthInHerOrder) {
  Importer importer(*store_, Options(""));
  ASSERT_TRUE(importer.Begin({"typed"}));
  auto person = [](std::string id, Sex sex, std::string birth, std::string mother) {
    Person p;
    p.person_id = std::move(id);
    p.name = "测试";
    p.sex = sex;
    p.birth_date = *Date::Parse(birth);
    p.mother_id = std::move(mother);
    return p;
  };
  auto birth = [](std::string id, std::string child, std::string date) {
    Event e;
    e.event_id = std::move(id);
    e.source = "health";
    e.type = EventType::kBirth;
    e.date = *Date::Parse(date);
    e.recorded_at = *ParseTimestamp(date + "T12:00:00+08:00");
    e.person_id = std::move(child);
    e.division = *DivisionCode::Parse(kV1);
    e.mother_id = "MOM";
    e.birth_order = 1;
    return e;
  };
  const RowOrigin origin{"typed", 1, {}};
  ASSERT_TRUE(importer.AddPerson(person("C1", Sex::kMale, "2020-05-05", "MOM"), origin));
  ASSERT_TRUE(importer.AddEvent(birth("b1", "C1", "2020-05-05"), origin));  // MOM not in the register yet
  ASSERT_TRUE(importer.AddPerson(person("MOM", Sex::kFemale, "1990-01-01", ""), origin));
  ASSERT_TRUE(importer.AddPerson(person("C2", Sex::kFemale, "2022-07-07", "MOM"), origin));
  ASSERT_TRUE(importer.AddEvent(birth("b2", "C2", "2022-07-07"), origin));  // order 1 again
  auto r = importer.Commit();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->counts.events_loaded, 1);
  EXPECT_THAT(ReasonsOf(*r, "b2"), ElementsAre("birth_order.inconsistent"));
}

}  // namespace
}  // namespace junheng::ingest::testing

namespace junheng::ingest::testing {
namespace {

TEST_P(ImporterTest, AQuarantinedEventKeepsItsOwnSourceWhenNoneIsGiven) {
  auto r = ImportText("e.csv", std::string(kEventsHeader) +
                                   Ev{.id = "q1", .type = "move", .date = "2020-01-01", .person = "NOBODY",
                                      .division = kV1, .source = "civil_affairs"}.Csv() +
                                   Ev{.id = "q2", .type = "move", .date = "bad", .person = "NOBODY",
                                      .division = kV1, .source = "health"}.Csv(),
                       Options(""));
  auto q = *store_->ListQuarantine(r.batch_id);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].source, "health");         // rejected by single-record rules
  EXPECT_EQ(q[1].source, "civil_affairs");  // rejected against the register
}

}  // namespace
}  // namespace junheng::ingest::testing
