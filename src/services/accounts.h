// services/accounts.h: who may sign in, what each role may do, and sessions.
//
// A user has one role and one division. The role says what kind of thing the
// user may do (Permissions); the division says where: a user sees and changes
// only what lies inside it, a code-prefix check the HTTP layer makes on every
// request. Passwords are kept as argon2id hashes; a session is a random token
// the client presents on every request, of which the store keeps only the
// SHA-256. Signing in, out, and checking a token are Accounts' job; writing
// them to the audit log is the caller's (it knows the request id and address).
//
// Accounts is thread-safe and meant to be shared by all of a server's threads;
// several server processes may share one database (a logout in one takes effect
// in the others within AccountsOptions::recheck_seconds).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/division.h"
#include "core/error.h"
#include "services/store_pool.h"

namespace junheng::services {

// The six roles of the monitoring network (DESIGN.md, "Roles and jurisdiction").
enum class Role : uint8_t { kCityAdmin, kCountyOfficer, kTownshipStaff, kVillageWorker, kDataFeeder, kAnalyst };
// "city_admin", "county_officer", "township_staff", "village_worker", "data_feeder", "analyst".
std::string_view RoleName(Role role);
// The title users know: "市级管理员", "县级人口专干", "乡镇工作人员", "村人口工作服务员",
// "部门数据报送员", "只读分析员".
std::string_view RoleTitle(Role role);
std::optional<Role> RoleFromName(std::string_view name);
const std::vector<Role>& AllRoles();

// What a role may do. Jurisdiction (the user's division) is checked separately.
struct Permissions {
  bool read_persons;   // open person records and search (not analyst, not data feeder)
  bool see_unmasked;   // full citizen id and phone (city admin, county officer only)
  bool write_events;   // register events (all but analyst and data feeder)
  bool import_files;   // city admin, county officer, data feeder (own source only)
  bool review;         // quarantine/conflicts/review resolve: city admin, county officer
  bool manage_users;   // city admin
};
Permissions PermissionsOf(Role role);

struct User {
  int64_t id = 0;
  std::string username, display_name;
  Role role = Role::kAnalyst;
  DivisionCode division;
  std::string source;  // a data feeder's department (core KnownSources); empty otherwise
  Timestamp created_at;
  bool disabled = false;
};

// The User of a users row; kInternal when its role name is unknown.
Result<User> UserFromRow(const store::UserRow& row);

struct NewUser {
  std::string username, display_name;  // display_name empty: the username
  Role role = Role::kAnalyst;
  DivisionCode division;
  std::string source;
};

struct Session {
  std::string token;  // 32 random bytes, base64url without padding (43 characters)
  User user;
  Timestamp expires_at;  // when it ends if not used again (idle timeout)
};

// argon2id cost. The defaults are RFC 9106's second recommended option (t=3,
// 64 MiB, p=1): 64 MiB and one core for a fraction of a second per login
// (Debian 12's libargon2 took 0.55 s on the 2-core development machine with a
// load average of 7; an idle server core takes a few times less). That is
// cheap for a person signing in a few times a day and expensive for anyone
// guessing offline with a stolen database; it also bounds concurrent logins
// by memory (ten at once: 640 MiB). Tests lower them; a hash keeps the
// parameters it was made with, so changing them later only affects new hashes.
struct PasswordHashing {
  uint32_t time_cost = 3;
  uint32_t memory_kib = 64 * 1024;
  uint32_t parallelism = 1;
};

struct AccountsOptions {
  int max_failures = 5;                      // consecutive wrong passwords before a lock
  int64_t lockout_seconds = 15 * 60;
  int64_t idle_timeout_seconds = 30 * 60;
  int64_t session_lifetime_seconds = 12 * 3600;  // however active, sign in again after this
  // Authenticate trusts its memory of a session this long before asking the
  // store again, so a logout or a disabled user elsewhere counts within it.
  int64_t recheck_seconds = 5;
  int64_t touch_seconds = 60;                // last_seen is written to the store at most this often
  PasswordHashing hashing;
};

class Accounts {
 public:
  // `pool` and `clock` must outlive the Accounts.
  Accounts(StorePool& pool, const Clock& clock, AccountsOptions options = {});

  // Password rules: 10..128 bytes, at least one letter and one digit, not containing the username;
  // username 3..32 of [a-z0-9_.-]; a data feeder needs a known source (core KnownSources), others none;
  // the division must exist in the store's divisions and its level must fit the role
  // (city admin/analyst/data feeder: any level; county officer: county; township staff: township;
  // village worker: village). Each violation is kInvalidArgument with one sentence naming the field.
  // Duplicate username: kConflict.
  Result<User> AddUser(const NewUser& user, std::string_view password);
  // Wrong username or password: kUnauthenticated "用户名或密码错误 / wrong username or password"
  // (the same for both, and as slow for both). After max_failures consecutive failures the
  // account is locked for lockout_seconds: kPermissionDenied saying how many minutes remain.
  // A disabled account: kPermissionDenied.
  Result<Session> Login(std::string_view username, std::string_view password);
  // The user of a live session. kUnauthenticated when the token is unknown, logged out, idle
  // longer than idle_timeout_seconds or past its lifetime, or its user is disabled. Otherwise
  // refreshes last_seen. Cheap: answers from memory, asking the store at most every
  // recheck_seconds per session.
  Result<User> Authenticate(std::string_view token);
  // Ends the session. An unknown or already ended token is not an error.
  Status Logout(std::string_view token);
  // Every user, by username.
  Result<std::vector<User>> ListUsers();

 private:
  struct Cached {
    User user;
    Timestamp last_seen;   // the latest use this process knows of (the store's may be older)
    Timestamp expires_at;  // the session's lifetime end
    Timestamp checked_at;  // when the store last confirmed the session
  };
  Result<User> Recheck(const std::string& token_hash, Timestamp now);
  void VerifyDummy(std::string_view password);
  void ForgetIdle(Timestamp now);  // REQUIRES: mutex_ held

  StorePool& pool_;
  const Clock& clock_;
  AccountsOptions options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Cached> cache_;  // by token hash
  Timestamp last_sweep_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // verified against for unknown usernames, so they take as long
};

}  // namespace junheng::services
