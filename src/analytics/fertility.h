// analytics/fertility.h: age-specific fertility, TFR, GFR and NRR from counts.
//
// Definitions are spec/indicators.md (Fertility) and Preston, Heuveline &
// Guillot (2001), §5.1 and §5.3. Rates are per woman per year: births divided by
// the women's person-years (for a one-year period, the average number of women).
// The caller places births by the mother's completed age on the birth date, with
// mothers under 15 at 15 and over 49 at 49. Thread safety: pure functions.
#pragma once

#include <optional>
#include <span>
#include <vector>

namespace junheng::analytics {

// Births and women's person-years by age group of the mother. Group i covers the
// completed ages first_age + i·width … first_age + (i+1)·width − 1 (width 1:
// single years, width 5: the classic 15–19 … 45–49).
struct AgeSchedule {
  int first_age = 15;
  int width = 1;
  std::vector<double> births;        // births to women in the group
  std::vector<double> person_years;  // women's person-years lived in the group
};

struct FertilitySummary {
  // asfr[i] = births[i] / person_years[i], births per woman per year;
  // nullopt where person_years == 0 (no rate exists).
  std::vector<std::optional<double>> asfr;
  // Total fertility rate, births per woman: width · Σ asfr over groups with exposure.
  double tfr = 0;
  double births_used = 0;      // births in groups with exposure, behind the TFR
  double births_unplaced = 0;  // births in groups with no exposure, left out of the TFR
};

// ASFR and TFR of a schedule (spec/indicators.md, Fertility):
//   asfr_i = births_i / person_years_i            (per woman per year)
//   TFR    = width · Σ_i asfr_i                   (births per woman)
// The width factor makes 5-year groups give a TFR comparable with single years
// (each woman spends 5 years in a group). A group with no person-years has no
// rate (nullopt) and contributes nothing to the TFR; its births (a mother not
// resident, a data problem in a small area) are counted in births_unplaced
// rather than dropped silently. births_used + births_unplaced = Σ births.
// An empty schedule gives tfr = 0.
// REQUIRES: births.size() == person_years.size(), width ≥ 1, every count finite
// and ≥ 0. A violation is a bug in the caller: throws std::logic_error.
FertilitySummary SummarizeFertility(const AgeSchedule& schedule);

// General fertility rate (spec/indicators.md): births per 1000 woman-years at
// ages 15–49,  GFR = births / women_15_49_person_years × 1000. For a one-year
// period the person-years are the average number of women aged 15–49.
// Returns nullopt when the person-years are 0 (no women: no rate), or when either
// argument is negative or not finite.
std::optional<double> GeneralFertilityRate(double births, double women_15_49_person_years);

// Net reproduction rate, daughters per woman (Preston et al. 2001, eq. 5.5, with
// the female share of births 1 / (1 + SRB)):
//   NRR = Σ_i asfr_i · nLx_i / (1 + srb)
// asfr_i per woman per year for the group i, nLx_i the female life table's
// person-years lived in that group on a radix of 1 (for 5-year groups nLx ≤ 5),
// srb the sex ratio at birth as males per female (e.g. 1.05, not 105).
// An empty input gives 0.
// REQUIRES: asfr.size() == nLx.size(), srb ≥ 0. A violation throws std::logic_error.
double NetReproductionRate(std::span<const double> asfr, std::span<const double> nLx,
                           double srb);

}  // namespace junheng::analytics
