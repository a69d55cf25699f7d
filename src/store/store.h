// store/store.h: the register's source of truth. Start here.
//
// The Store is an append-only event log (gapless sequence numbers), the persons
// and divisions it refers to, and the bookkeeping of imports: batches,
// quarantine (every rejected row with all its reasons), conflicts and the record
// linkage review queue. SQLite (store/sqlite/) is the embedded default,
// PostgreSQL (store/postgres/) the production backend; store/open.h opens either
// by its target, so nothing engine-specific leaks out of store/. Where the two
// differ in what a caller sees, the comment below says so.
//
// Writes happen only inside a Batch, which is one transaction: if the process
// dies, or the Batch is destroyed without Commit, the store is exactly as before.
// Reads made through the Store while a Batch is open see that batch's writes.
// Accounts, sessions, the audit log and resolving conflicts are the exception:
// each of those writes is one short transaction of its own and needs no Batch
// (store/accounts.h has their rows).
// A Store is used from one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/division.h"
#include "core/error.h"
#include "core/record.h"
#include "store/accounts.h"

namespace junheng::store {

struct StoredEvent {
  int64_t seq = 0;       // position in the log, 1, 2, 3, ... without gaps
  int64_t batch_id = 0;  // the import batch that appended it
  Event event;
};

// (source, event_id) as one string, the key of an event in maps and sets:
// neither part holds a NUL, so the NUL between them keeps keys apart.
inline std::string EventKeyText(std::string_view source, std::string_view event_id) {
  std::string key;
  key.reserve(source.size() + 1 + event_id.size());
  key.append(source).push_back('\0');
  key.append(event_id);
  return key;
}

// What the log holds under one (source, event_id).
struct EventKey {
  int64_t seq = 0;
  uint64_t content_hash = 0;
  std::string person_id;
};

// A row that failed validation, kept with everything needed to fix and resend it.
struct QuarantineRow {
  int64_t id = 0;         // assigned by the store
  int64_t batch_id = 0;   // assigned by the store
  RecordKind kind = RecordKind::kEvent;
  std::string source;
  std::string file;
  int64_t line = 0;       // 1-based line of the record's first physical line
  std::string record_key; // person_id or event_id, when the row had one
  std::string raw;        // the row's text as read
  std::vector<Reason> reasons;
  std::string division;   // the record's division (hukou division for persons) when well formed
};

// The same key arrived with other content: both versions are kept, nothing is overwritten.
struct ConflictRow {
  int64_t id = 0;
  int64_t batch_id = 0;
  RecordKind kind = RecordKind::kEvent;
  std::string source;
  std::string file;
  int64_t line = 0;
  std::string record_key;      // event_id, person_id or division code
  int64_t existing_seq = 0;    // the event already in the log (events only)
  std::string raw;             // the incoming row as read
  std::string message;         // which fields differ
  std::string status = "open"; // open | resolved
  std::string resolved_by, resolution_note;  // set by ResolveConflict
  std::optional<Timestamp> resolved_at;
};

// A department row that record linkage could not tie to exactly one person.
struct ReviewRow {
  int64_t id = 0;
  int64_t batch_id = 0;
  RecordKind kind = RecordKind::kEvent;
  std::string source;
  std::string file;
  int64_t line = 0;
  std::string raw;
  std::vector<std::string> candidates;  // person_ids; empty when nobody matched
  std::string message;
  std::string status = "open";
  std::string resolved_by, resolution_note;  // set by ResolveReview
  std::optional<Timestamp> resolved_at;
};

struct BatchInfo {
  std::string source;              // may be empty (several sources in one file)
  std::vector<std::string> files;
  Timestamp started_at;
  // The caller streams many rows and treats any failed write as the end of
  // the batch: SQLite may then run InsertPerson and AppendEvent on a second
  // thread (store/sqlite/insert_pipeline.h), and a refused row surfaces at a
  // later write, the next read or Commit, as it always does on PostgreSQL.
  bool stream_rows = false;
};

struct BatchCounts {
  int64_t divisions_loaded = 0;
  int64_t persons_loaded = 0;
  int64_t events_loaded = 0;
  int64_t duplicates = 0;
  int64_t conflicts = 0;
  int64_t rejected = 0;
  int64_t review = 0;
};

struct BatchRecord {
  int64_t id = 0;
  BatchInfo info;
  Timestamp finished_at;
  BatchCounts counts;
};

struct Summary {
  int64_t divisions = 0;
  int64_t persons = 0;
  int64_t events = 0;
  std::vector<std::pair<std::string, int64_t>> events_by_type;  // type name, count
  int64_t max_seq = 0;
  int64_t batches = 0;
  int64_t quarantined = 0;
  int64_t open_conflicts = 0;
  int64_t open_reviews = 0;
  std::optional<Date> first_event_date, last_event_date;
};

// How much of a record a full scan reads. kVitals is what demography needs and
// is read about twice as fast: a person's person_id, sex, birth_date and
// mother_id; an event's seq, event_id, type, date, recorded_at, person_id,
// division, mother_id, birth_order, plurality and maternal. Every other field is
// left empty (0 for numbers, -1 for maternal when not given).
enum class Detail { kFull, kVitals };

// One import batch: one transaction. Destroying it without Commit rolls back.
class Batch {
 public:
  virtual ~Batch() = default;
  virtual int64_t id() const = 0;
  // Adds a division; fails with kConflict if the code exists with other content.
  virtual Status PutDivision(const Division& division) = 0;
  // Adds a person. `name_key` is the normalised name used by record linkage.
  // REQUIRES: no person with this person_id exists (the caller checks, with
  // reads made inside this batch). SQLite refuses a repeat at once (kConflict),
  // unless the batch streams its rows (BatchInfo::stream_rows): then, as always
  // on PostgreSQL, which sends rows in bulk and finds a repeat within one
  // county, the refusal comes at a later write, the next read or Commit,
  // which fail with kConflict and end the batch.
  virtual Status InsertPerson(const Person& person, std::string_view name_key) = 0;
  // Appends to the log and returns the new sequence number (last + 1).
  // REQUIRES: the person exists; (source, event_id) is new (as for
  // InsertPerson: checked by the caller; the engines catch what pg_store.h
  // says, and neither catches an event of an unknown person: `junheng check`
  // reports it). An unknown division is kInvalidArgument at once on both
  // engines, streaming or not.
  virtual Result<int64_t> AppendEvent(const Event& event, uint64_t content_hash) = 0;
  virtual Status AddQuarantine(const QuarantineRow& row) = 0;
  virtual Status AddConflict(const ConflictRow& row) = 0;
  virtual Status AddReview(const ReviewRow& row) = 0;
  // Records the batch with its counts and makes everything durable at once.
  // On failure (a division whose parent is missing) SQLite keeps the batch
  // open to be fixed or dropped; on PostgreSQL the batch is over: drop it.
  virtual Status Commit(const BatchCounts& counts) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Only one batch may be open at a time.
  virtual Result<std::unique_ptr<Batch>> BeginBatch(const BatchInfo& info) = 0;

