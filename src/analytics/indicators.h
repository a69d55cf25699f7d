// analytics/indicators.h: every indicator of spec/indicators.md, from a Tally.
//
// Each indicator has a stable name (the CSV column and JSON key of `junheng
// stats` and the API), a unit and a Chinese and English label, in one catalog.
// A value comes with its numerator and denominator; a rate whose denominator is
// zero has no value (empty in CSV, null in JSON), never 0 or NaN.
//
// Rates per person-year: events / person-years × k, where person-years =
// person-days × PeriodYears(period) / days in the period. Over a calendar year
// this is exactly events / average population × k, as the spec defines it; over
// a month or quarter the rate is annualised, so periods of any length compare.
// docs/methods/ explains each indicator with its formula and conventions.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "analytics/fertility.h"
#include "analytics/life_table.h"
#include "analytics/tally.h"
#include "core/citizen_id.h"

namespace junheng::analytics {

struct IndicatorDef {
  std::string_view name;  // snake_case column name
  std::string_view unit;  // "persons", "per 1000", "%", "years", "days", ...
  std::string_view zh;
  std::string_view en;
};

// All indicators in output order.
std::span<const IndicatorDef> IndicatorCatalog();
// The catalog position of `name`, or nullopt.
std::optional<size_t> FindIndicator(std::string_view name);

struct Value {
  std::optional<double> value;
  // For rates, ratios and shares: value = numerator / denominator × multiplier.
  // Both empty for counts and for statistics that are not a ratio (median age, e0).
  std::optional<double> numerator, denominator;
};

// Every indicator of the catalog, in catalog order.
std::vector<Value> ComputeIndicators(const Tally& tally);

// Person-years lived at each age by one sex (0 male, 1 female), and both.
std::vector<double> PersonYears(const Tally& tally, int sex);
std::vector<double> PersonYearsBoth(const Tally& tally);

// Births by the mother's single year of age 15..49 (mothers under 15 counted at
// 15, over 49 at 49; births whose mother is not in the register are left out)
// and the resident women's person-years at each age.
AgeSchedule SingleYearSchedule(const Tally& tally);
// The same in 5-year groups 15–19 … 45–49.
AgeSchedule FiveYearSchedule(const Tally& tally);
// Age-specific fertility and TFR from the single-year schedule (TFR = Σ ASFR);
// SummarizeFertility(FiveYearSchedule(t)) gives the 5-year version.
FertilitySummary SingleYearFertility(const Tally& tally);

// The period life table by single years to 100+ (analytics/life_table.h for the
// conventions); sex nullopt for both sexes. Fails when the unit's exposure is
// too thin (an age below 85 without residents, or no deaths at the oldest ages).
Result<std::vector<LifeTableRow>> PeriodLifeTable(const Tally& tally, std::optional<Sex> sex);

}  // namespace junheng::analytics
