// Users, sessions and the audit log of the SQLite store. Every write here is one
// autocommit statement: none needs a Batch, and each is durable on return.
#include <sqlite3.h>

#include <fmt/format.h>

#include "store/sqlite/codec.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace junheng::store::sqlite {
namespace {

// 11 columns, read by ReadUser.
#define JH_USER_COLUMNS                                                                     \
  "id, username, display_name, role, division, source, password_hash, created_at, disabled, " \
  "failed_logins, locked_until"
// 13 columns, read by ReadAudit.
#define JH_AUDIT_COLUMNS \
  "id, at, actor, role, action, target, division, outcome, detail, request_id, ip, prev_hash, hash"

constexpr const char* kInsertUser =
    "INSERT INTO users(username, display_name, role, division, source, password_hash, created_at, "
    "disabled, failed_logins, locked_until) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr const char* kUserByName = "SELECT " JH_USER_COLUMNS " FROM users WHERE username = ?1";
constexpr const char* kUserById = "SELECT " JH_USER_COLUMNS " FROM users WHERE id = ?1";
constexpr const char* kUpdateLoginState =
    "UPDATE users SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1";
constexpr const char* kInsertSession =
    "INSERT INTO sessions(token_hash, user_id, created_at, last_seen, expires_at) "
    "VALUES(?1, ?2, ?3, ?4, ?5)";
constexpr const char* kFindSession =
    "SELECT token_hash, user_id, created_at, last_seen, expires_at FROM sessions WHERE token_hash = ?1";
constexpr const char* kTouchSession = "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1";
constexpr const char* kDeleteSession = "DELETE FROM sessions WHERE token_hash = ?1";
constexpr const char* kDeleteExpired = "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen < ?2";
// Inserts only when the id is the next one, so the log stays gapless and linear
// even when several processes append (the loser sees no change and retries).
constexpr const char* kAppendAudit =
    "INSERT INTO audit(" JH_AUDIT_COLUMNS
    ") SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13 "
    "WHERE (SELECT coalesce(max(id), 0) FROM audit) = ?1 - 1";
constexpr const char* kLastAudit = "SELECT " JH_AUDIT_COLUMNS " FROM audit ORDER BY id DESC LIMIT 1";

void ReadUser(const Statement& s, UserRow& u) {
  u.id = s.ColumnInt64(0);
  u.username = s.ColumnText(1);
  u.display_name = s.ColumnText(2);
  u.role = s.ColumnText(3);
  u.division = ParseStoredDivision(s.ColumnText(4));
  u.source = s.ColumnText(5);
  u.password_hash = s.ColumnText(6);
  u.created_at = ParseStoredTimestamp(s.ColumnText(7));
  u.disabled = s.ColumnInt64(8) != 0;
  u.failed_logins = static_cast<int>(s.ColumnInt64(9));
  u.locked_until.reset();
  if (!s.IsNull(10)) u.locked_until = ParseStoredTimestamp(s.ColumnText(10));
}

void ReadAudit(const Statement& s, AuditRow& a) {
  a.id = s.ColumnInt64(0);
  a.at = ParseStoredTimestamp(s.ColumnText(1));
  a.actor = s.ColumnText(2);
  a.role = s.ColumnText(3);
  a.action = s.ColumnText(4);
  a.target = s.ColumnText(5);
  a.division = s.ColumnText(6);
  a.outcome = s.ColumnText(7);
  a.detail = s.ColumnText(8);
  a.request_id = s.ColumnText(9);
  a.ip = s.ColumnText(10);
  a.prev_hash = s.ColumnText(11);
  a.hash = s.ColumnText(12);
}

void ReadSession(const Statement& s, SessionRow& r) {
  r.token_hash = s.ColumnText(0);
  r.user_id = s.ColumnInt64(1);
  r.created_at = ParseStoredTimestamp(s.ColumnText(2));
  r.last_seen = ParseStoredTimestamp(s.ColumnText(3));
  r.expires_at = ParseStoredTimestamp(s.ColumnText(4));
}

// Runs `s` (already bound) expecting at most one row, read by `read`.
template <typename Row, typename Read>
Result<std::optional<Row>> QueryOne(Statement& s, std::string_view what, Read read) {
  std::optional<Row> out;
  JH_RETURN_IF_ERROR(ForEachRow(s, what, [&] { read(s, out.emplace()); }));
  return out;
}

}  // namespace

