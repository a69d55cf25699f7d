// Roles, adding users, signing in and out, lockout and idle timeout:
// services/accounts.h against a real SQLite register and a fake clock.
#include <gmock/gmock.h>

#include "accounts_fixture.h"
#include "services/digest.h"

namespace junheng::services::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPassword[] = "Linfen2035ok";

class AccountsTest : public AccountsFixture {
 protected:
  void SetUp() override {
    AccountsFixture::SetUp();
    accounts_ = std::make_unique<Accounts>(*pool_, clock_, FastOptions());
    auto wang = accounts_->AddUser({"wang", "王芳", Role::kCountyOfficer, Code(kCounty), ""}, kPassword);
    ASSERT_TRUE(wang.has_value()) << wang.error().message;
  }
  std::unique_ptr<Accounts> accounts_;
};

TEST(RoleTest, NamesTitlesAndPermissions) {
  struct Case {
    Role role;
    std::string_view name, title;
    Permissions p;  // read, unmasked, write, import, review, manage users
  };
  const Case cases[] = {
      {Role::kCityAdmin, "city_admin", "市级管理员", {true, true, true, true, true, true}},
      {Role::kCountyOfficer, "county_officer", "县级人口专干", {true, true, true, true, true, false}},
      {Role::kTownshipStaff, "township_staff", "乡镇工作人员", {true, false, true, false, false, false}},
      {Role::kVillageWorker, "village_worker", "村人口工作服务员", {true, false, true, false, false, false}},
      {Role::kDataFeeder, "data_feeder", "部门数据报送员", {false, false, false, true, false, false}},
      {Role::kAnalyst, "analyst", "只读分析员", {false, false, false, false, false, false}},
  };
  ASSERT_EQ(AllRoles().size(), std::size(cases));
  for (const Case& c : cases) {
    EXPECT_EQ(RoleName(c.role), c.name);
    EXPECT_EQ(RoleTitle(c.role), c.title);
    EXPECT_EQ(RoleFromName(c.name), c.role);
    const Permissions p = PermissionsOf(c.role);
    EXPECT_EQ(p.read_persons, c.p.read_persons) << c.name;
    EXPECT_EQ(p.see_unmasked, c.p.see_unmasked) << c.name;
    EXPECT_EQ(p.write_events, c.p.write_events) << c.name;
    EXPECT_EQ(p.import_files, c.p.import_files) << c.name;
    EXPECT_EQ(p.review, c.p.review) << c.name;
    EXPECT_EQ(p.manage_users, c.p.manage_users) << c.name;
  }
  EXPECT_FALSE(RoleFromName("admin").has_value());
}

TEST_F(AccountsTest, AddUserEnforcesEveryRule) {
  struct Case {
    NewUser user;
    std::string password;
    ErrorCode code;        // kInternal: expected to succeed
    std::string message;   // a piece of the message naming the field
  };
  auto user = [](std::string name, Role role, uint64_t division, std::string source = "") {
    return NewUser{std::move(name), "", role, Code(division), std::move(source)};
  };
  const Case cases[] = {
      // who may be where
      {user("admin", Role::kCityAdmin, kCity), kPassword, ErrorCode::kInternal, ""},
      {user("analyst1", Role::kAnalyst, kVillage), kPassword, ErrorCode::kInternal, ""},
      {user("town.staff", Role::kTownshipStaff, kTownship), kPassword, ErrorCode::kInternal, ""},
      {user("village_1", Role::kVillageWorker, kVillage), kPassword, ErrorCode::kInternal, ""},
      {user("feeder-h", Role::kDataFeeder, kCity, "health"), kPassword, ErrorCode::kInternal, ""},
      {user("county2", Role::kCountyOfficer, kTownship), kPassword, ErrorCode::kInvalidArgument, "must be a county"},
      {user("town2", Role::kTownshipStaff, kCounty), kPassword, ErrorCode::kInvalidArgument, "must be a township"},
      {user("village2", Role::kVillageWorker, kCounty), kPassword, ErrorCode::kInvalidArgument, "must be a village"},
      {user("nowhere", Role::kAnalyst, 141099000000), kPassword, ErrorCode::kInvalidArgument, "not in the register"},
      // sources
      {user("feeder2", Role::kDataFeeder, kCity), kPassword, ErrorCode::kInvalidArgument, "needs a source"},
      {user("feeder3", Role::kDataFeeder, kCity, "police"), kPassword, ErrorCode::kInvalidArgument, "needs a source"},
      {user("analyst2", Role::kAnalyst, kCity, "health"), kPassword, ErrorCode::kInvalidArgument, "only a data feeder"},
      // usernames
      {user("ab", Role::kAnalyst, kCity), kPassword, ErrorCode::kInvalidArgument, "username"},
      {user(std::string(33, 'a'), Role::kAnalyst, kCity), kPassword, ErrorCode::kInvalidArgument, "username"},
      {user("Zhang", Role::kAnalyst, kCity), kPassword, ErrorCode::kInvalidArgument, "username"},
      {user("zhang san", Role::kAnalyst, kCity), kPassword, ErrorCode::kInvalidArgument, "username"},
      {user("wang", Role::kAnalyst, kCity), kPassword, ErrorCode::kConflict, "taken"},
      // passwords
      {user("pw1", Role::kAnalyst, kCity), "abc12345", ErrorCode::kInvalidArgument, "10 to 128 bytes"},
      {user("pw2", Role::kAnalyst, kCity), "a1" + std::string(127, 'x'), ErrorCode::kInvalidArgument, "10 to 128"},
      {user("pw3", Role::kAnalyst, kCity), "abcdefghijkl", ErrorCode::kInvalidArgument, "one letter and one digit"},
      {user("pw4", Role::kAnalyst, kCity), "123456789012", ErrorCode::kInvalidArgument, "one letter and one digit"},
      {user("zhao", Role::kAnalyst, kCity), "my-ZHAO-2035", ErrorCode::kInvalidArgument, "must not contain the username"},
      {user("pw5", Role::kAnalyst, kCity), "a1" + std::string(8, ' '), ErrorCode::kInternal, ""},  // exactly 10
  };
  for (const Case& c : cases) {
    auto added = accounts_->AddUser(c.user, c.password);
    if (c.code == ErrorCode::kInternal) {
      ASSERT_TRUE(added.has_value()) << c.user.username << ": " << added.error().message;
      EXPECT_EQ(added->username, c.user.username);
      EXPECT_EQ(added->display_name, c.user.username);  // none given
      EXPECT_GT(added->id, 0);
      continue;
    }
    ASSERT_FALSE(added.has_value()) << c.user.username;
    EXPECT_EQ(added.error().code, c.code) << c.user.username << ": " << added.error().message;
    EXPECT_THAT(added.error().message, HasSubstr(c.message)) << c.user.username;
  }
}

