#include "services/live_register.h"

#include "services/snapshot_loader.h"

namespace junheng::services {

Result<std::unique_ptr<LiveRegister>> LiveRegister::Start(StorePool& pool, LiveOptions options,
                                                         store::Store* loader, store::Store* second_loader) {
  const LoadOptions load{.second = second_loader};
  JH_ASSIGN_OR_RETURN(auto snapshot, loader ? LoadSnapshot(*loader, load)
                                            : pool.Read([&](store::Store& s) { return LoadSnapshot(s, load); }));
  std::unique_ptr<LiveRegister> live(new LiveRegister(pool, std::move(snapshot), options));
  live->follower_ = std::jthread([p = live.get()](std::stop_token stop) { p->Follow(stop); });
  return live;
}

LiveRegister::LiveRegister(StorePool& pool, analytics::Snapshot snapshot, LiveOptions options)
    : pool_(pool), options_(options), snapshot_(std::move(snapshot)) {}

LiveRegister::~LiveRegister() {
  follower_.request_stop();
  wake_cv_.notify_all();
}

int64_t LiveRegister::applied_seq() const {
  std::shared_lock lock(mutex_);
  return snapshot_.applied_seq();
}

void LiveRegister::Notify() {
  {
    std::lock_guard lock(wake_mutex_);
    wake_ = true;
  }
  wake_cv_.notify_all();
}

bool LiveRegister::WaitFor(int64_t seq, std::chrono::milliseconds timeout) {
  Notify();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(wake_mutex_);
  while (applied_seq() < seq) {
    if (applied_cv_.wait_until(lock, deadline) == std::cv_status::timeout) return applied_seq() >= seq;
  }
  return true;
}

Status LiveRegister::CatchUpOnce() {
  // Reading the store happens beside the readers (shared lock: only this thread
  // applies events, so applied_seq cannot move meanwhile); they wait only for
  // the applying, microseconds an event.
  JH_ASSIGN_OR_RETURN(NewEvents fetched, pool_.Read([&](store::Store& store) {
    std::shared_lock lock(mutex_);
    return FetchNewEvents(store, snapshot_);
  }));
  if (fetched.events.empty()) return {};
  std::unique_lock lock(mutex_);
  JH_RETURN_IF_ERROR(ApplyNewEvents(fetched, snapshot_));
  return {};
}

void LiveRegister::Follow(std::stop_token stop) {
  while (!stop.stop_requested()) {
    if (!CatchUpOnce()) follow_failures_.fetch_add(1);
    {
      std::lock_guard lock(wake_mutex_);
      applied_cv_.notify_all();
    }
    std::unique_lock lock(wake_mutex_);
    wake_cv_.wait_for(lock, stop, options_.poll_interval, [&] { return wake_; });
    wake_ = false;
  }
}

}  // namespace junheng::services
