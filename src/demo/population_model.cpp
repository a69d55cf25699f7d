#include "demo/population_model.h"

#include <algorithm>
#include <cmath>

namespace junheng::demo {
namespace {

constexpr double kDaysPerYear = 365.2425;

int Period(int year) { return year < 2015 ? 0 : year < 2020 ? 1 : 2; }

// Counties with a markedly high sex ratio at birth. The census shows the western
// mining counties with the most male-heavy populations (蒲县 120.5, 大宁 117.3,
// 乡宁 111.4); we give their births an SRB of 118 and every other county 106.
bool HighSrbCounty(const std::string& name) {
  return name == "蒲县" || name == "大宁县" || name == "乡宁县";
}

}  // namespace

// Out-migration hazards by group (0, 1-4, 5-9, ...). Linfen lost 7.9 % in 2010-2020,
// mostly to Taiyuan and the big cities; young adults leave most (study, work). The
// levels give about 2 %/yr on the census age structure.
const std::array<double, kMxGroups> PopulationModel::kOut = {
    0.010, 0.012, 0.012, 0.012, 0.024, 0.055, 0.042, 0.028, 0.018, 0.013, 0.010,
    0.008, 0.007, 0.005, 0.005, 0.004, 0.004, 0.004, 0.003, 0.003, 0.003, 0.003};
// Internal moves (change of village): about 1.5 %/yr, most at 20-34 (marriage, jobs).
const std::array<double, kMxGroups> PopulationModel::kMove = {
    0.010, 0.012, 0.012, 0.010, 0.015, 0.032, 0.036, 0.026, 0.017, 0.013, 0.010,
    0.009, 0.008, 0.007, 0.006, 0.006, 0.006, 0.006, 0.005, 0.005, 0.005, 0.005};

PopulationModel::PopulationModel(const Inputs& inputs) : in_(inputs), counties_(inputs.counties) {
  const int n = county_count();
  double city_pop = 0;
  for (const auto& c : counties_) city_pop += static_cast<double>(c.pop_total);

  // Census single years: a group's count spread evenly over its ages; the open 85+
  // group over 85..120 with a geometric decline of 0.78 a year (about the survival
  // ratio of the 85-89 mx), so 85-89 holds ~72 % of it.
  census_single_.resize(n);
  for (int c = 0; c < n; ++c) {
    for (int s = 0; s < 2; ++s) {
      auto& out = census_single_[c][s];
      out.fill(0);
      const auto& g = counties_[c].age_sex[s];
      out[0] = static_cast<double>(g[0]);
      for (int a = 1; a < 5; ++a) out[a] = g[1] / 4.0;
      for (int k = 2; k < 18; ++k)
        for (int a = (k - 1) * 5; a < k * 5; ++a) out[a] = g[k] / 5.0;
      double norm = 0, w = 1;
      for (int a = 85; a <= 120; ++a, w *= 0.78) norm += w;
      w = 1;
      for (int a = 85; a <= 120; ++a, w *= 0.78) out[a] = g[18] * w / norm;
    }
  }

  // Internal-move destinations: half to 尧都区 (the city proper), the rest by size.
  destination_.resize(n);
  for (int c = 0; c < n; ++c) {
    destination_[c] = 0.5 * counties_[c].pop_total / city_pop;
    if (counties_[c].name == "尧都区") destination_[c] += 0.5;
  }

  // In-migration: 1.3 %/yr of the census population city-wide, weighted towards the
  // urban counties that draw workers (尧都区 ×1.8, 侯马市 ×1.4, 霍州市 ×1.1, others ×0.8).
  in_per_year_.resize(n);
  double weighted = 0;
  for (int c = 0; c < n; ++c) {
    const auto& name = counties_[c].name;
    const double m = name == "尧都区" ? 1.8 : name == "侯马市" ? 1.4 : name == "霍州市" ? 1.1 : 0.8;
    in_per_year_[c] = m * counties_[c].pop_total;
    weighted += in_per_year_[c];
  }
  for (double& v : in_per_year_) v *= 0.013 * city_pop / weighted;

  // Age at arrival of in-migrants: mostly 18-40 workers, some children with parents.
  for (int a = 0; a <= kMaxAge; ++a) {
    double w = 0;
    if (a < 15) w = 0.4;
    else if (a < 18) w = 0.8;
    else if (a < 23) w = 2.5;
    else if (a < 31) w = 4.0;
    else if (a < 41) w = 2.0;
    else if (a < 56) w = 0.8;
    else if (a < 76) w = 0.3;
    in_ages_[a] = w;
  }
  double total = 0;
  for (double w : in_ages_) total += w;
  for (double& w : in_ages_) w /= total;

  male_share_.resize(n);
  fert_factor_.resize(n);
  for (int c = 0; c < n; ++c) {
    const double srb = HighSrbCounty(counties_[c].name) ? 118.0 : 106.0;
    male_share_[c] = srb / (100.0 + srb);
    // Children ever born ranges 1.20 (侯马) to 1.90 (汾西) around the city's 1.46; most
    // of that gap is in older cohorts, so current fertility gets 70 % of the ratio.
    fert_factor_[c] = 1.0 + 0.7 * (counties_[c].women_ceb / 1.46 - 1.0);
  }
}

double PopulationModel::Mortality(int year, int sex, int group) const {
  return in_.mx[Period(year)][sex][group];
}

// Linfen's period TFR. The 2015 universal two-child policy lifted 2016-2017 (China's WPP
// TFR 1.77-1.80); Shanxi then fell with China to about 1.0 by 2023 (WPP 0.999). Linfen's
// 2020 census age 0 (33.7 thousand) and 1-4 (177.8 thousand) cohorts fix the level; a
// small 2024 dragon-year rebound, then ~0.95.
double PopulationModel::Tfr(int year) {
  switch (year) {
    case 2015: return 1.58;
    case 2016: return 1.74;
    case 2017: return 1.72;
    case 2018: return 1.52;
    case 2019: return 1.42;
    case 2020: return 1.24;
    case 2021: return 1.12;
    case 2022: return 1.05;
    case 2023: return 1.00;
    case 2024: return 1.04;
    case 2025: return 0.97;
    default: return year < 2015 ? 1.58 : 0.95;
  }
}

double PopulationModel::Fertility(int year, int age, int parity, int c) const {
  if (age < 15 || age > 49) return 0;
  const double asfr = Tfr(year) * in_.pasfr[Period(year)][(age - 15) / 5] / 100.0 / 5.0;
  // Parity multipliers, relative to the all-parity rate (calibrated so the simulated TFR
  // follows Tfr()): first births common, second births boosted by the two-child policy
  // in 2016-2018 and weak after 2020, third births rare but up after the 2021
  // three-child policy.
  double p = 0;
  if (parity == 0) p = 1.30;
  else if (parity == 1) p = year >= 2016 && year <= 2018 ? 1.00 : year == 2019 ? 0.95 : year >= 2020 ? 1.00 : 0.85;
  else if (parity == 2) p = year >= 2022 ? 0.16 : year == 2021 ? 0.13 : 0.10;
  else p = 0.03;
  // 1.06: calibration so that the simulated children meet the census at 2020-11-01
  // (ages 0 and 1-4 came out ~10 % short without it; the census also counts in-migrant
  // children, and the nominal TFR above is the all-parity level before parity shifts).
  return 1.06 * asfr * p * fert_factor_[c];
}

double PopulationModel::ExpectedParity(int birth_year, int age, int c) const {
  if (age < 15) return 0;
  // Completed fertility by cohort (Shanxi: high before the 1970s birth-planning drive,
  // near 1.6 for the 1970s cohorts, lower after), scaled by county.
  const double completed = birth_year < 1945 ? 3.2 : birth_year < 1955 ? 2.6 : birth_year < 1965 ? 2.0
                           : birth_year < 1975 ? 1.65 : birth_year < 1985 ? 1.5 : 1.45;
  // Share of it reached by `age`, from the cumulated 2010-2015 age pattern.
  double reached = 0;
  for (int g = 0; g < 7; ++g) {
    const int lo = 15 + 5 * g;
    const double part = std::clamp((age + 0.5 - lo) / 5.0, 0.0, 1.0);
    reached += part * in_.pasfr[0][g] / 100.0;
  }
  return completed * std::min(reached, 1.0) * (counties_[c].women_ceb / 1.46);
}

double PopulationModel::CensusBetween(int c, int s, double lo) const {
  if (lo < 0) return 0;
  const int a = static_cast<int>(std::floor(lo));
  if (a >= 120) return 0;
  const double f = lo - a;
  return (1 - f) * census_single_[c][s][a] + f * census_single_[c][s][std::min(a + 1, 120)];
}

std::vector<std::array<std::array<double, kMaxAge + 1>, 2>> PopulationModel::BackCast(Date start) const {
  const int n = county_count();
  const Date census = Date::FromDays(DaysFromCivil(2020, 11, 1));
  const double horizon = (census - start) / kDaysPerYear;  // years, ~5.83 from 2015-01-01
  using Cohorts = std::vector<std::array<std::array<double, kMaxAge + 1>, 2>>;
  Cohorts base(n);
  // Start from the census cohort itself, then correct by the projected shortfall.
  for (int c = 0; c < n; ++c)
    for (int s = 0; s < 2; ++s)
      for (int x = 0; x <= kMaxAge; ++x) base[c][s][x] = CensusBetween(c, s, x + horizon);

  const int steps = std::max(1, static_cast<int>(std::ceil(horizon * 12)));  // monthly
  const double dt = horizon / steps;
  for (int iter = 0; iter < 8; ++iter) {
    Cohorts m = base;
    for (int k = 0; k < steps; ++k) {
      const double t = (k + 0.5) * dt;  // years since start, mid-step
      const int year = start.AddDays(static_cast<int32_t>(t * kDaysPerYear)).year();
      Cohorts next = m;
      std::array<std::array<double, kMaxAge + 1>, 2> movers{};
      for (int c = 0; c < n; ++c)
        for (int s = 0; s < 2; ++s)
          for (int x = 0; x <= kMaxAge; ++x) {
            const int g = AgeGroup(static_cast<int>(x + 0.5 + t));
            const double inter = InternalMove(g) * kInterCountyShare;
            const double leave = Mortality(year, s, g) + OutMigration(g) + inter * (1 - destination_[c]);
            next[c][s][x] = m[c][s][x] * std::exp(-leave * dt);
            movers[s][x] += m[c][s][x] * inter * dt;  // all who draw a county by weight
          }
      for (int c = 0; c < n; ++c)
        for (int s = 0; s < 2; ++s)
          for (int x = 0; x <= kMaxAge; ++x) {
            // Movers from other counties who drew c (c's own who drew c never left).
            const int g = AgeGroup(static_cast<int>(x + 0.5 + t));
            const double own = m[c][s][x] * InternalMove(g) * kInterCountyShare * dt;
            next[c][s][x] += (movers[s][x] - own) * destination_[c];
          }
      // In-migrants arriving this step at age a belong to cohort x = a - t.
      for (int c = 0; c < n; ++c) {
        const double arrivals = in_per_year_[c] * dt;
        for (int a = 0; a <= kMaxAge; ++a) {
          const int x = static_cast<int>(std::floor(a + 0.5 - t));
          if (x < 0 || x > kMaxAge) continue;
          // In-migrants are 52 % men (labour migration).
          next[c][0][x] += arrivals * in_ages_[a] * 0.52;
          next[c][1][x] += arrivals * in_ages_[a] * 0.48;
        }
      }
      m = std::move(next);
    }
    for (int c = 0; c < n; ++c)
      for (int s = 0; s < 2; ++s)
        for (int x = 0; x <= kMaxAge; ++x) {
          const double target = CensusBetween(c, s, x + horizon);
          if (m[c][s][x] > 1e-9) base[c][s][x] = std::max(0.0, base[c][s][x] * target / m[c][s][x]);
        }
  }
  return base;
}

}  // namespace junheng::demo
