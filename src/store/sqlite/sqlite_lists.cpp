// The summary and the import bookkeeping lists of the SQLite store.
#include <sqlite3.h>

#include <fmt/format.h>

#include "store/sqlite/codec.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace junheng::store::sqlite {
namespace {

// resolved_by, resolved_at, resolution_note from column `first` on.
template <typename Row>
void ReadResolution(const Statement& s, int first, Row& r) {
  r.resolved_by = s.ColumnText(first);
  if (!s.IsNull(first + 1)) r.resolved_at = ParseStoredTimestamp(s.ColumnText(first + 1));
  r.resolution_note = s.ColumnText(first + 2);
}

// Marks row `id` of `table` (conflicts or linkage_review) resolved.
Status Resolve(Db& db, std::string_view table, std::string_view what, int64_t id, std::string_view note,
               std::string_view by) {
  Statement s(db.handle(), fmt::format("UPDATE {} SET status = 'resolved', resolved_by = ?2, "
                                       "resolved_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
                                       "resolution_note = ?3 WHERE id = ?1 AND status = 'open'",
                                       table));
  if (!s.ok()) return std::unexpected(s.error());
  s.BindInt64(1, id);
  s.BindTextOrNull(2, by);
  s.BindTextOrNull(3, note);
  JH_RETURN_IF_ERROR(s.Run(fmt::format("resolving {} {}", what, id)));
  if (sqlite3_changes(db.handle()) == 1) return {};
  JH_ASSIGN_OR_RETURN(int64_t exists, db.QueryInt(fmt::format("SELECT count(*) FROM {} WHERE id = {}", table, id),
                                                  fmt::format("finding {} {}", what, id)));
  if (exists == 0) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("There is no {} {}; check the id in the list.", what, id));
  }
  return Fail(ErrorCode::kConflict,
              fmt::format("The {} {} is already resolved; reload the list to see who resolved it.", what, id));
}

}  // namespace

Status SqliteStore::ResolveConflict(int64_t id, std::string_view note, std::string_view by) {
  JH_RETURN_IF_ERROR(Settle());
  return Resolve(*db_, "conflicts", "conflict", id, note, by);
}

Status SqliteStore::ResolveReview(int64_t id, std::string_view note, std::string_view by) {
  JH_RETURN_IF_ERROR(Settle());
  return Resolve(*db_, "linkage_review", "linkage review row", id, note, by);
}

Result<int64_t> SqliteStore::PersonsUpperBound() {
  JH_RETURN_IF_ERROR(Settle());
  // Persons are never deleted, so the largest rowid bounds their number.
  return db_->QueryInt("SELECT coalesce(max(rowid), 0) FROM persons", "counting persons");
}

Result<int64_t> SqliteStore::LastSeq() {
  JH_RETURN_IF_ERROR(Settle());
  return db_->QueryInt("SELECT coalesce(max(seq), 0) FROM events", "reading the end of the log");
}

Result<Summary> SqliteStore::GetSummary() {
  JH_RETURN_IF_ERROR(Settle());
  Summary out;
  JH_ASSIGN_OR_RETURN(out.divisions, db_->QueryInt("SELECT count(*) FROM divisions", "counting divisions"));
  JH_ASSIGN_OR_RETURN(out.persons, db_->QueryInt("SELECT count(*) FROM persons", "counting persons"));
  JH_ASSIGN_OR_RETURN(out.max_seq, db_->QueryInt("SELECT coalesce(max(seq), 0) FROM events",
                                                 "reading the last sequence number"));
  JH_ASSIGN_OR_RETURN(out.batches, db_->QueryInt("SELECT count(*) FROM import_batches "
                                                 "WHERE finished_at IS NOT NULL",
                                                 "counting batches"));
  JH_ASSIGN_OR_RETURN(out.quarantined, db_->QueryInt("SELECT count(*) FROM quarantine",
                                                     "counting quarantined rows"));
  JH_ASSIGN_OR_RETURN(out.open_conflicts, db_->QueryInt("SELECT count(*) FROM conflicts "
                                                        "WHERE status = 'open'",
                                                        "counting conflicts"));
  JH_ASSIGN_OR_RETURN(out.open_reviews, db_->QueryInt("SELECT count(*) FROM linkage_review "
                                                      "WHERE status = 'open'",
                                                      "counting reviews"));
  // The counts and the span of dates as the batches left them (event_tallies,
  // store/event_tallies.h), with what an open batch has appended so far.
  Statement by_type(db_->handle(), "SELECT type, events, first_date, last_date FROM event_tallies");
  if (!by_type.ok()) return std::unexpected(by_type.error());
  JH_RETURN_IF_ERROR(ForEachRow(by_type, "counting events by type", [&] {
    AddTally(out, by_type.ColumnText(0), by_type.ColumnInt64(1), ParseStoredDate(by_type.ColumnText(2)),
             ParseStoredDate(by_type.ColumnText(3)));
  }));
  if (open_batch_ != nullptr) open_batch_->tallies().AddTo(out);
  return out;
}

Result<std::vector<BatchRecord>> SqliteStore::ListBatches() {
  JH_RETURN_IF_ERROR(Settle());
  Statement s(db_->handle(),
              "SELECT id, source, files, started_at, finished_at, divisions_loaded, persons_loaded, "
              "events_loaded, duplicates, conflicts, rejected, review FROM import_batches "
              "WHERE finished_at IS NOT NULL ORDER BY id");
  if (!s.ok()) return std::unexpected(s.error());
  std::vector<BatchRecord> out;
  JH_RETURN_IF_ERROR(ForEachRow(s, "listing batches", [&] {
    BatchRecord& b = out.emplace_back();
    b.id = s.ColumnInt64(0);
    b.info.source = s.ColumnText(1);
    b.info.files = StringsFromJson(s.ColumnText(2));
    b.info.started_at = ParseStoredTimestamp(s.ColumnText(3));
    b.finished_at = ParseStoredTimestamp(s.ColumnText(4));
    b.counts = BatchCounts{s.ColumnInt64(5), s.ColumnInt64(6), s.ColumnInt64(7), s.ColumnInt64(8),
                           s.ColumnInt64(9), s.ColumnInt64(10), s.ColumnInt64(11)};
  }));
  return out;
}

