// The junheng command line, run as a person runs it: exit codes, messages, files.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/run_junheng.h"
#include "app/scratch_dir.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using junheng::app::testing::CommandRun;

// Runs junheng with `args` (shell words), today fixed so results do not move.
CommandRun Junheng(const std::string& args) {
  return junheng::app::testing::RunJunheng(args, "/dev/null", "JUNHENG_TODAY=2026-11-28");
}

// A number as junheng prints it: up to six decimals, trailing zeros dropped.
std::string FormatLike(double x) {
  std::string s = fmt::format("{:.6f}", x);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

class CliTest : public junheng::app::testing::ScratchDirTest {
 protected:
  CliTest() : ScratchDirTest("jh_cli") {}
};

TEST_F(CliTest, EveryCommandHasHelp) {
  for (const char* cmd : {"", "init", "import", "demo", "check", "backup", "summary", "persons", "persons show",
                          "stats", "stats pyramid", "stats lifetable", "stats fertility"}) {
    CommandRun r = Junheng(fmt::format("{} --help", cmd));
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_THAT(r.out, HasSubstr("Usage:")) << cmd;
  }
}

TEST_F(CliTest, FailuresSayOneSentenceAndExitNonZero) {
  struct Case {
    std::string args, message;
  };
  const std::string db = Path("r.db");
  ASSERT_EQ(Junheng("init --db " + db).exit_code, 0);
  const Case cases[] = {
      {"import --db " + Path("none.db") + " x.csv", "there is no database at"},
      {"import --db " + db + " " + Path("missing.csv"), "cannot read"},
      {"init --db " + db, "already holds a register"},
      {"persons show --db " + db + " NOBODY", "no person with person_id or citizen id NOBODY"},
      {"backup --db " + db + " --to " + db, "never overwrites"},
      {"demo --db " + Path("d.db") + " --scale 0", "--scale must be above 0"},
      {"import --db " + db + " --mapping " + Write("bad.toml", "kind = \"people\"\n") + " " +
           Write("e.csv", "a,b\n1,2\n"),
       "bad.toml"},
  };
  for (const Case& c : cases) {
    CommandRun r = Junheng(c.args);
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_THAT(r.out, HasSubstr(c.message)) << c.args;
    EXPECT_THAT(r.out, HasSubstr("junheng: ")) << c.args;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "one line, not a dump: " << r.out;
  }
}

TEST_F(CliTest, ImportPrintsASummaryAndWritesAReport) {
  const std::string db = Path("r.db");
  ASSERT_EQ(Junheng("init --db " + db).exit_code, 0);
  const std::string persons = Write("p.csv",
                                    "person_id,name,sex,birth_date\n"
                                    "A1,张三,1,1980-01-01\n"
                                    "A2,李四,3,1980-01-01\n");
  const std::string events = Write("e.csv",
                                   "event_id,type,date,recorded_at,person_id,division\n"
                                   "x1,enumerate,2015-01-01,2015-01-02,A1,141002001001\n"
                                   "x2,move,2016-01-01,2016-01-02,A1,141002001001\n");
  CommandRun r = Junheng(fmt::format("import --db {} --source census --report {} {} {}", db, Path("rep.json"), persons,
                              events));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("persons loaded                         1"));
  EXPECT_THAT(r.out, HasSubstr("events loaded                          1"));
  EXPECT_THAT(r.out, HasSubstr("sex.invalid"));
  EXPECT_THAT(r.out, HasSubstr("life.move_same_division"));
  std::stringstream report;
  report << std::ifstream(Path("rep.json")).rdbuf();
  EXPECT_THAT(report.str(), HasSubstr("\"person_id\": \"A2\""));
  EXPECT_THAT(report.str(), HasSubstr("\"event_id\": \"x2\""));
  EXPECT_THAT(report.str(), HasSubstr("\"line\": 3"));
}

