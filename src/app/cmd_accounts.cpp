// junheng user add | user list | audit verify | audit list
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "app/commands.h"
#include "app/context.h"
#include "services/accounts.h"
#include "services/audit.h"

namespace junheng::app {
namespace {

struct UserArgs {
  std::string db, username, role, division, name, source;
};

// One line of standard input without its line break.
std::string ReadLine() {
  std::string line;
  if (!std::getline(std::cin, line)) throw CommandError("no password given on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Prompts on the terminal with echo off.
std::string Prompt(const char* label) {
  fmt::print(stderr, "{}", label);
  std::fflush(stderr);
  termios old{};
  const bool restore = tcgetattr(STDIN_FILENO, &old) == 0;
  if (restore) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (restore) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  fmt::print(stderr, "\n");
  if (!got) throw CommandError("no password given");
  return line;
}

std::string ReadNewPassword() {
  if (isatty(STDIN_FILENO) != 1) return ReadLine();
  std::string first = Prompt("Password / 密码: ");
  if (first != Prompt("Again / 再次输入: ")) throw CommandError("the two passwords differ; run the command again");
  return first;
}

std::string DivisionName(store::Store& store, DivisionCode code) {
  for (const Division& d : OrDie(store.LoadDivisions()))
    if (d.code == code) return d.name;
  return code.ToString();
}

void RunUserAdd(const UserArgs& a) {
  const std::optional<services::Role> role = services::RoleFromName(a.role);
  if (!role) {
    std::vector<std::string_view> names;
    for (services::Role r : services::AllRoles()) names.push_back(services::RoleName(r));
    throw CommandError(fmt::format("unknown role \"{}\"; use one of {}", a.role, fmt::join(names, ", ")));
  }
  auto division = DivisionCode::Parse(a.division);
  if (!division) throw CommandError(fmt::format("--division: {}", division.error().message));
  services::StorePool pool(OpenStore(a.db, false));
  const SystemClock clock;
  services::Accounts accounts(pool, clock);
  const std::string password = ReadNewPassword();
  const services::User user =
      OrDie(accounts.AddUser(services::NewUser{a.username, a.name, *role, *division, a.source}, password));
  services::AuditLog audit(pool, clock);
  OrDie(audit.Append(services::AuditEntry{.actor = "cli",
                                          .action = "user_add",
                                          .target = user.username,
                                          .division = user.division.ToString(),
                                          .detail_json = fmt::format(R"({{"role":"{}"}})", RoleName(user.role))}));
  const std::string place = pool.Read([&](store::Store& s) { return DivisionName(s, user.division); });
  fmt::print("created user {} ({}, {})\n", user.username, RoleName(user.role), place);
}

void RunUserList(const std::string& db) {
  services::StorePool pool(OpenStore(db, false));
  const SystemClock clock;
  services::Accounts accounts(pool, clock);
  const auto users = OrDie(accounts.ListUsers());
  fmt::print("{:<20} {:<16} {:<12} {:<18} {}\n", "username", "role", "division", "source", "name");
  for (const services::User& u : users) {
    fmt::print("{:<20} {:<16} {:<12} {:<18} {}{}\n", u.username, RoleName(u.role), u.division.ToString(),
               u.source.empty() ? "-" : u.source, u.display_name, u.disabled ? " (disabled)" : "");
  }
}

void RunAuditVerify(const std::string& db) {
  services::StorePool pool(OpenStore(db, false));
  const SystemClock clock;
  const auto v = OrDie(services::AuditLog(pool, clock).Verify());
  if (!v.ok) throw CommandError(fmt::format("audit log: {} (of {} entries)", v.message, v.entries));
  fmt::print("audit log: {} entries, chain intact\nlast hash: {}\n", v.entries, v.last_hash);
}

void RunAuditList(const std::string& db, int64_t after, int64_t limit) {
  services::StorePool pool(OpenStore(db, false));
  const SystemClock clock;
  for (const services::AuditRecord& r : OrDie(services::AuditLog(pool, clock).List(after, limit))) {
    const services::AuditEntry& e = r.entry;
    fmt::print("{:>6}  {}  {:<12} {:<14} {:<7} {}{}{}\n", r.id, r.at.ToShanghaiString(),
               e.actor.empty() ? "-" : e.actor, e.action, e.outcome, e.target,
               e.division.empty() ? "" : fmt::format("  [{}]", e.division),
               e.detail_json == "{}" ? "" : "  " + e.detail_json);
  }
}

}  // namespace

void AddAccountsCommands(CLI::App& app) {
  auto* user = app.add_subcommand("user", "Manage the users who may sign in");
  user->require_subcommand(1);
  {
    auto* cmd = user->add_subcommand("add", "Add a user; the password is read from standard input");
    auto a = std::make_shared<UserArgs>();
    cmd->add_option("--db", a->db, "Register: a SQLite file or a postgresql:// URI")->required();
    cmd->add_option("--username", a->username, "3 to 32 characters of a-z, 0-9, _ . -")->required();
    cmd->add_option("--role", a->role,
                    "city_admin, county_officer, township_staff, village_worker, data_feeder or analyst")
        ->required();
    cmd->add_option("--division", a->division, "12-digit code of the user's division")->required();
    cmd->add_option("--name", a->name, "Display name (default: the username)");
    cmd->add_option("--source", a->source, "A data feeder's department (health, civil_affairs, ...)");
    cmd->callback([a] { RunUserAdd(*a); });
  }
  {
    auto* cmd = user->add_subcommand("list", "List the users");
    auto db = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Register: a SQLite file or a postgresql:// URI")->required();
    cmd->callback([db] { RunUserList(*db); });
  }
  auto* audit = app.add_subcommand("audit", "Read and verify the audit log");
  audit->require_subcommand(1);
  {
    auto* cmd = audit->add_subcommand("verify", "Recompute the SM3 hash chain; exit 1 at the first bad entry");
    auto db = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Register: a SQLite file or a postgresql:// URI")->required();
    cmd->callback([db] { RunAuditVerify(*db); });
  }
  {
    auto* cmd = audit->add_subcommand("list", "Print audit entries (times in Asia/Shanghai)");
    auto db = std::make_shared<std::string>();
    auto after = std::make_shared<int64_t>(0);
    auto limit = std::make_shared<int64_t>(100);
    cmd->add_option("--db", *db, "Register: a SQLite file or a postgresql:// URI")->required();
    cmd->add_option("--after", *after, "Only entries with a larger id");
    cmd->add_option("--limit", *limit, "At most this many entries (0: all)")->check(CLI::NonNegativeNumber);
    cmd->callback([db, after, limit] { RunAuditList(*db, *after, *limit); });
  }
}

}  // namespace junheng::app
