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

namespace junheng::demo {
namespace {

TEST(DemoTest, SameSeedSameCityOtherSeedOtherCity) {
  DemoOptions options = TestOptions(0.003, 7);
  DigestSink a, b, c;
  ASSERT_TRUE(GenerateDemoCity(options, a).has_value());
  ASSERT_TRUE(GenerateDemoCity(options, b).has_value());
  options.seed = 8;
  ASSERT_TRUE(GenerateDemoCity(options, c).has_value());
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.events, b.events);
  EXPECT_NE(a.digest, c.digest);
}

TEST(DemoTest, CountiesMeetTheCensusAt20201101) {
  DigestSink sink;
  auto stats = GenerateDemoCity(TestOptions(0.05, 3), sink);
  ASSERT_TRUE(stats.has_value()) << stats.error().message;
  ASSERT_EQ(stats->census_check.size(), 17u);
  double total = 0, census = 0;
  for (const auto& c : stats->census_check) {
    EXPECT_NEAR(c.simulated / c.census, 1.0, 0.03) << c.name;
    total += c.simulated;
    census += c.census;
  }
  EXPECT_NEAR(total / census, 1.0, 0.01);
  // City age-sex shares: 0-14 17.35 %, 65+ 12.17 %, men 50.34 % (2020 bulletin).
  const auto& as = stats->census_age_sex;
  double men = 0, all = 0, young = 0, old = 0;
  for (int s = 0; s < 2; ++s)
    for (int g = 0; g < 19; ++g) {
      all += as[s][g];
      if (s == 0) men += as[s][g];
      if (g <= 3) young += as[s][g];
      if (g >= 14) old += as[s][g];
    }
  EXPECT_NEAR(young / all, 0.1735, 0.01);
  EXPECT_NEAR(old / all, 0.1217, 0.01);
  EXPECT_NEAR(men / all, 0.5034, 0.005);
}

TEST(DemoTest, SexRatioAtBirthIsHighOnlyInThreeCounties) {
  DemoOptions options = TestOptions(0.25, 5);
  BirthSexSink sink;
  ASSERT_TRUE(GenerateDemoCity(options, sink).has_value());
  double high_m = 0, high_f = 0, other_m = 0, other_f = 0;
  for (const auto& [key, n] : sink.births_by_county_sex) {
    const std::string county = key.substr(0, 6);
    const bool high = county == "141033" || county == "141030" || county == "141029";
    const bool male = key.back() == '1';
    (high ? (male ? high_m : high_f) : (male ? other_m : other_f)) += static_cast<double>(n);
  }
  const double srb_high = 100 * high_m / high_f, srb_other = 100 * other_m / other_f;
  fmt::print("SRB three counties {:.1f} ({} births), others {:.1f} ({} births)\n", srb_high, high_m + high_f, srb_other,
             other_m + other_f);
  EXPECT_GT(srb_high, 112);
  EXPECT_LT(srb_high, 124);
  EXPECT_GT(srb_other, 103);
  EXPECT_LT(srb_other, 109);
}

TEST(DemoTest, RejectsBadOptions) {
  DigestSink sink;
  DemoOptions options = TestOptions(0.01);
  options.scale = 0;
  EXPECT_EQ(GenerateDemoCity(options, sink).error().code, ErrorCode::kInvalidArgument);
  options = TestOptions(0.01);
  options.today = Date::FromDays(DaysFromCivil(2014, 1, 1));
  EXPECT_EQ(GenerateDemoCity(options, sink).error().code, ErrorCode::kInvalidArgument);
  options = TestOptions(0.01);
  options.data_dir = "/nonexistent";
  EXPECT_EQ(GenerateDemoCity(options, sink).error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace junheng::demo
