#include "services/stats.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analytics/panel.h"

namespace junheng::services {
namespace {

using analytics::IndicatorCatalog;

Result<std::vector<size_t>> ResolveColumns(const std::vector<std::string>& names) {
  std::vector<size_t> columns;
  if (names.empty()) {
    for (size_t i = 0; i < IndicatorCatalog().size(); ++i) columns.push_back(i);
    return columns;
  }
  for (const std::string& name : names) {
    auto at = analytics::FindIndicator(name);
    if (!at) {
      std::string valid;
      for (const auto& def : IndicatorCatalog()) valid += fmt::format("{}{}", valid.empty() ? "" : ", ", def.name);
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("there is no indicator named '{}'; the indicators are: {}", name, valid));
    }
    columns.push_back(*at);
  }
  return columns;
}

// CSV quoting for division names (they contain no commas today, but may).
std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

nlohmann::json JsonNumber(const std::optional<double>& x) {
  if (!x || !std::isfinite(*x)) return nullptr;
  return *x;
}

}  // namespace

std::string FormatNumber(double x) {
  if (!std::isfinite(x)) return x > 0 ? "inf" : x < 0 ? "-inf" : "";
  if (x == std::floor(x) && std::fabs(x) < 1e15) return fmt::format("{:.0f}", x);
  std::string s = fmt::format("{:.6f}", x);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

Result<StatsTable> ComputeStats(const analytics::Snapshot& snapshot, const StatsRequest& request) {
  StatsTable table;
  JH_ASSIGN_OR_RETURN(table.columns, ResolveColumns(request.indicators));
  const Division* unit = snapshot.tree().Find(request.division);
  if (!unit) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("division {} is not in the register's division list", request.division.ToString()));
  }
  std::vector<const Division*> units;
  if (request.children) {
    units = snapshot.tree().Children(request.division);
    if (units.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} ({}) has no child divisions", unit->name, unit->code.ToString()));
    }
  } else {
    units.push_back(unit);
  }
  JH_ASSIGN_OR_RETURN(std::vector<analytics::Period> periods,
                      analytics::SplitPeriods(request.from, request.to, request.split));
  analytics::PanelQuery query;
  for (const Division* d : units) query.units.push_back(d->code);
  query.periods = periods;
  JH_ASSIGN_OR_RETURN(std::vector<analytics::Tally> tallies, analytics::TallyPanel(snapshot, query));
  for (size_t u = 0; u < units.size(); ++u) {
    for (size_t p = 0; p < periods.size(); ++p) {
      const std::vector<analytics::Value> all = analytics::ComputeIndicators(tallies[u * periods.size() + p]);
      StatsRow row{units[u]->code, units[u]->name, periods[p], {}};
      for (size_t c : table.columns) row.values.push_back(all[c]);
      table.rows.push_back(std::move(row));
    }
  }
  return table;
}

std::string StatsCsv(const StatsTable& table) {
  std::string out = "division,name,from,to";
  for (size_t c : table.columns) out += fmt::format(",{}", IndicatorCatalog()[c].name);
  out += '\n';
  for (const StatsRow& row : table.rows) {
    out += fmt::format("{},{},{},{}", row.division.ToString(), CsvField(row.name),
                       row.period.from.ToString(), row.period.to.ToString());
    for (const analytics::Value& v : row.values) {
      out += ',';
      if (v.value) out += FormatNumber(*v.value);
    }
    out += '\n';
  }
  return out;
}

std::string StatsJson(const StatsTable& table) {
  nlohmann::json j;
  j["columns"] = nlohmann::json::array();
  for (size_t c : table.columns) {
    const auto& def = IndicatorCatalog()[c];
    j["columns"].push_back({{"name", def.name}, {"unit", def.unit}, {"zh", def.zh}, {"en", def.en}});
  }
  j["rows"] = nlohmann::json::array();
  for (const StatsRow& row : table.rows) {
    nlohmann::json indicators = nlohmann::json::object();
    for (size_t i = 0; i < row.values.size(); ++i) {
      const analytics::Value& v = row.values[i];
      indicators[std::string(IndicatorCatalog()[table.columns[i]].name)] = {
          {"value", JsonNumber(v.value)},
          {"numerator", JsonNumber(v.numerator)},
          {"denominator", JsonNumber(v.denominator)}};
    }
    j["rows"].push_back({{"division", row.division.ToString()},
                         {"name", row.name},
                         {"from", row.period.from.ToString()},
                         {"to", row.period.to.ToString()},
                         {"indicators", std::move(indicators)}});
  }
  return j.dump(2) + "\n";
}

