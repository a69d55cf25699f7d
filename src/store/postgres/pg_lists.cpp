// The summary and the import bookkeeping lists of the PostgreSQL store.
#include <fmt/format.h>

#include "store/postgres/pg_codec.h"
#include "store/postgres/pg_store_impl.h"
#include "store/sqlite/codec.h"

namespace junheng::store::postgres {
namespace {

// resolved_by, resolved_at, resolution_note from column `first` on.
template <typename Row>
void ReadResolution(const pqxx::row& r, int first, Row& out) {
  out.resolved_by = TextOf(r[first]);
  if (!r[first + 1].is_null()) out.resolved_at = Timestamp{IntOf(r[first + 1])};
  out.resolution_note = TextOf(r[first + 2]);
}

// Marks row `id` of `table` (conflicts or linkage_review) resolved.
Status Resolve(pqxx::transaction_base& tx, std::string_view table, std::string_view what, int64_t id,
               std::string_view note, std::string_view by) {
  std::string note_buf, by_buf;
  const pqxx::result updated = tx.exec_params(
      fmt::format("UPDATE {} SET status = 'resolved', resolved_by = $2, resolved_at = date_trunc('second', now()), "
                  "resolution_note = $3 WHERE id = $1 AND status = 'open'",
                  table),
      id, TextOrNull(CleanText(by, by_buf)), TextOrNull(CleanText(note, note_buf)));
  if (updated.affected_rows() == 1) return {};
  if (tx.exec_params(fmt::format("SELECT 1 FROM {} WHERE id = $1", table), id).empty()) {
    return Fail(ErrorCode::kNotFound, fmt::format("There is no {} {}; check the id in the list.", what, id));
  }
  return Fail(ErrorCode::kConflict,
              fmt::format("The {} {} is already resolved; reload the list to see who resolved it.", what, id));
}

}  // namespace

Status PgStore::ResolveConflict(int64_t id, std::string_view note, std::string_view by) {
  return Run("resolving a conflict", [&](pqxx::transaction_base& tx) {
    return Resolve(tx, "conflicts", "conflict", id, note, by);
  });
}

Status PgStore::ResolveReview(int64_t id, std::string_view note, std::string_view by) {
  return Run("resolving a linkage review row", [&](pqxx::transaction_base& tx) {
    return Resolve(tx, "linkage_review", "linkage review row", id, note, by);
  });
}

Result<int64_t> PgStore::PersonsUpperBound() {
  return Run("counting persons", [&](pqxx::transaction_base& tx) -> Result<int64_t> {
    // The open batch's persons are not counted in register_counts until it commits.
    const int64_t pending = batch_ != nullptr && batch_->active() ? batch_->persons_inserted() : 0;
    return IntOf(tx.exec1("SELECT persons FROM register_counts")[0]) + pending;
  });
}

Result<int64_t> PgStore::LastSeq() {
  // Run sends the open batch's buffered rows first, so they count.
  return Run("reading the end of the log", [&](pqxx::transaction_base& tx) -> Result<int64_t> {
    return IntOf(tx.exec1("SELECT coalesce(max(seq), 0) FROM events")[0]);
  });
}

Result<Summary> PgStore::GetSummary() {
  return RunConsistent("summarising the register", [&](pqxx::transaction_base& tx) -> Result<Summary> {
    Summary out;
    const pqxx::row counts = tx.exec1(
        "SELECT (SELECT count(*) FROM divisions), (SELECT count(*) FROM persons), "
        "(SELECT coalesce(max(seq), 0) FROM events), "
        "(SELECT count(*) FROM import_batches WHERE finished_at IS NOT NULL), "
        "(SELECT count(*) FROM quarantine), (SELECT count(*) FROM conflicts WHERE status = 'open'), "
        "(SELECT count(*) FROM linkage_review WHERE status = 'open')");
    out.divisions = IntOf(counts[0]);
    out.persons = IntOf(counts[1]);
    out.max_seq = IntOf(counts[2]);
    out.batches = IntOf(counts[3]);
    out.quarantined = IntOf(counts[4]);
    out.open_conflicts = IntOf(counts[5]);
    out.open_reviews = IntOf(counts[6]);
    // The counts by type and the span of dates as the batches left them
    // (store/event_tallies.h), with what the open batch has appended so far.
    for (const pqxx::row& r : tx.exec("SELECT type, events, " JH_PG_DAYS("first_date") ", " JH_PG_DAYS("last_date")
                                      " FROM event_tallies")) {
      AddTally(out, TextOf(r[0]), IntOf(r[1]), Date::FromDays(static_cast<int32_t>(IntOf(r[2]))),
               Date::FromDays(static_cast<int32_t>(IntOf(r[3]))));
    }
    if (batch_ != nullptr && batch_->active()) batch_->tallies().AddTo(out);
    return out;
  });
}

Result<std::vector<BatchRecord>> PgStore::ListBatches() {
  return Run("listing batches", [&](pqxx::transaction_base& tx) -> Result<std::vector<BatchRecord>> {
    std::vector<BatchRecord> out;
    for (const pqxx::row& r :
         tx.exec("SELECT id, source, files, " JH_PG_SECONDS("started_at") ", " JH_PG_SECONDS("finished_at")
                 ", divisions_loaded, persons_loaded, events_loaded, duplicates, conflicts, rejected, review "
                 "FROM import_batches WHERE finished_at IS NOT NULL ORDER BY id")) {
      BatchRecord& b = out.emplace_back();
      b.id = IntOf(r[0]);
      b.info.source = TextOf(r[1]);
      b.info.files = sqlite::StringsFromJson(TextOf(r[2]));
      b.info.started_at = Timestamp{IntOf(r[3])};
      b.finished_at = Timestamp{IntOf(r[4])};
      b.counts = BatchCounts{IntOf(r[5]), IntOf(r[6]), IntOf(r[7]), IntOf(r[8]), IntOf(r[9]), IntOf(r[10]),
                             IntOf(r[11])};
    }
    return out;
  });
}

Result<std::vector<QuarantineRow>> PgStore::ListQuarantine(const QuarantineQuery& query) {
  std::string prefix_buf;
  const std::string_view prefix = CleanText(query.division_prefix, prefix_buf);
  return Run("listing quarantine", [&](pqxx::transaction_base& tx) -> Result<std::vector<QuarantineRow>> {
    std::vector<QuarantineRow> out;
    const pqxx::result rows = tx.exec_params(
        "SELECT id, batch_id, kind, source, file, line, record_key, raw, reasons, division FROM quarantine "
        "WHERE ($1::bigint = 0 OR batch_id = $1::bigint) AND ($2::text = '' OR starts_with(division, $2::text)) "
        "ORDER BY id LIMIT $3 OFFSET $4",
        query.batch_id, Text(prefix), query.limit > 0 ? Int(query.limit) : Null(), query.offset);
    for (const pqxx::row& r : rows) {
      QuarantineRow& q = out.emplace_back();
      q.id = IntOf(r[0]);
      q.batch_id = IntOf(r[1]);
      q.kind = sqlite::RecordKindFromName(TextOf(r[2]));
      q.source = TextOf(r[3]);
      q.file = TextOf(r[4]);
      q.line = IntOf(r[5]);
      q.record_key = TextOf(r[6]);
      q.raw = BytesOf(r[7]);
      q.reasons = sqlite::ReasonsFromJson(TextOf(r[8]));
      q.division = TextOf(r[9]);
    }
    return out;
  });
}

Result<std::vector<ReasonCount>> PgStore::CountQuarantineByReason(std::string_view division_prefix) {
  std::string prefix_buf;
  const std::string_view prefix = CleanText(division_prefix, prefix_buf);
  return Run("counting quarantine by reason", [&](pqxx::transaction_base& tx) -> Result<std::vector<ReasonCount>> {
    std::vector<ReasonCount> out;
    // A row with the same code twice counts once: count(DISTINCT q.id).
    const pqxx::result rows = tx.exec_params(
        "SELECT (r.value ->> 'code') COLLATE \"C\" AS code, coalesce(q.source, '') AS source, "
        "count(DISTINCT q.id) AS n FROM quarantine q, jsonb_array_elements(q.reasons) r "
        "WHERE $1::text = '' OR starts_with(q.division, $1::text) "
        "GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2",
        Text(prefix));
    for (const pqxx::row& r : rows) out.push_back(ReasonCount{std::string(TextOf(r[0])), std::string(TextOf(r[1])), IntOf(r[2])});
    return out;
  });
}

Result<std::vector<ConflictRow>> PgStore::ListConflicts(int64_t batch_id) {
  return Run("listing conflicts", [&](pqxx::transaction_base& tx) -> Result<std::vector<ConflictRow>> {
    std::vector<ConflictRow> out;
    const pqxx::result rows = tx.exec_params(
        "SELECT id, batch_id, kind, source, file, line, record_key, existing_seq, raw, message, status, "
        "resolved_by, " JH_PG_SECONDS("resolved_at") ", resolution_note FROM conflicts "
        "WHERE $1::bigint = 0 OR batch_id = $1::bigint ORDER BY id",
        batch_id);
    for (const pqxx::row& r : rows) {
      ConflictRow& c = out.emplace_back();
      c.id = IntOf(r[0]);
      c.batch_id = IntOf(r[1]);
      c.kind = sqlite::RecordKindFromName(TextOf(r[2]));
      c.source = TextOf(r[3]);
      c.file = TextOf(r[4]);
      c.line = IntOf(r[5]);
      c.record_key = TextOf(r[6]);
      c.existing_seq = IntOf(r[7]);
      c.raw = BytesOf(r[8]);
      c.message = TextOf(r[9]);
      c.status = TextOf(r[10]);
      ReadResolution(r, 11, c);
    }
    return out;
  });
}

Result<std::vector<ReviewRow>> PgStore::ListReviews(int64_t batch_id) {
  return Run("listing the linkage review queue", [&](pqxx::transaction_base& tx) -> Result<std::vector<ReviewRow>> {
    std::vector<ReviewRow> out;
    const pqxx::result rows = tx.exec_params(
        "SELECT id, batch_id, kind, source, file, line, raw, candidates, message, status, resolved_by, "
        JH_PG_SECONDS("resolved_at") ", resolution_note FROM linkage_review "
        "WHERE $1::bigint = 0 OR batch_id = $1::bigint ORDER BY id",
        batch_id);
    for (const pqxx::row& r : rows) {
      ReviewRow& v = out.emplace_back();
      v.id = IntOf(r[0]);
      v.batch_id = IntOf(r[1]);
      v.kind = sqlite::RecordKindFromName(TextOf(r[2]));
      v.source = TextOf(r[3]);
      v.file = TextOf(r[4]);
      v.line = IntOf(r[5]);
      v.raw = BytesOf(r[6]);
      v.candidates = sqlite::StringsFromJson(TextOf(r[7]));
      v.message = TextOf(r[8]);
      v.status = TextOf(r[9]);
      ReadResolution(r, 10, v);
    }
    return out;
  });
}

}  // namespace junheng::store::postgres
