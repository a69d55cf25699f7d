// store/postgres/pg_store_impl.h: the classes behind OpenPostgresStore.
// Internal to store/postgres: include pg_store.h instead.
#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "store/event_tallies.h"
#include "store/postgres/pg_codec.h"
#include "store/postgres/pg_error.h"
#include "store/postgres/pg_store.h"
#include "store/store.h"

namespace junheng::store::postgres {

// persons and events are each hash-partitioned by county into this many tables,
// <table>_p0 … _p7 (pg_migrations.cpp, version 1).
inline constexpr int kPartitions = 8;

class PgBatch;

class PgStore final : public Store {
 public:
  PgStore(std::unique_ptr<pqxx::connection> conn, std::string uri, PostgresOptions options);
  ~PgStore() override;

  Result<std::unique_ptr<Batch>> BeginBatch(const BatchInfo& info) override;

  Result<std::vector<Division>> LoadDivisions() override;
  Result<std::optional<Person>> FindPerson(std::string_view person_id) override;
  Result<std::vector<std::string>> FindByCitizenId(std::string_view citizen_id) override;
  Result<std::vector<std::string>> FindByNameKey(std::string_view name_key, Date birth_date,
                                                 Sex sex) override;
  Result<std::vector<StoredEvent>> EventsOfPerson(std::string_view person_id) override;
  Result<std::vector<StoredEvent>> BirthsOfMother(std::string_view mother_id) override;
  Result<std::optional<EventKey>> FindEvent(std::string_view source, std::string_view event_id) override;
  // pg_bulk.cpp
  Status FindPersons(std::span<const std::string> person_ids, const std::function<void(const Person&)>& fn) override;
  Status EventsOfPersons(std::span<const std::string> person_ids,
                         const std::function<void(const StoredEvent&)>& fn) override;
  Status FindEvents(std::span<const std::pair<std::string, std::string>> keys,
                    const std::function<void(const std::pair<std::string, std::string>& key,
                                             const EventKey& found)>& fn) override;
  Status ForEachPerson(const std::function<void(const Person&)>& fn) override;
  Status ForEachPersonInPart(const std::function<void(const Person&)>& fn, Detail detail,
                             PersonPart piece) override;
  Status ForEachEventBetween(int64_t after_seq, int64_t upto_seq, const std::function<void(const StoredEvent&)>& fn,
                             Detail detail) override;
  Status Backup(const std::string& path) override;  // pg_backup.cpp

  // pg_lists.cpp
  Result<Summary> GetSummary() override;
  Result<int64_t> PersonsUpperBound() override;
  Result<int64_t> LastSeq() override;
  Result<std::vector<BatchRecord>> ListBatches() override;
  using Store::ListQuarantine;
  Result<std::vector<QuarantineRow>> ListQuarantine(const QuarantineQuery& query) override;
  Result<std::vector<ReasonCount>> CountQuarantineByReason(std::string_view division_prefix) override;
  Result<std::vector<ConflictRow>> ListConflicts(int64_t batch_id) override;
  Result<std::vector<ReviewRow>> ListReviews(int64_t batch_id) override;
  Status ResolveConflict(int64_t id, std::string_view note, std::string_view by) override;
  Status ResolveReview(int64_t id, std::string_view note, std::string_view by) override;

  // pg_accounts.cpp
  Result<int64_t> AddUser(const UserRow& user) override;
  Result<std::optional<UserRow>> FindUserByName(std::string_view username) override;
  Result<std::optional<UserRow>> FindUserById(int64_t id) override;
  Result<std::vector<UserRow>> ListUsers() override;
  Status UpdateLoginState(int64_t user_id, int failed_logins, std::optional<Timestamp> locked_until) override;
  Status PutSession(const SessionRow& session) override;
  Result<std::optional<SessionRow>> FindSession(std::string_view token_hash) override;
  Status TouchSession(std::string_view token_hash, Timestamp last_seen) override;
  Status DeleteSession(std::string_view token_hash) override;
  Result<int64_t> DeleteExpiredSessions(Timestamp now, Timestamp idle_before) override;
  Status AppendAudit(const AuditRow& row) override;
  Result<std::optional<AuditRow>> LastAudit() override;
  Status ForEachAudit(int64_t after_id, const std::function<void(const AuditRow&)>& fn) override;
  using Store::ListAudit;
  Result<std::vector<AuditRow>> ListAudit(int64_t after_id, int64_t limit, const AuditFilter& filter) override;

