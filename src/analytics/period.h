// analytics/period.h: the periods indicators are computed for.
//
// A Period is a day range [from, to): the first day counts, `to` does not, so a
// calendar year is [YYYY-01-01, YYYY+1-01-01). Splitting a range by year,
// quarter or month gives calendar periods, clipped to the range at both ends.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/error.h"

namespace junheng::analytics {

struct Period {
  Date from, to;
  int32_t days() const { return to - from; }
  friend bool operator==(const Period&, const Period&) = default;
};

enum class PeriodSplit { kWhole, kYear, kQuarter, kMonth };

// "year", "quarter", "month" or "whole"; nullopt otherwise.
std::optional<PeriodSplit> ParsePeriodSplit(std::string_view text);

// [from, to) split into calendar periods (kWhole: the range itself).
// Fails with kInvalidArgument when from >= to.
Result<std::vector<Period>> SplitPeriods(Date from, Date to, PeriodSplit split);

// The length of a period in years, counting each calendar year's share exactly:
// Σ over the years y it touches of (days of the period in y) / (days in y).
// A calendar year gives exactly 1, so a rate per person-year over a year equals
// the rate per average population (spec/indicators.md); a month gives 31/365 etc.
double PeriodYears(const Period& period);

}  // namespace junheng::analytics
