// services/stats.h: indicator tables for a division and its children over periods.
//
// The one use case behind `junheng stats` and (later) GET /api/v1/indicators, so
// both give the same numbers under the same names (analytics/indicators.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analytics/indicators.h"
#include "analytics/period.h"
#include "analytics/snapshot.h"
#include "core/error.h"

namespace junheng::services {

struct StatsRequest {
  DivisionCode division;
  bool children = false;  // one row per child division instead of the division itself
  Date from, to;          // [from, to)
  analytics::PeriodSplit split = analytics::PeriodSplit::kWhole;
  std::vector<std::string> indicators;  // catalog names; empty: all
};

struct StatsRow {
  DivisionCode division;
  std::string name;
  analytics::Period period;
  std::vector<analytics::Value> values;  // aligned with StatsTable::columns
};

struct StatsTable {
  std::vector<size_t> columns;  // positions in analytics::IndicatorCatalog()
  std::vector<StatsRow> rows;   // divisions in code order, then periods in date order
};

// Fails with kNotFound for an unknown division, kInvalidArgument for an empty
// period or an unknown indicator name (the message lists the valid ones).
Result<StatsTable> ComputeStats(const analytics::Snapshot& snapshot, const StatsRequest& request);

// CSV: division,name,from,to and one column per indicator; an empty cell where
// a rate has no denominator. `to` is the first day after the period.
std::string StatsCsv(const StatsTable& table);
// JSON: {"columns":[{name,unit,zh,en}...],"rows":[{division,name,from,to,
// indicators:{name:{value,numerator,denominator}}}]}; null where empty.
std::string StatsJson(const StatsTable& table);

// Population by single age and sex of one division: averaged over [from, to),
// or on one day when `on` is given.
struct PyramidRow { int age; double male, female; };
Result<std::vector<PyramidRow>> ComputePyramid(const analytics::Snapshot& snapshot, DivisionCode division,
                                               Date from, Date to, std::optional<Date> on);
std::string PyramidCsv(const std::vector<PyramidRow>& rows);

// The period life table of one division over [from, to); sex nullopt: both sexes.
Result<std::vector<analytics::LifeTableRow>> ComputeLifeTable(const analytics::Snapshot& snapshot,
                                                              DivisionCode division, Date from, Date to,
                                                              std::optional<Sex> sex);
std::string LifeTableCsv(const std::vector<analytics::LifeTableRow>& rows);

// Age-specific fertility of one division over [from, to) by single year of the
// mother's age, 15..49 (mothers under 15 counted at 15, over 49 at 49).
struct FertilityRow { int age; double births, women_person_years; std::optional<double> asfr_per_1000; };
Result<std::vector<FertilityRow>> ComputeFertilityTable(const analytics::Snapshot& snapshot, DivisionCode division,
                                                        Date from, Date to);
std::string FertilityCsv(const std::vector<FertilityRow>& rows);

// Numbers as people read them: integers without decimals, others with up to six.
std::string FormatNumber(double x);

}  // namespace junheng::services
