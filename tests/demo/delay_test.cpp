// Registration delays of the demo city look like a real department's: most
// births reach the register within 30 days, deaths faster, a few very late,
// and nothing recorded after today.
#include <gtest/gtest.h>

#include <algorithm>

#include "demo/demo_sinks.h"

namespace junheng::demo {
namespace {

// Collects the delay, in days, from each event's date to when it was recorded.
class DelaySink : public Sink {
 public:
  std::map<EventType, std::vector<int>> delays;
  int64_t recorded_after_today = 0;
  Date today;
  Status OnDivisions(const std::vector<Division>&) override { return {}; }
  Status OnPerson(const Person&) override { return {}; }
  Status OnEvent(const Event& e) override {
    const Date recorded = e.recorded_at.ShanghaiDate();
    if (recorded > today) ++recorded_after_today;
    if (e.type != EventType::kEnumerate) delays[e.type].push_back(recorded - e.date);
    return {};
  }
  Status OnBatchEnd(std::string_view) override { return {}; }
};

double ShareWithin(const std::vector<int>& v, int days) {
  return static_cast<double>(std::count_if(v.begin(), v.end(), [&](int d) { return d <= days; })) /
         static_cast<double>(v.size());
}
int Median(std::vector<int> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

TEST(DemoDelayTest, RegistrationDelaysAreRealistic) {
  DelaySink sink;
  const DemoOptions options = TestOptions(0.02);
  sink.today = options.today;
  ASSERT_TRUE(GenerateDemoCity(options, sink).has_value());
  EXPECT_EQ(sink.recorded_after_today, 0);
  const auto& births = sink.delays[EventType::kBirth];
  const auto& deaths = sink.delays[EventType::kDeath];
  ASSERT_GT(births.size(), 1000u);
  ASSERT_GT(deaths.size(), 1000u);
  const double births_30 = ShareWithin(births, 30);
  EXPECT_GT(births_30, 0.80) << "births registered within 30 days";
  EXPECT_LT(births_30, 0.97) << "some births must be registered late";
  EXPECT_GE(Median(births), 4);
  EXPECT_LE(Median(births), 14);
  EXPECT_LE(Median(deaths), Median(births)) << "deaths are reported faster than births";
  EXPECT_GT(1.0 - ShareWithin(births, 90), 0.005) << "a few records arrive months late";
  for (const auto& [type, v] : sink.delays)
    EXPECT_GE(*std::min_element(v.begin(), v.end()), 0) << EventTypeName(type) << " recorded before it happened";
}

}  // namespace
}  // namespace junheng::demo
