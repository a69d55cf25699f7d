// demo/inputs.h: the real data the demo city is built from, read from data/.
//
// Every file is a small, well-formed CSV written by us (see data/PROVENANCE.md),
// so a split-on-comma reader is enough: no quoting, no embedded commas.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/division.h"
#include "core/error.h"

namespace junheng::demo {

// Abridged age groups of the census file: 0, 1-4, 5-9, ..., 80-84, 85+.
inline constexpr int kCensusGroups = 19;
// Abridged groups of the WPP mortality file: 0, 1-4, 5-9, ..., 95-99, 100+.
inline constexpr int kMxGroups = 22;
// WPP periods used: 2010-2015, 2015-2020, 2020-2025.
inline constexpr int kPeriods = 3;

struct CountyInput {
  DivisionCode code;
  std::string name;
  int64_t pop_total = 0, pop_male = 0, pop_female = 0, urban_pop = 0;
  double women_ceb = 0;  // mean children ever born, women 15-64 (census 2020)
  // Census 2020 resident population by census age group, [sex 0 male, 1 female][group].
  std::array<std::array<int64_t, kCensusGroups>, 2> age_sex{};
};

struct Inputs {
  std::vector<Division> divisions;        // the whole tree, file order
  std::vector<CountyInput> counties;      // 17, in code order
  // WPP 2024 central-death rates nmx, [period][sex 0 male, 1 female][mx group].
  std::array<std::array<std::array<double, kMxGroups>, 2>, kPeriods> mx{};
  // WPP 2024 percentage age pattern of fertility, [period][group 15-19 .. 45-49].
  std::array<std::array<double, 7>, kPeriods> pasfr{};
};

// Reads linfen-divisions.csv, linfen-census-2020.csv, linfen-census-2020-age-sex.csv,
// china-wpp2024-mx-abridged.csv and china-wpp2024-pasfr.csv from `data_dir`.
// Fails with kUnavailable when a file cannot be opened, kInvalidArgument when a row is
// malformed or the census counties do not match the division tree.
Result<Inputs> LoadInputs(const std::string& data_dir);

// One CSV file as rows of fields (header dropped). A naive comma split: only for our
// own well-formed data files.
Result<std::vector<std::vector<std::string>>> ReadSimpleCsv(const std::string& path);

}  // namespace junheng::demo
