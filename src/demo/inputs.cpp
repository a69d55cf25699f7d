#include "demo/inputs.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>

namespace junheng::demo {
namespace {

Result<int64_t> ToInt(const std::string& s, const std::string& where) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size())
    return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: \"{}\" is not a whole number", where, s));
  return v;
}

Result<double> ToDouble(const std::string& s, const std::string& where) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size())
    return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: \"{}\" is not a number", where, s));
  return v;
}

int PeriodIndex(const std::string& period) {
  if (period == "2010-2015") return 0;
  if (period == "2015-2020") return 1;
  if (period == "2020-2025") return 2;
  return -1;
}

// Census group index of a group starting at `age_start` (0, 1, 5, 10, ..., 85).
int CensusGroup(int64_t age_start) {
  if (age_start == 0) return 0;
  if (age_start == 1) return 1;
  return static_cast<int>(age_start / 5) + 1;
}

}  // namespace

Result<std::vector<std::vector<std::string>>> ReadSimpleCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Fail(ErrorCode::kUnavailable, fmt::format("cannot open {}", path));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (header) { header = false; continue; }
    if (line.empty()) continue;
    std::vector<std::string> row;
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      row.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<Inputs> LoadInputs(const std::string& data_dir) {
  Inputs in;
  const std::string dir = data_dir.empty() ? std::string(".") : data_dir;

  JH_ASSIGN_OR_RETURN(auto div_rows, ReadSimpleCsv(dir + "/linfen-divisions.csv"));
  for (const auto& r : div_rows) {
    if (r.size() < 4) return Fail(ErrorCode::kInvalidArgument, "linfen-divisions.csv: short row");
    Division d;
    JH_ASSIGN_OR_RETURN(d.code, DivisionCode::Parse(r[0]));
    d.name = r[1];
    JH_ASSIGN_OR_RETURN(int64_t level, ToInt(r[2], "linfen-divisions.csv level"));
    d.level = static_cast<DivisionLevel>(level);
    if (!r[3].empty()) { JH_ASSIGN_OR_RETURN(d.parent, DivisionCode::Parse(r[3])); }
    if (r.size() > 4) d.urban_rural = r[4];
    in.divisions.push_back(std::move(d));
  }

  JH_ASSIGN_OR_RETURN(auto census_rows, ReadSimpleCsv(dir + "/linfen-census-2020.csv"));
  for (const auto& r : census_rows) {
    if (r.size() < 22) return Fail(ErrorCode::kInvalidArgument, "linfen-census-2020.csv: short row");
    JH_ASSIGN_OR_RETURN(DivisionCode code, DivisionCode::Parse(r[0]));
    if (code.level() != DivisionLevel::kCounty) continue;  // the city row
    CountyInput c;
    c.code = code;
    c.name = r[1];
    JH_ASSIGN_OR_RETURN(c.pop_total, ToInt(r[3], "pop_total"));
    JH_ASSIGN_OR_RETURN(c.pop_male, ToInt(r[4], "pop_male"));
    JH_ASSIGN_OR_RETURN(c.pop_female, ToInt(r[5], "pop_female"));
    JH_ASSIGN_OR_RETURN(c.urban_pop, ToInt(r[7], "urban_pop"));
    JH_ASSIGN_OR_RETURN(c.women_ceb, ToDouble(r[21], "women_15_64_mean_children_ever_born"));
    in.counties.push_back(std::move(c));
  }
  std::sort(in.counties.begin(), in.counties.end(),
            [](const CountyInput& a, const CountyInput& b) { return a.code < b.code; });
  const size_t county_divisions = std::count_if(in.divisions.begin(), in.divisions.end(), [](const Division& d) {
    return d.level == DivisionLevel::kCounty;
  });
  if (in.counties.size() != county_divisions || in.counties.empty())
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("linfen-census-2020.csv has {} counties but the division tree has {}",
                            in.counties.size(), county_divisions));

  JH_ASSIGN_OR_RETURN(auto age_rows, ReadSimpleCsv(dir + "/linfen-census-2020-age-sex.csv"));
  for (const auto& r : age_rows) {
    if (r.size() < 6) return Fail(ErrorCode::kInvalidArgument, "linfen-census-2020-age-sex.csv: short row");
    JH_ASSIGN_OR_RETURN(DivisionCode code, DivisionCode::Parse(r[0]));
    auto it = std::find_if(in.counties.begin(), in.counties.end(),
                           [&](const CountyInput& c) { return c.code == code; });
    if (it == in.counties.end()) continue;  // the city row
    JH_ASSIGN_OR_RETURN(int64_t age_start, ToInt(r[2], "age_start"));
    const int g = CensusGroup(age_start);
    if (g < 0 || g >= kCensusGroups) return Fail(ErrorCode::kInvalidArgument, "bad census age group");
    JH_ASSIGN_OR_RETURN(it->age_sex[0][g], ToInt(r[4], "male"));
    JH_ASSIGN_OR_RETURN(it->age_sex[1][g], ToInt(r[5], "female"));
  }

  JH_ASSIGN_OR_RETURN(auto mx_rows, ReadSimpleCsv(dir + "/china-wpp2024-mx-abridged.csv"));
  for (const auto& r : mx_rows) {
    if (r.size() < 5) return Fail(ErrorCode::kInvalidArgument, "china-wpp2024-mx-abridged.csv: short row");
    const int p = PeriodIndex(r[0]);
    if (p < 0) continue;
    JH_ASSIGN_OR_RETURN(int64_t age_start, ToInt(r[1], "age_start"));
    const int g = age_start == 0 ? 0 : age_start == 1 ? 1 : static_cast<int>(age_start / 5) + 1;
    if (g >= kMxGroups) return Fail(ErrorCode::kInvalidArgument, "bad mx age group");
    JH_ASSIGN_OR_RETURN(in.mx[p][0][g], ToDouble(r[3], "mx_male"));
    JH_ASSIGN_OR_RETURN(in.mx[p][1][g], ToDouble(r[4], "mx_female"));
  }

  JH_ASSIGN_OR_RETURN(auto f_rows, ReadSimpleCsv(dir + "/china-wpp2024-pasfr.csv"));
  for (const auto& r : f_rows) {
    if (r.size() < 4) return Fail(ErrorCode::kInvalidArgument, "china-wpp2024-pasfr.csv: short row");
    const int p = PeriodIndex(r[0]);
    if (p < 0) continue;
    JH_ASSIGN_OR_RETURN(int64_t age_start, ToInt(r[1], "age_start"));
    const int g = static_cast<int>(age_start / 5) - 3;
    if (g < 0 || g >= 7) return Fail(ErrorCode::kInvalidArgument, "bad pasfr age group");
    JH_ASSIGN_OR_RETURN(in.pasfr[p][g], ToDouble(r[3], "pasfr_percent"));
  }
  return in;
}

}  // namespace junheng::demo
