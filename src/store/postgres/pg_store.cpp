// Opening the PostgreSQL store, beginning batches, and reading the register.
#include "store/postgres/pg_store.h"

#include <fmt/format.h>

#include "store/postgres/pg_codec.h"
#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_store_impl.h"
#include "store/postgres/pg_uri.h"
#include "store/sqlite/codec.h"

namespace junheng::store {

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri, const PostgresOptions& options) {
  using namespace postgres;
  const std::string target = RedactUri(uri);
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(uri);
  } catch (const std::exception& e) {
    Error error = PgError(e, fmt::format("connecting to {}", target));
    error.code = ErrorCode::kUnavailable;  // a bad URI, a server down or a database missing
    return std::unexpected(std::move(error));
  }
  // Read before writing anything: never touch a database that is not ours.
  JH_ASSIGN_OR_RETURN(DatabaseState state, CheckDatabase(*conn, target));
  if (state == DatabaseState::kEmpty && !options.create_if_missing) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("The database {} holds no Junheng register; create one (open it with "
                            "create_if_missing) or give the URI of a register.",
                            target));
  }
  JH_RETURN_IF_ERROR(Migrate(*conn, target));
  return std::unique_ptr<Store>(new PgStore(std::move(conn), uri, options));
}

namespace postgres {
namespace {

// Rows a cursor fetches a round trip: ~1.5 MB of persons or events.
constexpr int kFetchRows = 10000;

// The hot lookups, prepared once per connection.
constexpr const char* kFindPerson = "jh_find_person";
constexpr const char* kFindByCitizen = "jh_find_by_citizen";
constexpr const char* kFindByNameKey = "jh_find_by_name_key";
constexpr const char* kEventsOfPerson = "jh_events_of_person";
constexpr const char* kBirthsOfMother = "jh_births_of_mother";
constexpr const char* kFindEvent = "jh_find_event";

// Prepares the hot lookups on `conn` (libpqxx prepares each on first use).
void PrepareLookups(pqxx::connection& conn) {
  conn.prepare(kFindPerson, fmt::format("SELECT {} FROM persons WHERE person_id = $1", kPersonColumns));
  conn.prepare(kFindByCitizen, "SELECT person_id FROM persons WHERE citizen_id = $1 ORDER BY person_id");
  conn.prepare(kFindByNameKey,
               "SELECT person_id FROM persons WHERE name_key = $1 AND birth_date = $2::date AND sex = $3 "
               "ORDER BY person_id");
  conn.prepare(kEventsOfPerson, fmt::format("SELECT {} FROM events WHERE person_id = $1 ORDER BY seq", kEventColumns));
  conn.prepare(kBirthsOfMother,
               fmt::format("SELECT {} FROM events WHERE mother_id = $1 AND type = 'birth' ORDER BY seq", kEventColumns));
  conn.prepare(kFindEvent, "SELECT seq, content_hash, person_id FROM events WHERE event_id = $1 AND source = $2");
}

}  // namespace

PgStore::PgStore(std::unique_ptr<pqxx::connection> conn, std::string uri, PostgresOptions options)
    : conn_(std::move(conn)), uri_(std::move(uri)), target_(RedactUri(uri_)), options_(options) {
  PrepareLookups(*conn_);
}

pqxx::connection& PgStore::Side() {
  if (side_ == nullptr) {
    side_ = std::make_unique<pqxx::connection>(uri_);
    PrepareLookups(*side_);
  }
  return *side_;
}

PgStore::~PgStore() = default;

Status PgStore::FlushBatch() {
  if (batch_ == nullptr) return {};
  return batch_->Flush();
}

Status PgStore::FlushBatchFor(char kind, std::string_view key) {
  if (batch_ == nullptr || !batch_->Buffers(kind, key)) return {};
  return batch_->Flush();
}

Error PgStore::Abandon(Error error) {
  if (batch_ != nullptr && batch_->active() && current_ == &batch_->tx()) batch_->MarkFailed(error);
  return error;
}

void PgStore::LoadDivisionCodes(pqxx::transaction_base& tx) {
  divisions_.clear();
  for (const pqxx::row& r : tx.exec("SELECT code FROM divisions")) {
    divisions_.insert(sqlite::ParseStoredDivision(TextOf(r[0])).value());
  }
}

Result<std::unique_ptr<Batch>> PgStore::BeginBatch(const BatchInfo& info) {
  if (batch_ != nullptr) {
    return Fail(ErrorCode::kUnavailable,
                "A batch is already open on this store; commit or drop it before beginning another.");
  }
  if (current_ != nullptr || !scan_snapshot_.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "A batch cannot begin while the store is scanning.");
  }
  std::string source_buf, files_buf;
  const std::string files = sqlite::StringsToJson(info.files);
  char started_buf[20];
  try {
    auto tx = std::make_unique<pqxx::work>(*conn_);
    tx->exec(fmt::format("SET LOCAL lock_timeout = {}", options_.lock_timeout_ms));
    try {
      tx->exec(fmt::format("SELECT pg_advisory_xact_lock({})", kWriterLock));
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != "55P03") throw;
      return Fail(ErrorCode::kUnavailable,
                  fmt::format("Another process has been writing a batch to {} for over {} ms; try again "
                              "when it has finished.",
                              target_, options_.lock_timeout_ms));
    }
    // Under the lock nobody else appends: the next numbers are ours until we commit.
    const pqxx::row last = tx->exec1(
        "SELECT (SELECT coalesce(max(seq), 0) FROM events), (SELECT coalesce(max(id), 0) FROM import_batches)");
    const int64_t next_seq = IntOf(last[0]) + 1;
    const int64_t id = IntOf(last[1]) + 1;
    tx->exec_params("INSERT INTO import_batches(id, source, files, started_at) VALUES($1, $2, $3, $4)", id,
                    TextOrNull(CleanText(info.source, source_buf)), Text(CleanText(files, files_buf)),
                    Text(sqlite::FormatTimestamp(info.started_at, started_buf)));
    auto batch = std::make_unique<PgBatch>(*this, std::move(tx), id, next_seq);
    batch_ = batch.get();
    current_ = &batch->tx();
    return std::unique_ptr<Batch>(std::move(batch));
  } catch (const std::exception& e) {
    return std::unexpected(PgError(e, fmt::format("beginning a batch on {}", target_)));
  }
}

