#include "store/sqlite/insert_pipeline.h"

#include <pthread.h>
#include <sqlite3.h>

#include <fmt/format.h>

#include <array>

#include "store/sqlite/codec.h"

namespace junheng::store::sqlite {

Status RunInsertPerson(Statement& s, int64_t batch_id, const Person& p, std::string_view name_key) {
  char birth_buf[10], hukou_buf[12];
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
  s.BindInt64(13, batch_id);
  if (p.citizen_id.empty()) {
    s.BindNull(14);
  } else {
    s.BindInt64(14, Digest(p.citizen_id));
  }
  s.BindInt64(15, LinkDigest(name_key, birth, p.sex));
  const int rc = s.Step();
  if (rc == SQLITE_DONE) {
    s.Reset();
    return {};
  }
  Error error = SqliteError(s.db(), rc, fmt::format("adding person {}", p.person_id));
  s.Reset();
  return std::unexpected(std::move(error));
}

namespace {

// The text of an event's formatted fields, alive until the statement has run
// (bindings are SQLITE_STATIC).
struct EventText {
  char date[10], recorded[20], division[12];
};

// Binds the 19 values of one event row to parameters first .. first + 18 of `s`.
void BindEvent(Statement& s, int first, int64_t batch_id, const Event& e, uint64_t content_hash,
               EventText& text) {
  const int p = first - 2;  // the single-row statement numbers them ?2 .. ?20
  s.BindInt64(p + 2, batch_id);
  s.BindText(p + 3, e.source);
  s.BindText(p + 4, e.event_id);
  s.BindText(p + 5, EventTypeName(e.type));
  s.BindText(p + 6, FormatDate(e.date, text.date));
  s.BindText(p + 7, FormatTimestamp(e.recorded_at, text.recorded));
  s.BindText(p + 8, e.person_id);
  s.BindTextOrNull(p + 9, FormatDivision(e.division, text.division));
  s.BindTextOrNull(p + 10, e.other_place);
  s.BindTextOrNull(p + 11, e.mother_id);
  s.BindTextOrNull(p + 12, e.father_id);
  s.BindIntOrNull(p + 13, e.birth_order);
  s.BindIntOrNull(p + 14, e.plurality);
  s.BindIntOrNull(p + 15, e.weight_g);
  s.BindIntOrNull(p + 16, e.gestation_weeks);
  s.BindTextOrNull(p + 17, e.spouse_id);
  s.BindTextOrNull(p + 18, e.cause);
  if (e.maternal < 0) {
    s.BindNull(p + 19);
  } else {
    s.BindInt64(p + 19, e.maternal);
  }
  s.BindInt64(p + 20, static_cast<int64_t>(content_hash));  // the same 64 bits, signed
}

// seq is bound NULL, so SQLite appends at max(seq) + 1 without first seeking
// the number we would give it (saves ~700 instructions a row); under the
// write lock and with the log append-only that is the number the batch counted.
Status CheckSeq(sqlite3* db, const Event& last, int64_t expected_seq) {
  const int64_t seq = sqlite3_last_insert_rowid(db);
  if (seq == expected_seq) return {};
  return Fail(ErrorCode::kInternal,
              fmt::format("event {}/{} got sequence number {}, expected {}; the log has a gap "
                          "or was written by someone else during the batch.",
                          last.source, last.event_id, seq, expected_seq));
}

}  // namespace

Status RunAppendEvent(Statement& s, int64_t batch_id, const Event& e, uint64_t content_hash,
                      int64_t expected_seq) {
  EventText text;
  BindEvent(s, 2, batch_id, e, content_hash, text);
  const int rc = s.Step();
  if (rc != SQLITE_DONE) {
    Error error = SqliteError(s.db(), rc,
                              fmt::format("appending event {}/{} of person {}", e.source, e.event_id, e.person_id));
    s.Reset();
    return std::unexpected(std::move(error));
  }
  s.Reset();
  return CheckSeq(s.db(), e, expected_seq);
}

InsertPipeline::InsertPipeline(Statement& insert_person, Statement& insert_event, Statement& insert_events,
                               int64_t batch_id)
    : insert_person_(insert_person),
      insert_event_(insert_event),
      insert_events_(insert_events),
      batch_id_(batch_id) {
  blocks_.push_back(std::make_unique<Block>());
  filling_ = blocks_[0].get();
}

InsertPipeline::~InsertPipeline() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  work_.notify_one();
  if (writer_.joinable()) writer_.join();
}

Status InsertPipeline::FirstError() {
  if (!failed_.load(std::memory_order_acquire)) return {};
  std::lock_guard lock(mu_);
  return std::unexpected(error_);
}

void InsertPipeline::RecordFailure(Error error) {  // REQUIRES: mu_ held
  if (failed_.load(std::memory_order_relaxed)) return;
  error_ = std::move(error);
  failed_.store(true, std::memory_order_release);
}