TEST_F(CliTest, DemoIsDeterministicAndPassesCheck) {
  const std::string a = Path("a.db"), b = Path("b.db"), c = Path("c.db");
  CommandRun ra = Junheng(fmt::format("demo --db {} --scale 0.002 --seed 11", a));
  ASSERT_EQ(ra.exit_code, 0) << ra.out;
  EXPECT_THAT(ra.out, Not(HasSubstr("rejected")));
  CommandRun rb = Junheng(fmt::format("demo --db {} --scale 0.002 --seed 11", b));
  CommandRun rc = Junheng(fmt::format("demo --db {} --scale 0.002 --seed 12", c));
  const std::string sa = Junheng("summary --db " + a).out, sb = Junheng("summary --db " + b).out,
                    sc = Junheng("summary --db " + c).out;
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
  CommandRun check = Junheng("check --db " + a);
  EXPECT_EQ(check.exit_code, 0) << check.out;
  EXPECT_THAT(check.out, HasSubstr("OK:"));
}

// `junheng check` on a small demo city after `sql` wrote to it past the store.
CommandRun CheckAfterWritingPastTheStore(const std::string& db, const char* sql) {
  CommandRun demo = Junheng(fmt::format("demo --db {} --scale 0.001 --seed 5", db));
  EXPECT_EQ(demo.exit_code, 0) << demo.out;
  sqlite3* h = nullptr;
  EXPECT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(h, sql, nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(h);
  return Junheng("check --db " + db);
}

// The log has no foreign keys (schema version 4): its writers check an event's
// person and division, and check verifies both.
TEST_F(CliTest, CheckNamesAnEventOfNobodyAndOneInAnUnknownDivision) {
  CommandRun check = CheckAfterWritingPastTheStore(
      Path("r.db"),
      "INSERT INTO events(seq, batch_id, source, event_id, type, date, recorded_at, person_id, division, "
      "content_hash) SELECT (SELECT max(seq) FROM events) + 1, 1, 'manual', 'nobody', 'move', '2024-01-02', "
      "'2024-01-03T00:00:00Z', 'P-NOBODY', '141002001001', 1;"
      "INSERT INTO events(seq, batch_id, source, event_id, type, date, recorded_at, person_id, division, "
      "content_hash) SELECT (SELECT max(seq) FROM events) + 1, 1, 'manual', 'nowhere', 'move', '2024-01-02', "
      "'2024-01-03T00:00:00Z', person_id, '149999000001', 1 FROM events LIMIT 1;");
  EXPECT_NE(check.exit_code, 0);
  EXPECT_THAT(check.out, HasSubstr("(manual nobody) names person P-NOBODY, who is not in the register"));
  EXPECT_THAT(check.out, HasSubstr("(manual nowhere) names division 149999000001, which is not in the register"));
}

TEST_F(CliTest, CheckReportsAGapAndALifeThatIsNotPossible) {
  // A second enumeration of a resident person, appended with a gap in the sequence.
  CommandRun check = CheckAfterWritingPastTheStore(
      Path("r.db"),
      "INSERT INTO events(seq, batch_id, source, event_id, type, date, recorded_at, person_id, division, "
      "content_hash) SELECT (SELECT max(seq) FROM events) + 5, batch_id, 'manual', 'tampered', type, "
      "date, recorded_at, person_id, division, 1 FROM events WHERE type = 'enumerate' LIMIT 1");
  EXPECT_NE(check.exit_code, 0);
  EXPECT_THAT(check.out, HasSubstr("jumps from"));
  EXPECT_THAT(check.out, HasSubstr("already resident"));
  // Written past the store, the event is in no batch's tallies either.
  EXPECT_THAT(check.out, HasSubstr("the store counts events by type as"));
}

TEST_F(CliTest, PersonsShowMasksUnlessAsked) {
  const std::string db = Path("r.db");
  ASSERT_EQ(Junheng("init --db " + db).exit_code, 0);
  ASSERT_EQ(Junheng(fmt::format("import --db {} --source census {}", db,
                                Write("p.csv", "person_id,citizen_id,name,sex,birth_date,phone\n"
                                               "A1,11010519491231002X,张三,2,1949-12-31,13912345678\n")))
                .exit_code, 0);
  CommandRun masked = Junheng("persons show --db " + db + " A1");
  EXPECT_EQ(masked.exit_code, 0) << masked.out;
  EXPECT_THAT(masked.out, HasSubstr("110105********002X"));
  EXPECT_THAT(masked.out, HasSubstr("139****5678"));
  EXPECT_THAT(masked.out, Not(HasSubstr("11010519491231002X")));
  CommandRun by_id = Junheng("persons show --db " + db + " --unmask 11010519491231002X");
  EXPECT_THAT(by_id.out, HasSubstr("11010519491231002X"));
  EXPECT_THAT(by_id.out, HasSubstr("13912345678"));
}

TEST_F(CliTest, BackupIsACompleteCopy) {
  const std::string db = Path("r.db"), copy = Path("copy.db");
  ASSERT_EQ(Junheng(fmt::format("demo --db {} --scale 0.001 --seed 2", db)).exit_code, 0);
  ASSERT_EQ(Junheng(fmt::format("backup --db {} --to {}", db, copy)).exit_code, 0);
  EXPECT_EQ(Junheng("summary --db " + db).out, Junheng("summary --db " + copy).out);
  EXPECT_EQ(Junheng("check --db " + copy).exit_code, 0);
}

}  // namespace

