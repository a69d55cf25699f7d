// The write path: one SqliteBatch is one transaction.
#include <sqlite3.h>

#include <chrono>
#include <vector>

#include <fmt/format.h>

#include "store/sqlite/codec.h"
#include "store/sqlite/insert_pipeline.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace junheng::store::sqlite {
namespace {

constexpr const char* kInsertPerson =
    "INSERT OR FAIL INTO persons(person_id, citizen_id, name, name_key, sex, birth_date, ethnicity, "
    "hukou_division, mother_id, father_id, household_id, phone, batch_id, citizen_digest, "
    "link_digest) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
#define JH_EVENT_COLUMNS                                                                  \
  "INSERT INTO events(seq, batch_id, source, event_id, type, date, recorded_at, person_id, " \
  "division, other_place, mother_id, father_id, birth_order, plurality, weight_g, "         \
  "gestation_weeks, spouse_id, cause, maternal, content_hash) VALUES"
constexpr const char* kInsertEvent =
    JH_EVENT_COLUMNS "(NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";

// InsertPipeline::kEventsPerInsert rows of the same columns, parameters in order.
const std::string& InsertEventsSql() {
  static const std::string sql = [] {
    std::string s = JH_EVENT_COLUMNS;
    for (size_t r = 0; r < InsertPipeline::kEventsPerInsert; ++r)
      s += r == 0 ? "(NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  : ",(NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    return s;
  }();
  return sql;
}
#undef JH_EVENT_COLUMNS
constexpr const char* kSelectDivision =
    "SELECT name, level, parent_code, urban_rural FROM divisions WHERE code = ?1";
constexpr const char* kInsertDivision =
    "INSERT INTO divisions(code, name, level, parent_code, urban_rural) VALUES(?1, ?2, ?3, ?4, ?5)";
constexpr const char* kInsertQuarantine =
    "INSERT INTO quarantine(batch_id, kind, source, file, line, record_key, raw, reasons, division) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char* kInsertConflict =
    "INSERT INTO conflicts(batch_id, kind, source, file, line, record_key, existing_seq, raw, "
    "message, status) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr const char* kInsertReview =
    "INSERT INTO linkage_review(batch_id, kind, source, file, line, raw, candidates, message, "
    "status) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char* kAddTally =
    "INSERT INTO event_tallies(type, events, first_date, last_date) VALUES(?1, ?2, ?3, ?4) "
    "ON CONFLICT(type) DO UPDATE SET events = events + excluded.events, "
    "first_date = min(first_date, excluded.first_date), last_date = max(last_date, excluded.last_date)";
constexpr const char* kFinishBatch =
    "UPDATE import_batches SET finished_at = ?2, divisions_loaded = ?3, persons_loaded = ?4, "
    "events_loaded = ?5, duplicates = ?6, conflicts = ?7, rejected = ?8, review = ?9 "
    "WHERE id = ?1";

Timestamp Now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp{std::chrono::duration_cast<std::chrono::seconds>(now).count()};
}

}  // namespace

SqliteBatch::~SqliteBatch() {
  pipeline_.reset();  // stops the writer thread; rows it had not run are dropped
  if (!committed_) {
    (void)db_.Exec("ROLLBACK", "rolling back the batch");
    store_.deferred_.Forget();  // the rollback brought the dropped indexes back
    if (added_divisions_) store_.division_codes_.clear();
  }
  store_.open_batch_ = nullptr;
  store_.BackToWal();
}

Status SqliteBatch::Prepare() {
  JH_ASSIGN_OR_RETURN(insert_person_, db_.Cached(kInsertPerson));
  JH_ASSIGN_OR_RETURN(insert_event_, db_.Cached(kInsertEvent));
  JH_ASSIGN_OR_RETURN(insert_events_, db_.Cached(InsertEventsSql().c_str()));
  return {};
}

Status SqliteBatch::CheckOpen() const {
  if (committed_) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("Batch {} is already committed; begin a new batch to write more.", id_));
  }
  return {};
}

Status SqliteBatch::CheckOpenAndSettle() {
  JH_RETURN_IF_ERROR(CheckOpen());
  return Settle();
}

