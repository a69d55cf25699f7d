// analytics/rate.cpp: Wilson, sex-ratio and exact Poisson intervals.
#include "analytics/rate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace junheng::analytics {
namespace {

bool IsCount(double x) { return std::isfinite(x) && x >= 0; }

// ln Γ(a) for a > 0 by the Lanczos approximation (g = 7, 9 terms; relative
// error below 1e-15 for a ≥ 0.5), with Γ(a) = Γ(a + 1) / a below 0.5.
// Written here rather than std::lgamma, which writes the global `signgam`.
double LogGamma(double a) {
  if (a < 0.5) return LogGamma(a + 1) - std::log(a);
  static constexpr double kCoefficients[] = {
      0.99999999999980993,  676.5203681218851,     -1259.1392167224028,
      771.32342877765313,   -176.61502916214059,   12.507343278686905,
      -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
  constexpr double kG = 7;
  const double z = a - 1;
  double sum = kCoefficients[0];
  for (int i = 1; i < 9; ++i) sum += kCoefficients[i] / (z + i);
  const double t = z + kG + 0.5;
  return 0.5 * std::log(2 * std::numbers::pi) + (z + 0.5) * std::log(t) - t + std::log(sum);
}

// Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a), a > 0, x ≥ 0.
// Below x = a + 1 the series γ(a,x) = e^{-x} x^a Σ_n x^n / (a (a+1) … (a+n))
// converges fast; above it the continued fraction for Q = 1 − P does (evaluated
// by the modified Lentz method). Both stop at a relative term of 1e-16.
double RegularizedGammaP(double a, double x) {
  if (x <= 0) return 0;
  constexpr double kEpsilon = 1e-16;
  constexpr double kTiny = 1e-300;
  constexpr int kMaxIterations = 10000;
  const double log_prefactor = -x + a * std::log(x) - LogGamma(a);
  if (x < a + 1) {
    double term = 1 / a;
    double sum = term;
    for (int n = 1; n < kMaxIterations; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::abs(term) < std::abs(sum) * kEpsilon) break;
    }
    return std::min(1.0, sum * std::exp(log_prefactor));
  }
  double b = x + 1 - a;
  double c = 1 / kTiny;
  double d = 1 / b;
  double h = d;
  for (int i = 1; i < kMaxIterations; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::abs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1) < kEpsilon) break;
  }
  return std::max(0.0, 1 - std::exp(log_prefactor) * h);
}

// Γ⁻¹(p; a): the x with P(a, x) = p, by bisection. P is increasing in x, so
// bisection cannot fail; ~60 halvings after bracketing reach double precision.
double GammaQuantile(double p, double a) {
  if (p <= 0) return 0;
  double lo = 0;
  double hi = std::max(1.0, a);
  while (RegularizedGammaP(a, hi) < p) {
    lo = hi;
    hi *= 2;
  }
  for (int i = 0; i < 200 && hi - lo > 1e-14 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (RegularizedGammaP(a, mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

std::optional<double> ChiSquareQuantile(double p, double dof) {
  if (!(p >= 0 && p < 1) || !(dof > 0) || !std::isfinite(dof)) return std::nullopt;
  return 2 * GammaQuantile(p, dof / 2);
}

std::optional<Interval> WilsonInterval(double successes, double trials, double z) {
  if (!IsCount(successes) || !IsCount(trials) || successes > trials || !(z > 0)) {
    return std::nullopt;
  }
  if (trials == 0) return std::nullopt;
  const double n = trials;
  const double p = successes / n;
  const double z2 = z * z;
  const double denominator = 1 + z2 / n;
  const double centre = (p + z2 / (2 * n)) / denominator;
  const double half = z / denominator * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  Interval interval{std::clamp(centre - half, 0.0, 1.0), std::clamp(centre + half, 0.0, 1.0)};
  // Analytically exact at the edges; rounding would leave ±1e-17 there.
  if (successes == 0) interval.lo = 0;
  if (successes == trials) interval.hi = 1;
  return interval;
}

std::optional<Interval> SexRatioInterval(double male, double female) {
  if (!IsCount(male) || !IsCount(female)) return std::nullopt;
  const std::optional<Interval> p = WilsonInterval(male, male + female);
  if (!p) return std::nullopt;
  const auto ratio = [](double share) {
    return share >= 1 ? std::numeric_limits<double>::infinity() : 100 * share / (1 - share);
  };
  return Interval{ratio(p->lo), ratio(p->hi)};
}

std::optional<Interval> PoissonCountInterval(double count, double confidence) {
  if (!IsCount(count) || !(confidence > 0 && confidence < 1)) return std::nullopt;
  const double alpha = 1 - confidence;
  const double lo = count == 0 ? 0 : GammaQuantile(alpha / 2, count);
  const double hi = GammaQuantile(1 - alpha / 2, count + 1);
  return Interval{lo, hi};
}

std::optional<Interval> PoissonRateInterval(double count, double exposure, double per,
                                            double confidence) {
  if (!IsCount(exposure) || exposure == 0 || !std::isfinite(per) || per < 0) {
    return std::nullopt;
  }
  const std::optional<Interval> mean = PoissonCountInterval(count, confidence);
  if (!mean) return std::nullopt;
  return Interval{mean->lo / exposure * per, mean->hi / exposure * per};
}

}  // namespace junheng::analytics
