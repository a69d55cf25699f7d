// The write path: one PgBatch is one transaction; its rows travel by COPY.
#include <pqxx/pqxx>

#include <array>
#include <chrono>

#include <fmt/format.h>

#include "store/postgres/pg_codec.h"
#include "store/postgres/pg_store_impl.h"
#include "store/sqlite/codec.h"

namespace junheng::store::postgres {
namespace {

// Rows buffered before they are sent: a round trip per 10,000 rows costs
// nothing next to the rows, and the buffers stay a few MB.
constexpr size_t kFlushRows = 10000;
constexpr size_t kFlushBytes = size_t{16} << 20;

Timestamp Now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp{std::chrono::duration_cast<std::chrono::seconds>(now).count()};
}

template <size_t N>
pqxx::stream_to OpenCopy(pqxx::transaction_base& tx, const char* table, const std::array<const char*, N>& columns) {
  return pqxx::stream_to(tx, table, std::vector<std::string>(columns.begin(), columns.end()));
}

constexpr std::array<const char*, 14> kPersonCopy = {
    "county",    "person_id", "citizen_id", "name",         "name_key", "sex",     "birth_date",
    "ethnicity", "hukou_division", "mother_id", "father_id", "household_id", "phone", "batch_id"};
constexpr std::array<const char*, 21> kEventCopy = {
    "county",      "seq",       "batch_id",  "source",      "event_id",  "type",     "date",
    "recorded_at", "person_id", "division",  "other_place", "mother_id", "father_id", "birth_order",
    "plurality",   "weight_g",  "gestation_weeks", "spouse_id", "cause", "maternal", "content_hash"};
constexpr std::array<const char*, 9> kQuarantineCopy = {"batch_id", "kind", "source", "file", "line",
                                                         "record_key", "raw", "reasons", "division"};
constexpr std::array<const char*, 10> kConflictCopy = {"batch_id",     "kind", "source",  "file",  "line",
                                                        "record_key", "existing_seq", "raw", "message", "status"};
constexpr std::array<const char*, 9> kReviewCopy = {"batch_id", "kind",       "source",  "file",  "line",
                                                     "raw",      "candidates", "message", "status"};

// The texts of one bookkeeping row, cleaned for PostgreSQL (pg_codec.h).
struct CleanBuffers {
  std::string source, file, key, message, division, status;
};

}  // namespace

PgBatch::PgBatch(PgStore& store, std::unique_ptr<pqxx::work> tx, int64_t id, int64_t next_seq)
    : store_(store), tx_(std::move(tx)), id_(id), next_seq_(next_seq) {}

PgBatch::~PgBatch() {
  if (tx_ != nullptr) {
    tx_.reset();  // rolls back; a broken connection has rolled back already
    if (added_divisions_) store_.ForgetDivisionCodes();
  }
  store_.batch_ = nullptr;
  store_.current_ = nullptr;
}

Status PgBatch::CheckOpen() const {
  if (failed_) return std::unexpected(*failed_);
  if (committed_) {
    return junheng::Fail(ErrorCode::kInvalidArgument,
                fmt::format("Batch {} is already committed; begin a new batch to write more.", id_));
  }
  return {};
}

void PgBatch::MarkFailed(const Error& error) {
  if (failed_) return;
  failed_ = Error{error.code, fmt::format("{} (batch {} is rolled back: drop it and begin again)",
                                          error.message, id_)};
}

Status PgBatch::CheckDivision(DivisionCode code, std::string_view record) {
  if (code.empty() || store_.KnowsDivision(code.value())) return {};
  // Maybe another process added it since the cache was filled: look again.
  try {
    store_.LoadDivisionCodes(*tx_);
  } catch (const std::exception& e) {
    Error error = PgError(e, "reading the division list");
    MarkFailed(error);
    return std::unexpected(error);
  }
  if (store_.KnowsDivision(code.value())) return {};
  return junheng::Fail(ErrorCode::kInvalidArgument,
                       fmt::format("Division {} of {} is not in the register; load the division first.",
                                   code.ToString(), record));
}