Status SqliteBatch::PutDivision(const Division& division) {
  JH_RETURN_IF_ERROR(CheckOpenAndSettle());
  char code_buf[12], parent_buf[12];
  std::string_view code = FormatDivision(division.code, code_buf);
  std::string_view parent = FormatDivision(division.parent, parent_buf);
  const int level = static_cast<int>(division.level);

  JH_ASSIGN_OR_RETURN(Statement * select, db_.Cached(kSelectDivision));
  {
    ScopedReset reset(*select);
    select->BindText(1, code);
    int rc = select->Step();
    if (rc == SQLITE_ROW) {
      std::vector<std::string> diffs;
      if (select->ColumnText(0) != division.name) {
        diffs.push_back(fmt::format("name {} (not {})", select->ColumnText(0), division.name));
      }
      if (select->ColumnInt64(1) != level) {
        diffs.push_back(fmt::format("level {} (not {})", select->ColumnInt64(1), level));
      }
      if (select->ColumnText(2) != parent) {
        diffs.push_back(fmt::format("parent_code '{}' (not '{}')", select->ColumnText(2), parent));
      }
      if (select->ColumnText(3) != division.urban_rural) {
        diffs.push_back(fmt::format("urban_rural '{}' (not '{}')", select->ColumnText(3),
                                    division.urban_rural));
      }
      if (diffs.empty()) return {};  // the same division again: nothing to do
      return Fail(ErrorCode::kConflict,
                  fmt::format("Division {} already exists with {}; correct the division file or "
                              "the register.",
                              code, fmt::join(diffs, ", ")));
    }
    if (rc != SQLITE_DONE) return std::unexpected(SqliteError(db_.handle(), rc, "reading a division"));
  }
  JH_ASSIGN_OR_RETURN(Statement * insert, db_.Cached(kInsertDivision));
  insert->BindText(1, code);
  insert->BindText(2, division.name);
  insert->BindInt64(3, level);
  insert->BindTextOrNull(4, parent);
  insert->BindTextOrNull(5, division.urban_rural);
  JH_RETURN_IF_ERROR(insert->Run(fmt::format("adding division {}", code)));
  added_divisions_ = true;
  store_.division_codes_.insert(division.code.value());
  return {};
}

Status SqliteBatch::CheckDivision(const Event& e) {
  if (e.division.empty() || store_.division_codes_.contains(e.division.value())) return {};
  if (!divisions_read_) {
    // Another process may have added divisions since the cache was filled. The
    // batch holds the write lock, so from here on only it adds any.
    JH_ASSIGN_OR_RETURN(const std::vector<Division> divisions, store_.LoadDivisions());
    for (const Division& d : divisions) store_.division_codes_.insert(d.code.value());
    divisions_read_ = true;
    if (store_.division_codes_.contains(e.division.value())) return {};
  }
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("Division {} of event {}/{} is not in the register; load the division first.",
                          e.division.ToString(), e.source, e.event_id));
}

// Streaming starts only after this many rows: a small batch (one registration)
// never allocates the pipeline's blocks or starts its thread.
constexpr int64_t kRowsBeforeStreaming = 4096;

InsertPipeline* SqliteBatch::Pipeline() {
  if (pipeline_ == nullptr && stream_rows_ && ++direct_rows_ > kRowsBeforeStreaming)
    pipeline_ = std::make_unique<InsertPipeline>(*insert_person_, *insert_event_, *insert_events_, id_);
  return pipeline_.get();
}

Status SqliteBatch::Settle() { return pipeline_ != nullptr ? pipeline_->Settle() : Status{}; }

Status SqliteBatch::InsertPerson(const Person& p, std::string_view name_key) {
  JH_RETURN_IF_ERROR(CheckOpen());
  if (InsertPipeline* pipeline = Pipeline()) return pipeline->AddPerson(p, name_key);
  return RunInsertPerson(*insert_person_, id_, p, name_key);
}

Result<int64_t> SqliteBatch::AppendEvent(const Event& e, uint64_t content_hash) {
  JH_RETURN_IF_ERROR(CheckOpen());
  JH_RETURN_IF_ERROR(CheckDivision(e));
  if (InsertPipeline* pipeline = Pipeline()) {
    JH_RETURN_IF_ERROR(pipeline->AddEvent(e, content_hash, next_seq_));
  } else {
    JH_RETURN_IF_ERROR(RunAppendEvent(*insert_event_, id_, e, content_hash, next_seq_));
  }
  tallies_.Add(e.type, e.date);
  return next_seq_++;
}