Result<int64_t> SqliteStore::AddUser(const UserRow& u) {
  JH_RETURN_IF_ERROR(Settle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(kInsertUser));
  char division_buf[12], created_buf[20], locked_buf[20];
  s->BindText(1, u.username);
  s->BindText(2, u.display_name);
  s->BindText(3, u.role);
  s->BindText(4, FormatDivision(u.division, division_buf));
  s->BindTextOrNull(5, u.source);
  s->BindText(6, u.password_hash);
  s->BindText(7, FormatTimestamp(u.created_at, created_buf));
  s->BindInt64(8, u.disabled ? 1 : 0);
  s->BindInt64(9, u.failed_logins);
  if (u.locked_until) {
    s->BindText(10, FormatTimestamp(*u.locked_until, locked_buf));
  } else {
    s->BindNull(10);
  }
  const int rc = s->Step();
  s->Reset();
  if (rc == SQLITE_DONE) return sqlite3_last_insert_rowid(db_->handle());
  if (rc == SQLITE_CONSTRAINT_UNIQUE) {
    return Fail(ErrorCode::kConflict,
                fmt::format("用户名 {} 已被使用 / the username {} is taken; choose another.", u.username,
                            u.username));
  }
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("Division {} is not in the register; give the 12-digit code of a loaded division.",
                            u.division.ToString()));
  }
  return std::unexpected(SqliteError(db_->handle(), rc, fmt::format("adding user {}", u.username)));
}

Result<std::optional<UserRow>> SqliteStore::FindUserByName(std::string_view username) {
  JH_RETURN_IF_ERROR(Settle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(kUserByName));
  s->BindText(1, username);
  return QueryOne<UserRow>(*s, "finding a user", ReadUser);
}

Result<std::optional<UserRow>> SqliteStore::FindUserById(int64_t id) {
  JH_RETURN_IF_ERROR(Settle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(kUserById));
  s->BindInt64(1, id);
  return QueryOne<UserRow>(*s, "finding a user", ReadUser);
}

Result<std::vector<UserRow>> SqliteStore::ListUsers() {
  JH_RETURN_IF_ERROR(Settle());
  Statement s(db_->handle(), "SELECT " JH_USER_COLUMNS " FROM users ORDER BY username");
  if (!s.ok()) return std::unexpected(s.error());
  std::vector<UserRow> out;
  JH_RETURN_IF_ERROR(ForEachRow(s, "listing users", [&] { ReadUser(s, out.emplace_back()); }));
  return out;
}

Status SqliteStore::UpdateLoginState(int64_t user_id, int failed_logins, std::optional<Timestamp> locked_until) {
  JH_RETURN_IF_ERROR(Settle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(kUpdateLoginState));
  char locked_buf[20];
  s->BindInt64(1, user_id);
  s->BindInt64(2, failed_logins);
  if (locked_until) {
    s->BindText(3, FormatTimestamp(*locked_until, locked_buf));
  } else {
    s->BindNull(3);
  }
  JH_RETURN_IF_ERROR(s->Run("recording a login"));
  if (sqlite3_changes(db_->handle()) == 0) {
    return Fail(ErrorCode::kNotFound, fmt::format("There is no user with id {}.", user_id));
  }
  return {};
}

Status SqliteStore::PutSession(const SessionRow& r) {
  JH_RETURN_IF_ERROR(Settle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(kInsertSession));
  char created_buf[20], seen_buf[20], expires_buf[20];
  s->BindText(1, r.token_hash);
  s->BindInt64(2, r.user_id);
  s->BindText(3, FormatTimestamp(r.created_at, created_buf));
  s->BindText(4, FormatTimestamp(r.last_seen, seen_buf));
  s->BindText(5, FormatTimestamp(r.expires_at, expires_buf));
  return s->Run("starting a session");
}

Result<std::optional<SessionRow>> SqliteStore::FindSession(std::string_view token_hash) {
  JH_RETURN_IF_ERROR(Settle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(kFindSession));
  s->BindText(1, token_hash);
  return QueryOne<SessionRow>(*s, "finding a session", ReadSession);
}

Status SqliteStore::TouchSession(std::string_view token_hash, Timestamp last_seen) {
  JH_RETURN_IF_ERROR(Settle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(kTouchSession));
  char seen_buf[20];
  s->BindText(1, token_hash);
  s->BindText(2, FormatTimestamp(last_seen, seen_buf));
  return s->Run("refreshing a session");
}

