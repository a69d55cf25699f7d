// Opening, migrating and reading the SQLite store, and its backup.
#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <filesystem>
#include <limits>
#include <system_error>

#include <fmt/format.h>

#include "store/sqlite/codec.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace junheng::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const SqliteOptions& options) {
  using sqlite::Db;
  const bool in_memory = path.empty() || path == ":memory:";
  std::error_code ec;
  if (!in_memory && !options.create_if_missing && !std::filesystem::exists(path, ec)) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("The database {} does not exist; check the path or create it.", path));
  }
  int flags = SQLITE_OPEN_READWRITE | (options.create_if_missing ? SQLITE_OPEN_CREATE : 0);
  JH_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, flags));
  sqlite3_busy_timeout(db->handle(), options.busy_timeout_ms);
  // Read before writing anything: never touch a file that is not ours.
  JH_RETURN_IF_ERROR(sqlite::CheckDatabase(*db, path));
  JH_RETURN_IF_ERROR(db->Exec(
      fmt::format("PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                  "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA secure_delete = OFF; "
                  "PRAGMA cache_size = -{}; PRAGMA mmap_size = {};",
                  options.cache_size_kib, options.mmap_size_bytes),
      "configuring the connection"));
  JH_RETURN_IF_ERROR(sqlite::Migrate(*db, path));
  return std::unique_ptr<Store>(new sqlite::SqliteStore(std::move(db), path, options.journal_first_load));
}

namespace sqlite {
namespace {

constexpr const char* kMaxSeq = "SELECT coalesce(max(seq), 0) FROM events";
constexpr const char* kMaxBatch = "SELECT coalesce(max(id), 0) FROM import_batches";
constexpr const char* kInsertBatch =
    "INSERT INTO import_batches(id, source, files, started_at) VALUES(?1, ?2, ?3, ?4)";

Result<int64_t> CachedInt(Db& db, const char* sql, std::string_view what) {
  JH_ASSIGN_OR_RETURN(Statement * s, db.Cached(sql));
  ScopedReset reset(*s);
  int rc = s->Step();
  if (rc == SQLITE_ROW) return s->ColumnInt64(0);
  if (rc == SQLITE_DONE) return 0;
  return std::unexpected(SqliteError(db.handle(), rc, what));
}

Result<std::vector<std::string>> QueryIds(Statement& s, std::string_view what) {
  std::vector<std::string> ids;
  JH_RETURN_IF_ERROR(ForEachRow(s, what, [&] { ids.push_back(s.ColumnString(0)); }));
  return ids;
}

}  // namespace

Result<std::unique_ptr<Batch>> SqliteStore::BeginBatch(const BatchInfo& info) {
  if (open_batch_ != nullptr) {
    return Fail(ErrorCode::kUnavailable,
                "A batch is already open on this store; commit or drop it before beginning another.");
  }
  UseJournalIfFirstLoad();
  if (auto begun = db_->Exec("BEGIN IMMEDIATE", "beginning a batch"); !begun) {
    BackToWal();
    return std::unexpected(begun.error());
  }
  // From here the batch object owns the transaction: returning early rolls back.
  auto start = [&]() -> Result<std::unique_ptr<SqliteBatch>> {
    JH_ASSIGN_OR_RETURN(int64_t max_seq, CachedInt(*db_, kMaxSeq, "reading the last sequence number"));
    JH_ASSIGN_OR_RETURN(int64_t max_id, CachedInt(*db_, kMaxBatch, "reading the last batch id"));
    return std::make_unique<SqliteBatch>(*this, max_id + 1, max_seq + 1, info.stream_rows);
  }();
  if (!start) {
    (void)db_->Exec("ROLLBACK", "rolling back");
    BackToWal();
    return std::unexpected(start.error());
  }
  std::unique_ptr<SqliteBatch> batch = std::move(*start);
  open_batch_ = batch.get();
  JH_RETURN_IF_ERROR(deferred_.DeferIfEmpty(*db_));
  JH_RETURN_IF_ERROR(batch->Prepare());
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(kInsertBatch));
  std::string files = StringsToJson(info.files);
  char started_buf[20];
  s->BindInt64(1, batch->id());
  s->BindTextOrNull(2, info.source);
  s->BindText(3, files);
  s->BindText(4, FormatTimestamp(info.started_at, started_buf));
  JH_RETURN_IF_ERROR(s->Run("recording the start of a batch"));
  return std::unique_ptr<Batch>(std::move(batch));
}

Status SqliteStore::Settle() { return open_batch_ != nullptr ? open_batch_->Settle() : Status{}; }