 private:
  friend class PgBatch;

  // Runs fn(tx) on the transaction the store is in (the open batch's, flushed
  // first, or an enclosing scan's), else on an autocommit one: each statement
  // commits on its own. `fn` returns Status or Result<T>.
  template <typename Fn>
  auto Run(std::string_view what, Fn&& fn) -> decltype(fn(std::declval<pqxx::transaction_base&>())) {
    return RunImpl<pqxx::nontransaction>(what, std::forward<Fn>(fn));
  }
  // The same for a lookup by one key: the open batch's buffered rows are sent
  // first only when one of them has that key (PgBatch::Buffers), so a
  // validation read per record does not cost a COPY per record.
  template <typename Fn>
  auto RunLookup(std::string_view what, char kind, std::string_view key, Fn&& fn)
      -> decltype(fn(std::declval<pqxx::transaction_base&>())) {
    return RunImpl<pqxx::nontransaction>(what, std::forward<Fn>(fn), kind, key);
  }
  // The same, but outside a batch `fn` runs in a read-only transaction of its
  // own, so that its statements read one snapshot.
  template <typename Fn>
  auto RunConsistent(std::string_view what, Fn&& fn) -> decltype(fn(std::declval<pqxx::transaction_base&>())) {
    return RunImpl<pqxx::read_transaction>(what, std::forward<Fn>(fn));
  }
  template <typename Tx, typename Fn>
  auto RunImpl(std::string_view what, Fn&& fn, char kind = 0, std::string_view key = {})
      -> decltype(fn(std::declval<pqxx::transaction_base&>())) {
    JH_RETURN_IF_ERROR(kind == 0 ? FlushBatch() : FlushBatchFor(kind, key));
    try {
      if (!scan_snapshot_.empty()) {  // called back from a streaming scan
        SnapshotTransaction tx(Side());
        tx.exec("SET TRANSACTION SNAPSHOT " + tx.quote(scan_snapshot_));
        auto result = fn(tx);
        tx.commit();
        return result;
      }
      if (current_ != nullptr) return fn(*current_);
      Tx tx(*conn_);
      auto result = fn(tx);
      if constexpr (!std::is_same_v<Tx, pqxx::nontransaction>) tx.commit();
      return result;
    } catch (const std::exception& e) {
      return std::unexpected(Abandon(PgError(e, what)));
    }
  }
  using SnapshotTransaction = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;
  // Streams the rows of `sql` (a SELECT without parameters) to `on_row`.
  // Outside a batch by COPY (a third of the time a cursor takes, measured), in
  // a repeatable-read transaction whose snapshot is exported: `on_row` may read
  // the store, and those reads run on a second connection in that same
  // snapshot (the first one is busy streaming). Inside a batch (whose writes
  // only its own transaction sees) through a cursor.
  Status Scan(std::string_view what, const std::string& sql, const std::function<void(const Fields&)>& on_row);
  void CursorRows(pqxx::transaction_base& tx, const std::string& sql, const std::function<void(const Fields&)>& on_row);
  void CopyRows(pqxx::transaction_base& tx, const std::string& sql, const std::function<void(const Fields&)>& on_row);
  // The second connection, opened on first use.
  pqxx::connection& Side();
  // Sends the rows the open batch buffered, or returns the error it failed with.
  Status FlushBatch();
  // The same, only when a buffered row has `key` of `kind` (PgBatch::Buffers).
  Status FlushBatchFor(char kind, std::string_view key);
  // After an exception: the open batch's transaction is aborted, so the batch
  // fails with `error`. Returns `error`.
  Error Abandon(Error error);

  // The division cache: codes known to be in the register. Divisions are only
  // added (in batches, under the writer lock), so a code missing here is looked
  // up again before it is called unknown.
  bool KnowsDivision(uint64_t code) const { return divisions_.contains(code); }
  void LoadDivisionCodes(pqxx::transaction_base& tx);
  void AddDivisionCode(uint64_t code) { divisions_.insert(code); }
  void ForgetDivisionCodes() { divisions_.clear(); }

