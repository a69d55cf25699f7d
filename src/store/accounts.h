// store/accounts.h: the rows behind accounts, sessions, the audit log and the
// review work lists, as the Store keeps them.
//
// These are plain records: the store checks keys and formats, nothing else. The
// rules (password strength, lockout, who may do what, how the audit chain is
// hashed) live in services/accounts.h and services/audit.h. Times are UTC
// instants; an empty string means "not given" and is stored as NULL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/date.h"
#include "core/division.h"

namespace junheng::store {

// A person who may sign in. `role` is services' role name ("city_admin", ...):
// the store keeps it as text and does not interpret it.
struct UserRow {
  int64_t id = 0;             // assigned by the store
  std::string username;       // unique
  std::string display_name;
  std::string role;
  DivisionCode division;      // must be a division of the register
  std::string source;         // a data feeder's department; empty for other roles
  std::string password_hash;  // argon2id encoded string ("$argon2id$v=19$...")
  Timestamp created_at;
  bool disabled = false;
  int failed_logins = 0;      // consecutive failed logins since the last success or lock
  std::optional<Timestamp> locked_until;
};

// A signed-in session. The token itself is never stored, only its hash, so a
// copy of the database does not let anyone in.
struct SessionRow {
  std::string token_hash;  // hex SHA-256 of the token; the key
  int64_t user_id = 0;
  Timestamp created_at;
  Timestamp last_seen;     // idle timeout counts from here
  Timestamp expires_at;    // the session ends here however active it is
};

// One entry of the append-only audit log. `id` is gapless (1, 2, 3, ...) and
// `hash` chains each entry to the one before (services/audit.h says how).
struct AuditRow {
  int64_t id = 0;
  Timestamp at;
  std::string actor;       // username; "" for anonymous
  std::string role;
  std::string action;      // login, login_failed, view_person, ...
  std::string target;
  std::string division;
  std::string outcome;     // ok | denied | failed
  std::string detail;      // a JSON object
  std::string request_id;
  std::string ip;
  std::string prev_hash;
  std::string hash;
};

// Narrows ListAudit; an empty field matches everything.
struct AuditFilter {
  std::string actor;
  std::string action;
  std::string outcome;
  std::string division_prefix;  // entries whose division starts with it
  int64_t before_id = 0;        // 0: no upper bound
  bool newest_first = false;
};

// Which quarantined rows ListQuarantine returns.
struct QuarantineQuery {
  int64_t batch_id = 0;          // 0: every batch
  std::string division_prefix;   // "": every row; otherwise only rows with a division starting with it
  int64_t limit = 0;             // 0: no limit
  int64_t offset = 0;
};

// How many quarantined rows a reason code rejected, per source.
struct ReasonCount {
  std::string code;    // e.g. "citizen_id.checksum"
  std::string source;  // "" when the row had none
  int64_t count = 0;   // rows, not reasons: a row with the code twice counts once
};

}  // namespace junheng::store
