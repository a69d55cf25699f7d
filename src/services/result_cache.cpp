#include "services/result_cache.h"

namespace junheng::services {

std::shared_ptr<ResultCache::Entry> ResultCache::EntryFor(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second->lru);
    return it->second;
  }
  auto entry = std::make_shared<Entry>();
  lru_.push_front(key);
  entry->lru = lru_.begin();
  entries_.emplace(key, entry);
  while (entries_.size() > capacity_) {
    entries_.erase(lru_.back());  // a request still holding it keeps it alive
    lru_.pop_back();
  }
  return entry;
}

Result<std::shared_ptr<const std::string>> ResultCache::Get(const std::string& key, const Compute& compute) {
  std::shared_ptr<Entry> entry = EntryFor(key);
  return live_.Read([&](const analytics::Snapshot& snapshot) -> Result<std::shared_ptr<const std::string>> {
    // Under the shared lock applied_seq cannot change, so the answer computed
    // here is exactly the snapshot's at `seq`.
    const int64_t seq = snapshot.applied_seq();
    std::lock_guard computing(entry->computing);
    if (entry->seq == seq && entry->value) {
      std::lock_guard lock(mutex_);
      ++stats_.hits;
      return entry->value;
    }
    JH_ASSIGN_OR_RETURN(std::string value, compute(snapshot));
    entry->value = std::make_shared<const std::string>(std::move(value));
    entry->seq = seq;
    std::lock_guard lock(mutex_);
    ++stats_.misses;
    return entry->value;
  });
}

ResultCache::Stats ResultCache::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace junheng::services
