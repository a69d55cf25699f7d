// analytics/tally.h: the exact counts behind every indicator, for one unit and period.
//
// A Tally is what a scan of the snapshot produces (analytics/panel.h) and what
// every indicator is computed from (analytics/indicators.h). Counts are integers;
// exposure is in person-days. Ages are completed years on the day in question
// (a 29 February birthday falls on 1 March in common years), 100 stands for 100+.
// The SQL baseline in bench/ produces the same Tally from the store, which is how
// the two are compared.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "analytics/period.h"

namespace junheng::analytics {

inline constexpr int kOpenAge = 100;              // the last single-year age group is 100+
inline constexpr int kAges = kOpenAge + 1;
inline constexpr int kSexes = 2;                  // index 0 male, 1 female
using ByAge = std::array<int64_t, kAges>;

struct Tally {
  Period period;

  // Exposure: days each resident lived in the unit during the period, split at
  // birthdays, by sex and age on each day.
  std::array<ByAge, kSexes> person_days{};
  // Residents on the first day and on the last day of the period, by sex.
  std::array<int64_t, kSexes> population_start{}, population_end{};

  // Live births registered in the unit with a date in the period.
  std::array<int64_t, kSexes> births{};             // by the child's sex
  std::array<int64_t, 4> births_by_order{};         // [0] order unknown, [1], [2], [3] = 3 and more
  ByAge births_by_mother_age{};                     // mother in the register, her age at the birth
  int64_t births_mother_unknown = 0;                // mother not in the register
  // Mothers' exact age at the birth in years (completed years plus the elapsed
  // share of the year to the next birthday), summed: [0] all births with a known
  // mother, [1], [2], [3] = 3 and more, by order (births of unknown order only in [0]).
  std::array<double, 4> mother_age_sum{};
  std::array<int64_t, 4> mother_age_count{};

  // Deaths registered in the unit with a date in the period, by sex and age at death.
  std::array<ByAge, kSexes> deaths{};
  int64_t deaths_under_28_days = 0;
  int64_t deaths_under_1 = 0;
  int64_t deaths_under_5 = 0;
  int64_t maternal_deaths = 0;

  // Migration: entries by move_in, or by a move from outside the unit; exits by
  // move_out, or by a move to outside the unit. Moves inside the unit count for neither.
  int64_t in_migrants = 0, out_migrants = 0;
  int64_t in_internal = 0, out_internal = 0;  // the part of the above that were moves inside the city

  // Registration: events other than enumerate with a date in the period, by
  // delay in days (recorded_at's Shanghai date − date); index = delay.
  std::vector<int64_t> delay_days;
  // Village-months in the period, and those in which the village received any record.
  int64_t village_months = 0, village_months_reporting = 0;

  int64_t births_total() const { return births[0] + births[1]; }
  int64_t deaths_total() const;
  int64_t registered() const;
  // Adds another partial tally of the same unit and period.
  void Merge(const Tally& other);
};

}  // namespace junheng::analytics
