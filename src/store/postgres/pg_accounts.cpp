// Users, sessions and the audit log of the PostgreSQL store. Outside a batch
// every write here is one autocommit statement, durable on return.
#include <fmt/format.h>

#include "store/postgres/pg_codec.h"
#include "store/postgres/pg_store_impl.h"
#include "store/sqlite/codec.h"

namespace junheng::store::postgres {
namespace {

// 11 columns, read by ReadUser.
#define JH_USER_COLUMNS                                                                                  \
  "id, username, display_name, role, division, source, password_hash, " JH_PG_SECONDS("created_at")    \
  ", disabled, failed_logins, " JH_PG_SECONDS("locked_until")
// 13 columns, read by ReadAudit.
#define JH_AUDIT_COLUMNS                                                                                   \
  "id, " JH_PG_SECONDS("at") ", actor, role, action, target, division, outcome, detail, request_id, ip, " \
  "prev_hash, hash"

// Inserts only when the id is the next one, so the log stays gapless and linear
// even when several processes append: the loser either sees a different
// maximum (no row inserted) or, when both read the same one, collides on the
// primary key (unique_violation); both are kConflict.
constexpr const char* kAppendAudit =
    "INSERT INTO audit(id, at, actor, role, action, target, division, outcome, detail, request_id, ip, "
    "prev_hash, hash) SELECT $1, $2::timestamptz, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 "
    "WHERE (SELECT coalesce(max(id), 0) FROM audit) = $1::bigint - 1";

void ReadUser(const pqxx::row& r, UserRow& u) {
  u.id = IntOf(r[0]);
  u.username = TextOf(r[1]);
  u.display_name = TextOf(r[2]);
  u.role = TextOf(r[3]);
  u.division = sqlite::ParseStoredDivision(TextOf(r[4]));
  u.source = TextOf(r[5]);
  u.password_hash = TextOf(r[6]);
  u.created_at = Timestamp{IntOf(r[7])};
  u.disabled = TextOf(r[8]) == "t";
  u.failed_logins = static_cast<int>(IntOf(r[9]));
  u.locked_until.reset();
  if (!r[10].is_null()) u.locked_until = Timestamp{IntOf(r[10])};
}

void ReadAudit(const Fields& f, AuditRow& a) {
  a.id = f.Int(0);
  a.at = Timestamp{f.Int(1)};
  a.actor = f.Text(2);
  a.role = f.Text(3);
  a.action = f.Text(4);
  a.target = f.Text(5);
  a.division = f.Text(6);
  a.outcome = f.Text(7);
  a.detail = f.Text(8);
  a.request_id = f.Text(9);
  a.ip = f.Text(10);
  a.prev_hash = f.Text(11);
  a.hash = f.Text(12);
}

// The audit entries of `rows`.
std::vector<AuditRow> ReadAudits(const pqxx::result& rows) {
  std::vector<AuditRow> out(rows.size());
  Fields f;
  for (size_t i = 0; i < rows.size(); ++i) {
    f.From(rows[i]);
    ReadAudit(f, out[i]);
  }
  return out;
}

void ReadSession(const pqxx::row& r, SessionRow& s) {
  s.token_hash = TextOf(r[0]);
  s.user_id = IntOf(r[1]);
  s.created_at = Timestamp{IntOf(r[2])};
  s.last_seen = Timestamp{IntOf(r[3])};
  s.expires_at = Timestamp{IntOf(r[4])};
}

// A key that no stored row can hold (pg_codec.h): looking it up finds nothing.
bool Unstorable(std::string_view key) { return !IsStorableText(key); }

// kInvalidArgument for the first text of `fields` PostgreSQL cannot store.
Status CheckTexts(std::initializer_list<std::pair<std::string_view, const char*>> fields, std::string_view record) {
  for (auto [text, field] : fields) JH_RETURN_IF_ERROR(StorableText(text, field, record));
  return {};
}

}  // namespace

Result<int64_t> PgStore::AddUser(const UserRow& u) {
  JH_RETURN_IF_ERROR(CheckTexts({{u.username, "username"}, {u.display_name, "display_name"}, {u.role, "role"},
                                 {u.source, "source"}, {u.password_hash, "password_hash"}},
                                "a user"));
  char division_buf[12], created_buf[20], locked_buf[20];
  const Cell locked = u.locked_until ? Text(sqlite::FormatTimestamp(*u.locked_until, locked_buf)) : Null();
  return Run(fmt::format("adding user {}", u.username), [&](pqxx::transaction_base& tx) -> Result<int64_t> {
    try {
      return IntOf(tx.exec_params1(
          "INSERT INTO users(username, display_name, role, division, source, password_hash, created_at, "
          "disabled, failed_logins, locked_until) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
          Text(u.username), Text(u.display_name), Text(u.role),
          Text(sqlite::FormatDivision(u.division, division_buf)), TextOrNull(u.source), Text(u.password_hash),
          Text(sqlite::FormatTimestamp(u.created_at, created_buf)), u.disabled, u.failed_logins, locked)[0]);
    } catch (const pqxx::unique_violation&) {
      if (current_ != nullptr) throw;  // inside a batch the transaction is aborted: the batch fails
      return Fail(ErrorCode::kConflict,
                  fmt::format("用户名 {} 已被使用 / the username {} is taken; choose another.", u.username,
                              u.username));
    } catch (const pqxx::foreign_key_violation&) {
      if (current_ != nullptr) throw;
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("Division {} is not in the register; give the 12-digit code of a loaded division.",
                              u.division.ToString()));
    }
  });
}

