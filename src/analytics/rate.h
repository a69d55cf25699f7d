// analytics/rate.h: confidence intervals for proportions, ratios, counts and rates.
//
// A rate from few events is noisy (spec/indicators.md, "Small numbers"): every
// rate used for warnings carries an interval — Wilson for proportions (and the
// sex ratio at birth built on one), exact Poisson for counts and rates — so that
// a village with two births is never flagged for its sex ratio.
//
// Everything here is pure arithmetic on doubles; the chi-square quantile behind
// the Poisson interval is computed here (regularized incomplete gamma plus
// bisection), with no statistics library. Thread safety: all functions are pure.
#pragma once

#include <optional>

namespace junheng::analytics {

// A two-sided interval [lo, hi]; hi may be +infinity (see SexRatioInterval).
struct Interval {
  double lo = 0, hi = 0;
};

// z of the two-sided 95% normal interval, Φ⁻¹(0.975).
inline constexpr double kZ95 = 1.959963984540054;

// Wilson score interval of a binomial proportion p = successes / trials
// (Wilson 1927; Agresti & Coull 1998, Am. Stat. 52:119):
//   centre    = (p + z²/(2n)) / (1 + z²/n)
//   half-width = z / (1 + z²/n) · √(p(1−p)/n + z²/(4n²))
//   [lo, hi]  = centre ∓ half-width, clamped to [0, 1]
// with n = trials. Unlike the Wald interval it never leaves [0, 1] and is not
// empty at p = 0 or 1: lo is exactly 0 when successes == 0 and hi exactly 1 when
// successes == trials. Units: a proportion (0..1). Counts need not be integers
// (weighted counts work the same way).
// Returns nullopt when trials == 0 (no information), and also for inputs that
// are not a proportion: negative or non-finite counts, successes > trials, or
// z ≤ 0.
std::optional<Interval> WilsonInterval(double successes, double trials, double z = kZ95);

// 95% interval of the sex ratio at birth, in males per 100 females
// (spec/indicators.md, Fertility): the Wilson interval [p_lo, p_hi] of the
// proportion of male births p = male / (male + female), each end transformed by
// the monotone map ratio = 100 · p / (1 − p). When p_hi == 1 (no female births)
// hi is +infinity (std::numeric_limits<double>::infinity()); when male == 0, lo is 0.
// Returns nullopt when male + female == 0, or for negative or non-finite counts.
std::optional<Interval> SexRatioInterval(double male, double female);

// Exact (Garwood 1936, Biometrika 28:437) two-sided interval for the mean μ of a
// Poisson count k observed once, at the given confidence 1 − α:
//   lo = χ²(α/2; 2k) / 2        (0 when k == 0)
//   hi = χ²(1 − α/2; 2k + 2) / 2
// where χ²(p; ν) is the p-quantile of the chi-square distribution with ν degrees
// of freedom (computed here as a gamma quantile: χ²(p; 2a)/2 = Γ⁻¹(p; a)).
// Units: events (the same as `count`). Examples (95%): k = 0 → [0, 3.689],
// k = 1 → [0.0253, 5.572], k = 10 → [4.795, 18.39]. The interval is conservative:
// its coverage is at least 1 − α for every μ.
// Returns nullopt for a negative or non-finite count or a confidence outside (0, 1).
std::optional<Interval> PoissonCountInterval(double count, double confidence = 0.95);

// Interval of a rate count / exposure × per from the exact Poisson interval of
// the count: [lo, hi] = PoissonCountInterval(count, confidence) / exposure × per.
// Units: events per `per` units of exposure (e.g. deaths per 1000 person-years
// with exposure in person-years and per = 1000). The exposure is treated as known
// exactly. Returns nullopt when exposure == 0 (no rate exists), for a negative or
// non-finite exposure or per, and where PoissonCountInterval does.
std::optional<Interval> PoissonRateInterval(double count, double exposure, double per = 1.0,
                                            double confidence = 0.95);

// The p-quantile of the chi-square distribution with `dof` degrees of freedom:
// the x with P(dof/2, x/2) = p, P being the regularized lower incomplete gamma
// function (series for x < a + 1, Lentz continued fraction above; Press et al.,
// Numerical Recipes, 3rd ed., §6.2), solved by bisection to a relative 1e-14.
// Exposed for tests and other intervals. Returns nullopt unless 0 ≤ p < 1 and
// dof > 0 (p == 0 gives 0).
std::optional<double> ChiSquareQuantile(double p, double dof);

}  // namespace junheng::analytics