  virtual Result<std::vector<Division>> LoadDivisions() = 0;
  virtual Result<std::optional<Person>> FindPerson(std::string_view person_id) = 0;
  // person_ids of the persons with this (normalised) citizen id.
  virtual Result<std::vector<std::string>> FindByCitizenId(std::string_view citizen_id) = 0;
  // person_ids with this normalised name, birth date and sex.
  virtual Result<std::vector<std::string>> FindByNameKey(std::string_view name_key, Date birth_date,
                                                         Sex sex) = 0;
  // A person's events in log order.
  virtual Result<std::vector<StoredEvent>> EventsOfPerson(std::string_view person_id) = 0;
  // Birth events whose mother_id is this person, in log order.
  virtual Result<std::vector<StoredEvent>> BirthsOfMother(std::string_view mother_id) = 0;
  virtual Result<std::optional<EventKey>> FindEvent(std::string_view source, std::string_view event_id) = 0;

  // The reads above for many keys at once, for a caller that knows its keys in
  // advance (the importer, before it checks a file's events): a database server
  // answers each call in a few round trips instead of one per key. Keys not in
  // the register are not visited; a key given twice is visited once. `fn` may
  // read the store. FindPersons visits in no particular order.
  virtual Status FindPersons(std::span<const std::string> person_ids, const std::function<void(const Person&)>& fn);
  // The events of these persons and the births whose mother is one of them,
  // each event once, in log order.
  virtual Status EventsOfPersons(std::span<const std::string> person_ids,
                                 const std::function<void(const StoredEvent&)>& fn);
  // The (source, event_id) pairs in the log, with what it holds under each, in no particular order.
  virtual Status FindEvents(std::span<const std::pair<std::string, std::string>> keys,
                            const std::function<void(const std::pair<std::string, std::string>& key,
                                                     const EventKey& found)>& fn);

