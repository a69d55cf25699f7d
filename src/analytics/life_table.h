// analytics/life_table.h: the period life table, abridged or by single years.
//
// Source for every formula: Preston, Heuveline & Guillot (2001), *Demography:
// Measuring and Modeling Population Processes*, ch. 3 (3.1–3.3). Ages are exact
// ages in completed years at the start of an interval [x, x + n); rates are per
// person-year; lx, dx, Lx, Tx are in the units of the radix (persons, and
// person-years for Lx, Tx); ax and ex are in years.
//
// spec/indicators.md (Mortality) asks for single-year tables to 100+ with a0 by
// Coale–Demeny and the open interval closed by ax = 1/m; SingleYearLifeTable
// does that, on top of the general ComputeLifeTable. Thread safety: pure functions.
#pragma once

#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "core/citizen_id.h"
#include "core/error.h"

namespace junheng::analytics {

// One row of a period life table for the age interval [age, age + width)
// (width 0: the open interval age+).
//   mx  death rate, deaths per person-year lived in the interval
//   ax  mean years lived in the interval by those who die in it
//   qx  probability of dying in the interval, for a survivor to `age`
//   lx  survivors to exact age `age`, out of the radix
//   dx  deaths in the interval, lx · qx
//   Lx  person-years lived in the interval
//   Tx  person-years lived above `age`, Σ Lx from this row to the last
//   ex  life expectancy at `age`, Tx / lx in years (0 where lx == 0)
struct LifeTableRow {
  int age = 0;
  int width = 0;  // 0 = open interval
  double mx = 0, ax = 0, qx = 0, lx = 0, dx = 0, Lx = 0, Tx = 0, ex = 0;
};

// The input of one interval: its start age, width (0 = open), observed death
// rate mx (deaths / person-years) and ax in years (NaN, also when left out of an
// aggregate initializer: the default rule, n/2).
struct LifeTableInput {
  int age = 0;
  int width = 0;  // 0 = open
  double mx = 0;
  double ax = std::numeric_limits<double>::quiet_NaN();  // NaN: use the default rule
};

// The standard period life table (Preston et al. 2001, §3.1–3.2, eqs. 3.5–3.6):
//   closed interval [x, x+n):  qx = n·mx / (1 + (n − ax)·mx), capped at 1
//                              dx = lx·qx,  l(x+n) = lx − dx
//                              Lx = n·l(x+n) + ax·dx
//   open interval x+:          qx = 1, dx = lx, Lx = lx / mx (so ax = 1/mx; an ax
//                              given for the open row is ignored and reported as 1/mx)
//   l(first age) = radix, Tx = Σ_{y ≥ x} Ly, ex = Tx / lx (0 where lx == 0).
// Default ax (input NaN) for a closed interval: n/2. An interval with mx == 0 has
// qx = 0. When the cap qx = 1 applies (mx > 1/ax), nobody survives the interval and
// every later row has lx = dx = Lx = Tx = ex = 0.
// Fails with kInvalidArgument, in one sentence naming the age, when: `rows` is
// empty; the ages are not contiguous (age + width must be the next age); a row but
// the last is open, or the last is not; a width is negative; an mx is negative or
// not finite; the open interval's mx is not > 0 (its Lx = lx/mx needs deaths); an
// ax of a closed interval is not within [0, width]; or radix is not > 0.
Result<std::vector<LifeTableRow>> ComputeLifeTable(std::span<const LifeTableInput> rows,
                                                   double radix = 100000);

// Coale–Demeny separation factor 1a0 (years lived in [0, 1) by infants who die),
// from the infant death rate m0 = 1m0 (deaths under 1 / person-years under 1),
// West model (Preston et al. 2001, Table 3.3, after Coale & Demeny 1983):
//   male:   m0 ≥ 0.107: 0.330   else 0.045 + 2.684·m0
//   female: m0 ≥ 0.107: 0.350   else 0.053 + 2.800·m0
// Sex::kUnknown gives the both-sexes value, CoaleDemenyA0Both(m0).
double CoaleDemenyA0(double m0, Sex sex);

// Coale–Demeny 4a1 (mean years lived in [1, 5) by those dying at 1–4) from the
// infant death rate m0, same source:
//   male:   m0 ≥ 0.107: 1.352   else 1.651 − 2.816·m0
//   female: m0 ≥ 0.107: 1.361   else 1.522 − 1.518·m0
// Sex::kUnknown gives CoaleDemeny4a1Both(m0).
double CoaleDemeny4a1(double m0, Sex sex);

// Both sexes combined, for which Coale–Demeny give no rule: the average of the
// male and female values weighted by births at the normal sex ratio at birth of
// 105 males per 100 females, (1.05·male + 1·female) / 2.05, applied to the
// combined m0. The weights are the shares of boys and girls among births, which
// approximate their shares of infant exposure. Male and female a0 differ by 0.01
// to 0.02 year, so any other plausible weights move a0 by < 0.001 year.
double CoaleDemenyA0Both(double m0);
double CoaleDemeny4a1Both(double m0);

// Single-year period life table from deaths and person-years by completed age
// (spec/indicators.md, Mortality). deaths[x] and person_years[x] are for age x in
// completed years, x = 0 .. max_open_age, the last being the open group
// max_open_age+ (so both spans have max_open_age + 1 entries).
//   mx = deaths / person_years
//   a0 = CoaleDemenyA0(m0, sex), or CoaleDemenyA0Both(m0) when sex is nullopt
//   ax = 0.5 for ages 1 .. A−1; the open interval A+ has ax = 1/mx (Lx = lx/mx)
// then ComputeLifeTable with radix 100,000.
//
// Small populations: a life table needs exposure at every age and deaths in the
// open group (its Lx = lx/mx). The open age A is therefore lowered from
// max_open_age to the highest A such that every age below A has person_years > 0
// and the aggregated open group A+ (ages A .. max_open_age) has deaths > 0 and
// person-years > 0; the deaths and person-years of A+ are summed. The table has
// rows 0 .. A. If that leaves A < 85 (kMinOpenAge) the population is too small
// for a life table: Fails with kInvalidArgument, and the caller reports an empty
// e0 rather than a misleading one. An age below A with person-years but no deaths
// simply has mx = 0, qx = 0.
// Also fails with kInvalidArgument when the spans do not have max_open_age + 1
// entries, or when a count is negative or not finite.
inline constexpr int kMinOpenAge = 85;
Result<std::vector<LifeTableRow>> SingleYearLifeTable(std::span<const double> deaths,
                                                      std::span<const double> person_years,
                                                      std::optional<Sex> sex,
                                                      int max_open_age = 100);

}  // namespace junheng::analytics
