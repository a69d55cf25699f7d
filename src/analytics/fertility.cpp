// analytics/fertility.cpp: ASFR, TFR, GFR and NRR (fertility.h).
#include "analytics/fertility.h"

#include <cmath>
#include <stdexcept>

namespace junheng::analytics {
namespace {

bool IsCount(double x) { return std::isfinite(x) && x >= 0; }

}  // namespace

FertilitySummary SummarizeFertility(const AgeSchedule& schedule) {
  if (schedule.births.size() != schedule.person_years.size()) {
    throw std::logic_error("SummarizeFertility: births and person_years differ in length");
  }
  if (schedule.width < 1) throw std::logic_error("SummarizeFertility: width must be ≥ 1");
  FertilitySummary summary;
  summary.asfr.reserve(schedule.births.size());
  double asfr_sum = 0;
  for (size_t i = 0; i < schedule.births.size(); ++i) {
    const double births = schedule.births[i];
    const double person_years = schedule.person_years[i];
    if (!IsCount(births) || !IsCount(person_years)) {
      throw std::logic_error("SummarizeFertility: counts must be finite and ≥ 0");
    }
    if (person_years == 0) {
      summary.asfr.push_back(std::nullopt);
      summary.births_unplaced += births;
      continue;
    }
    const double asfr = births / person_years;
    summary.asfr.push_back(asfr);
    asfr_sum += asfr;
    summary.births_used += births;
  }
  summary.tfr = schedule.width * asfr_sum;
  return summary;
}

std::optional<double> GeneralFertilityRate(double births, double women_15_49_person_years) {
  if (!IsCount(births) || !IsCount(women_15_49_person_years) || women_15_49_person_years == 0) {
    return std::nullopt;
  }
  return births / women_15_49_person_years * 1000;
}

double NetReproductionRate(std::span<const double> asfr, std::span<const double> nLx,
                           double srb) {
  if (asfr.size() != nLx.size()) {
    throw std::logic_error("NetReproductionRate: asfr and nLx differ in length");
  }
  if (!(srb >= 0)) throw std::logic_error("NetReproductionRate: srb must be ≥ 0");
  double sum = 0;
  for (size_t i = 0; i < asfr.size(); ++i) sum += asfr[i] * nLx[i];
  return sum / (1 + srb);
}

}  // namespace junheng::analytics
