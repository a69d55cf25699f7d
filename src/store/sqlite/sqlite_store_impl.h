// store/sqlite/sqlite_store_impl.h: the classes behind OpenSqliteStore.
// Internal to store/sqlite: include sqlite_store.h instead.
#pragma once

#include <memory>
#include <string>
#include <unordered_set>

#include "store/event_tallies.h"
#include "store/sqlite/deferred_indexes.h"
#include "store/sqlite/insert_pipeline.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"
#include "store/store.h"

namespace junheng::store::sqlite {

class SqliteBatch;

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<Db> db, std::string path, bool journal_first_load)
      : db_(std::move(db)), path_(std::move(path)), journal_first_load_(journal_first_load) {}

  Result<std::unique_ptr<Batch>> BeginBatch(const BatchInfo& info) override;

  Result<std::vector<Division>> LoadDivisions() override;
  Result<std::optional<Person>> FindPerson(std::string_view person_id) override;
  Result<std::vector<std::string>> FindByCitizenId(std::string_view citizen_id) override;
  Result<std::vector<std::string>> FindByNameKey(std::string_view name_key, Date birth_date,
                                                 Sex sex) override;
  Result<std::vector<StoredEvent>> EventsOfPerson(std::string_view person_id) override;
  Result<std::vector<StoredEvent>> BirthsOfMother(std::string_view mother_id) override;
  Result<std::optional<EventKey>> FindEvent(std::string_view source,
                                            std::string_view event_id) override;
  Status ForEachPerson(const std::function<void(const Person&)>& fn) override;
  Status ForEachPersonInPart(const std::function<void(const Person&)>& fn, Detail detail,
                             PersonPart piece) override;
  Status ForEachEventBetween(int64_t after_seq, int64_t upto_seq, const std::function<void(const StoredEvent&)>& fn,
                             Detail detail) override;
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
  Status Backup(const std::string& path) override;

  // sqlite_accounts.cpp
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
  friend class SqliteBatch;
  // Runs the rows an open streaming batch still holds (InsertPipeline), so
  // that this thread may use the connection; every public method calls it
  // first. Fails with the batch's first failed row.
  Status Settle();
  Result<std::vector<StoredEvent>> QueryEvents(const char* sql, std::string_view key);
  Status ScanPersons(const std::string& sql, const std::function<void(const Person&)>& fn);

  // SqliteOptions::journal_first_load: a first load (no persons yet) on the
  // only connection to the file is written with a rollback journal, not
  // through the WAL: its pages go straight into the database file once, where
  // through the WAL they are written twice (WAL, then checkpoint), and every
  // page the batch reads back is searched in a WAL index of hundreds of
  // thousands of frames (a tenth of the demo city's time). A journal holds the
  // file's pages as they were before the batch, and a new file has almost
  // none, so a crash still leaves the register as it was. Any other connection
  // makes the switch fail at once, and the batch stays in WAL mode. After the
  // batch the file goes back to WAL.
  void UseJournalIfFirstLoad();
  void BackToWal();  // after a batch that UseJournalIfFirstLoad switched; else nothing

  std::unique_ptr<Db> db_;
  std::string path_;
  SqliteBatch* open_batch_ = nullptr;  // the open batch, once BeginBatch has made it
  bool journal_first_load_;
  bool journal_batch_ = false;  // the open batch runs with a rollback journal
  DeferredIndexes deferred_;  // lookup indexes the open batch builds at the end
  // Codes of divisions known to be in the register, for the check of each
  // appended event's division (SqliteBatch::CheckDivision). Divisions are never
  // deleted, so a code stays true once committed; a batch that added divisions
  // and rolls back empties it.
  std::unordered_set<uint64_t> division_codes_;
};

// One BEGIN IMMEDIATE ... COMMIT transaction. Sequence numbers and the batch id
// are read once at the start (max + 1) and counted in memory: the write lock
// keeps them ours, and a rollback leaves no gap because nothing was committed.
class SqliteBatch final : public Batch {
 public:
  // REQUIRES: BEGIN IMMEDIATE has run on `store`'s connection.
  SqliteBatch(SqliteStore& store, int64_t id, int64_t next_seq, bool stream_rows)
      : store_(store), db_(*store.db_), id_(id), next_seq_(next_seq), stream_rows_(stream_rows) {}
  ~SqliteBatch() override;

  // Prepares the cached statements of the hot paths.
  Status Prepare();

  int64_t id() const override { return id_; }
  Status PutDivision(const Division& division) override;
  Status InsertPerson(const Person& person, std::string_view name_key) override;
  Result<int64_t> AppendEvent(const Event& event, uint64_t content_hash) override;
  Status AddQuarantine(const QuarantineRow& row) override;
  Status AddConflict(const ConflictRow& row) override;
  Status AddReview(const ReviewRow& row) override;
  Status Commit(const BatchCounts& counts) override;

  // Runs the rows the pipeline still holds; see SqliteStore::Settle.
  Status Settle();
  const EventTallies& tallies() const { return tallies_; }

 private:
  Status CheckOpen() const;
  Status CheckOpenAndSettle();  // for everything but the two streamed inserts
  // The pipeline, once a streaming batch has written kRowsBeforeStreaming
  // rows directly; else nullptr (each row is then run at once).
  InsertPipeline* Pipeline();
  // Adds this batch's events to event_tallies (before COMMIT) and zeroes them.
  Status AddTallies();
  // kInvalidArgument unless `e`'s division (if any) is in the register or was
  // added by this batch: the log has no foreign key to divisions (schema
  // version 4). The first code missing from the store's cache reloads it,
  // once a batch; every later miss is an unknown division.
  Status CheckDivision(const Event& e);

  SqliteStore& store_;
  Db& db_;
  int64_t id_;
  int64_t next_seq_;
  bool committed_ = false;
  Statement* insert_person_ = nullptr;
  Statement* insert_event_ = nullptr;
  Statement* insert_events_ = nullptr;  // InsertPipeline::kEventsPerInsert rows at once
  const bool stream_rows_;  // BatchInfo::stream_rows
  int64_t direct_rows_ = 0;
  bool divisions_read_ = false;   // the store's division cache was filled in this batch
  bool added_divisions_ = false;  // PutDivision inserted one: a rollback empties the cache
  std::unique_ptr<InsertPipeline> pipeline_;  // destroyed before the rollback or after COMMIT
  EventTallies tallies_;  // this batch's events, until Commit adds them to event_tallies
};

}  // namespace junheng::store::sqlite
