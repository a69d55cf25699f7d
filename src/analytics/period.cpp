#include "analytics/period.h"

#include <algorithm>

#include <fmt/format.h>

namespace junheng::analytics {

std::optional<PeriodSplit> ParsePeriodSplit(std::string_view text) {
  if (text == "whole") return PeriodSplit::kWhole;
  if (text == "year") return PeriodSplit::kYear;
  if (text == "quarter") return PeriodSplit::kQuarter;
  if (text == "month") return PeriodSplit::kMonth;
  return std::nullopt;
}

Result<std::vector<Period>> SplitPeriods(Date from, Date to, PeriodSplit split) {
  if (from >= to) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the period is empty: {} is not before {} (the end date is not included)",
                            from.ToString(), to.ToString()));
  }
  if (split == PeriodSplit::kWhole) return std::vector<Period>{{from, to}};
  const int step = split == PeriodSplit::kYear ? 12 : split == PeriodSplit::kQuarter ? 3 : 1;
  std::vector<Period> out;
  int year = from.year();
  int month = (from.month() - 1) / step * step + 1;  // start of the calendar period holding `from`
  Date start = from;
  while (start < to) {
    month += step;
    if (month > 12) {
      month -= 12;
      ++year;
    }
    const Date next = Date::FromDays(DaysFromCivil(year, month, 1));
    out.push_back({start, std::min(next, to)});
    start = next;
  }
  return out;
}

double PeriodYears(const Period& period) {
  double years = 0;
  for (int y = period.from.year(); y <= period.to.AddDays(-1).year(); ++y) {
    const Date y0 = Date::FromDays(DaysFromCivil(y, 1, 1));
    const Date y1 = Date::FromDays(DaysFromCivil(y + 1, 1, 1));
    const int32_t overlap = std::min(period.to, y1) - std::max(period.from, y0);
    if (overlap > 0) years += static_cast<double>(overlap) / (y1 - y0);
  }
  return years;
}

}  // namespace junheng::analytics