namespace {

// Lines of a CSV text.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

// A register small enough to work out by hand: two women and a man in one village of
// 尧都区, one birth and one death in 2021.
class StatsCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    db_ = Path("r.db");
    ASSERT_EQ(Junheng("init --db " + db_).exit_code, 0);
    const std::string persons = Write("p.csv",
                                      "person_id,name,sex,birth_date,mother_id\n"
                                      "W1,王芳,2,1995-01-20,\n"
                                      "W2,李娜,2,1990-06-15,\n"
                                      "M1,张伟,1,1960-03-10,\n"
                                      "C1,王小明,1,2021-09-10,W1\n");
    const std::string events = Write("e.csv",
                                     "event_id,type,date,recorded_at,person_id,division,mother_id,birth_order\n"
                                     "e1,enumerate,2020-01-01,2020-01-05,W1,141002001001,,\n"
                                     "e2,enumerate,2020-01-01,2020-01-05,W2,141002001001,,\n"
                                     "e3,enumerate,2020-01-01,2020-01-05,M1,141002001001,,\n"
                                     "e4,birth,2021-09-10,2021-09-20,C1,141002001001,W1,1\n"
                                     "e5,death,2021-03-10,2021-03-12,M1,141002001001,,\n");
    CommandRun r = Junheng(fmt::format("import --db {} --source manual {} {}", db_, persons, events));
    ASSERT_EQ(r.exit_code, 0) << r.out;
  }
  std::string db_;
};

TEST_F(StatsCliTest, CsvHasTheNamedColumnsAndHandWorkedValues) {
  CommandRun r = Junheng(fmt::format(
      "stats --db {} --division 141002000000 --from 2021-01-01 --to 2022-01-01 "
      "--indicators population_avg,births,deaths,cbr,srb,srb_lo,imr,tfr",
      db_));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0], "division,name,from,to,population_avg,births,deaths,cbr,srb,srb_lo,imr,tfr");
  // Person-days: W1 365, W2 365, M1 68 (to 9 March), C1 113 (from 10 September) = 911.
  // CBR = 1 / (911/365) × 1000; no girls born, so no sex ratio; TFR = 1 birth at 26
  // over W1's 346 days aged 26 (from her birthday, 20 January) = 365/346.
  EXPECT_EQ(lines[1], fmt::format("141002000000,尧都区,2021-01-01,2022-01-01,{},1,1,{},,,0,{}",
                                  FormatLike(911.0 / 365), FormatLike(1 / (911.0 / 365) * 1000),
                                  FormatLike(365.0 / 346)));
}

