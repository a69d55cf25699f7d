// store/sqlite/insert_pipeline.h: a batch's person and event inserts, run on a
// second thread while the caller goes on (BatchInfo::stream_rows).
//
// A bulk load spends about half its time in SQLite's inserts and the other half
// in the caller's own work (reading, validating against the register). The
// pipeline lets the two halves run on two cores: InsertPerson and AppendEvent
// copy the row into a block of kBlockRows rows; a full block goes to a writer
// thread that binds and steps its rows while the caller fills the next block
// (at most kBlocks blocks exist, so a slow writer holds the caller back).
//
// The connection is never used by two threads at once. Before anything else
// touches it, the owner calls Settle(), which waits until the writer has done
// the blocks it was given and then runs the rows of the unfinished block on
// the calling thread. A caller that reads the store between rows (a monthly
// feed asking about each record) therefore never fills a block and never
// starts the thread.
//
// The first row that fails stops the pipeline: its error (with the row named)
// is what every later Add and Settle return, and the batch must be dropped.
// Rows queued after it are not run.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/record.h"
#include "store/sqlite/statement.h"

namespace junheng::store::sqlite {

// One row of each kind, bound and stepped on `s` (the batch's prepared
// INSERTs; see sqlite_batch.cpp for their SQL). Both leave `s` reset.
Status RunInsertPerson(Statement& s, int64_t batch_id, const Person& p, std::string_view name_key);
// Fails with kInternal unless the row got sequence number `expected_seq`.
Status RunAppendEvent(Statement& s, int64_t batch_id, const Event& e, uint64_t content_hash,
                      int64_t expected_seq);

class InsertPipeline {
 public:
  static constexpr size_t kBlockRows = 1024;
  static constexpr size_t kBlocks = 4;
  // Consecutive events of a block are appended by one INSERT of this many rows
  // (`insert_events`, whose parameters are the rows' ?2 .. ?20 in turn): SQLite
  // then sets up and tears down one statement for them all, not one a row.
  static constexpr size_t kEventsPerInsert = 32;

  // The statements outlive the pipeline.
  InsertPipeline(Statement& insert_person, Statement& insert_event, Statement& insert_events, int64_t batch_id);
  // Stops the writer; rows not yet run are dropped (the batch rolls back).
  ~InsertPipeline();
  InsertPipeline(const InsertPipeline&) = delete;
  InsertPipeline& operator=(const InsertPipeline&) = delete;

  // Queue one row. They fail only with the error of an earlier row.
  Status AddPerson(const Person& p, std::string_view name_key);
  Status AddEvent(const Event& e, uint64_t content_hash, int64_t seq);
  // Runs every queued row; afterwards the caller may use the connection.
  Status Settle();

 private:
  struct Row {
    bool is_event = false;
    Person person;
    std::string name_key;
    Event event;
    uint64_t content_hash = 0;
    int64_t seq = 0;
  };
  struct Block {
    std::vector<Row> rows{kBlockRows};
    size_t used = 0;
  };

  Row* NextRow();  // the next free row of the caller's block, handing it off when full
  Status RunBlock(Block& block);
  // Appends rows[0 .. kEventsPerInsert) (all events) by one statement. false:
  // SQLite refused one of them by a constraint, and none is stored.
  Result<bool> RunEventsTogether(const Row* rows);
  void WriterLoop();
  Status FirstError();
  void RecordFailure(Error error);  // keeps the first; REQUIRES: mu_ held

  Statement& insert_person_;
  Statement& insert_event_;
  Statement& insert_events_;
  const int64_t batch_id_;
  std::vector<std::unique_ptr<Block>> blocks_;
  Block* filling_ = nullptr;  // the caller's

  std::mutex mu_;
  std::condition_variable work_;     // the writer waits for a block or stop
  std::condition_variable progress_;  // the caller waits for a free block or idle
  std::vector<Block*> full_;   // handed to the writer, oldest first
  std::vector<Block*> free_;
  bool writing_ = false;       // the writer is running a block
  bool stop_ = false;
  Error error_;                // the first failure, set once under mu_ before failed_
  std::atomic<bool> failed_{false};  // read without the lock on every Add
  std::thread writer_;         // started with the first full block
};

}  // namespace junheng::store::sqlite