  Result<std::vector<StoredEvent>> QueryEvents(std::string_view what, const char* statement, char kind,
                                               std::string_view key);

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::connection> side_;  // reads called back from a streaming scan
  std::string scan_snapshot_;               // while a scan streams: its exported snapshot
  std::string uri_;     // as given, password included: only pg_dump's environment sees it
  std::string target_;  // redacted, for messages
  PostgresOptions options_;
  PgBatch* batch_ = nullptr;                   // the batch handed out, until destroyed
  pqxx::transaction_base* current_ = nullptr;  // the open batch's transaction, or a scan's
  std::unordered_set<uint64_t> divisions_;
  int cursors_ = 0;  // names the cursors of nested scans apart
};

// One transaction holding kWriterLock (pg_store.h says why). Sequence numbers
// and the batch id are read once under the lock and counted in memory. Rows
// are buffered and sent by COPY.
class PgBatch final : public Batch {
 public:
  // REQUIRES: `tx` holds kWriterLock and has recorded the batch's start.
  PgBatch(PgStore& store, std::unique_ptr<pqxx::work> tx, int64_t id, int64_t next_seq);
  ~PgBatch() override;

  int64_t id() const override { return id_; }
  Status PutDivision(const Division& division) override;
  Status InsertPerson(const Person& person, std::string_view name_key) override;
  Result<int64_t> AppendEvent(const Event& event, uint64_t content_hash) override;
  Status AddQuarantine(const QuarantineRow& row) override;
  Status AddConflict(const ConflictRow& row) override;
  Status AddReview(const ReviewRow& row) override;
  Status Commit(const BatchCounts& counts) override;

  // Whether reads go through this batch's transaction (it is neither
  // committed nor failed).
  bool active() const { return tx_ != nullptr && !failed_; }
  pqxx::work& tx() { return *tx_; }
  // Sends every buffered row; the error the batch failed with, if it has.
  Status Flush();
  // The batch is over: `error` aborted its transaction.
  void MarkFailed(const Error& error);
  // Keys of the rows buffered and not yet sent, by kind: 'p' person_id, 'c'
  // citizen_id, 'n' name key, 'o' an event's person_id, 'm' a birth's mother_id,
  // 'e' an event's source and event_id (EventKeyText). A lookup by a key no
  // buffered row has cannot see them, so it need not wait for them.
  static constexpr char kPersonKey = 'p', kCitizenKey = 'c', kNameKey = 'n', kEventPersonKey = 'o',
                        kMotherKey = 'm', kEventKey = 'e';
  bool Buffers(char kind, std::string_view key) const;
  int64_t persons_inserted() const { return persons_inserted_; }
  // The events this batch has appended, until Commit adds them to event_tallies.
  const EventTallies& tallies() const { return tallies_; }

 private:
  struct PendingPerson {
    Person person;
    std::string name_key;
  };
  struct PendingEvent {
    Event event;
    int64_t seq;
    uint64_t content_hash;
  };

  Status CheckOpen() const;
  Status CheckDivision(DivisionCode code, std::string_view record);
  // Flushes when the buffers hold enough rows to be worth a round trip.
  Status FlushIfFull();
  void SendPersons();
  void SendEvents();
  void SendBookkeeping();

  PgStore& store_;
  std::unique_ptr<pqxx::work> tx_;  // null once committed
  int64_t id_;
  int64_t next_seq_;
  bool committed_ = false;
  std::optional<Error> failed_;
  bool added_divisions_ = false;  // the store's division cache holds this batch's
  int64_t persons_inserted_ = 0;
  EventTallies tallies_;
  std::vector<PendingPerson> persons_;
  std::vector<PendingEvent> events_;
  std::vector<QuarantineRow> quarantine_;
  std::vector<ConflictRow> conflicts_;
  std::vector<ReviewRow> reviews_;
  size_t buffered_bytes_ = 0;  // raw text of the bookkeeping rows
  std::unordered_set<std::string> buffered_keys_;  // kind letter + key, of persons_ and events_
  void NoteKey(char kind, std::string_view key);
};

}  // namespace junheng::store::postgres