Status SqliteStore::DeleteSession(std::string_view token_hash) {
  JH_RETURN_IF_ERROR(Settle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(kDeleteSession));
  s->BindText(1, token_hash);
  return s->Run("ending a session");
}

Result<int64_t> SqliteStore::DeleteExpiredSessions(Timestamp now, Timestamp idle_before) {
  JH_RETURN_IF_ERROR(Settle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(kDeleteExpired));
  char now_buf[20], idle_buf[20];
  // The text form orders as time does, so the comparison is on the strings.
  s->BindText(1, FormatTimestamp(now, now_buf));
  s->BindText(2, FormatTimestamp(idle_before, idle_buf));
  JH_RETURN_IF_ERROR(s->Run("deleting expired sessions"));
  return sqlite3_changes(db_->handle());
}

Status SqliteStore::AppendAudit(const AuditRow& a) {
  JH_RETURN_IF_ERROR(Settle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(kAppendAudit));
  char at_buf[20];
  s->BindInt64(1, a.id);
  s->BindText(2, FormatTimestamp(a.at, at_buf));
  s->BindTextOrNull(3, a.actor);
  s->BindTextOrNull(4, a.role);
  s->BindText(5, a.action);
  s->BindTextOrNull(6, a.target);
  s->BindTextOrNull(7, a.division);
  s->BindText(8, a.outcome);
  s->BindText(9, a.detail.empty() ? std::string_view("{}") : std::string_view(a.detail));
  s->BindTextOrNull(10, a.request_id);
  s->BindTextOrNull(11, a.ip);
  s->BindText(12, a.prev_hash);
  s->BindText(13, a.hash);
  JH_RETURN_IF_ERROR(s->Run(fmt::format("appending audit entry {}", a.id)));
  if (sqlite3_changes(db_->handle()) == 0) {
    return Fail(ErrorCode::kConflict,
                fmt::format("Audit entry {} is not the next one (another writer appended first); read the "
                            "last entry again and retry.",
                            a.id));
  }
  return {};
}

Result<std::optional<AuditRow>> SqliteStore::LastAudit() {
  JH_RETURN_IF_ERROR(Settle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(kLastAudit));
  return QueryOne<AuditRow>(*s, "reading the last audit entry", ReadAudit);
}

Status SqliteStore::ForEachAudit(int64_t after_id, const std::function<void(const AuditRow&)>& fn) {
  JH_RETURN_IF_ERROR(Settle());
  Statement s(db_->handle(), "SELECT " JH_AUDIT_COLUMNS " FROM audit WHERE id > ?1 ORDER BY id");
  if (!s.ok()) return std::unexpected(s.error());
  s.BindInt64(1, after_id);
  AuditRow row;
  return ForEachRow(s, "reading the audit log", [&] {
    ReadAudit(s, row);
    fn(row);
  });
}

Result<std::vector<AuditRow>> SqliteStore::ListAudit(int64_t after_id, int64_t limit, const AuditFilter& f) {
  JH_RETURN_IF_ERROR(Settle());
  // Every condition is always present; an empty filter value switches it off.
  Statement s(db_->handle(),
              fmt::format("SELECT " JH_AUDIT_COLUMNS " FROM audit WHERE id > ?1 AND (?2 = 0 OR id < ?2) "
                          "AND (?3 = '' OR actor = ?3) AND (?4 = '' OR action = ?4) "
                          "AND (?5 = '' OR outcome = ?5) "
                          "AND (?6 = '' OR substr(division, 1, length(?6)) = ?6) "
                          "ORDER BY id {} LIMIT ?7",
                          f.newest_first ? "DESC" : "ASC"));
  if (!s.ok()) return std::unexpected(s.error());
  s.BindInt64(1, after_id);
  s.BindInt64(2, f.before_id);
  s.BindText(3, f.actor);
  s.BindText(4, f.action);
  s.BindText(5, f.outcome);
  s.BindText(6, f.division_prefix);
  s.BindInt64(7, limit > 0 ? limit : -1);
  std::vector<AuditRow> out;
  JH_RETURN_IF_ERROR(ForEachRow(s, "listing the audit log", [&] { ReadAudit(s, out.emplace_back()); }));
  return out;
}

}  // namespace junheng::store::sqlite