void SqliteStore::UseJournalIfFirstLoad() {
  journal_batch_ = false;
  if (!journal_first_load_ || path_.empty() || path_ == ":memory:") return;  // (no WAL to leave in memory)
  auto persons = db_->QueryInt("SELECT count(*) FROM (SELECT 1 FROM persons LIMIT 1)", "checking for persons");
  if (!persons || *persons != 0) return;
  // Fails at once ("database is locked") while any other connection is open.
  if (!db_->Exec("PRAGMA journal_mode = TRUNCATE", "leaving WAL mode for a first load")) return;
  Statement mode(db_->handle(), "PRAGMA journal_mode");
  if (!mode.ok() || mode.Step() != SQLITE_ROW || mode.ColumnText(0) != "truncate") return;
  journal_batch_ = true;
  // Without a WAL, NORMAL would let a power cut at the wrong moment damage
  // the file; FULL syncs the journal before the file is written.
  if (!db_->Exec("PRAGMA synchronous = FULL", "syncing a first load fully")) BackToWal();
}

void SqliteStore::BackToWal() {
  if (!journal_batch_) return;
  journal_batch_ = false;
  // Best effort: if another connection came in meanwhile the file stays in
  // rollback mode, and the next connection to open it puts it back in WAL.
  (void)db_->Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", "going back to WAL mode");
}

Result<std::vector<Division>> SqliteStore::LoadDivisions() {
  JH_RETURN_IF_ERROR(Settle());
  Statement s(db_->handle(),
              "SELECT code, name, level, parent_code, urban_rural FROM divisions ORDER BY code");
  if (!s.ok()) return std::unexpected(s.error());
  std::vector<Division> out;
  JH_RETURN_IF_ERROR(ForEachRow(s, "loading divisions", [&] {
    out.push_back(Division{ParseStoredDivision(s.ColumnText(0)), s.ColumnString(1),
                           static_cast<DivisionLevel>(s.ColumnInt64(2)),
                           ParseStoredDivision(s.ColumnText(3)), s.ColumnString(4)});
  }));
  return out;
}

Result<std::optional<Person>> SqliteStore::FindPerson(std::string_view person_id) {
  JH_RETURN_IF_ERROR(Settle());
  static const std::string kSql =
      fmt::format("SELECT {} FROM persons WHERE person_id = ?1", kPersonColumns);
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(kSql.c_str()));
  s->BindText(1, person_id);
  std::optional<Person> out;
  JH_RETURN_IF_ERROR(ForEachRow(*s, "finding a person", [&] { ReadPerson(*s, out.emplace()); }));
  return out;
}

Result<std::vector<std::string>> SqliteStore::FindByCitizenId(std::string_view citizen_id) {
  JH_RETURN_IF_ERROR(Settle());
  JH_RETURN_IF_ERROR(deferred_.Ensure(*db_, DeferredIndexes::Table::kPersons));
  JH_ASSIGN_OR_RETURN(Statement * s,
                      db_->Cached("SELECT person_id FROM persons WHERE citizen_digest = ?1 "
                                  "AND citizen_id = ?2 ORDER BY person_id"));
  s->BindInt64(1, Digest(citizen_id));
  s->BindText(2, citizen_id);
  return QueryIds(*s, "finding persons by citizen id");
}

Result<std::vector<std::string>> SqliteStore::FindByNameKey(std::string_view name_key,
                                                            Date birth_date, Sex sex) {
  JH_RETURN_IF_ERROR(Settle());
  JH_RETURN_IF_ERROR(deferred_.Ensure(*db_, DeferredIndexes::Table::kPersons));
  JH_ASSIGN_OR_RETURN(Statement * s,
                      db_->Cached("SELECT person_id FROM persons WHERE link_digest = ?1 AND "
                                  "name_key = ?2 AND birth_date = ?3 AND sex = ?4 "
                                  "ORDER BY person_id"));
  char birth_buf[10];
  const std::string_view birth = FormatDate(birth_date, birth_buf);
  s->BindInt64(1, LinkDigest(name_key, birth, sex));
  s->BindText(2, name_key);
  s->BindText(3, birth);
  s->BindInt64(4, static_cast<int>(sex));
  return QueryIds(*s, "finding persons by name");
}

Result<std::vector<StoredEvent>> SqliteStore::QueryEvents(const char* sql, std::string_view key) {
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached(sql));
  s->BindText(1, key);
  std::vector<StoredEvent> out;
  JH_RETURN_IF_ERROR(ForEachRow(*s, "reading events", [&] { ReadEvent(*s, out.emplace_back()); }));
  return out;
}

Result<std::vector<StoredEvent>> SqliteStore::EventsOfPerson(std::string_view person_id) {
  JH_RETURN_IF_ERROR(Settle());
  JH_RETURN_IF_ERROR(deferred_.Ensure(*db_, DeferredIndexes::Table::kEvents));
  static const std::string kSql =
      fmt::format("SELECT {} FROM events WHERE person_id = ?1 ORDER BY seq", kEventColumns);
  return QueryEvents(kSql.c_str(), person_id);
}

