// The write path: one SqliteBatch is one transaction.
#include <sqlite3.h>

#include <chrono>
#include <vector>

#include <fmt/format.h>

#include "store/sqlite/codec.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace junheng::store::sqlite {
namespace {

constexpr const char* kInsertPerson =
    "INSERT OR FAIL INTO persons(person_id, citizen_id, name, name_key, sex, birth_date, ethnicity, "
    "hukou_division, mother_id, father_id, household_id, phone, batch_id, citizen_digest, "
    "link_digest) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
constexpr const char* kInsertEvent =
    "INSERT INTO events(seq, batch_id, source, event_id, type, date, recorded_at, person_id, "
    "division, other_place, mother_id, father_id, birth_order, plurality, weight_g, "
    "gestation_weeks, spouse_id, cause, maternal, content_hash) "
    "VALUES(NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
    "?19, ?20)";
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
  if (!committed_) {
    (void)db_.Exec("ROLLBACK", "rolling back the batch");
    store_.deferred_.Forget();  // the rollback brought the dropped indexes back
  }
  store_.batch_open_ = false;
  store_.BackToWal();
}

Status SqliteBatch::Prepare() {
  JH_ASSIGN_OR_RETURN(insert_person_, db_.Cached(kInsertPerson));
  JH_ASSIGN_OR_RETURN(insert_event_, db_.Cached(kInsertEvent));
  return {};
}

Status SqliteBatch::CheckOpen() const {
  if (committed_) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("Batch {} is already committed; begin a new batch to write more.", id_));
  }
  return {};
}

Status SqliteBatch::PutDivision(const Division& division) {
  JH_RETURN_IF_ERROR(CheckOpen());
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
  return insert->Run(fmt::format("adding division {}", code));
}

Status SqliteBatch::InsertPerson(const Person& p, std::string_view name_key) {
  JH_RETURN_IF_ERROR(CheckOpen());
  char birth_buf[10], hukou_buf[12];
  Statement& s = *insert_person_;
  s.BindText(1, p.person_id);
  s.BindTextOrNull(2, p.citizen_id);
  s.BindText(3, p.name);
  s.BindText(4, name_key);
  s.BindInt64(5, static_cast<int>(p.sex));
  const std::string_view birth = FormatDate(p.birth_date, birth_buf);
  s.BindText(6, birth);
  s.BindTextOrNull(7, p.ethnicity);
  s.BindTextOrNull(8, FormatDivision(p.hukou_division, hukou_buf));
  s.BindTextOrNull(9, p.mother_id);
  s.BindTextOrNull(10, p.father_id);
  s.BindTextOrNull(11, p.household_id);
  s.BindTextOrNull(12, p.phone);
  s.BindInt64(13, id_);
  if (p.citizen_id.empty()) {
    s.BindNull(14);
  } else {
    s.BindInt64(14, Digest(p.citizen_id));
  }
  s.BindInt64(15, LinkDigest(name_key, birth, p.sex));
  int rc = s.Step();
  if (rc == SQLITE_DONE) {
    s.Reset();
    return {};
  }
  Error error = SqliteError(db_.handle(), rc, fmt::format("adding person {}", p.person_id));
  s.Reset();
  return std::unexpected(std::move(error));
}

Result<int64_t> SqliteBatch::AppendEvent(const Event& e, uint64_t content_hash) {
  JH_RETURN_IF_ERROR(CheckOpen());
  char date_buf[10], recorded_buf[20], division_buf[12];
  Statement& s = *insert_event_;
  s.BindInt64(2, id_);
  s.BindText(3, e.source);
  s.BindText(4, e.event_id);
  s.BindText(5, EventTypeName(e.type));
  s.BindText(6, FormatDate(e.date, date_buf));
  s.BindText(7, FormatTimestamp(e.recorded_at, recorded_buf));
  s.BindText(8, e.person_id);
  s.BindTextOrNull(9, FormatDivision(e.division, division_buf));
  s.BindTextOrNull(10, e.other_place);
  s.BindTextOrNull(11, e.mother_id);
  s.BindTextOrNull(12, e.father_id);
  s.BindIntOrNull(13, e.birth_order);
  s.BindIntOrNull(14, e.plurality);
  s.BindIntOrNull(15, e.weight_g);
  s.BindIntOrNull(16, e.gestation_weeks);
  s.BindTextOrNull(17, e.spouse_id);
  s.BindTextOrNull(18, e.cause);
  if (e.maternal < 0) {
    s.BindNull(19);
  } else {
    s.BindInt64(19, e.maternal);
  }
  s.BindInt64(20, static_cast<int64_t>(content_hash));  // the same 64 bits, signed
  int rc = s.Step();
  if (rc == SQLITE_DONE) {
    s.Reset();
    // seq is bound NULL, so SQLite appends at max(seq) + 1 without first seeking
    // the number we would give it (saves ~700 instructions a row); under the
    // write lock and with the log append-only that is next_seq_.
    const int64_t seq = sqlite3_last_insert_rowid(db_.handle());
    if (seq != next_seq_) {
      return Fail(ErrorCode::kInternal,
                  fmt::format("event {}/{} got sequence number {}, expected {}; the log has a gap "
                              "or was written by someone else during the batch.",
                              e.source, e.event_id, seq, next_seq_));
    }
    return next_seq_++;
  }
  Error error = SqliteError(db_.handle(), rc,
                            fmt::format("appending event {}/{} of person {}", e.source,
                                        e.event_id, e.person_id));
  s.Reset();
  return std::unexpected(std::move(error));
}

Status SqliteBatch::AddQuarantine(const QuarantineRow& row) {
  JH_RETURN_IF_ERROR(CheckOpen());
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
  JH_RETURN_IF_ERROR(CheckOpen());
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
  JH_RETURN_IF_ERROR(CheckOpen());
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
  JH_RETURN_IF_ERROR(CheckOpen());
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
  JH_RETURN_IF_ERROR(store_.deferred_.EnsureAll(db_));
  // Deferred checks (a division's parent) run here; on failure the batch stays
  // open and the caller may fix it or drop it.
  JH_RETURN_IF_ERROR(db_.Exec("COMMIT", fmt::format("committing batch {}", id_)));
  committed_ = true;
  return {};
}

}  // namespace junheng::store::sqlite