  // Visit everything, persons by person_id and events by sequence number. The
  // visits stream (a city's register never sits in memory); `fn` may call the
  // store's reads, which see what the scan sees.
  virtual Status ForEachPerson(const std::function<void(const Person&)>& fn) = 0;
  Status ForEachEvent(const std::function<void(const StoredEvent&)>& fn) { return ForEachEventAfter(0, fn); }
  // Persons in the order they were stored: the fastest full scan (no index).
  Status ForEachPersonAsStored(const std::function<void(const Person&)>& fn, Detail detail) {
    return ForEachPersonInPart(fn, detail, {});
  }
  // The part-th of `parts` disjoint pieces that together hold every person,
  // each in stored order: a loader reads the pieces on several connections at
  // once. SQLite cuts by rowid at multiples of bound / parts, PostgreSQL by
  // partition. `bound` is one PersonsUpperBound() read beforehand, the same for
  // every piece, so that the pieces fit together whatever is stored meanwhile.
  struct PersonPart {
    int part = 0, parts = 1;
    int64_t bound = 0;
  };
  virtual Status ForEachPersonInPart(const std::function<void(const Person&)>& fn, Detail detail,
                                     PersonPart piece) = 0;
  // Events with seq > after_seq, by sequence number: how a reader follows the log.
  Status ForEachEventAfter(int64_t after_seq, const std::function<void(const StoredEvent&)>& fn,
                           Detail detail = Detail::kFull) {
    return ForEachEventBetween(after_seq, std::numeric_limits<int64_t>::max(), fn, detail);
  }
  // Events with after_seq < seq <= upto_seq, by sequence number. The log is
  // append-only and commits in seq order, so a range up to a LastSeq() already
  // read is the same on every connection: loaders read ranges in parallel.
  virtual Status ForEachEventBetween(int64_t after_seq, int64_t upto_seq,
                                     const std::function<void(const StoredEvent&)>& fn, Detail detail) = 0;

