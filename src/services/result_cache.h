// services/result_cache.h: answers computed from the live snapshot, kept until
// the snapshot moves on.
//
// A dashboard asks the same questions many times a second (the city's cards,
// each county's map colour), and an answer stays exact as long as no event has
// been applied since it was computed. ResultCache keeps each answer with the
// snapshot's applied_seq at the time; a request at the same applied_seq gets the
// kept answer, any new event makes every kept answer stale, so nothing shown is
// ever older than the snapshot. Concurrent requests for the same key compute it
// once: the others wait for that answer. At most `capacity` answers are kept
// (least recently used go first). Thread-safe.
#pragma once

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
  ResultCache(const LiveRegister& live, size_t capacity = 512) : live_(live), capacity_(capacity) {}

  using Compute = std::function<Result<std::string>(const analytics::Snapshot&)>;
  // The answer for `key`, computed by `compute` under the snapshot's shared lock
  // unless an answer at the current applied_seq is kept. Errors are not kept.
  Result<std::shared_ptr<const std::string>> Get(const std::string& key, const Compute& compute);

  struct Stats { uint64_t hits = 0, misses = 0; };
  Stats stats() const;

 private:
  struct Entry {
    std::mutex computing;  // held while one request computes this key
    int64_t seq = -1;
    std::shared_ptr<const std::string> value;
    std::list<std::string>::iterator lru;
  };
  std::shared_ptr<Entry> EntryFor(const std::string& key);

  const LiveRegister& live_;
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Entry>> entries_;
  std::list<std::string> lru_;  // most recent first
  Stats stats_;
};

}  // namespace junheng::services