TEST_F(AccountsTest, ThePasswordIsStoredOnlyAsAnArgon2idHash) {
  auto row = pool_->Read([](store::Store& s) { return s.FindUserByName("wang"); });
  ASSERT_TRUE(row.has_value() && row->has_value());
  EXPECT_THAT((*row)->password_hash, ::testing::StartsWith("$argon2id$v=19$m=8,t=1,p=1$"));
  EXPECT_THAT((*row)->password_hash, ::testing::Not(HasSubstr(kPassword)));
  auto users = accounts_->ListUsers();
  ASSERT_TRUE(users.has_value());
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].display_name, "王芳");
  EXPECT_EQ((*users)[0].role, Role::kCountyOfficer);
  EXPECT_EQ((*users)[0].division, Code(kCounty));
  EXPECT_EQ((*users)[0].created_at, clock_.Now());
}

TEST_F(AccountsTest, LoginGivesATokenThatAuthenticates) {
  auto session = accounts_->Login("wang", kPassword);
  ASSERT_TRUE(session.has_value()) << session.error().message;
  EXPECT_EQ(session->token.size(), 43u);  // 32 bytes, base64url, no padding
  EXPECT_EQ(session->token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(session->user.username, "wang");
  EXPECT_EQ(session->expires_at.seconds, clock_.Now().seconds + 30 * 60);
  auto user = accounts_->Authenticate(session->token);
  ASSERT_TRUE(user.has_value()) << user.error().message;
  EXPECT_EQ(user->username, "wang");
  // The store knows the session by the token's hash, never by the token.
  auto stored = pool_->Read([&](store::Store& s) { return s.FindSession(*Sha256Hex(session->token)); });
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_FALSE(pool_->Read([&](store::Store& s) { return s.FindSession(session->token); })->has_value());

  EXPECT_NE(accounts_->Login("wang", kPassword)->token, session->token);
  EXPECT_EQ(accounts_->Authenticate("not-a-token").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(accounts_->Authenticate("").error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AccountsTest, WrongUsernameAndWrongPasswordLookTheSame) {
  auto wrong_password = accounts_->Login("wang", "Linfen2035no");
  auto wrong_user = accounts_->Login("nobody", kPassword);
  ASSERT_FALSE(wrong_password.has_value());
  ASSERT_FALSE(wrong_user.has_value());
  EXPECT_EQ(wrong_password.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong_password.error().message, "用户名或密码错误 / wrong username or password");
  EXPECT_EQ(wrong_user.error().code, wrong_password.error().code);
  EXPECT_EQ(wrong_user.error().message, wrong_password.error().message);
}

TEST_F(AccountsTest, FiveFailuresLockTheAccountForFifteenMinutes) {
  for (int i = 1; i <= 4; ++i) {
    EXPECT_EQ(accounts_->Login("wang", "wrong-pass-1").error().code, ErrorCode::kUnauthenticated) << i;
  }
  auto fifth = accounts_->Login("wang", "wrong-pass-1");
  ASSERT_FALSE(fifth.has_value());
  EXPECT_EQ(fifth.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(fifth.error().message, HasSubstr("try again in 15 minutes"));

  clock_.Advance(5 * 60);  // even the right password is refused while locked
  auto locked = accounts_->Login("wang", kPassword);
  ASSERT_FALSE(locked.has_value());
  EXPECT_EQ(locked.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(locked.error().message, HasSubstr("10 minutes"));

  clock_.Advance(10 * 60 - 1);
  EXPECT_EQ(accounts_->Login("wang", kPassword).error().code, ErrorCode::kPermissionDenied);
  clock_.Advance(1);
  ASSERT_TRUE(accounts_->Login("wang", kPassword).has_value());
}

TEST_F(AccountsTest, ASuccessStartsTheFailureCountAgain) {
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(accounts_->Login("wang", "wrong-pass-1").has_value());
  ASSERT_TRUE(accounts_->Login("wang", kPassword).has_value());
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(accounts_->Login("wang", "wrong-pass-1").error().code, ErrorCode::kUnauthenticated) << i;
  }
}

TEST_F(AccountsTest, IdleSessionsEnd) {
  const std::string token = accounts_->Login("wang", kPassword)->token;
  for (int i = 0; i < 4; ++i) {  // used every 29 minutes: two hours and still signed in
    clock_.Advance(29 * 60);
    ASSERT_TRUE(accounts_->Authenticate(token).has_value()) << i;
  }
  // A fresh process (no cache) agrees: the store's last_seen was kept up to date.
  auto pool = OtherProcess();
  EXPECT_TRUE(Accounts(*pool, clock_, FastOptions()).Authenticate(token).has_value());
  clock_.Advance(30 * 60 + 1);
  auto idle = accounts_->Authenticate(token);
  ASSERT_FALSE(idle.has_value());
  EXPECT_EQ(idle.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AccountsTest, IdleIsMeasuredFromTheLastUseInAnyProcess) {
  const std::string token = accounts_->Login("wang", kPassword)->token;
  auto pool = OtherProcess();
  Accounts other(*pool, clock_, FastOptions());
  clock_.Advance(20 * 60);
  ASSERT_TRUE(other.Authenticate(token).has_value());  // used in the other process only
  clock_.Advance(20 * 60);
  EXPECT_TRUE(accounts_->Authenticate(token).has_value());
}

TEST_F(AccountsTest, SessionsEndAfterTheirLifetimeHoweverActive) {
  const std::string token = accounts_->Login("wang", kPassword)->token;
  for (int minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
    clock_.Advance(20 * 60);
    ASSERT_TRUE(accounts_->Authenticate(token).has_value()) << minutes;
  }
  clock_.Advance(20 * 60);
  EXPECT_EQ(accounts_->Authenticate(token).error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AccountsTest, LogoutEndsTheSession) {
  const std::string token = accounts_->Login("wang", kPassword)->token;
  const std::string other_token = accounts_->Login("wang", kPassword)->token;
  ASSERT_TRUE(accounts_->Authenticate(token).has_value());
  ASSERT_TRUE(accounts_->Logout(token));
  EXPECT_EQ(accounts_->Authenticate(token).error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(accounts_->Logout(token));  // twice is fine
  EXPECT_TRUE(accounts_->Authenticate(other_token).has_value());  // other sessions go on
}

TEST_F(AccountsTest, ALogoutInAnotherProcessCountsWithinTheRecheckInterval) {
  const std::string token = accounts_->Login("wang", kPassword)->token;
  ASSERT_TRUE(accounts_->Authenticate(token).has_value());
  auto pool = OtherProcess();
  Accounts other(*pool, clock_, FastOptions());
  ASSERT_TRUE(other.Logout(token));
  // Within the interval this process may still answer from memory...
  EXPECT_TRUE(accounts_->Authenticate(token).has_value());
  // ...and once it has passed, it asks the store and sees the logout.
  clock_.Advance(FastOptions().recheck_seconds);
  EXPECT_EQ(accounts_->Authenticate(token).error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AccountsTest, ADisabledUserCannotSignInAndLosesTheSession) {
  const std::string token = accounts_->Login("wang", kPassword)->token;
  ASSERT_EQ(RawExec(path_, "UPDATE users SET disabled = TRUE WHERE username = 'wang'"), "");
  clock_.Advance(FastOptions().recheck_seconds);
  EXPECT_EQ(accounts_->Authenticate(token).error().code, ErrorCode::kUnauthenticated);
  auto login = accounts_->Login("wang", kPassword);
  ASSERT_FALSE(login.has_value());
  EXPECT_EQ(login.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(login.error().message, HasSubstr("disabled"));
}

}  // namespace
}  // namespace junheng::services::testing
