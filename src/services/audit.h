// services/audit.h: the audit log, who did what to which record, hash-chained.
//
// Every sign-in, every view of a person's record, every write, import, export
// and resolution is appended here (DESIGN.md, "Personal data"). Entries are
// numbered 1, 2, 3, ... without gaps and each carries the SM3 hash of its own
// content and of the entry before it:
//
//   hash = hex SM3( prev_hash || '\n' || CanonicalAuditText(entry) )
//
// with the first prev_hash 64 zeros. Changing, inserting or removing an entry
// in the middle breaks the chain from that entry on, and Verify names it. (The
// newest entries can be cut off without a trace in the chain itself; compare
// the last hash with a copy kept elsewhere, e.g. printed by `audit verify`.)
// The store also refuses UPDATE and DELETE on the table.
//
// AuditLog is thread-safe. Appends from several processes on one database stay
// linear: the store takes an entry only as the next id, and Append retries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/store_pool.h"

namespace junheng::services {

struct AuditEntry {
  std::string actor;        // username; "" for anonymous (a failed login of an unknown name)
  std::string role;         // the actor's RoleName, "" when none
  std::string action;       // login, login_failed, logout, view_person, search_persons, write_event,
                            // import, export, resolve, forbidden, user_add, ...
  std::string target;       // what it was done to: a person_id, a file, a conflict id, a username
  std::string division;     // the division it concerns, when one does
  std::string outcome = "ok";  // ok | denied | failed
  std::string detail_json = "{}";  // a JSON object with whatever else matters
  std::string request_id;
  std::string ip;
};

struct AuditRecord {
  int64_t id = 0;
  Timestamp at;
  AuditEntry entry;
  std::string prev_hash, hash;
};

struct AuditVerification {
  int64_t entries = 0;
  bool ok = true;
  int64_t first_bad_id = 0;  // 0 when ok
  std::string message;       // what is wrong with that entry; "" when ok
  std::string last_hash;     // when ok, of the last entry (64 zeros if none): keep a copy elsewhere
};

// The text an entry's hash covers: one "name=value" line per field, in this
// order: id, at (YYYY-MM-DDTHH:MM:SSZ), actor, role, action, target, division,
// outcome, detail, request_id, ip; in values '\' is written "\\" and a line
// break "\n", so the text reads back unambiguously. Fixed forever: changing it
// breaks every stored chain.
std::string CanonicalAuditText(int64_t id, Timestamp at, const AuditEntry& entry);

class AuditLog {
 public:
  // `pool` and `clock` must outlive the AuditLog.
  AuditLog(StorePool& pool, const Clock& clock);

  // Appends `entry`, stamped with the clock's time. kInvalidArgument when the
  // action is empty, the outcome is not ok/denied/failed or detail_json is not
  // a JSON object; kUnavailable when the store stays busy.
  Status Append(const AuditEntry& entry);
  // Recomputes the whole chain and reports the first id whose hash, link or
  // number is wrong. Reads the whole log: run it from a command, not per request.
  Result<AuditVerification> Verify();
  // At most `limit` entries with id > after_id, oldest first (limit 0: all).
  Result<std::vector<AuditRecord>> List(int64_t after_id, int64_t limit);
  // The same, narrowed by `filter` (actor, action, outcome, division prefix, newest first).
  Result<std::vector<AuditRecord>> List(int64_t after_id, int64_t limit, const store::AuditFilter& filter);

 private:
  StorePool& pool_;
  const Clock& clock_;
};

}  // namespace junheng::services