  // Counts everything: a full scan of the log, seconds on a city's register.
  virtual Result<Summary> GetSummary() = 0;
  // At least the number of persons, in constant time (to size arrays before a load).
  virtual Result<int64_t> PersonsUpperBound() = 0;
  // The last sequence number in the log, 0 when it is empty (an index lookup).
  // Inside a batch it counts the batch's own events.
  virtual Result<int64_t> LastSeq() = 0;
  virtual Result<std::vector<BatchRecord>> ListBatches() = 0;
  Result<std::vector<QuarantineRow>> ListQuarantine(int64_t batch_id /* 0: all */) {
    return ListQuarantine(QuarantineQuery{batch_id});
  }
  // Quarantined rows by id, narrowed and paged as `query` says.
  virtual Result<std::vector<QuarantineRow>> ListQuarantine(const QuarantineQuery& query) = 0;
  // Quarantined rows per (reason code, source), most first. A non-empty prefix
  // counts only rows whose division starts with it (rows without one count only
  // for "").
  virtual Result<std::vector<ReasonCount>> CountQuarantineByReason(std::string_view division_prefix) = 0;
  virtual Result<std::vector<ConflictRow>> ListConflicts(int64_t batch_id /* 0: all */) = 0;
  virtual Result<std::vector<ReviewRow>> ListReviews(int64_t batch_id /* 0: all */) = 0;
  // Marks an open conflict (linkage review row) resolved by `by` with `note`,
  // stamped with the current UTC time. kNotFound for an unknown id, kConflict
  // when it is already resolved.
  virtual Status ResolveConflict(int64_t id, std::string_view note, std::string_view by) = 0;
  virtual Status ResolveReview(int64_t id, std::string_view note, std::string_view by) = 0;

  // Users. AddUser returns the new id; kConflict when the username is taken,
  // kInvalidArgument when the division is not in the register.
  virtual Result<int64_t> AddUser(const UserRow& user) = 0;
  virtual Result<std::optional<UserRow>> FindUserByName(std::string_view username) = 0;
  virtual Result<std::optional<UserRow>> FindUserById(int64_t id) = 0;
  virtual Result<std::vector<UserRow>> ListUsers() = 0;  // by username
  // Sets the failed-login counter and the lock (nullopt: not locked). kNotFound for an unknown id.
  virtual Status UpdateLoginState(int64_t user_id, int failed_logins,
                                  std::optional<Timestamp> locked_until) = 0;

  // Sessions, by the hash of their token. PutSession fails with kConflict if the hash exists.
  virtual Status PutSession(const SessionRow& session) = 0;
  virtual Result<std::optional<SessionRow>> FindSession(std::string_view token_hash) = 0;
  // Sets last_seen; an unknown hash is not an error (the session may have just ended).
  virtual Status TouchSession(std::string_view token_hash, Timestamp last_seen) = 0;
  virtual Status DeleteSession(std::string_view token_hash) = 0;
  // Deletes the sessions past expires_at at `now` or last seen before `idle_before`;
  // returns how many.
  virtual Result<int64_t> DeleteExpiredSessions(Timestamp now, Timestamp idle_before) = 0;

  // The audit log: append-only (both schemas refuse UPDATE and DELETE).
  // AppendAudit stores `row` as given; its id must be the last id + 1 (1 for the
  // first), else kConflict (another writer appended first: read LastAudit again).
  virtual Status AppendAudit(const AuditRow& row) = 0;
  virtual Result<std::optional<AuditRow>> LastAudit() = 0;
  // Entries with id > after_id in id order. `fn` may not call back into the store.
  virtual Status ForEachAudit(int64_t after_id, const std::function<void(const AuditRow&)>& fn) = 0;
  // At most `limit` entries with id > after_id matching `filter` (limit 0: all).
  virtual Result<std::vector<AuditRow>> ListAudit(int64_t after_id, int64_t limit,
                                                  const AuditFilter& filter) = 0;
  Result<std::vector<AuditRow>> ListAudit(int64_t after_id, int64_t limit) {
    return ListAudit(after_id, limit, AuditFilter{});
  }

  // A consistent copy of the whole store at `path`, taken while others keep
  // reading and writing: the SQLite file, or a pg_dump archive. Fails if `path`
  // exists. store/open.h RestoreBackup puts it back.
  virtual Status Backup(const std::string& path) = 0;
};

// Sorts `events` by seq and visits each seq once: how EventsOfPersons
// implementations merge the answers of several statements.
void VisitEachSeqOnce(std::vector<StoredEvent>& events, const std::function<void(const StoredEvent&)>& fn);

}  // namespace junheng::store
