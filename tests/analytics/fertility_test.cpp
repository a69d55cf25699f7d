// tests/analytics/fertility_test.cpp: ASFR, TFR, GFR, NRR (analytics/fertility.h)
// against the oracles in tests/cases/oracles/ (shared/data/PROVENANCE.md, section 5).
#include "analytics/fertility.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "analytics/oracle_csv.h"

namespace junheng::analytics {
namespace {

using Row = OracleRow;
const auto ReadCsv = ReadOracleRows;

double Number(const Row& row, const std::string& column) { return std::stod(row.at(column)); }

// The expected value of a `quantity` (and `age_group`, when given) in an expected file.
const Row& Expected(const std::vector<Row>& rows, const std::string& quantity,
                    const std::string& age_group = "") {
  for (const Row& row : rows) {
    if (row.at("quantity") == quantity && (age_group.empty() || row.at("age_group") == age_group)) {
      return row;
    }
  }
  throw std::runtime_error("no expected " + quantity + " " + age_group);
}

TEST(FertilityOracleTest, Fuzhou2020CensusYearbookTable6_3) {
  // Births 2019-11-01 to 2020-10-31 and mean women by 5-year age of mother; the
  // mean number of women over one year is the women's person-years.
  const std::vector<Row> input = ReadCsv("fertility_fuzhou2020_input.csv");
  const std::vector<Row> expected = ReadCsv("fertility_fuzhou2020_expected.csv");
  AgeSchedule schedule{.first_age = 15, .width = 5};
  for (const Row& row : input) {
    schedule.births.push_back(Number(row, "births"));
    schedule.person_years.push_back(Number(row, "mean_women"));
  }
  const FertilitySummary summary = SummarizeFertility(schedule);
  ASSERT_EQ(summary.asfr.size(), input.size());
  double max_asfr_diff = 0;
  for (size_t i = 0; i < input.size(); ++i) {
    const std::string& group = input[i].at("age_group");
    const Row& want = Expected(expected, "asfr_per_1000", group);
    ASSERT_TRUE(summary.asfr[i]) << group;
    const double diff = std::abs(*summary.asfr[i] * 1000 - Number(want, "value"));
    EXPECT_LE(diff, Number(want, "abs_tolerance")) << group;  // published to 2 decimals
    max_asfr_diff = std::max(max_asfr_diff, diff);
  }
  const Row& tfr = Expected(expected, "tfr_per_woman");
  EXPECT_NEAR(summary.tfr, Number(tfr, "value"), Number(tfr, "abs_tolerance"));
  EXPECT_DOUBLE_EQ(summary.births_used, Number(Expected(expected, "total_births"), "value"));
  EXPECT_EQ(summary.births_unplaced, 0.0);

  const Row& gfr = Expected(expected, "general_fertility_rate_per_1000");
  const std::optional<double> rate =
      GeneralFertilityRate(Number(Expected(expected, "total_births"), "value"),
                           Number(Expected(expected, "total_mean_women"), "value"));
  ASSERT_TRUE(rate);
  EXPECT_NEAR(*rate, Number(gfr, "value"), Number(gfr, "abs_tolerance"));
  RecordProperty("max_diff_asfr_per_1000", std::to_string(max_asfr_diff));
  RecordProperty("diff_tfr", std::to_string(summary.tfr - Number(tfr, "value")));
  RecordProperty("diff_gfr", std::to_string(*rate - Number(gfr, "value")));
}

TEST(FertilityOracleTest, NetReproductionRateDemCore) {
  const std::vector<Row> input = ReadCsv("nrr_demcore_input.csv");
  const std::vector<Row> expected = ReadCsv("nrr_demcore_expected.csv");
  std::map<std::string, Row> by_quantity;
  for (const Row& row : expected) by_quantity[row.at("quantity")] = row;
  std::vector<double> asfr, nLx;
  AgeSchedule schedule{.first_age = 15, .width = 5};
  for (const Row& row : input) {
    asfr.push_back(Number(row, "asfr"));
    nLx.push_back(Number(row, "nLx_radix1"));
    // A schedule with one woman-year per group has asfr as its birth counts.
    schedule.births.push_back(Number(row, "asfr"));
    schedule.person_years.push_back(1);
  }
  const double srb = Number(by_quantity.at("srb_input"), "value");
  const double nrr = NetReproductionRate(asfr, nLx, srb);
  EXPECT_NEAR(nrr, Number(by_quantity.at("nrr"), "value"),
              Number(by_quantity.at("nrr"), "tolerance"));
  const double tfr = SummarizeFertility(schedule).tfr;
  EXPECT_NEAR(tfr, Number(by_quantity.at("tfr"), "value"), 1e-9);
  RecordProperty("nrr", std::to_string(nrr));
  RecordProperty("diff_tfr", std::to_string(tfr - Number(by_quantity.at("tfr"), "value")));
}

TEST(SummarizeFertilityTest, BirthsAtAgesWithoutWomenAreUnplacedNotDropped) {
  // Ages 15, 16, 17: 2 births in 400 woman-years, 3 births with no resident women
  // (mothers living elsewhere), 1 birth in 100 woman-years.
  //   asfr = 0.005, none, 0.01;  TFR = 1 · (0.005 + 0.01) = 0.015
  //   births_used = 2 + 1 = 3;   births_unplaced = 3
  const AgeSchedule schedule{
      .first_age = 15, .width = 1, .births = {2, 3, 1}, .person_years = {400, 0, 100}};
  const FertilitySummary summary = SummarizeFertility(schedule);
  ASSERT_EQ(summary.asfr.size(), 3u);
  EXPECT_DOUBLE_EQ(*summary.asfr[0], 0.005);
  EXPECT_FALSE(summary.asfr[1]);
  EXPECT_DOUBLE_EQ(*summary.asfr[2], 0.01);
  EXPECT_DOUBLE_EQ(summary.tfr, 0.015);
  EXPECT_EQ(summary.births_used, 3.0);
  EXPECT_EQ(summary.births_unplaced, 3.0);
}

TEST(SummarizeFertilityTest, EmptyAndZeroCases) {
  EXPECT_EQ(SummarizeFertility(AgeSchedule{}).tfr, 0.0);
  const AgeSchedule no_women{.first_age = 15, .width = 5, .births = {0, 0}, .person_years = {0, 0}};
  const FertilitySummary summary = SummarizeFertility(no_women);
  EXPECT_EQ(summary.tfr, 0.0);
  EXPECT_FALSE(summary.asfr[0]);
  EXPECT_FALSE(GeneralFertilityRate(5, 0));
  EXPECT_FALSE(GeneralFertilityRate(-1, 10));
  EXPECT_DOUBLE_EQ(*GeneralFertilityRate(0, 10), 0.0);
  EXPECT_EQ(NetReproductionRate({}, {}, 1.05), 0.0);
}

TEST(SummarizeFertilityTest, BrokenContractsThrow) {
  const AgeSchedule mismatched{.births = {1, 2}, .person_years = {10}};
  EXPECT_THROW(SummarizeFertility(mismatched), std::logic_error);
  const AgeSchedule zero_width{.width = 0, .births = {1}, .person_years = {10}};
  EXPECT_THROW(SummarizeFertility(zero_width), std::logic_error);
  const double asfr[] = {0.1, 0.2};
  const double nLx[] = {4.9};
  EXPECT_THROW(NetReproductionRate(asfr, nLx, 1.05), std::logic_error);
}

}  // namespace
}  // namespace junheng::analytics
