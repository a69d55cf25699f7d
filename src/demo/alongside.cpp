// GenerateDemoCityAlongside: the generator on a thread of its own, the sink on
// the caller's, joined by a short queue of blocks of records.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include "demo/demo.h"

namespace junheng::demo {
namespace {

struct BatchEnd {
  std::string label;
};
using Record = std::variant<std::vector<Division>, Person, Event, BatchEnd>;
using Block = std::vector<Record>;

// Records this many at a time, at most kQueued blocks waiting: a few MB.
constexpr size_t kBlock = 4096;
constexpr size_t kQueued = 8;

// The generator's side: collects records into blocks and queues them. Once the
// consumer has failed, every call returns its error, which stops the generator.
class Queue {
 public:
  // Generator side. False when the consumer has stopped (failed).
  bool Push(Block&& block) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return blocks_.size() < kQueued || stopped_; });
    if (stopped_) return false;
    blocks_.push_back(std::move(block));
    ready_.notify_one();
    return true;
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    ready_.notify_one();
  }
  // Consumer side. nullopt at the end.
  std::optional<Block> Pop() {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return !blocks_.empty() || closed_; });
    if (blocks_.empty()) return std::nullopt;
    Block b = std::move(blocks_.front());
    blocks_.pop_front();
    room_.notify_one();
    return b;
  }
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    blocks_.clear();
    room_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<Block> blocks_;
  bool closed_ = false, stopped_ = false;
};

class QueueSink : public Sink {
 public:
  QueueSink(Queue& queue, const Status& consumer) : queue_(queue), consumer_(consumer) {}
  Status OnDivisions(const std::vector<Division>& divisions) override { return Add(divisions); }
  Status OnPerson(const Person& p) override { return Add(p); }
  Status OnEvent(const Event& e) override { return Add(e); }
  Status OnBatchEnd(std::string_view label) override { return Add(BatchEnd{std::string(label)}); }
  // The last block. False when the consumer stopped.
  bool Flush() {
    if (block_.empty()) return true;
    return queue_.Push(std::exchange(block_, Block{}));
  }

 private:
  template <typename T>
  Status Add(T&& record) {
    if (block_.empty()) block_.reserve(kBlock);
    block_.emplace_back(std::forward<T>(record));
    if (block_.size() < kBlock || Flush()) return {};
    return consumer_;  // written by the consumer before it stopped the queue
  }
  Queue& queue_;
  const Status& consumer_;
  Block block_;
};

Status Deliver(const Record& r, Sink& sink) {
  return std::visit(
      [&](const auto& v) -> Status {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::vector<Division>>) return sink.OnDivisions(v);
        if constexpr (std::is_same_v<T, Person>) return sink.OnPerson(v);
        if constexpr (std::is_same_v<T, Event>) return sink.OnEvent(v);
        if constexpr (std::is_same_v<T, BatchEnd>) return sink.OnBatchEnd(v.label);
      },
      r);
}

}  // namespace

Result<DemoStats> GenerateDemoCityAlongside(const DemoOptions& options, Sink& sink) {
  Queue queue;
  Status consumer;  // the sink's first failure; read by the generator only after Stop
  std::optional<Result<DemoStats>> generated;
  std::thread generator([&] {
    QueueSink to_queue(queue, consumer);
    Result<DemoStats> r = GenerateDemoCity(options, to_queue);
    if (r && !to_queue.Flush()) r = std::unexpected(consumer.error());
    generated = std::move(r);
    queue.Close();
  });
  try {
    while (std::optional<Block> block = queue.Pop()) {
      for (const Record& r : *block) {
        consumer = Deliver(r, sink);
        if (!consumer) break;
      }
      if (!consumer) {
        queue.Stop();  // the generator's next Push fails and it returns our error
        break;
      }
    }
  } catch (...) {  // e.g. out of memory in the sink: stop the generator before leaving
    consumer = Fail(ErrorCode::kInternal, "the demo city's import stopped");
    queue.Stop();
    generator.join();
    throw;
  }
  generator.join();
  if (!consumer) return std::unexpected(consumer.error());
  return std::move(*generated);
}

}  // namespace junheng::demo