Result<std::vector<StoredEvent>> SqliteStore::BirthsOfMother(std::string_view mother_id) {
  JH_RETURN_IF_ERROR(Settle());
  JH_RETURN_IF_ERROR(deferred_.Ensure(*db_, DeferredIndexes::Table::kEvents));
  static const std::string kSql = fmt::format(
      "SELECT {} FROM events WHERE mother_id = ?1 AND type = 'birth' ORDER BY seq", kEventColumns);
  return QueryEvents(kSql.c_str(), mother_id);
}

Result<std::optional<EventKey>> SqliteStore::FindEvent(std::string_view source,
                                                       std::string_view event_id) {
  JH_RETURN_IF_ERROR(Settle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_->Cached("SELECT seq, content_hash, person_id FROM events "
                                                 "WHERE source = ?1 AND event_id = ?2"));
  s->BindText(1, source);
  s->BindText(2, event_id);
  std::optional<EventKey> out;
  JH_RETURN_IF_ERROR(ForEachRow(*s, "finding an event", [&] {
    out = EventKey{s->ColumnInt64(0), static_cast<uint64_t>(s->ColumnInt64(1)), s->ColumnString(2)};
  }));
  return out;
}

// The visitors prepare their own statement, so `fn` may call back into the store.
Status SqliteStore::ForEachPerson(const std::function<void(const Person&)>& fn) {
  JH_RETURN_IF_ERROR(Settle());
  return ScanPersons(fmt::format("SELECT {} FROM persons ORDER BY person_id", kPersonColumns), fn);
}

Status SqliteStore::ForEachPersonInPart(const std::function<void(const Person&)>& fn, Detail detail,
                                        PersonPart piece) {
  JH_RETURN_IF_ERROR(Settle());
  const char* columns = detail == Detail::kVitals ? kPersonVitalColumns : kPersonColumns;
  // The first piece starts at rowid 1 and the last is open-ended, so that every
  // person is in exactly one piece, also one stored after `bound` was read (one
  // piece of one: the whole table).
  const int64_t after = piece.part == 0 ? 0 : piece.bound * piece.part / piece.parts;
  const int64_t upto = piece.part + 1 == piece.parts ? std::numeric_limits<int64_t>::max()
                                                     : piece.bound * (piece.part + 1) / piece.parts;
  return ScanPersons(
      fmt::format("SELECT {} FROM persons WHERE rowid > {} AND rowid <= {} ORDER BY rowid", columns, after, upto), fn);
}

Status SqliteStore::ScanPersons(const std::string& sql, const std::function<void(const Person&)>& fn) {
  Statement s(db_->handle(), sql);
  if (!s.ok()) return std::unexpected(s.error());
  Person person;
  return ForEachRow(s, "reading persons", [&] {
    ReadPerson(s, person);
    fn(person);
  });
}

Status SqliteStore::ForEachEventBetween(int64_t after_seq, int64_t upto_seq,
                                        const std::function<void(const StoredEvent&)>& fn, Detail detail) {
  JH_RETURN_IF_ERROR(Settle());
  Statement s(db_->handle(), fmt::format("SELECT {} FROM events WHERE seq > ? AND seq <= ? ORDER BY seq",
                                         detail == Detail::kVitals ? kEventVitalColumns : kEventColumns));
  if (!s.ok()) return std::unexpected(s.error());
  s.BindInt64(1, after_seq);
  s.BindInt64(2, upto_seq);
  StoredEvent event;
  return ForEachRow(s, "reading events", [&] {
    ReadEvent(s, event);
    fn(event);
  });
}

Status SqliteStore::Backup(const std::string& path) {
  JH_RETURN_IF_ERROR(Settle());
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} already exists; a backup never overwrites a file, give a new path.", path));
  }
  // A second, read-only connection sees the last committed state even while a
  // batch is open on this one, and in WAL mode it blocks no writer.
  std::unique_ptr<Db> reader;
  sqlite3* source = db_->handle();
  if (!path_.empty() && path_ != ":memory:") {
    JH_ASSIGN_OR_RETURN(reader, Db::Open(path_, SQLITE_OPEN_READONLY));
    source = reader->handle();
  }
  JH_ASSIGN_OR_RETURN(std::unique_ptr<Db> dest,
                      Db::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  sqlite3_backup* backup = sqlite3_backup_init(dest->handle(), "main", source, "main");
  if (backup == nullptr) {
    Error error = SqliteError(dest->handle(), sqlite3_errcode(dest->handle()), "starting the backup");
    dest.reset();
    std::filesystem::remove(path, ec);
    return std::unexpected(std::move(error));
  }
  // All pages in one step: one read transaction, hence one consistent snapshot.
  int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    Error error = SqliteError(dest->handle(), rc, fmt::format("backing up to {}", path));
    dest.reset();
    std::filesystem::remove(path, ec);
    return std::unexpected(std::move(error));
  }
  return {};
}

}  // namespace sqlite
}  // namespace junheng::store
