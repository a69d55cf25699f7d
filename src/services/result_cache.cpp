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

void ResultCache::NoteWrite(const std::string& user, int64_t seq) {
  std::lock_guard lock(mutex_);
  if (last_write_.size() > 100000) last_write_.clear();  // bounded; forgetting only costs a recomputation
  int64_t& last = last_write_[user];
  last = std::max(last, seq);
}

int64_t ResultCache::LastWrite(const std::string& user) const {
  std::lock_guard lock(mutex_);
  auto it = last_write_.find(user);
  return it == last_write_.end() ? 0 : it->second;
}

Result<std::shared_ptr<const std::string>> ResultCache::Get(const std::string& key, const std::string& user,
                                                            const Compute& compute) {
  std::shared_ptr<Entry> entry = EntryFor(key);
  const int64_t own_write = LastWrite(user);
  auto hit = [&](std::shared_ptr<const std::string> value) {
    std::lock_guard lock(mutex_);
    ++stats_.hits;
    return value;
  };
  return live_.Read([&](const analytics::Snapshot& snapshot) -> Result<std::shared_ptr<const std::string>> {
    // Under the shared lock applied_seq cannot change, so the answer computed
    // here is exactly the snapshot's at `seq`.
    const int64_t seq = snapshot.applied_seq();
    // May the kept answer be given, with this much staleness allowed?
    auto usable = [&](std::chrono::steady_clock::duration allowed) -> std::shared_ptr<const std::string> {
      std::lock_guard lock(entry->state);
      if (!entry->value) return nullptr;
      const bool exact = entry->seq == seq;
      const bool recent = entry->seq >= own_write && std::chrono::steady_clock::now() - entry->computed_at < allowed;
      return exact || recent ? entry->value : nullptr;
    };
    if (auto v = usable(max_staleness_)) return hit(std::move(v));
    std::unique_lock computing(entry->computing, std::try_to_lock);
    if (!computing.owns_lock()) {
      // Another request is computing it: rather than wait, take the kept answer
      // while it is within twice the staleness (the promised second).
      if (auto v = usable(2 * max_staleness_)) return hit(std::move(v));
      computing.lock();
      if (auto v = usable(max_staleness_)) return hit(std::move(v));
    }
    const auto started = std::chrono::steady_clock::now();
    JH_ASSIGN_OR_RETURN(std::string value, compute(snapshot));
    auto kept = std::make_shared<const std::string>(std::move(value));
    {
      std::lock_guard lock(entry->state);
      entry->value = kept;
      entry->seq = seq;
      entry->computed_at = started;
    }
    std::lock_guard lock(mutex_);
    ++stats_.misses;
    return kept;
  });
}

ResultCache::Stats ResultCache::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace junheng::services