Status PgBatch::PutDivision(const Division& division) {
  JH_RETURN_IF_ERROR(CheckOpen());
  JH_RETURN_IF_ERROR(StorableText(division.name, "name", "a division"));
  JH_RETURN_IF_ERROR(StorableText(division.urban_rural, "urban_rural", "a division"));
  char code_buf[12], parent_buf[12];
  const std::string_view code = sqlite::FormatDivision(division.code, code_buf);
  const std::string_view parent = sqlite::FormatDivision(division.parent, parent_buf);
  const int level = static_cast<int>(division.level);
  try {
    const pqxx::result inserted = tx_->exec_params(
        "INSERT INTO divisions(code, name, level, parent_code, urban_rural) VALUES($1, $2, $3, $4, $5) "
        "ON CONFLICT (code) DO NOTHING",
        Text(code), Text(division.name), Int(level), TextOrNull(parent), TextOrNull(division.urban_rural));
    if (inserted.affected_rows() == 1) {
      store_.AddDivisionCode(division.code.value());
      added_divisions_ = true;
      return {};
    }
    const pqxx::row had =
        tx_->exec_params1("SELECT name, level, parent_code, urban_rural FROM divisions WHERE code = $1", Text(code));
    std::vector<std::string> diffs;
    if (TextOf(had[0]) != division.name) diffs.push_back(fmt::format("name {} (not {})", TextOf(had[0]), division.name));
    if (IntOf(had[1]) != level) diffs.push_back(fmt::format("level {} (not {})", IntOf(had[1]), level));
    if (TextOf(had[2]) != parent) diffs.push_back(fmt::format("parent_code '{}' (not '{}')", TextOf(had[2]), parent));
    if (TextOf(had[3]) != division.urban_rural) {
      diffs.push_back(fmt::format("urban_rural '{}' (not '{}')", TextOf(had[3]), division.urban_rural));
    }
    if (diffs.empty()) return {};  // the same division again: nothing to do
    return junheng::Fail(ErrorCode::kConflict,
                         fmt::format("Division {} already exists with {}; correct the division file or the "
                                     "register.",
                                     code, fmt::join(diffs, ", ")));
  } catch (const std::exception& e) {
    Error error = PgError(e, fmt::format("adding division {}", code));
    MarkFailed(error);
    return std::unexpected(error);
  }
}

Status PgBatch::InsertPerson(const Person& p, std::string_view name_key) {
  JH_RETURN_IF_ERROR(CheckOpen());
  for (auto [text, field] : {std::pair<std::string_view, const char*>{p.person_id, "person_id"},
                             {p.citizen_id, "citizen_id"}, {p.name, "name"}, {name_key, "name key"},
                             {p.ethnicity, "ethnicity"}, {p.mother_id, "mother_id"}, {p.father_id, "father_id"},
                             {p.household_id, "household_id"}, {p.phone, "phone"}}) {
    if (!IsStorableText(text)) {
      return StorableText(text, field, fmt::format("person {}", IsStorableText(p.person_id) ? p.person_id : "?"));
    }
  }
  persons_.push_back(PendingPerson{p, std::string(name_key)});
  ++persons_inserted_;
  NoteKey(kPersonKey, p.person_id);
  if (!p.citizen_id.empty()) NoteKey(kCitizenKey, p.citizen_id);
  NoteKey(kNameKey, name_key);
  return FlushIfFull();
}

Result<int64_t> PgBatch::AppendEvent(const Event& e, uint64_t content_hash) {
  JH_RETURN_IF_ERROR(CheckOpen());
  auto record = [&] {
    return fmt::format("event {}/{}", IsStorableText(e.source) ? e.source : "?",
                       IsStorableText(e.event_id) ? e.event_id : "?");
  };
  for (auto [text, field] : {std::pair<std::string_view, const char*>{e.source, "source"},
                             {e.event_id, "event_id"}, {e.person_id, "person_id"}, {e.other_place, "other_place"},
                             {e.mother_id, "mother_id"}, {e.father_id, "father_id"}, {e.spouse_id, "spouse_id"},
                             {e.cause, "cause"}}) {
    if (!IsStorableText(text)) return std::unexpected(StorableText(text, field, record()).error());
  }
  if (e.person_id.empty()) {
    return junheng::Fail(ErrorCode::kInvalidArgument, fmt::format("{} has no person_id.", record()));
  }
  if (!e.division.empty() && !store_.KnowsDivision(e.division.value())) {
    JH_RETURN_IF_ERROR(CheckDivision(e.division, record()));
  }
  const int64_t seq = next_seq_++;
  events_.push_back(PendingEvent{e, seq, content_hash});
  tallies_.Add(e.type, e.date);
  NoteKey(kEventPersonKey, e.person_id);
  if (e.type == EventType::kBirth && !e.mother_id.empty()) NoteKey(kMotherKey, e.mother_id);
  NoteKey(kEventKey, EventKeyText(e.source, e.event_id));
  JH_RETURN_IF_ERROR(FlushIfFull());
  return seq;
}