TEST_F(StatsCliTest, ChildrenAndMonthsGiveOneRowEach) {
  CommandRun r = Junheng(fmt::format(
      "stats --db {} --division 141000000000 --children --from 2021-01-01 --to 2021-04-01 --by month "
      "--indicators births,deaths",
      db_));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto lines = Lines(r.out);
  EXPECT_EQ(lines.size(), 1u + 17 * 3);  // 17 counties × 3 months
  EXPECT_THAT(r.out, HasSubstr("141002000000,尧都区,2021-03-01,2021-04-01,0,1\n"));
  EXPECT_THAT(r.out, HasSubstr("141082000000,霍州市,2021-01-01,2021-02-01,0,0\n"));
}

TEST_F(StatsCliTest, JsonCarriesNumeratorAndDenominatorAndNullForNoValue) {
  CommandRun r = Junheng(fmt::format(
      "stats --db {} --division 141002001001 --from 2021-01-01 --to 2022-01-01 --format json --indicators cbr,srb",
      db_));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("\"numerator\": 1.0"));
  EXPECT_THAT(r.out, HasSubstr("\"srb\": {\n"));
  EXPECT_THAT(r.out, HasSubstr("\"value\": null"));
  EXPECT_THAT(r.out, HasSubstr("\"zh\": \"出生率\""));
}

TEST_F(StatsCliTest, PyramidFertilityAndLifeTable) {
  CommandRun pyramid = Junheng(fmt::format("stats pyramid --db {} --division 141002000000 --on 2021-12-31", db_));
  ASSERT_EQ(pyramid.exit_code, 0) << pyramid.out;
  EXPECT_THAT(pyramid.out, HasSubstr("age,male,female\n0,1,0\n"));
  EXPECT_THAT(pyramid.out, HasSubstr("\n26,0,1\n"));  // W1
  EXPECT_THAT(pyramid.out, HasSubstr("\n31,0,1\n"));  // W2
  EXPECT_THAT(pyramid.out, HasSubstr("\n100+,0,0\n"));
  CommandRun fertility = Junheng(fmt::format(
      "stats fertility --db {} --division 141002000000 --from 2021-01-01 --to 2022-01-01", db_));
  ASSERT_EQ(fertility.exit_code, 0) << fertility.out;
  EXPECT_THAT(fertility.out, HasSubstr(fmt::format("\n26,1,{},{}\n", FormatLike(346.0 / 365),
                                                   FormatLike(365.0 / 346 * 1000))));
  EXPECT_THAT(fertility.out, HasSubstr("\n20,0,0,\n"));  // no women aged 20: no rate
  // Three people cannot make a life table: one sentence saying why.
  CommandRun lifetable = Junheng(fmt::format(
      "stats lifetable --db {} --division 141002000000 --from 2021-01-01 --to 2022-01-01", db_));
  EXPECT_NE(lifetable.exit_code, 0);
  EXPECT_THAT(lifetable.out, HasSubstr("junheng: "));
  EXPECT_EQ(std::count(lifetable.out.begin(), lifetable.out.end(), '\n'), 1) << lifetable.out;
}

TEST_F(StatsCliTest, BadArgumentsSayWhatIsWrong) {
  const std::string base = "stats --db " + db_;
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {base + " --from 2021-01-01 --to 2022-01-01", "--division is required"},
      {base + " --division 141002000000 --from 2021-01-01 --to 2021-01-01", "the period is empty"},
      {base + " --division 141002000000 --from 2021-13-01 --to 2022-01-01", "--from must be a date"},
      {base + " --division 149999000000 --from 2021-01-01 --to 2022-01-01", "is not in the register"},
      {base + " --division 141002000000 --from 2021-01-01 --to 2022-01-01 --by week", "--by must be"},
      {base + " --division 141002000000 --from 2021-01-01 --to 2022-01-01 --indicators tfr,xyz",
       "no indicator named 'xyz'"},
      {base + " --division 141002001001 --children --from 2021-01-01 --to 2022-01-01", "has no child divisions"},
  };
  for (const Case& c : cases) {
    CommandRun r = Junheng(c.args);
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_THAT(r.out, HasSubstr(c.message)) << c.args;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  }
}
