// demo/population_model.h: the rates that drive the synthetic city, and the
// back-cast of the 2020 census to the start date.
//
// Every rate is a hazard per person-year, piecewise constant over the abridged age
// groups of the WPP mortality table (0, 1-4, 5-9, ..., 95-99, 100+), so a simulated
// life only needs re-evaluating at a group boundary. The same rates feed the
// deterministic back-cast, which is what makes the simulated counties meet the census.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/date.h"
#include "demo/inputs.h"

namespace junheng::demo {

inline constexpr int kMaxAge = 100;  // oldest single year of age in the base population

// The abridged group (index into Inputs::mx) of a completed age.
inline int AgeGroup(int age) {
  if (age <= 0) return 0;
  if (age < 5) return 1;
  const int g = age / 5 + 1;
  return g < kMxGroups ? g : kMxGroups - 1;
}
// The first age of the next group (1, 5, 10, ...); a large number for the open group.
inline int NextGroupAge(int age) {
  if (age <= 0) return 1;
  if (age < 5) return 5;
  return age >= 100 ? 1000 : (age / 5 + 1) * 5;
}

class PopulationModel {
 public:
  // REQUIRES: inputs with 17 counties, mx and pasfr for the three periods.
  explicit PopulationModel(const Inputs& inputs);

  int county_count() const { return static_cast<int>(counties_.size()); }

  // Death hazard nmx (WPP 2024 China), by calendar year (→ WPP period), sex 0/1, group.
  double Mortality(int year, int sex, int group) const;
  // Leaving the city, per year: about 2 %/yr overall, peaking at 20-29.
  double OutMigration(int group) const { return kOut[group]; }
  // Change of village inside the city, per year: about 1.5 %/yr overall.
  double InternalMove(int group) const { return kMove[group]; }
  // Of internal moves, the share that picks a county from DestinationWeight (which may
  // be the mover's own county, then it stays a within-county move).
  static constexpr double kInterCountyShare = 0.35;
  const std::vector<double>& destination_weights() const { return destination_; }
  // In-migrants per year to county c at scale 1 (about 1.3 % of the census population
  // a year city-wide, more into 尧都区 and 侯马市).
  double InMigrantsPerYear(int c) const { return in_per_year_[c]; }
  // The single-year age distribution of in-migrants at arrival (weights, sum 1).
  const std::array<double, kMaxAge + 1>& in_migrant_ages() const { return in_ages_; }

  // Fertility hazard for a resident woman of `age` with `parity` earlier live births in
  // county c during calendar `year`: the WPP age pattern scaled to Linfen's TFR of that
  // year and to the county's children-ever-born level, then shifted by parity.
  double Fertility(int year, int age, int parity, int c) const;
  // Linfen's assumed period TFR (see the table in the .cpp for the why of each year).
  static double Tfr(int year);
  // Probability that a birth in county c is a boy (SRB 106, or 118 in three counties).
  double MaleBirthShare(int c) const { return male_share_[c]; }
  // Mean number of earlier live births of a woman born in `birth_year`, aged `age` on
  // the start date, in county c (census mean children ever born, by cohort).
  double ExpectedParity(int birth_year, int age, int c) const;

  // The base population on `start`: [county][sex][age 0..kMaxAge] at scale 1, chosen so
  // that projecting it with the rates above (plus in-migrants and births) meets the 2020
  // census by county, sex and age at 2020-11-01. REQUIRES start <= 2020-11-01.
  std::vector<std::array<std::array<double, kMaxAge + 1>, 2>> BackCast(Date start) const;

  // The census population of county c, sex s, with exact ages in [lo, lo + 1) (years),
  // from the abridged census groups spread evenly (85+ with a geometric tail).
  double CensusBetween(int c, int s, double lo) const;

 private:
  static const std::array<double, kMxGroups> kOut;
  static const std::array<double, kMxGroups> kMove;
  const Inputs& in_;
  std::vector<CountyInput> counties_;
  std::vector<std::array<std::array<double, 121>, 2>> census_single_;  // ages 0..120
  std::vector<double> destination_, in_per_year_, male_share_, fert_factor_;
  std::array<double, kMaxAge + 1> in_ages_{};
};

}  // namespace junheng::demo