Status PgBatch::AddQuarantine(const QuarantineRow& row) {
  JH_RETURN_IF_ERROR(CheckOpen());
  quarantine_.push_back(row);
  buffered_bytes_ += row.raw.size();
  return FlushIfFull();
}

Status PgBatch::AddConflict(const ConflictRow& row) {
  JH_RETURN_IF_ERROR(CheckOpen());
  conflicts_.push_back(row);
  buffered_bytes_ += row.raw.size();
  return FlushIfFull();
}

Status PgBatch::AddReview(const ReviewRow& row) {
  JH_RETURN_IF_ERROR(CheckOpen());
  reviews_.push_back(row);
  buffered_bytes_ += row.raw.size();
  return FlushIfFull();
}

void PgBatch::NoteKey(char kind, std::string_view key) {
  std::string k;
  k.reserve(key.size() + 1);
  k += kind;
  k += key;
  buffered_keys_.insert(std::move(k));
}

bool PgBatch::Buffers(char kind, std::string_view key) const {
  if (buffered_keys_.empty()) return false;
  std::string k;
  k.reserve(key.size() + 1);
  k += kind;
  k += key;
  return buffered_keys_.contains(k);
}

Status PgBatch::FlushIfFull() {
  const size_t rows = persons_.size() + events_.size() + quarantine_.size() + conflicts_.size() + reviews_.size();
  if (rows < kFlushRows && buffered_bytes_ < kFlushBytes) return {};
  return Flush();
}

Status PgBatch::Flush() {
  if (failed_) return std::unexpected(*failed_);
  if (tx_ == nullptr) return {};  // committed: nothing is buffered
  try {
    SendPersons();
    SendEvents();
    SendBookkeeping();
    buffered_keys_.clear();
    return {};
  } catch (const std::exception& e) {
    Error error = PgError(e, fmt::format("sending the rows of batch {}", id_));
    MarkFailed(error);
    return std::unexpected(*failed_);
  }
}

void PgBatch::SendPersons() {
  if (persons_.empty()) return;
  pqxx::stream_to copy = OpenCopy(*tx_, "persons", kPersonCopy);
  for (const PendingPerson& pending : persons_) {
    const Person& p = pending.person;
    char birth_buf[10], hukou_buf[12];
    const std::string_view hukou = sqlite::FormatDivision(p.hukou_division, hukou_buf);
    const std::array<Cell, 14> row = {
        Text(County(hukou)),        Text(p.person_id),     TextOrNull(p.citizen_id),
        Text(p.name),               Text(pending.name_key), Int(static_cast<int>(p.sex)),
        Text(sqlite::FormatDate(p.birth_date, birth_buf)), TextOrNull(p.ethnicity),
        TextOrNull(hukou),          TextOrNull(p.mother_id), TextOrNull(p.father_id),
        TextOrNull(p.household_id), TextOrNull(p.phone),   Int(id_)};
    copy << row;
  }
  copy.complete();
  persons_.clear();
}

void PgBatch::SendEvents() {
  if (events_.empty()) return;
  pqxx::stream_to copy = OpenCopy(*tx_, "events", kEventCopy);
  for (const PendingEvent& pending : events_) {
    const Event& e = pending.event;
    char date_buf[10], recorded_buf[20], division_buf[12];
    const std::string_view division = sqlite::FormatDivision(e.division, division_buf);
    const std::array<Cell, 21> row = {
        Text(County(division)),
        Int(pending.seq),
        Int(id_),
        Text(e.source),
        Text(e.event_id),
        Text(EventTypeName(e.type)),
        Text(sqlite::FormatDate(e.date, date_buf)),
        Text(sqlite::FormatTimestamp(e.recorded_at, recorded_buf)),
        Text(e.person_id),
        TextOrNull(division),
        TextOrNull(e.other_place),
        TextOrNull(e.mother_id),
        TextOrNull(e.father_id),
        IntOrNull(e.birth_order),
        IntOrNull(e.plurality),
        IntOrNull(e.weight_g),
        IntOrNull(e.gestation_weeks),
        TextOrNull(e.spouse_id),
        TextOrNull(e.cause),
        e.maternal < 0 ? Null() : Int(e.maternal),
        Int(static_cast<int64_t>(pending.content_hash))};  // the same 64 bits, signed
    copy << row;
  }
  copy.complete();
  events_.clear();
}

