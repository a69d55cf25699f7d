// core/clock.h: time as a seam. Code that stamps or compares times takes a
// Clock&, so tests fix and advance time instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>

#include "core/date.h"

namespace junheng {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// The system's clock, in whole seconds.
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return Timestamp{std::chrono::duration_cast<std::chrono::seconds>(now).count()};
  }
};

// A clock that tests set and advance. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start) : seconds_(start.seconds) {}
  Timestamp Now() const override { return Timestamp{seconds_.load()}; }
  void Set(Timestamp t) { seconds_ = t.seconds; }
  void Advance(int64_t seconds) { seconds_ += seconds; }

 private:
  std::atomic<int64_t> seconds_;
};

}  // namespace junheng
