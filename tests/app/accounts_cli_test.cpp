// `junheng user` and `junheng audit`, run as an administrator runs them.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/run_junheng.h"
#include "app/scratch_dir.h"

namespace {

namespace fs = std::filesystem;
using junheng::app::testing::CommandRun;
using junheng::app::testing::RunJunheng;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;

class AccountsCliTest : public junheng::app::testing::ScratchDirTest {
 protected:
  AccountsCliTest() : ScratchDirTest("jh_acc_cli") {}
  void SetUp() override {
    ScratchDirTest::SetUp();
    db_ = Path("r.db");
  }

  // Runs junheng with `args` (shell words) and `input` on standard input.
  CommandRun Junheng(const std::string& args, const std::string& input = "") const {
    const std::string in = (dir_ / "stdin.txt").string();
    std::ofstream(in, std::ios::binary) << input;
    return RunJunheng(args, in);
  }
  CommandRun AddUser(const std::string& args, const std::string& password) const {
    return Junheng(fmt::format("user add --db {} {}", db_, args), password + "\n");
  }
  // Runs `sql` on the database directly, as someone with the file could.
  int RawExec(const std::string& sql) const {
    sqlite3* db = nullptr;
    sqlite3_open(db_.c_str(), &db);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc;
  }

  std::string db_;
};

TEST_F(AccountsCliTest, EveryCommandHasHelp) {
  for (const char* cmd : {"user", "user add", "user list", "audit", "audit verify", "audit list"}) {
    CommandRun r = Junheng(fmt::format("{} --help", cmd));
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_THAT(r.out, HasSubstr("Usage:")) << cmd;
  }
}

TEST_F(AccountsCliTest, AddListAndTheAuditEntryItLeaves) {
  ASSERT_EQ(Junheng("init --db " + db_).exit_code, 0);
  CommandRun add =
      AddUser("--username wang --role county_officer --division 141002000000 --name 王芳", "Linfen2035ok");
  ASSERT_EQ(add.exit_code, 0) << add.out;
  EXPECT_EQ(add.out, "created user wang (county_officer, 尧都区)\n");
  add = AddUser("--username health01 --role data_feeder --division 141000000000 --source health", "Health2035ok");
  ASSERT_EQ(add.exit_code, 0) << add.out;
  EXPECT_EQ(add.out, "created user health01 (data_feeder, 临汾市)\n");

  CommandRun list = Junheng("user list --db " + db_);
  ASSERT_EQ(list.exit_code, 0) << list.out;
  EXPECT_THAT(list.out, ContainsRegex("wang +county_officer +141002000000 +- +王芳"));
  EXPECT_THAT(list.out, ContainsRegex("health01 +data_feeder +141000000000 +health"));
  EXPECT_THAT(list.out, ::testing::Not(HasSubstr("argon2")));

  CommandRun audit = Junheng("audit list --db " + db_);
  ASSERT_EQ(audit.exit_code, 0) << audit.out;
  EXPECT_THAT(audit.out, ContainsRegex("1  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}  cli +user_add +ok +wang"));
  EXPECT_THAT(audit.out, HasSubstr("health01"));
  EXPECT_THAT(Junheng(fmt::format("audit list --db {} --after 1", db_)).out, ::testing::Not(HasSubstr("wang")));

  CommandRun verify = Junheng("audit verify --db " + db_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_THAT(verify.out, HasSubstr("audit log: 2 entries, chain intact"));
}

TEST_F(AccountsCliTest, FailuresSayOneSentenceAndExitNonZero) {
  ASSERT_EQ(Junheng("init --db " + db_).exit_code, 0);
  ASSERT_EQ(AddUser("--username wang --role county_officer --division 141002000000", "Linfen2035ok").exit_code, 0);
  struct Case {
    std::string args, password, message;
  };
  const Case cases[] = {
      {"--username li01 --role county_officer --division 141002000000", "short1", "10 to 128 bytes"},
      {"--username li01 --role boss --division 141002000000", "Linfen2035ok", "unknown role \"boss\""},
      {"--username li01 --role village_worker --division 141002000000", "Linfen2035ok", "must be a village"},
      {"--username li01 --role analyst --division 1410", "Linfen2035ok", "--division"},
      {"--username li01 --role data_feeder --division 141000000000", "Linfen2035ok", "needs a source"},
      {"--username wang --role analyst --division 141000000000", "Linfen2035ok", "is taken"},
      {"--username Li --role analyst --division 141000000000", "Linfen2035ok", "username"},
  };
  for (const Case& c : cases) {
    CommandRun r = AddUser(c.args, c.password);
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_THAT(r.out, HasSubstr(c.message)) << c.args;
    EXPECT_THAT(r.out, ::testing::StartsWith("junheng: ")) << c.args;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  }
  CommandRun no_password = Junheng(fmt::format("user add --db {} --username li01 --role analyst "
                                               "--division 141000000000", db_));
  EXPECT_NE(no_password.exit_code, 0);
  EXPECT_THAT(no_password.out, HasSubstr("no password"));
  EXPECT_EQ(Junheng(fmt::format("user list --db {}", (dir_ / "none.db").string())).exit_code, 1);
  // Only the one good user was added, and only it was audited.
  EXPECT_THAT(Junheng("audit verify --db " + db_).out, HasSubstr("audit log: 1 entries"));
}

TEST_F(AccountsCliTest, VerifyNamesTheEntryThatWasChanged) {
  ASSERT_EQ(Junheng("init --db " + db_).exit_code, 0);
  for (const char* name : {"wang", "zhao", "qian"}) {
    ASSERT_EQ(AddUser(fmt::format("--username {} --role analyst --division 141000000000", name), "Linfen2035ok")
                  .exit_code,
              0);
  }
  EXPECT_NE(RawExec("UPDATE audit SET target = 'mallory' WHERE id = 2"), SQLITE_OK);  // the trigger refuses
  ASSERT_EQ(RawExec("DROP TRIGGER audit_no_update; UPDATE audit SET target = 'mallory' WHERE id = 2"), SQLITE_OK);
  CommandRun verify = Junheng("audit verify --db " + db_);
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_THAT(verify.out, HasSubstr("audit entry 2: its hash does not match its content"));
}

}  // namespace