void PgBatch::SendBookkeeping() {
  CleanBuffers b;
  if (!quarantine_.empty()) {
    pqxx::stream_to copy = OpenCopy(*tx_, "quarantine", kQuarantineCopy);
    for (const QuarantineRow& q : quarantine_) {
      std::vector<Reason> reasons = q.reasons;
      std::string clean;
      for (Reason& r : reasons) {
        for (std::string* s : {&r.code, &r.field, &r.message}) *s = std::string(CleanText(*s, clean));
      }
      const std::string json = sqlite::ReasonsToJson(reasons), raw = ToBytea(q.raw);
      const std::array<Cell, 9> row = {
          Int(id_), Text(RecordKindName(q.kind)), TextOrNull(CleanText(q.source, b.source)),
          TextOrNull(CleanText(q.file, b.file)), Int(q.line), TextOrNull(CleanText(q.record_key, b.key)),
          Text(raw), Text(json), TextOrNull(CleanText(q.division, b.division))};
      copy << row;
    }
    copy.complete();
    quarantine_.clear();
  }
  if (!conflicts_.empty()) {
    pqxx::stream_to copy = OpenCopy(*tx_, "conflicts", kConflictCopy);
    for (const ConflictRow& c : conflicts_) {
      const std::string raw = ToBytea(c.raw);
      const std::array<Cell, 10> row = {
          Int(id_), Text(RecordKindName(c.kind)), TextOrNull(CleanText(c.source, b.source)),
          TextOrNull(CleanText(c.file, b.file)), Int(c.line), TextOrNull(CleanText(c.record_key, b.key)),
          IntOrNull(c.existing_seq), Text(raw), Text(CleanText(c.message, b.message)),
          Text(CleanText(c.status, b.status))};
      copy << row;
    }
    copy.complete();
    conflicts_.clear();
  }
  if (!reviews_.empty()) {
    pqxx::stream_to copy = OpenCopy(*tx_, "linkage_review", kReviewCopy);
    for (const ReviewRow& r : reviews_) {
      std::vector<std::string> candidates = r.candidates;
      std::string clean;
      for (std::string& c : candidates) c = std::string(CleanText(c, clean));
      const std::string json = sqlite::StringsToJson(candidates), raw = ToBytea(r.raw);
      const std::array<Cell, 9> row = {
          Int(id_), Text(RecordKindName(r.kind)), TextOrNull(CleanText(r.source, b.source)),
          TextOrNull(CleanText(r.file, b.file)), Int(r.line), Text(raw), Text(json),
          Text(CleanText(r.message, b.message)), Text(CleanText(r.status, b.status))};
      copy << row;
    }
    copy.complete();
    reviews_.clear();
  }
  buffered_bytes_ = 0;
}

Status PgBatch::Commit(const BatchCounts& counts) {
  JH_RETURN_IF_ERROR(CheckOpen());
  JH_RETURN_IF_ERROR(Flush());
  char finished_buf[20];
  try {
    tx_->exec_params(
        "UPDATE import_batches SET finished_at = $2, divisions_loaded = $3, persons_loaded = $4, "
        "events_loaded = $5, duplicates = $6, conflicts = $7, rejected = $8, review = $9 WHERE id = $1",
        id_, Text(sqlite::FormatTimestamp(Now(), finished_buf)), counts.divisions_loaded, counts.persons_loaded,
        counts.events_loaded, counts.duplicates, counts.conflicts, counts.rejected, counts.review);
    if (persons_inserted_ > 0) {
      tx_->exec_params("UPDATE register_counts SET persons = persons + $1", persons_inserted_);
    }
    tallies_.ForEach([&](std::string_view type, int64_t events, Date first, Date last) {
      tx_->exec_params(
          "INSERT INTO event_tallies(type, events, first_date, last_date) "
          "VALUES($1, $2, DATE '1970-01-01' + $3::integer, DATE '1970-01-01' + $4::integer) "
          "ON CONFLICT(type) DO UPDATE SET events = event_tallies.events + excluded.events, "
          "first_date = least(event_tallies.first_date, excluded.first_date), "
          "last_date = greatest(event_tallies.last_date, excluded.last_date)",
          Text(type), events, first.days(), last.days());
    });
    // Deferred checks (a division's parent) run here; a failure rolls the batch back.
    tx_->commit();
  } catch (const std::exception& e) {
    Error error = PgError(e, fmt::format("committing batch {}", id_));
    MarkFailed(error);
    return std::unexpected(*failed_);
  }
  tx_.reset();
  committed_ = true;
  store_.current_ = nullptr;
  return {};
}

}  // namespace junheng::store::postgres
