// services/store_pool.h: sharing the store between threads.
//
// A Store is used from one thread at a time (store/store.h). A server has many,
// so it keeps a pool: several connections for reads, used concurrently, and one
// for writes, used by one writer at a time (SQLite in WAL mode lets readers go
// on while a batch is written; a reader sees the last committed state).
// Every use is a callback run while the connection is held:
//
//   auto person = pool.Read([&](store::Store& s) { return s.FindPerson(id); });
//
// Thread-safe. The callback must not keep the Store& after it returns, and must
// not call Read or Write of the same pool (that could wait on itself).
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/error.h"
#include "store/store.h"

namespace junheng::services {

class StorePool {
 public:
  using Opener = std::function<Result<std::unique_ptr<store::Store>>()>;

  // Opens `readers` read connections and one write connection with `open`.
  static Result<std::unique_ptr<StorePool>> Open(const Opener& open, int readers);
  // A pool of one connection, used for both reads and writes (the CLI, tests).
  explicit StorePool(std::unique_ptr<store::Store> only);

  template <typename F>
  auto Read(F&& fn) {
    Lease lease(*this);
    return fn(*lease.store);
  }
  template <typename F>
  auto Write(F&& fn) {
    std::lock_guard lock(write_mutex_);
    return fn(*writer_);
  }

 private:
  StorePool() = default;
  struct Lease {
    explicit Lease(StorePool& pool);
    ~Lease();
    StorePool& pool;
    store::Store* store;
  };

  std::unique_ptr<store::Store> writer_;
  std::mutex write_mutex_;
  std::vector<std::unique_ptr<store::Store>> readers_;
  // Free read connections; when the pool has none of its own, reads share the
  // writer under write_mutex_.
  std::vector<store::Store*> free_;
  std::mutex free_mutex_;
  std::condition_variable free_cv_;
  bool shared_writer_ = false;
};

}  // namespace junheng::services