Result<std::optional<UserRow>> PgStore::FindUserByName(std::string_view username) {
  if (Unstorable(username)) return std::optional<UserRow>();
  return Run("finding a user", [&](pqxx::transaction_base& tx) -> Result<std::optional<UserRow>> {
    std::optional<UserRow> out;
    for (const pqxx::row& r : tx.exec_params("SELECT " JH_USER_COLUMNS " FROM users WHERE username = $1",
                                             Text(username))) {
      ReadUser(r, out.emplace());
    }
    return out;
  });
}

Result<std::optional<UserRow>> PgStore::FindUserById(int64_t id) {
  return Run("finding a user", [&](pqxx::transaction_base& tx) -> Result<std::optional<UserRow>> {
    std::optional<UserRow> out;
    for (const pqxx::row& r : tx.exec_params("SELECT " JH_USER_COLUMNS " FROM users WHERE id = $1", id)) {
      ReadUser(r, out.emplace());
    }
    return out;
  });
}

Result<std::vector<UserRow>> PgStore::ListUsers() {
  return Run("listing users", [&](pqxx::transaction_base& tx) -> Result<std::vector<UserRow>> {
    std::vector<UserRow> out;
    for (const pqxx::row& r : tx.exec("SELECT " JH_USER_COLUMNS " FROM users ORDER BY username")) {
      ReadUser(r, out.emplace_back());
    }
    return out;
  });
}

Status PgStore::UpdateLoginState(int64_t user_id, int failed_logins, std::optional<Timestamp> locked_until) {
  char locked_buf[20];
  const Cell locked = locked_until ? Text(sqlite::FormatTimestamp(*locked_until, locked_buf)) : Null();
  return Run("recording a login", [&](pqxx::transaction_base& tx) -> Status {
    const pqxx::result r =
        tx.exec_params("UPDATE users SET failed_logins = $2, locked_until = $3 WHERE id = $1", user_id,
                       failed_logins, locked);
    if (r.affected_rows() == 0) {
      return Fail(ErrorCode::kNotFound, fmt::format("There is no user with id {}.", user_id));
    }
    return {};
  });
}

Status PgStore::PutSession(const SessionRow& s) {
  JH_RETURN_IF_ERROR(CheckTexts({{s.token_hash, "token_hash"}}, "a session"));
  char created_buf[20], seen_buf[20], expires_buf[20];
  return Run("starting a session", [&](pqxx::transaction_base& tx) -> Status {
    tx.exec_params(
        "INSERT INTO sessions(token_hash, user_id, created_at, last_seen, expires_at) VALUES($1, $2, $3, $4, $5)",
        Text(s.token_hash), s.user_id, Text(sqlite::FormatTimestamp(s.created_at, created_buf)),
        Text(sqlite::FormatTimestamp(s.last_seen, seen_buf)), Text(sqlite::FormatTimestamp(s.expires_at, expires_buf)));
    return {};
  });
}

Result<std::optional<SessionRow>> PgStore::FindSession(std::string_view token_hash) {
  if (Unstorable(token_hash)) return std::optional<SessionRow>();
  return Run("finding a session", [&](pqxx::transaction_base& tx) -> Result<std::optional<SessionRow>> {
    std::optional<SessionRow> out;
    for (const pqxx::row& r : tx.exec_params(
             "SELECT token_hash, user_id, " JH_PG_SECONDS("created_at") ", " JH_PG_SECONDS("last_seen") ", "
             JH_PG_SECONDS("expires_at") " FROM sessions WHERE token_hash = $1",
             Text(token_hash))) {
      ReadSession(r, out.emplace());
    }
    return out;
  });
}

Status PgStore::TouchSession(std::string_view token_hash, Timestamp last_seen) {
  if (Unstorable(token_hash)) return {};  // no such session: not an error, as for any unknown hash
  char seen_buf[20];
  return Run("refreshing a session", [&](pqxx::transaction_base& tx) -> Status {
    tx.exec_params("UPDATE sessions SET last_seen = $2 WHERE token_hash = $1", Text(token_hash),
                   Text(sqlite::FormatTimestamp(last_seen, seen_buf)));
    return {};
  });
}

