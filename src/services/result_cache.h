// services/result_cache.h: answers computed from the live snapshot, kept until
// the snapshot moves on.
//
// A dashboard asks the same questions many times a second (the city's cards,
// each county's map colour), and an answer stays exact as long as no event has
// been applied since it was computed. ResultCache keeps each answer with the
// snapshot's applied_seq at the time. A kept answer is given when
//   - no event has been applied since (it is exact), or
//   - it is younger than `max_staleness` and the asker has written nothing
//     since it was computed: others' events show within that time (the system
//     promises a second), while a user always reads their own writes at once;
//   - it is younger than twice that while another request is computing the
//     new answer (so readers never queue behind a recomputation).
// Without the second rule, a steady stream of registrations would make every
// dashboard question a fresh computation (tens of milliseconds on a city).
// Concurrent requests for the same key compute it once: the others wait for
// that answer. At most `capacity` answers are kept (least recently used go
// first). Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "services/live_register.h"

namespace junheng::services {

class ResultCache {
 public:
  ResultCache(const LiveRegister& live, std::chrono::milliseconds max_staleness = std::chrono::milliseconds(500),
              size_t capacity = 512)
      : live_(live), max_staleness_(max_staleness), capacity_(capacity) {}

  using Compute = std::function<Result<std::string>(const analytics::Snapshot&)>;
  // The answer for `key` asked by `user`, computed by `compute` under the
  // snapshot's shared lock unless a kept answer may be given (above). Errors
  // are not kept.
  Result<std::shared_ptr<const std::string>> Get(const std::string& key, const std::string& user,
                                                 const Compute& compute);
  // `user` wrote the event at `seq`: their next answers include it.
  void NoteWrite(const std::string& user, int64_t seq);

  struct Stats { uint64_t hits = 0, misses = 0; };
  Stats stats() const;

 private:
  struct Entry {
    std::mutex computing;  // held while one request computes this key
    std::mutex state;      // guards the three fields below, held briefly
    int64_t seq = -1;
    std::chrono::steady_clock::time_point computed_at;
    std::shared_ptr<const std::string> value;
    std::list<std::string>::iterator lru;
  };
  std::shared_ptr<Entry> EntryFor(const std::string& key);

  int64_t LastWrite(const std::string& user) const;

  const LiveRegister& live_;
  const std::chrono::milliseconds max_staleness_;
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Entry>> entries_;
  std::list<std::string> lru_;  // most recent first
  std::unordered_map<std::string, int64_t> last_write_;  // user → seq of their last write
  Stats stats_;
};

}  // namespace junheng::services
