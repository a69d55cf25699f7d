// Roles, permissions, and adding and listing users. Sessions are in sessions.cpp.
#include "services/accounts.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "core/record.h"
#include "services/password.h"

namespace junheng::services {
namespace {

struct RoleInfo {
  Role role;
  std::string_view name, title;
  Permissions permissions;  // read, unmasked, write, import, review, manage users
};
constexpr std::array<RoleInfo, 6> kRoles = {{
    {Role::kCityAdmin, "city_admin", "市级管理员", {true, true, true, true, true, true}},
    {Role::kCountyOfficer, "county_officer", "县级人口专干", {true, true, true, true, true, false}},
    {Role::kTownshipStaff, "township_staff", "乡镇工作人员", {true, false, true, false, false, false}},
    {Role::kVillageWorker, "village_worker", "村人口工作服务员", {true, false, true, false, false, false}},
    {Role::kDataFeeder, "data_feeder", "部门数据报送员", {false, false, false, true, false, false}},
    {Role::kAnalyst, "analyst", "只读分析员", {false, false, false, false, false, false}},
}};

const RoleInfo& InfoOf(Role role) { return kRoles[static_cast<size_t>(role)]; }

// The division level a role's user must belong to; nullopt: any level.
std::optional<DivisionLevel> LevelOf(Role role) {
  switch (role) {
    case Role::kCountyOfficer: return DivisionLevel::kCounty;
    case Role::kTownshipStaff: return DivisionLevel::kTownship;
    case Role::kVillageWorker: return DivisionLevel::kVillage;
    default: return std::nullopt;
  }
}

struct LevelNames {
  std::string_view zh, en;
};
LevelNames NamesOf(DivisionLevel level) {
  switch (level) {
    case DivisionLevel::kProvince: return {"省", "province"};
    case DivisionLevel::kCity: return {"市", "city"};
    case DivisionLevel::kCounty: return {"县（区）", "county"};
    case DivisionLevel::kTownship: return {"乡镇（街道）", "township"};
    case DivisionLevel::kVillage: return {"村（社区）", "village"};
  }
  return {"", ""};
}

Status CheckUsername(std::string_view username) {
  const bool ok = username.size() >= 3 && username.size() <= 32 &&
                  std::all_of(username.begin(), username.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
                  });
  if (ok) return {};
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("用户名须为 3–32 位小写字母、数字或 _ . - / the username must be 3 to 32 characters "
                          "of a-z, 0-9, _, . and - (got \"{}\").",
                          username));
}

Status CheckSource(const NewUser& u) {
  if (u.role == Role::kDataFeeder && !IsKnownSource(u.source)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("部门数据报送员须指定数据来源 / a data feeder needs a source, one of: {} (got \"{}\").",
                            fmt::join(KnownSources(), ", "), u.source));
  }
  if (u.role != Role::kDataFeeder && !u.source.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("只有部门数据报送员有数据来源 / only a data feeder has a source; leave it empty for "
                            "the role {}.",
                            RoleName(u.role)));
  }
  return {};
}

Status CheckDivision(StorePool& pool, const NewUser& u) {
  JH_ASSIGN_OR_RETURN(std::vector<Division> divisions, pool.Read([](store::Store& s) { return s.LoadDivisions(); }));
  auto it = std::find_if(divisions.begin(), divisions.end(), [&](const Division& d) { return d.code == u.division; });
  if (it == divisions.end()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("区划 {} 不在登记库中 / the division {} is not in the register; give the 12-digit "
                            "code of a loaded division.",
                            u.division.ToString(), u.division.ToString()));
  }
  const std::optional<DivisionLevel> level = LevelOf(u.role);
  if (level && it->level != *level) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}的区划须为{}级 / the division of a {} must be a {}; {} {} is a {}.", RoleTitle(u.role),
                            NamesOf(*level).zh, RoleName(u.role), NamesOf(*level).en, it->code.ToString(),
                            it->name, NamesOf(it->level).en));
  }
  return {};
}

}  // namespace

std::string_view RoleName(Role role) { return InfoOf(role).name; }
std::string_view RoleTitle(Role role) { return InfoOf(role).title; }
Permissions PermissionsOf(Role role) { return InfoOf(role).permissions; }

std::optional<Role> RoleFromName(std::string_view name) {
  for (const RoleInfo& r : kRoles)
    if (r.name == name) return r.role;
  return std::nullopt;
}

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> kAll = [] {
    std::vector<Role> out;
    for (const RoleInfo& r : kRoles) out.push_back(r.role);
    return out;
  }();
  return kAll;
}

Result<User> UserFromRow(const store::UserRow& row) {
  const std::optional<Role> role = RoleFromName(row.role);
  if (!role) {
    return Fail(ErrorCode::kInternal,
                fmt::format("user {} has the unknown role \"{}\"; correct the users table.", row.username, row.role));
  }
  return User{row.id, row.username, row.display_name, *role, row.division, row.source, row.created_at,
              row.disabled};
}

Accounts::Accounts(StorePool& pool, const Clock& clock, AccountsOptions options)
    : pool_(pool), clock_(clock), options_(options) {}

Result<User> Accounts::AddUser(const NewUser& user, std::string_view password) {
  JH_RETURN_IF_ERROR(CheckUsername(user.username));
  if (user.display_name.size() > 64) {
    return Fail(ErrorCode::kInvalidArgument,
                "姓名过长 / the display name must be at most 64 bytes; shorten it.");
  }
  JH_RETURN_IF_ERROR(CheckSource(user));
  JH_RETURN_IF_ERROR(CheckPasswordRules(user.username, password));
  JH_RETURN_IF_ERROR(CheckDivision(pool_, user));

  store::UserRow row;
  row.username = user.username;
  row.display_name = user.display_name.empty() ? user.username : user.display_name;
  row.role = std::string(RoleName(user.role));
  row.division = user.division;
  row.source = user.source;
  row.created_at = clock_.Now();
  // Hashing takes tens of milliseconds: done before taking the write connection.
  JH_ASSIGN_OR_RETURN(row.password_hash, HashPassword(password, options_.hashing));
  JH_ASSIGN_OR_RETURN(row.id, pool_.Write([&](store::Store& s) { return s.AddUser(row); }));
  return UserFromRow(row);
}

Result<std::vector<User>> Accounts::ListUsers() {
  JH_ASSIGN_OR_RETURN(std::vector<store::UserRow> rows, pool_.Read([](store::Store& s) { return s.ListUsers(); }));
  std::vector<User> out;
  out.reserve(rows.size());
  for (const store::UserRow& row : rows) {
    JH_ASSIGN_OR_RETURN(User user, UserFromRow(row));
    out.push_back(std::move(user));
  }
  return out;
}

}  // namespace junheng::services