Result<std::vector<Division>> PgStore::LoadDivisions() {
  return Run("loading divisions", [&](pqxx::transaction_base& tx) -> Result<std::vector<Division>> {
    std::vector<Division> out;
    for (const pqxx::row& r :
         tx.exec("SELECT code, name, level, parent_code, urban_rural FROM divisions ORDER BY code")) {
      out.push_back(Division{sqlite::ParseStoredDivision(TextOf(r[0])), std::string(TextOf(r[1])),
                             static_cast<DivisionLevel>(IntOf(r[2])), sqlite::ParseStoredDivision(TextOf(r[3])),
                             std::string(TextOf(r[4]))});
    }
    return out;
  });
}

Result<std::optional<Person>> PgStore::FindPerson(std::string_view person_id) {
  if (!IsStorableText(person_id)) return std::optional<Person>();  // no stored id holds such bytes
  return RunLookup("finding a person", PgBatch::kPersonKey, person_id, [&](pqxx::transaction_base& tx) -> Result<std::optional<Person>> {
    std::optional<Person> out;
    Fields f;
    for (const pqxx::row& r : tx.exec_prepared(kFindPerson, Text(person_id))) {
      f.From(r);
      ReadPerson(f, out.emplace());
    }
    return out;
  });
}

namespace {
std::vector<std::string> Ids(const pqxx::result& rows) {
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (const pqxx::row& r : rows) ids.emplace_back(TextOf(r[0]));
  return ids;
}
}  // namespace

Result<std::vector<std::string>> PgStore::FindByCitizenId(std::string_view citizen_id) {
  if (citizen_id.empty() || !IsStorableText(citizen_id)) return std::vector<std::string>();
  return RunLookup("finding persons by citizen id", PgBatch::kCitizenKey, citizen_id, [&](pqxx::transaction_base& tx) -> Result<std::vector<std::string>> {
    return Ids(tx.exec_prepared(kFindByCitizen, Text(citizen_id)));
  });
}

Result<std::vector<std::string>> PgStore::FindByNameKey(std::string_view name_key, Date birth_date, Sex sex) {
  if (!IsStorableText(name_key)) return std::vector<std::string>();
  char birth_buf[10];
  const std::string_view birth = sqlite::FormatDate(birth_date, birth_buf);
  return RunLookup("finding persons by name", PgBatch::kNameKey, name_key, [&](pqxx::transaction_base& tx) -> Result<std::vector<std::string>> {
    return Ids(tx.exec_prepared(kFindByNameKey, Text(name_key), Text(birth), Int(static_cast<int>(sex))));
  });
}

Result<std::vector<StoredEvent>> PgStore::QueryEvents(std::string_view what, const char* statement,
                                                      char kind, std::string_view key) {
  if (!IsStorableText(key)) return std::vector<StoredEvent>();
  return RunLookup(what, kind, key, [&](pqxx::transaction_base& tx) -> Result<std::vector<StoredEvent>> {
    const pqxx::result rows = tx.exec_prepared(statement, Text(key));
    std::vector<StoredEvent> out(rows.size());
    Fields f;
    for (size_t i = 0; i < rows.size(); ++i) {
      f.From(rows[i]);
      ReadEvent(f, out[i]);
    }
    return out;
  });
}

Result<std::vector<StoredEvent>> PgStore::EventsOfPerson(std::string_view person_id) {
  return QueryEvents("reading the events of a person", kEventsOfPerson, PgBatch::kEventPersonKey, person_id);
}

