#include <gtest/gtest.h>

#include "demo/demo.h"
#include "demo_sinks.h"

namespace junheng::demo {
namespace {

// A digest of everything a sink is told, in order, and a way to fail.
class OrderSink : public Sink {
 public:
  uint64_t digest = 1469598103934665603ULL;
  int64_t persons = 0, events = 0, batch_ends = 0;
  size_t divisions = 0;
  int64_t fail_at_event = -1;  // this event's call fails
  Status OnDivisions(const std::vector<Division>& d) override {
    divisions = d.size();
    Mix(d.size());
    return {};
  }
  Status OnPerson(const Person& p) override {
    ++persons;
    Mix(ContentHash(p));
    return {};
  }
  Status OnEvent(const Event& e) override {
    if (++events == fail_at_event) return Fail(ErrorCode::kUnavailable, "the store is full");
    Mix(ContentHash(e));
    return {};
  }
  Status OnBatchEnd(std::string_view label) override {
    ++batch_ends;
    for (char c : label) Mix(static_cast<uint8_t>(c));
    return {};
  }

 private:
  void Mix(uint64_t h) { digest = (digest ^ h) * 1099511628211ULL; }
};

TEST(AlongsideTest, TheSinkHearsWhatItWouldHearWithoutTheThread) {
  const DemoOptions options = TestOptions(0.01, 5);
  OrderSink direct, alongside;
  auto a = GenerateDemoCity(options, direct);
  auto b = GenerateDemoCityAlongside(options, alongside);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  ASSERT_TRUE(b.has_value()) << b.error().message;
  EXPECT_GT(direct.events, 4096 * 8);  // more blocks than the queue holds
  EXPECT_EQ(alongside.divisions, 2503u);
  EXPECT_EQ(alongside.persons, direct.persons);
  EXPECT_EQ(alongside.events, direct.events);
  EXPECT_EQ(alongside.batch_ends, direct.batch_ends);
  EXPECT_EQ(alongside.digest, direct.digest);
  EXPECT_EQ(b->persons, a->persons);
  EXPECT_EQ(b->events, a->events);
  EXPECT_EQ(b->years.size(), a->years.size());
}

TEST(AlongsideTest, ASinkFailureStopsTheGeneratorWithTheSinksError) {
  OrderSink sink;
  sink.fail_at_event = 10000;
  auto r = GenerateDemoCityAlongside(TestOptions(0.01, 5), sink);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().message, "the store is full");
  EXPECT_EQ(sink.events, 10000);  // nothing is delivered after the failure
}

TEST(AlongsideTest, AGeneratorFailureIsReturned) {
  OrderSink sink;
  DemoOptions options = TestOptions(0.01);
  options.data_dir = "/nonexistent";
  auto r = GenerateDemoCityAlongside(options, sink);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace junheng::demo
