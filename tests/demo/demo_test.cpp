#include "demo/demo.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "demo_sinks.h"

namespace junheng::demo {
namespace {

void PrintStats(const DemoStats& s) {
  fmt::print("persons {} events {} base {} births {} deaths {} in {} out {} moves {} unreported {}\n", s.persons,
             s.events, s.base_population, s.births, s.deaths, s.moves_in, s.moves_out, s.moves_within, s.unreported);
  for (const auto& y : s.years)
    fmt::print("  {} births {:>7} deaths {:>7} in {:>7} out {:>7} moves {:>7} pop_end {:>9}\n", y.year, y.births,
               y.deaths, y.moves_in, y.moves_out, y.moves_within, y.population_end);
  for (const auto& c : s.census_check)
    fmt::print("  {} {} simulated {} census {:.0f} ({:+.2f} %)\n", c.code.CountyPart(), c.name, c.simulated, c.census,
               100.0 * (c.simulated / c.census - 1));
}

// Every record passes core's single-record rules, and the stream is a possible register.
TEST(DemoTest, EveryRecordIsValidAndEveryLifePossible) {
  const DemoOptions options = TestOptions(0.01);
  CheckingSink sink(options.today);
  auto stats = GenerateDemoCity(options, sink);
  ASSERT_TRUE(stats.has_value()) << stats.error().message;
  PrintStats(*stats);
  EXPECT_EQ(sink.divisions(), 2503u);
  for (const auto& p : sink.problems) ADD_FAILURE() << p;
  EXPECT_EQ(static_cast<int64_t>(sink.persons.size()), stats->persons);
  EXPECT_EQ(sink.events, stats->events);
  ASSERT_FALSE(sink.batches.empty());
  EXPECT_EQ(sink.batches.front(), "base");
  EXPECT_EQ(sink.batches.back(), "2025");
  EXPECT_GT(stats->base_population, 35000);
  EXPECT_LT(stats->base_population, 48000);
}

}  // namespace
}  // namespace junheng::demo