Result<std::vector<StoredEvent>> PgStore::BirthsOfMother(std::string_view mother_id) {
  return QueryEvents("reading the births of a mother", kBirthsOfMother, PgBatch::kMotherKey, mother_id);
}

Result<std::optional<EventKey>> PgStore::FindEvent(std::string_view source, std::string_view event_id) {
  if (!IsStorableText(source) || !IsStorableText(event_id)) return std::optional<EventKey>();
  return RunLookup("finding an event", PgBatch::kEventKey, EventKeyText(source, event_id), [&](pqxx::transaction_base& tx) -> Result<std::optional<EventKey>> {
    std::optional<EventKey> out;
    for (const pqxx::row& r : tx.exec_prepared(kFindEvent, Text(event_id), Text(source))) {
      out = EventKey{IntOf(r[0]), static_cast<uint64_t>(IntOf(r[1])), std::string(TextOf(r[2]))};
    }
    return out;
  });
}

void PgStore::CursorRows(pqxx::transaction_base& tx, const std::string& sql,
                         const std::function<void(const Fields&)>& on_row) {
  const std::string cursor = fmt::format("jh_scan_{}", ++cursors_);
  tx.exec(fmt::format("DECLARE {} NO SCROLL CURSOR FOR {}", cursor, sql));
  const std::string fetch = fmt::format("FETCH {} FROM {}", kFetchRows, cursor);
  Fields f;
  for (;;) {
    const pqxx::result rows = tx.exec(fetch);
    for (const pqxx::row& r : rows) {
      f.From(r);
      on_row(f);
    }
    if (rows.size() < static_cast<size_t>(kFetchRows)) break;
  }
  tx.exec("CLOSE " + cursor);
}

void PgStore::CopyRows(pqxx::transaction_base& tx, const std::string& sql,
                       const std::function<void(const Fields&)>& on_row) {
  // libpqxx 6 sends "COPY <table> TO STDOUT" with the table as given, so a
  // parenthesised query streams that query (libpqxx 7 calls it stream_from::query).
  pqxx::stream_from copy(tx, "(" + sql + ")");
  std::string line;
  Fields f;
  while (copy.get_raw_line(line)) {
    if (!f.ParseCopyLine(line)) throw std::runtime_error("a malformed row in COPY output");
    on_row(f);
  }
  copy.complete();
}

Status PgStore::Scan(std::string_view what, const std::string& sql, const std::function<void(const Fields&)>& on_row) {
  JH_RETURN_IF_ERROR(FlushBatch());
  try {
    if (!scan_snapshot_.empty()) {  // a scan called back from a streaming scan
      SnapshotTransaction tx(Side());
      tx.exec("SET TRANSACTION SNAPSHOT " + tx.quote(scan_snapshot_));
      CursorRows(tx, sql, on_row);
      tx.commit();
      return {};
    }
    if (current_ != nullptr) {
      CursorRows(*current_, sql, on_row);
      return {};
    }
    SnapshotTransaction tx(*conn_);
    scan_snapshot_ = tx.exec1("SELECT pg_export_snapshot()")[0].c_str();
    struct Clear {
      std::string& s;
      ~Clear() { s.clear(); }
    } clear{scan_snapshot_};
    CopyRows(tx, sql, on_row);
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return std::unexpected(Abandon(PgError(e, what)));
  }
}

// `fn` may read the store: Scan says how.
Status PgStore::ForEachPerson(const std::function<void(const Person&)>& fn) {
  Person person;
  return Scan("reading persons", fmt::format("SELECT {} FROM persons ORDER BY person_id", kPersonColumns),
              [&](const Fields& r) {
                ReadPerson(r, person);
                fn(person);
              });
}

Status PgStore::ForEachPersonInPart(const std::function<void(const Person&)>& fn, Detail detail,
                                    PersonPart piece) {
  const char* columns = detail == Detail::kVitals ? kPersonVitalColumns : kPersonColumns;
  Person person;
  auto read = [&](const Fields& r) {
    ReadPerson(r, person);
    fn(person);
  };
  // A piece is every parts-th partition (bound is not needed: partitions are disjoint).
  for (int p = piece.part; p < kPartitions; p += piece.parts) {
    JH_RETURN_IF_ERROR(Scan("reading persons", fmt::format("SELECT {} FROM persons_p{}", columns, p), read));
  }
  return {};
}

Status PgStore::ForEachEventBetween(int64_t after_seq, int64_t upto_seq,
                                    const std::function<void(const StoredEvent&)>& fn, Detail detail) {
  StoredEvent event;
  return Scan("reading events",
              fmt::format("SELECT {} FROM events WHERE seq > {} AND seq <= {} ORDER BY seq",
                          detail == Detail::kVitals ? kEventVitalColumns : kEventColumns, after_seq, upto_seq),
              [&](const Fields& r) {
                ReadEvent(r, event);
                fn(event);
              });
}

}  // namespace postgres
}  // namespace junheng::store