InsertPipeline::Row* InsertPipeline::NextRow() {
  if (filling_->used == kBlockRows) {
    std::unique_lock lock(mu_);
    full_.push_back(filling_);
    if (!writer_.joinable()) writer_ = std::thread([this] { WriterLoop(); });
    work_.notify_one();
    if (free_.empty() && blocks_.size() < kBlocks) {
      blocks_.push_back(std::make_unique<Block>());
      free_.push_back(blocks_.back().get());
    }
    progress_.wait(lock, [&] { return !free_.empty(); });
    filling_ = free_.back();
    free_.pop_back();
  }
  return &filling_->rows[filling_->used++];
}

Status InsertPipeline::AddPerson(const Person& p, std::string_view name_key) {
  JH_RETURN_IF_ERROR(FirstError());
  Row& row = *NextRow();
  row.is_event = false;
  row.person = p;
  row.name_key.assign(name_key);
  return {};
}

Status InsertPipeline::AddEvent(const Event& e, uint64_t content_hash, int64_t seq) {
  JH_RETURN_IF_ERROR(FirstError());
  Row& row = *NextRow();
  row.is_event = true;
  row.event = e;
  row.content_hash = content_hash;
  row.seq = seq;
  return {};
}

Result<bool> InsertPipeline::RunEventsTogether(const Row* rows) {
  std::array<EventText, kEventsPerInsert> text;
  for (size_t r = 0; r < kEventsPerInsert; ++r)
    BindEvent(insert_events_, static_cast<int>(1 + r * 19), batch_id_, rows[r].event, rows[r].content_hash, text[r]);
  const int rc = insert_events_.Step();
  if (rc == SQLITE_DONE) {
    insert_events_.Reset();
    return true;
  }
  Error error = SqliteError(insert_events_.db(), rc, fmt::format("appending events {}/{} to {}/{}",
                                                                  rows[0].event.source, rows[0].event.event_id,
                                                                  rows[kEventsPerInsert - 1].event.source,
                                                                  rows[kEventsPerInsert - 1].event.event_id));
  insert_events_.Reset();
  // A refused row (a constraint) undid the statement and only it, so the rows
  // can be run one by one to name it. Anything else (a full disk) is the batch's end.
  if ((rc & 0xff) == SQLITE_CONSTRAINT && sqlite3_get_autocommit(insert_events_.db()) == 0) return false;
  return std::unexpected(std::move(error));
}

Status InsertPipeline::RunBlock(Block& block) {
  for (size_t i = 0; i < block.used;) {
    const Row& row = block.rows[i];
    if (!row.is_event) {
      JH_RETURN_IF_ERROR(RunInsertPerson(insert_person_, batch_id_, row.person, row.name_key));
      ++i;
      continue;
    }
    size_t events = 1;
    while (events < kEventsPerInsert && i + events < block.used && block.rows[i + events].is_event) ++events;
    if (events == kEventsPerInsert) {
      JH_ASSIGN_OR_RETURN(const bool stored, RunEventsTogether(&block.rows[i]));
      if (stored) {
        const Row& last = block.rows[i + events - 1];
        JH_RETURN_IF_ERROR(CheckSeq(insert_events_.db(), last.event, last.seq));
        i += events;
        continue;
      }
    }
    for (size_t end = i + events; i < end; ++i) {  // fewer rows, or one of them refused: say which
      const Row& e = block.rows[i];
      JH_RETURN_IF_ERROR(RunAppendEvent(insert_event_, batch_id_, e.event, e.content_hash, e.seq));
    }
  }
  return {};
}

void InsertPipeline::WriterLoop() {
  pthread_setname_np(pthread_self(), "jh-sqlite-write");  // as top and perf show it (15 bytes at most)
  std::unique_lock lock(mu_);
  for (;;) {
    work_.wait(lock, [&] { return stop_ || !full_.empty(); });
    if (stop_) return;
    Block* block = full_.front();
    full_.erase(full_.begin());
    writing_ = !failed_.load(std::memory_order_relaxed);
    if (writing_) {
      lock.unlock();
      Status done = RunBlock(*block);
      lock.lock();
      writing_ = false;
      if (!done) RecordFailure(done.error());
    }
    block->used = 0;
    free_.push_back(block);
    progress_.notify_one();
  }
}

Status InsertPipeline::Settle() {
  {
    std::unique_lock lock(mu_);
    progress_.wait(lock, [&] { return full_.empty() && !writing_; });
    if (failed_.load(std::memory_order_relaxed)) return std::unexpected(error_);
  }
  // The writer is idle and stays so until the next full block: this thread may
  // use the connection.
  Status done = RunBlock(*filling_);
  filling_->used = 0;
  if (!done) {
    std::lock_guard lock(mu_);
    RecordFailure(done.error());
  }
  return done;
}

}  // namespace junheng::store::sqlite
