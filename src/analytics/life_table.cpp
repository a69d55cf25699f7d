// analytics/life_table.cpp: period life tables (Preston et al. 2001, ch. 3).
#include "analytics/life_table.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

namespace junheng::analytics {
namespace {

std::unexpected<Error> Invalid(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message));
}

Status ValidateInput(std::span<const LifeTableInput> rows, double radix) {
  if (!(radix > 0) || !std::isfinite(radix)) {
    return Invalid(fmt::format("The life table radix must be a positive number, not {}.", radix));
  }
  if (rows.empty()) return Invalid("A life table needs at least one age interval.");
  for (size_t i = 0; i < rows.size(); ++i) {
    const LifeTableInput& row = rows[i];
    const bool last = i + 1 == rows.size();
    if (row.width < 0) {
      return Invalid(fmt::format("The interval at age {} has a negative width {}.", row.age,
                                 row.width));
    }
    if (last && row.width != 0) {
      return Invalid(fmt::format(
          "The last interval, at age {}, must be open (width 0) to close the life table.",
          row.age));
    }
    if (!last && row.width == 0) {
      return Invalid(fmt::format(
          "Only the last interval may be open, but the one at age {} is.", row.age));
    }
    if (!last && row.age + row.width != rows[i + 1].age) {
      return Invalid(fmt::format(
          "The intervals must be contiguous: age {} + width {} is not the next age {}.", row.age,
          row.width, rows[i + 1].age));
    }
    if (!std::isfinite(row.mx) || row.mx < 0) {
      return Invalid(fmt::format(
          "The death rate at age {} must be a finite number ≥ 0, not {}.", row.age, row.mx));
    }
    if (last && row.mx == 0) {
      return Invalid(fmt::format(
          "The open interval {}+ needs a death rate > 0 (no deaths there: lower the open age).",
          row.age));
    }
    if (!last && !std::isnan(row.ax) && !(row.ax >= 0 && row.ax <= row.width)) {
      return Invalid(fmt::format("ax at age {} must lie within [0, {}], not {}.", row.age,
                                 row.width, row.ax));
    }
  }
  return {};
}

}  // namespace

Result<std::vector<LifeTableRow>> ComputeLifeTable(std::span<const LifeTableInput> rows,
                                                   double radix) {
  JH_RETURN_IF_ERROR(ValidateInput(rows, radix));
  std::vector<LifeTableRow> table;
  table.reserve(rows.size());
  double lx = radix;
  for (const LifeTableInput& in : rows) {
    LifeTableRow row{.age = in.age, .width = in.width, .mx = in.mx};
    row.lx = lx;
    if (in.width == 0) {
      row.ax = 1 / in.mx;
      row.qx = 1;
      row.dx = lx;
      row.Lx = lx / in.mx;
    } else {
      const double n = in.width;
      row.ax = std::isnan(in.ax) ? n / 2 : in.ax;
      row.qx = std::min(1.0, n * in.mx / (1 + (n - row.ax) * in.mx));
      row.dx = lx * row.qx;
      const double next_lx = lx - row.dx;
      row.Lx = n * next_lx + row.ax * row.dx;
      lx = next_lx;
    }
    table.push_back(row);
  }
  double tx = 0;
  for (auto row = table.rbegin(); row != table.rend(); ++row) {
    tx += row->Lx;
    row->Tx = tx;
    row->ex = row->lx > 0 ? tx / row->lx : 0;
  }
  return table;
}

double CoaleDemenyA0(double m0, Sex sex) {
  switch (sex) {
    case Sex::kMale: return m0 >= 0.107 ? 0.330 : 0.045 + 2.684 * m0;
    case Sex::kFemale: return m0 >= 0.107 ? 0.350 : 0.053 + 2.800 * m0;
    case Sex::kUnknown: break;
  }
  return CoaleDemenyA0Both(m0);
}

double CoaleDemeny4a1(double m0, Sex sex) {
  switch (sex) {
    case Sex::kMale: return m0 >= 0.107 ? 1.352 : 1.651 - 2.816 * m0;
    case Sex::kFemale: return m0 >= 0.107 ? 1.361 : 1.522 - 1.518 * m0;
    case Sex::kUnknown: break;
  }
  return CoaleDemeny4a1Both(m0);
}

// Births at 105 boys per 100 girls (life_table.h).
constexpr double kMaleWeight = 1.05;
constexpr double kFemaleWeight = 1.0;

double CoaleDemenyA0Both(double m0) {
  return (kMaleWeight * CoaleDemenyA0(m0, Sex::kMale) +
          kFemaleWeight * CoaleDemenyA0(m0, Sex::kFemale)) /
         (kMaleWeight + kFemaleWeight);
}

double CoaleDemeny4a1Both(double m0) {
  return (kMaleWeight * CoaleDemeny4a1(m0, Sex::kMale) +
          kFemaleWeight * CoaleDemeny4a1(m0, Sex::kFemale)) /
         (kMaleWeight + kFemaleWeight);
}

Result<std::vector<LifeTableRow>> SingleYearLifeTable(std::span<const double> deaths,
                                                      std::span<const double> person_years,
                                                      std::optional<Sex> sex, int max_open_age) {
  if (max_open_age < 0 || deaths.size() != static_cast<size_t>(max_open_age) + 1 ||
      person_years.size() != deaths.size()) {
    return Invalid(fmt::format(
        "A single-year life table to {}+ needs deaths and person-years for {} ages, not {} and {}.",
        max_open_age, max_open_age + 1, deaths.size(), person_years.size()));
  }
  for (int x = 0; x <= max_open_age; ++x) {
    if (!std::isfinite(deaths[x]) || deaths[x] < 0 || !std::isfinite(person_years[x]) ||
        person_years[x] < 0) {
      return Invalid(fmt::format(
          "Deaths and person-years at age {} must be finite numbers ≥ 0, not {} and {}.", x,
          deaths[x], person_years[x]));
    }
  }
  // The open age: every age below it exposed, and deaths and exposure in the open group.
  int first_unexposed = 0;
  while (first_unexposed <= max_open_age && person_years[first_unexposed] > 0) ++first_unexposed;
  int open_age = -1;
  double open_deaths = 0;
  double open_person_years = 0;
  for (int a = max_open_age; a >= 0; --a) {
    open_deaths += deaths[a];
    open_person_years += person_years[a];
    if (a <= first_unexposed && open_deaths > 0 && open_person_years > 0) {
      open_age = a;
      break;
    }
  }
  if (open_age < kMinOpenAge) {
    return Invalid(fmt::format(
        "Too few people for a life table: it needs person-years at every age and deaths above "
        "age {}, but {}.",
        kMinOpenAge,
        first_unexposed < kMinOpenAge
            ? fmt::format("nobody lived at age {}", first_unexposed)
            : fmt::format("ages {} and above have no deaths or no person-years", kMinOpenAge)));
  }

  std::vector<LifeTableInput> inputs;
  inputs.reserve(open_age + 1);
  for (int x = 0; x < open_age; ++x) {
    inputs.push_back({.age = x, .width = 1, .mx = deaths[x] / person_years[x], .ax = 0.5});
  }
  inputs.push_back({.age = open_age, .width = 0, .mx = open_deaths / open_person_years});
  const double m0 = inputs[0].mx;
  inputs[0].ax = sex ? CoaleDemenyA0(m0, *sex) : CoaleDemenyA0Both(m0);
  return ComputeLifeTable(inputs);
}

}  // namespace junheng::analytics