Result<std::vector<PyramidRow>> ComputePyramid(const analytics::Snapshot& snapshot, DivisionCode division,
                                               Date from, Date to, std::optional<Date> on) {
  std::vector<PyramidRow> rows;
  if (on) {
    JH_ASSIGN_OR_RETURN(auto counts, analytics::PointPopulation(snapshot, division, *on));
    for (int x = 0; x < analytics::kAges; ++x) {
      rows.push_back({x, static_cast<double>(counts[0][x]), static_cast<double>(counts[1][x])});
    }
    return rows;
  }
  if (from >= to) return Fail(ErrorCode::kInvalidArgument, "the period is empty: --from must be before --to");
  JH_ASSIGN_OR_RETURN(analytics::Tally t, analytics::TallyOne(snapshot, division, {from, to}));
  const double days = t.period.days();
  for (int x = 0; x < analytics::kAges; ++x) {
    rows.push_back({x, t.person_days[0][x] / days, t.person_days[1][x] / days});
  }
  return rows;
}

std::string PyramidCsv(const std::vector<PyramidRow>& rows) {
  std::string out = "age,male,female\n";
  for (const PyramidRow& r : rows) {
    out += fmt::format("{},{},{}\n", r.age == analytics::kOpenAge ? "100+" : std::to_string(r.age),
                       FormatNumber(r.male), FormatNumber(r.female));
  }
  return out;
}

Result<std::vector<FertilityRow>> ComputeFertilityTable(const analytics::Snapshot& snapshot, DivisionCode division,
                                                        Date from, Date to) {
  if (from >= to) return Fail(ErrorCode::kInvalidArgument, "the period is empty: --from must be before --to");
  JH_ASSIGN_OR_RETURN(analytics::Tally t, analytics::TallyOne(snapshot, division, {from, to}));
  const analytics::AgeSchedule schedule = analytics::SingleYearSchedule(t);
  const analytics::FertilitySummary f = analytics::SummarizeFertility(schedule);
  std::vector<FertilityRow> rows;
  for (size_t i = 0; i < schedule.births.size(); ++i) {
    rows.push_back({schedule.first_age + static_cast<int>(i), schedule.births[i], schedule.person_years[i],
                    f.asfr[i] ? std::optional(*f.asfr[i] * 1000) : std::nullopt});
  }
  return rows;
}

std::string FertilityCsv(const std::vector<FertilityRow>& rows) {
  std::string out = "age,births,women_person_years,asfr_per_1000\n";
  for (const FertilityRow& r : rows) {
    out += fmt::format("{},{},{},{}\n", r.age, FormatNumber(r.births), FormatNumber(r.women_person_years),
                       r.asfr_per_1000 ? FormatNumber(*r.asfr_per_1000) : "");
  }
  return out;
}

Result<std::vector<analytics::LifeTableRow>> ComputeLifeTable(const analytics::Snapshot& snapshot,
                                                              DivisionCode division, Date from, Date to,
                                                              std::optional<Sex> sex) {
  if (from >= to) return Fail(ErrorCode::kInvalidArgument, "the period is empty: --from must be before --to");
  JH_ASSIGN_OR_RETURN(analytics::Tally t, analytics::TallyOne(snapshot, division, {from, to}));
  return analytics::PeriodLifeTable(t, sex);
}

std::string LifeTableCsv(const std::vector<analytics::LifeTableRow>& rows) {
  std::string out = "age,width,mx,qx,ax,lx,dx,Lx,Tx,ex\n";
  for (const auto& r : rows) {
    out += fmt::format("{},{},{:.6f},{:.6f},{:.4f},{:.1f},{:.1f},{:.1f},{:.1f},{:.3f}\n",
                       r.width == 0 ? fmt::format("{}+", r.age) : std::to_string(r.age),
                       r.width == 0 ? std::string() : std::to_string(r.width), r.mx, r.qx, r.ax, r.lx,
                       r.dx, r.Lx, r.Tx, r.ex);
  }
  return out;
}

}  // namespace junheng::services
