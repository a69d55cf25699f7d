// services/live_register.h: the snapshot a server reads, kept current.
//
// A LiveRegister owns one analytics::Snapshot, built from the store at Start,
// and a follower thread that applies every event committed after it (by this
// process or any other writing to the same database) by following the log's
// sequence number (CatchUp). It polls every `poll_interval`, and at once when
// Notify is called after a write, so an event shows in the indicators well
// within a second.
//
// Readers run under a shared lock and may run concurrently; applying events
// takes the lock exclusively for the few microseconds each event costs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "analytics/snapshot.h"
#include "core/error.h"
#include "services/store_pool.h"

namespace junheng::services {

struct LiveOptions {
  std::chrono::milliseconds poll_interval{250};
};

class LiveRegister {
 public:
  // Loads the snapshot (seconds on a city's register) and starts following.
  // `loader`, when given, is the store the snapshot is loaded from (a connection
  // tuned for one long scan, e.g. memory-mapped); otherwise a pool reader.
  // `second_loader`, a second such connection, lets the load read on two threads
  // (LoadOptions::second).
  static Result<std::unique_ptr<LiveRegister>> Start(StorePool& pool, LiveOptions options = {},
                                                     store::Store* loader = nullptr,
                                                     store::Store* second_loader = nullptr);
  ~LiveRegister();  // stops the follower
  LiveRegister(const LiveRegister&) = delete;
  LiveRegister& operator=(const LiveRegister&) = delete;

  // Runs fn(const Snapshot&) under the shared lock and returns what it returns.
  template <typename F>
  auto Read(F&& fn) const {
    std::shared_lock lock(mutex_);
    return fn(static_cast<const analytics::Snapshot&>(snapshot_));
  }

  // Wakes the follower now (after a commit).
  void Notify();
  // Wakes the follower and waits until events up to `seq` are applied, at most
  // `timeout`. Returns whether they are.
  bool WaitFor(int64_t seq, std::chrono::milliseconds timeout);

  int64_t applied_seq() const;
  // Failures of the follower so far (it logs nothing itself; /metrics shows them).
  int64_t follow_failures() const { return follow_failures_.load(); }

 private:
  LiveRegister(StorePool& pool, analytics::Snapshot snapshot, LiveOptions options);
  void Follow(std::stop_token stop);
  Status CatchUpOnce();

  StorePool& pool_;
  LiveOptions options_;
  mutable std::shared_mutex mutex_;
  analytics::Snapshot snapshot_;
  std::mutex wake_mutex_;
  std::condition_variable_any wake_cv_;
  bool wake_ = false;
  std::condition_variable applied_cv_;
  std::atomic<int64_t> follow_failures_{0};
  std::jthread follower_;  // last: stopped and joined before the members above go
};

}  // namespace junheng::services
