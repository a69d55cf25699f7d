// tests/analytics/rate_test.cpp: Wilson, sex-ratio and Poisson intervals (analytics/rate.h).
#include "analytics/rate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>

namespace junheng::analytics {
namespace {

TEST(WilsonIntervalTest, MatchesHandComputedIntervals) {
  // n = 10, z = 1.959964, z² = 3.841459, 1 + z²/n = 1.3841459.
  //   5/10: centre 0.5, half = 1.959964/1.3841459 · √(0.025 + 3.841459/400) = 0.263407
  //   0/10: centre = half = (z²/20)/1.3841459 = 0.138766  →  [0, 0.277533]
  //  10/10: the mirror image                               →  [0.722467, 1]
  struct Case {
    double successes, trials, lo, hi;
  };
  const Case cases[] = {
      {5, 10, 0.236593, 0.763407},
      {0, 10, 0.0, 0.277533},
      {10, 10, 0.722467, 1.0},
  };
  for (const Case& c : cases) {
    const std::optional<Interval> interval = WilsonInterval(c.successes, c.trials);
    ASSERT_TRUE(interval) << c.successes << "/" << c.trials;
    EXPECT_NEAR(interval->lo, c.lo, 5e-7) << c.successes << "/" << c.trials;
    EXPECT_NEAR(interval->hi, c.hi, 5e-7) << c.successes << "/" << c.trials;
  }
  // The edges are exact, not 1e-17 off.
  EXPECT_EQ(WilsonInterval(0, 10)->lo, 0.0);
  EXPECT_EQ(WilsonInterval(10, 10)->hi, 1.0);
}

TEST(WilsonIntervalTest, HasNoIntervalWithoutTrialsOrForNonProportions) {
  EXPECT_FALSE(WilsonInterval(0, 0));
  EXPECT_FALSE(WilsonInterval(3, 2));
  EXPECT_FALSE(WilsonInterval(-1, 2));
  EXPECT_FALSE(WilsonInterval(1, std::numeric_limits<double>::quiet_NaN()));
  EXPECT_FALSE(WilsonInterval(1, 2, 0));
}

TEST(SexRatioIntervalTest, TransformsTheWilsonIntervalOfTheMaleShare) {
  // 106 boys, 100 girls: p = 106/206 = 0.514563, Wilson [0.446674, 0.581919];
  // 100·p/(1−p) at both ends: [80.7253, 139.1881] around the point value 106.
  const std::optional<Interval> srb = SexRatioInterval(106, 100);
  ASSERT_TRUE(srb);
  EXPECT_NEAR(srb->lo, 80.7253, 5e-5);
  EXPECT_NEAR(srb->hi, 139.1881, 5e-5);
  // Two births cannot flag a village: the interval covers the normal range 103–107.
  const std::optional<Interval> two_boys = SexRatioInterval(2, 0);
  ASSERT_TRUE(two_boys);
  EXPECT_LT(two_boys->lo, 103);
  EXPECT_EQ(two_boys->hi, std::numeric_limits<double>::infinity());
  EXPECT_EQ(SexRatioInterval(0, 3)->lo, 0.0);
  EXPECT_FALSE(SexRatioInterval(0, 0));
}

TEST(PoissonCountIntervalTest, MatchesPublishedGarwoodLimits) {
  // The textbook 95% exact limits, k = 0: [0, 3.689]; k = 1: [0.0253, 5.572];
  // k = 10: [4.795, 18.39]. Closed forms for the small ones: k = 0, hi = −ln 0.025;
  // k = 1, lo = −ln 0.975 and hi solves e^{−μ}(1 + μ) = 0.025.
  struct Case {
    double k, lo, hi;
  };
  const Case cases[] = {
      {0, 0.0, 3.688879},
      {1, 0.025318, 5.571643},
      {10, 4.795389, 18.390356},
  };
  for (const Case& c : cases) {
    const std::optional<Interval> interval = PoissonCountInterval(c.k);
    ASSERT_TRUE(interval) << "k = " << c.k;
    EXPECT_NEAR(interval->lo, c.lo, 5e-6) << "k = " << c.k;
    EXPECT_NEAR(interval->hi, c.hi, 5e-6) << "k = " << c.k;
  }
  EXPECT_EQ(PoissonCountInterval(0)->lo, 0.0);
  EXPECT_FALSE(PoissonCountInterval(-1));
  EXPECT_FALSE(PoissonCountInterval(1, 1.0));
}

// P(X ≤ k) for X ~ Poisson(mu), summed directly in logs.
double PoissonCdf(int k, double mu) {
  double sum = 0;
  for (int j = 0; j <= k; ++j) sum += std::exp(-mu + j * std::log(mu) - std::lgamma(j + 1.0));
  return sum;
}

TEST(PoissonCountIntervalTest, LimitsLeaveHalfAlphaInEachTail) {
  // The definition of the exact interval, checked independently of the gamma
  // route: P(X ≥ k | lo) = α/2 and P(X ≤ k | hi) = α/2.
  for (int k : {1, 2, 3, 5, 20, 100, 500}) {
    for (double confidence : {0.90, 0.95, 0.99}) {
      const double half_alpha = (1 - confidence) / 2;
      const std::optional<Interval> interval = PoissonCountInterval(k, confidence);
      ASSERT_TRUE(interval);
      EXPECT_NEAR(1 - PoissonCdf(k - 1, interval->lo), half_alpha, 1e-9) << "k = " << k;
      EXPECT_NEAR(PoissonCdf(k, interval->hi), half_alpha, 1e-9) << "k = " << k;
    }
  }
}

TEST(ChiSquareQuantileTest, MatchesTableValues) {
  EXPECT_NEAR(*ChiSquareQuantile(0.95, 1), 3.841459, 1e-6);  // = 1.959964²
  EXPECT_NEAR(*ChiSquareQuantile(0.95, 10), 18.307038, 1e-6);
  EXPECT_NEAR(*ChiSquareQuantile(0.975, 2), -2 * std::log(0.025), 1e-9);
  EXPECT_NEAR(*ChiSquareQuantile(0.5, 2), 2 * std::log(2.0), 1e-9);
  EXPECT_EQ(*ChiSquareQuantile(0, 4), 0.0);
  EXPECT_FALSE(ChiSquareQuantile(1, 4));
  EXPECT_FALSE(ChiSquareQuantile(0.5, 0));
}

TEST(PoissonRateIntervalTest, ScalesTheCountIntervalByExposure) {
  // 10 deaths in 2000 person-years, per 1000: [4.795389, 18.390356] / 2.
  const std::optional<Interval> rate = PoissonRateInterval(10, 2000, 1000);
  ASSERT_TRUE(rate);
  EXPECT_NEAR(rate->lo, 2.397694, 5e-6);
  EXPECT_NEAR(rate->hi, 9.195178, 5e-6);
  EXPECT_FALSE(PoissonRateInterval(3, 0, 1000));
  EXPECT_FALSE(PoissonRateInterval(3, -5, 1000));
}

}  // namespace
}  // namespace junheng::analytics
