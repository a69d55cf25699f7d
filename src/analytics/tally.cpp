#include "analytics/tally.h"

#include <numeric>

namespace junheng::analytics {
namespace {

template <typename T, size_t N>
void AddArray(std::array<T, N>& into, const std::array<T, N>& from) {
  for (size_t i = 0; i < N; ++i) into[i] += from[i];
}

}  // namespace

int64_t Tally::deaths_total() const {
  return std::accumulate(deaths[0].begin(), deaths[0].end(), int64_t{0}) +
         std::accumulate(deaths[1].begin(), deaths[1].end(), int64_t{0});
}

int64_t Tally::registered() const {
  return std::accumulate(delay_days.begin(), delay_days.end(), int64_t{0});
}

void Tally::Merge(const Tally& o) {
  for (int s = 0; s < kSexes; ++s) {
    AddArray(person_days[s], o.person_days[s]);
    AddArray(deaths[s], o.deaths[s]);
  }
  AddArray(population_start, o.population_start);
  AddArray(population_end, o.population_end);
  AddArray(births, o.births);
  AddArray(births_by_order, o.births_by_order);
  AddArray(births_by_mother_age, o.births_by_mother_age);
  births_mother_unknown += o.births_mother_unknown;
  AddArray(mother_age_sum, o.mother_age_sum);
  AddArray(mother_age_count, o.mother_age_count);
  deaths_under_28_days += o.deaths_under_28_days;
  deaths_under_1 += o.deaths_under_1;
  deaths_under_5 += o.deaths_under_5;
  maternal_deaths += o.maternal_deaths;
  in_migrants += o.in_migrants;
  out_migrants += o.out_migrants;
  in_internal += o.in_internal;
  out_internal += o.out_internal;
  if (delay_days.size() < o.delay_days.size()) delay_days.resize(o.delay_days.size(), 0);
  for (size_t i = 0; i < o.delay_days.size(); ++i) delay_days[i] += o.delay_days[i];
  village_months += o.village_months;
  village_months_reporting += o.village_months_reporting;
}

}  // namespace junheng::analytics