Result<std::vector<QuarantineRow>> SqliteStore::ListQuarantine(const QuarantineQuery& query) {
  JH_RETURN_IF_ERROR(Settle());
  Statement s(db_->handle(),
              "SELECT id, batch_id, kind, source, file, line, record_key, raw, reasons, division "
              "FROM quarantine WHERE (?1 = 0 OR batch_id = ?1) AND (?2 = '' OR "
              "substr(division, 1, length(?2)) = ?2) ORDER BY id LIMIT ?3 OFFSET ?4");
  if (!s.ok()) return std::unexpected(s.error());
  s.BindInt64(1, query.batch_id);
  s.BindText(2, query.division_prefix);
  s.BindInt64(3, query.limit > 0 ? query.limit : -1);  // a negative LIMIT is none
  s.BindInt64(4, query.offset);
  std::vector<QuarantineRow> out;
  JH_RETURN_IF_ERROR(ForEachRow(s, "listing quarantine", [&] {
    QuarantineRow& r = out.emplace_back();
    r.id = s.ColumnInt64(0);
    r.batch_id = s.ColumnInt64(1);
    r.kind = RecordKindFromName(s.ColumnText(2));
    r.source = s.ColumnText(3);
    r.file = s.ColumnText(4);
    r.line = s.ColumnInt64(5);
    r.record_key = s.ColumnText(6);
    r.raw = s.ColumnText(7);
    r.reasons = ReasonsFromJson(s.ColumnText(8));
    r.division = s.ColumnText(9);
  }));
  return out;
}

Result<std::vector<ReasonCount>> SqliteStore::CountQuarantineByReason(std::string_view division_prefix) {
  JH_RETURN_IF_ERROR(Settle());
  Statement s(db_->handle(),
              "SELECT json_extract(r.value, '$.code') AS code, coalesce(q.source, '') AS source, "
              "count(DISTINCT q.id) AS n FROM quarantine q, json_each(q.reasons) r "
              "WHERE ?1 = '' OR substr(q.division, 1, length(?1)) = ?1 "
              "GROUP BY code, source ORDER BY n DESC, code, source");
  if (!s.ok()) return std::unexpected(s.error());
  s.BindText(1, division_prefix.empty() ? std::string_view("") : division_prefix);  // never NULL
  std::vector<ReasonCount> out;
  JH_RETURN_IF_ERROR(ForEachRow(s, "counting quarantine by reason", [&] {
    out.push_back(ReasonCount{s.ColumnString(0), s.ColumnString(1), s.ColumnInt64(2)});
  }));
  return out;
}

Result<std::vector<ConflictRow>> SqliteStore::ListConflicts(int64_t batch_id) {
  JH_RETURN_IF_ERROR(Settle());
  Statement s(db_->handle(),
              "SELECT id, batch_id, kind, source, file, line, record_key, existing_seq, raw, message, "
              "status, resolved_by, resolved_at, resolution_note FROM conflicts WHERE ?1 = 0 OR batch_id = ?1 ORDER BY id");
  if (!s.ok()) return std::unexpected(s.error());
  s.BindInt64(1, batch_id);
  std::vector<ConflictRow> out;
  JH_RETURN_IF_ERROR(ForEachRow(s, "listing conflicts", [&] {
    ConflictRow& r = out.emplace_back();
    r.id = s.ColumnInt64(0);
    r.batch_id = s.ColumnInt64(1);
    r.kind = RecordKindFromName(s.ColumnText(2));
    r.source = s.ColumnText(3);
    r.file = s.ColumnText(4);
    r.line = s.ColumnInt64(5);
    r.record_key = s.ColumnText(6);
    r.existing_seq = s.ColumnInt64(7);
    r.raw = s.ColumnText(8);
    r.message = s.ColumnText(9);
    r.status = s.ColumnText(10);
    ReadResolution(s, 11, r);
  }));
  return out;
}

Result<std::vector<ReviewRow>> SqliteStore::ListReviews(int64_t batch_id) {
  JH_RETURN_IF_ERROR(Settle());
  Statement s(db_->handle(),
              "SELECT id, batch_id, kind, source, file, line, raw, candidates, message, status, "
              "resolved_by, resolved_at, resolution_note FROM linkage_review WHERE ?1 = 0 OR batch_id = ?1 ORDER BY id");
  if (!s.ok()) return std::unexpected(s.error());
  s.BindInt64(1, batch_id);
  std::vector<ReviewRow> out;
  JH_RETURN_IF_ERROR(ForEachRow(s, "listing the linkage review queue", [&] {
    ReviewRow& r = out.emplace_back();
    r.id = s.ColumnInt64(0);
    r.batch_id = s.ColumnInt64(1);
    r.kind = RecordKindFromName(s.ColumnText(2));
    r.source = s.ColumnText(3);
    r.file = s.ColumnText(4);
    r.line = s.ColumnInt64(5);
    r.raw = s.ColumnText(6);
    r.candidates = StringsFromJson(s.ColumnText(7));
    r.message = s.ColumnText(8);
    r.status = s.ColumnText(9);
    ReadResolution(s, 10, r);
  }));
  return out;
}

}  // namespace junheng::store::sqlite