Status PgStore::DeleteSession(std::string_view token_hash) {
  if (Unstorable(token_hash)) return {};
  return Run("ending a session", [&](pqxx::transaction_base& tx) -> Status {
    tx.exec_params("DELETE FROM sessions WHERE token_hash = $1", Text(token_hash));
    return {};
  });
}

Result<int64_t> PgStore::DeleteExpiredSessions(Timestamp now, Timestamp idle_before) {
  char now_buf[20], idle_buf[20];
  return Run("deleting expired sessions", [&](pqxx::transaction_base& tx) -> Result<int64_t> {
    return static_cast<int64_t>(
        tx.exec_params("DELETE FROM sessions WHERE expires_at <= $1::timestamptz OR last_seen < $2::timestamptz",
                       Text(sqlite::FormatTimestamp(now, now_buf)),
                       Text(sqlite::FormatTimestamp(idle_before, idle_buf)))
            .affected_rows());
  });
}

Status PgStore::AppendAudit(const AuditRow& a) {
  JH_RETURN_IF_ERROR(CheckTexts({{a.actor, "actor"}, {a.role, "role"}, {a.action, "action"}, {a.target, "target"},
                                 {a.division, "division"}, {a.outcome, "outcome"}, {a.detail, "detail"},
                                 {a.request_id, "request_id"}, {a.ip, "ip"}, {a.prev_hash, "prev_hash"},
                                 {a.hash, "hash"}},
                                fmt::format("audit entry {}", a.id)));
  char at_buf[20];
  auto conflict = [&] {
    return Fail(ErrorCode::kConflict,
                fmt::format("Audit entry {} is not the next one (another writer appended first); read the last "
                            "entry again and retry.",
                            a.id));
  };
  return Run(fmt::format("appending audit entry {}", a.id), [&](pqxx::transaction_base& tx) -> Status {
    try {
      const pqxx::result r = tx.exec_params(
          kAppendAudit, a.id, Text(sqlite::FormatTimestamp(a.at, at_buf)), TextOrNull(a.actor), TextOrNull(a.role),
          Text(a.action), TextOrNull(a.target), TextOrNull(a.division), Text(a.outcome),
          Text(a.detail.empty() ? std::string_view("{}") : std::string_view(a.detail)), TextOrNull(a.request_id),
          TextOrNull(a.ip), Text(a.prev_hash), Text(a.hash));
      if (r.affected_rows() == 0) return conflict();
      return {};
    } catch (const pqxx::unique_violation&) {
      if (current_ != nullptr) throw;  // inside a batch the transaction is aborted: the batch fails
      return conflict();
    }
  });
}

Result<std::optional<AuditRow>> PgStore::LastAudit() {
  return Run("reading the last audit entry", [&](pqxx::transaction_base& tx) -> Result<std::optional<AuditRow>> {
    std::vector<AuditRow> rows = ReadAudits(tx.exec("SELECT " JH_AUDIT_COLUMNS " FROM audit ORDER BY id DESC LIMIT 1"));
    if (rows.empty()) return std::optional<AuditRow>();
    return std::optional<AuditRow>(std::move(rows[0]));
  });
}

Status PgStore::ForEachAudit(int64_t after_id, const std::function<void(const AuditRow&)>& fn) {
  AuditRow row;
  return Scan("reading the audit log",
              fmt::format("SELECT " JH_AUDIT_COLUMNS " FROM audit WHERE id > {} ORDER BY id", after_id),
              [&](const Fields& r) {
                ReadAudit(r, row);
                fn(row);
              });
}

Result<std::vector<AuditRow>> PgStore::ListAudit(int64_t after_id, int64_t limit, const AuditFilter& f) {
  for (std::string_view text : {std::string_view(f.actor), std::string_view(f.action), std::string_view(f.outcome),
                                std::string_view(f.division_prefix)}) {
    if (Unstorable(text)) return std::vector<AuditRow>();  // no entry holds such text
  }
  // Every condition is always present; an empty filter value switches it off.
  const std::string sql = fmt::format(
      "SELECT " JH_AUDIT_COLUMNS " FROM audit WHERE id > $1 AND ($2::bigint = 0 OR id < $2::bigint) "
      "AND ($3::text = '' OR actor = $3::text) AND ($4::text = '' OR action = $4::text) "
      "AND ($5::text = '' OR outcome = $5::text) AND ($6::text = '' OR starts_with(division, $6::text)) "
      "ORDER BY id {} LIMIT $7",
      f.newest_first ? "DESC" : "ASC");
  return Run("listing the audit log", [&](pqxx::transaction_base& tx) -> Result<std::vector<AuditRow>> {
    return ReadAudits(tx.exec_params(sql, after_id, f.before_id, Text(f.actor), Text(f.action), Text(f.outcome),
                                     Text(f.division_prefix), limit > 0 ? Int(limit) : Null()));
  });
}

}  // namespace junheng::store::postgres
