#include "services/store_pool.h"

namespace junheng::services {

Result<std::unique_ptr<StorePool>> StorePool::Open(const Opener& open, int readers) {
  std::unique_ptr<StorePool> pool(new StorePool());
  JH_ASSIGN_OR_RETURN(pool->writer_, open());
  for (int i = 0; i < readers; ++i) {
    JH_ASSIGN_OR_RETURN(auto reader, open());
    pool->free_.push_back(reader.get());
    pool->readers_.push_back(std::move(reader));
  }
  pool->shared_writer_ = readers == 0;
  return pool;
}

StorePool::StorePool(std::unique_ptr<store::Store> only) : writer_(std::move(only)), shared_writer_(true) {}

StorePool::Lease::Lease(StorePool& p) : pool(p), store(nullptr) {
  if (pool.shared_writer_) {
    pool.write_mutex_.lock();
    store = pool.writer_.get();
    return;
  }
  std::unique_lock lock(pool.free_mutex_);
  pool.free_cv_.wait(lock, [&] { return !pool.free_.empty(); });
  store = pool.free_.back();
  pool.free_.pop_back();
}

StorePool::Lease::~Lease() {
  if (pool.shared_writer_) {
    pool.write_mutex_.unlock();
    return;
  }
  {
    std::lock_guard lock(pool.free_mutex_);
    pool.free_.push_back(store);
  }
  pool.free_cv_.notify_one();
}

}  // namespace junheng::services