Status SqliteBatch::AddTallies() {
  JH_ASSIGN_OR_RETURN(Statement * s, db_.Cached(kAddTally));
  Status status;
  tallies_.ForEach([&](std::string_view type, int64_t events, Date first, Date last) {
    if (!status) return;
    char first_buf[10], last_buf[10];
    s->BindText(1, type);
    s->BindInt64(2, events);
    s->BindText(3, FormatDate(first, first_buf));
    s->BindText(4, FormatDate(last, last_buf));
    status = s->Run("counting the batch's events by type");
  });
  // In the transaction now: a Commit tried again must not add them twice (and
  // after a failure here the batch cannot commit).
  if (status) tallies_.Clear();
  return status;
}

Status SqliteBatch::AddQuarantine(const QuarantineRow& row) {
  JH_RETURN_IF_ERROR(CheckOpenAndSettle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_.Cached(kInsertQuarantine));
  std::string reasons = ReasonsToJson(row.reasons);
  s->BindInt64(1, id_);
  s->BindText(2, RecordKindName(row.kind));
  s->BindTextOrNull(3, row.source);
  s->BindTextOrNull(4, row.file);
  s->BindInt64(5, row.line);
  s->BindTextOrNull(6, row.record_key);
  s->BindText(7, row.raw);
  s->BindText(8, reasons);
  s->BindTextOrNull(9, row.division);
  return s->Run("adding a quarantined row");
}

Status SqliteBatch::AddConflict(const ConflictRow& row) {
  JH_RETURN_IF_ERROR(CheckOpenAndSettle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_.Cached(kInsertConflict));
  s->BindInt64(1, id_);
  s->BindText(2, RecordKindName(row.kind));
  s->BindTextOrNull(3, row.source);
  s->BindTextOrNull(4, row.file);
  s->BindInt64(5, row.line);
  s->BindTextOrNull(6, row.record_key);
  s->BindIntOrNull(7, row.existing_seq);
  s->BindText(8, row.raw);
  s->BindText(9, row.message);
  s->BindText(10, row.status);
  return s->Run("adding a conflict");
}

Status SqliteBatch::AddReview(const ReviewRow& row) {
  JH_RETURN_IF_ERROR(CheckOpenAndSettle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_.Cached(kInsertReview));
  std::string candidates = StringsToJson(row.candidates);
  s->BindInt64(1, id_);
  s->BindText(2, RecordKindName(row.kind));
  s->BindTextOrNull(3, row.source);
  s->BindTextOrNull(4, row.file);
  s->BindInt64(5, row.line);
  s->BindText(6, row.raw);
  s->BindText(7, candidates);
  s->BindText(8, row.message);
  s->BindText(9, row.status);
  return s->Run("adding a linkage review row");
}

Status SqliteBatch::Commit(const BatchCounts& counts) {
  JH_RETURN_IF_ERROR(CheckOpenAndSettle());
  JH_ASSIGN_OR_RETURN(Statement * s, db_.Cached(kFinishBatch));
  char finished_buf[20];
  s->BindInt64(1, id_);
  s->BindText(2, FormatTimestamp(Now(), finished_buf));
  s->BindInt64(3, counts.divisions_loaded);
  s->BindInt64(4, counts.persons_loaded);
  s->BindInt64(5, counts.events_loaded);
  s->BindInt64(6, counts.duplicates);
  s->BindInt64(7, counts.conflicts);
  s->BindInt64(8, counts.rejected);
  s->BindInt64(9, counts.review);
  JH_RETURN_IF_ERROR(s->Run("recording the batch"));
  JH_RETURN_IF_ERROR(AddTallies());
  JH_RETURN_IF_ERROR(store_.deferred_.EnsureAll(db_));
  // Deferred checks (a division's parent) run here; on failure the batch stays
  // open and the caller may fix it or drop it.
  JH_RETURN_IF_ERROR(db_.Exec("COMMIT", fmt::format("committing batch {}", id_)));
  committed_ = true;
  pipeline_.reset();
  return {};
}

}  // namespace junheng::store::sqlite
