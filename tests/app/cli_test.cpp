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

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct CommandRun {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

// Runs junheng with `args` (shell words), today fixed so results do not move.
CommandRun Junheng(const std::string& args) {
  const std::string cmd = fmt::format("JUNHENG_TODAY=2026-11-28 JUNHENG_DATA_DIR={} {} {} 2>&1 </dev/null",
                                      JUNHENG_DATA_DIR, JUNHENG_BINARY, args);
  CommandRun r;
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("jh_cli_{}_{}", getpid(),
                                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::ofstream(Path(name)) << content;
    return Path(name);
  }
  fs::path dir_;
};

TEST_F(CliTest, EveryCommandHasHelp) {
  for (const char* cmd : {"", "init", "import", "demo", "check", "backup", "summary", "persons", "persons show"}) {
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

TEST_F(CliTest, CheckReportsAGapAndALifeThatIsNotPossible) {
  const std::string db = Path("r.db");
  ASSERT_EQ(Junheng(fmt::format("demo --db {} --scale 0.001 --seed 5", db)).exit_code, 0);
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  // A second enumeration of a resident person, appended with a gap in the sequence.
  const char* sql =
      "INSERT INTO events(seq, batch_id, source, event_id, type, date, recorded_at, person_id, division, "
      "content_hash) SELECT (SELECT max(seq) FROM events) + 5, batch_id, 'manual', 'tampered', type, "
      "date, recorded_at, person_id, division, 1 FROM events WHERE type = 'enumerate' LIMIT 1";
  char* err = nullptr;
  const int rc = sqlite3_exec(h, sql, nullptr, nullptr, &err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << (err ? err : "");
  CommandRun check = Junheng("check --db " + db);
  EXPECT_NE(check.exit_code, 0);
  EXPECT_THAT(check.out, HasSubstr("jumps from"));
  EXPECT_THAT(check.out, HasSubstr("already resident"));
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
