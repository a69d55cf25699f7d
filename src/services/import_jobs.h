// services/import_jobs.h: department files imported in the background.
//
// An upload becomes a job: the file is kept under the jobs folder
// (<folder>/<id>/<file name>, so what was imported can always be looked at
// again), imported as one batch through ingest::Importer on the pool's writer,
// and followed by the caller with Get while it runs (records done and in all).
// Jobs run one at a time, in the order they were started; the live register is
// notified when each finishes, so the indicators include it within a second.
// Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/error.h"
#include "ingest/importer.h"
#include "services/live_register.h"
#include "services/store_pool.h"

namespace junheng::services {

struct ImportRequest {
  std::string source;     // the department; rows naming another source are rejected
  std::string file_name;  // as the user named it; its extension picks CSV or JSON Lines
  std::string content;
  std::string user;       // who started it
};

struct ImportJob {
  enum class Status { kQueued, kRunning, kDone, kFailed };
  int64_t id = 0;
  Status status = Status::kQueued;
  std::string source, file_name, user;
  Timestamp started_at;
  int64_t done = 0, total = 0;               // records, while running
  std::optional<ingest::ImportReport> report;  // when done
  std::optional<Error> error;                // when failed
};
std::string_view ImportStatusName(ImportJob::Status s);  // queued, running, done, failed

class ImportJobs {
 public:
  ImportJobs(StorePool& pool, LiveRegister& live, const Clock& clock, std::string folder);
  ~ImportJobs();  // finishes the running job, drops the queued ones
  ImportJobs(const ImportJobs&) = delete;
  ImportJobs& operator=(const ImportJobs&) = delete;

  // Saves the file and queues the job. kInvalidArgument for an unknown source or
  // an empty file; kUnavailable when the file cannot be saved.
  Result<int64_t> Start(ImportRequest request, Date today);
  std::optional<ImportJob> Get(int64_t id) const;
  // The most recent jobs first, at most `limit`.
  std::vector<ImportJob> List(size_t limit) const;

 private:
  struct Queued { int64_t id; std::string path; std::string source; Date today; };
  void Run(std::stop_token stop);
  void Import(const Queued& q);

  StorePool& pool_;
  LiveRegister& live_;
  const Clock& clock_;
  std::string folder_;
  mutable std::mutex mutex_;
  std::condition_variable_any cv_;
  std::map<int64_t, ImportJob> jobs_;
  std::deque<Queued> queue_;
  int64_t next_id_ = 1;
  std::jthread worker_;  // last: joined before the members above go
};

}  // namespace junheng::services
