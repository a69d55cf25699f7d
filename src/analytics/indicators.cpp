#include "analytics/indicators.h"

#include <algorithm>
#include <numeric>

#include "analytics/rate.h"

namespace junheng::analytics {
namespace {

constexpr IndicatorDef kCatalog[] = {
    {"population_avg", "persons", "平均人口", "average population"},
    {"population_start", "persons", "期初人口", "population on the first day"},
    {"population_end", "persons", "期末人口", "population on the last day"},
    {"births", "births", "出生人数", "live births"},
    {"births_male", "births", "男婴出生数", "male live births"},
    {"births_female", "births", "女婴出生数", "female live births"},
    {"deaths", "deaths", "死亡人数", "deaths"},
    {"cbr", "per 1000", "出生率", "crude birth rate"},
    {"cdr", "per 1000", "死亡率", "crude death rate"},
    {"ngr", "per 1000", "自然增长率", "natural growth rate"},
    {"gfr", "per 1000", "一般生育率", "general fertility rate"},
    {"tfr", "children per woman", "总和生育率", "total fertility rate"},
    {"tfr_5y", "children per woman", "总和生育率（五岁组）", "total fertility rate from 5-year groups"},
    {"asfr_15_19", "per 1000 women", "15-19岁生育率", "age-specific fertility rate 15-19"},
    {"asfr_20_24", "per 1000 women", "20-24岁生育率", "age-specific fertility rate 20-24"},
    {"asfr_25_29", "per 1000 women", "25-29岁生育率", "age-specific fertility rate 25-29"},
    {"asfr_30_34", "per 1000 women", "30-34岁生育率", "age-specific fertility rate 30-34"},
    {"asfr_35_39", "per 1000 women", "35-39岁生育率", "age-specific fertility rate 35-39"},
    {"asfr_40_44", "per 1000 women", "40-44岁生育率", "age-specific fertility rate 40-44"},
    {"asfr_45_49", "per 1000 women", "45-49岁生育率", "age-specific fertility rate 45-49"},
    {"births_mother_unknown", "births", "母亲不在库的出生数", "births whose mother is not in the register"},
    {"births_unplaced", "births", "未计入总和生育率的出生数", "births at ages without resident women, left out of TFR"},
    {"srb", "males per 100 females", "出生人口性别比", "sex ratio at birth"},
    {"srb_lo", "males per 100 females", "出生性别比95%下限", "sex ratio at birth, 95% interval low"},
    {"srb_hi", "males per 100 females", "出生性别比95%上限", "sex ratio at birth, 95% interval high"},
    {"share_order1", "%", "一孩占比", "share of first births"},
    {"share_order2", "%", "二孩占比", "share of second births"},
    {"share_order3p", "%", "三孩及以上占比", "share of third and higher births"},
    {"mean_age_birth", "years", "生育平均年龄", "mean age of mothers at birth"},
    {"mean_age_birth1", "years", "一孩生育平均年龄", "mean age of mothers at first births"},
    {"mean_age_birth2", "years", "二孩生育平均年龄", "mean age of mothers at second births"},
    {"mean_age_birth3p", "years", "三孩及以上生育平均年龄", "mean age of mothers at third and higher births"},
    {"imr", "per 1000 live births", "婴儿死亡率", "infant mortality rate"},
    {"nmr", "per 1000 live births", "新生儿死亡率", "neonatal mortality rate"},
    {"u5mr", "per 1000 live births", "5岁以下儿童死亡率", "under-five mortality rate"},
    {"q5_0", "per 1000", "5岁以下死亡概率（生命表）", "life-table probability of dying before 5"},
    {"mmr", "per 100000 live births", "孕产妇死亡率", "maternal mortality ratio"},
    {"e0", "years", "预期寿命", "life expectancy at birth"},
    {"e0_m", "years", "男性预期寿命", "life expectancy at birth, males"},
    {"e0_f", "years", "女性预期寿命", "life expectancy at birth, females"},
    {"share_0_14", "%", "0-14岁人口占比", "share aged 0-14"},
    {"share_15_59", "%", "15-59岁人口占比", "share aged 15-59"},
    {"share_60p", "%", "60岁及以上人口占比", "share aged 60 and over"},
    {"share_65p", "%", "65岁及以上人口占比", "share aged 65 and over"},
    {"share_80p", "%", "80岁及以上人口占比", "share aged 80 and over"},
    {"odr", "per 100", "老年抚养比", "old-age dependency ratio"},
    {"chdr", "per 100", "少儿抚养比", "child dependency ratio"},
    {"tdr", "per 100", "总抚养比", "total dependency ratio"},
    {"sex_ratio", "males per 100 females", "人口性别比", "sex ratio of the population"},
    {"median_age", "years", "年龄中位数", "median age"},
    {"in_migrants", "persons", "迁入人数", "in-migrants"},
    {"out_migrants", "persons", "迁出人数", "out-migrants"},
    {"net_migration", "persons", "净迁移人数", "net migration"},
    {"in_internal", "persons", "市内迁入人数", "in-migrants from elsewhere in the city"},
    {"out_internal", "persons", "市内迁出人数", "out-migrants to elsewhere in the city"},
    {"in_rate", "per 1000", "迁入率", "in-migration rate"},
    {"out_rate", "per 1000", "迁出率", "out-migration rate"},
    {"net_migration_rate", "per 1000", "净迁移率", "net migration rate"},
    {"registered", "events", "登记事件数", "events registered"},
    {"delay_median", "days", "登记时滞中位数", "median registration delay"},
    {"share_within_30d", "%", "30天内登记占比", "share registered within 30 days"},
    {"completeness", "%", "村级报告完整率", "villages reporting in the month"},
};

// value = num / den × k, empty when den == 0.
Value Ratio(double num, double den, double k) {
  Value v{std::nullopt, num, den};
  if (den > 0) v.value = num / den * k;
  return v;
}
Value Count(double n) { return {n, std::nullopt, std::nullopt}; }
Value Plain(std::optional<double> x) { return {x, std::nullopt, std::nullopt}; }

double SumAges(const std::vector<double>& by_age, int from, int to /* inclusive */) {
  double s = 0;
  for (int x = from; x <= std::min(to, kOpenAge); ++x) s += by_age[x];
  return s;
}

// The median of the delay histogram (the mean of the two middle values when the count is even).
std::optional<double> HistogramMedian(const std::vector<int64_t>& hist) {
  const int64_t n = std::accumulate(hist.begin(), hist.end(), int64_t{0});
  if (n == 0) return std::nullopt;
  auto value_at = [&](int64_t k) {  // the k-th smallest, 0-based
    int64_t seen = 0;
    for (size_t d = 0; d < hist.size(); ++d) {
      seen += hist[d];
      if (seen > k) return static_cast<double>(d);
    }
    return static_cast<double>(hist.size() - 1);
  };
  return n % 2 ? value_at(n / 2) : (value_at(n / 2 - 1) + value_at(n / 2)) / 2;
}

// Median age of the average population, interpolated within the single year
// of age that holds the middle: x + (N/2 − persons below x) / persons aged x.
std::optional<double> MedianAge(const std::vector<double>& py) {
  const double total = std::accumulate(py.begin(), py.end(), 0.0);
  if (total <= 0) return std::nullopt;
  double below = 0;
  for (int x = 0; x <= kOpenAge; ++x) {
    if (below + py[x] >= total / 2 && py[x] > 0) return x + (total / 2 - below) / py[x];
    below += py[x];
  }
  return kOpenAge;
}

std::optional<double> E0(const Tally& t, std::optional<Sex> sex) {
  auto table = PeriodLifeTable(t, sex);
  if (!table || table->empty()) return std::nullopt;
  return table->front().ex;
}

}  // namespace

std::span<const IndicatorDef> IndicatorCatalog() { return kCatalog; }

std::optional<size_t> FindIndicator(std::string_view name) {
  for (size_t i = 0; i < std::size(kCatalog); ++i) {
    if (kCatalog[i].name == name) return i;
  }
  return std::nullopt;
}

std::vector<double> PersonYears(const Tally& t, int sex) {
  const double per_day = t.period.days() > 0 ? PeriodYears(t.period) / t.period.days() : 0;
  std::vector<double> py(kAges);
  for (int x = 0; x < kAges; ++x) py[x] = t.person_days[sex][x] * per_day;
  return py;
}

std::vector<double> PersonYearsBoth(const Tally& t) {
  std::vector<double> py = PersonYears(t, 0);
  const std::vector<double> f = PersonYears(t, 1);
  for (int x = 0; x < kAges; ++x) py[x] += f[x];
  return py;
}

AgeSchedule SingleYearSchedule(const Tally& t) {
  AgeSchedule s;
  s.first_age = 15;
  s.width = 1;
  const std::vector<double> women = PersonYears(t, 1);
  for (int x = 15; x <= 49; ++x) {
    double births = static_cast<double>(t.births_by_mother_age[x]);
    if (x == 15) for (int y = 0; y < 15; ++y) births += t.births_by_mother_age[y];
    if (x == 49) for (int y = 50; y < kAges; ++y) births += t.births_by_mother_age[y];
    s.births.push_back(births);
    s.person_years.push_back(women[x]);
  }
  return s;
}

AgeSchedule FiveYearSchedule(const Tally& t) {
  const AgeSchedule single = SingleYearSchedule(t);
  AgeSchedule s;
  s.first_age = 15;
  s.width = 5;
  s.births.assign(7, 0);
  s.person_years.assign(7, 0);
  for (size_t i = 0; i < single.births.size(); ++i) {
    s.births[i / 5] += single.births[i];
    s.person_years[i / 5] += single.person_years[i];
  }
  return s;
}

FertilitySummary SingleYearFertility(const Tally& t) { return SummarizeFertility(SingleYearSchedule(t)); }

Result<std::vector<LifeTableRow>> PeriodLifeTable(const Tally& t, std::optional<Sex> sex) {
  std::vector<double> deaths(kAges), py;
  if (sex) {
    const int s = *sex == Sex::kMale ? 0 : 1;
    for (int x = 0; x < kAges; ++x) deaths[x] = static_cast<double>(t.deaths[s][x]);
    py = PersonYears(t, s);
  } else {
    for (int x = 0; x < kAges; ++x) deaths[x] = static_cast<double>(t.deaths[0][x] + t.deaths[1][x]);
    py = PersonYearsBoth(t);
  }
  return SingleYearLifeTable(deaths, py, sex, kOpenAge);
}

std::vector<Value> ComputeIndicators(const Tally& t) {
  std::vector<Value> v;
  v.reserve(std::size(kCatalog));
  const double days = t.period.days();
  const std::vector<double> py_m = PersonYears(t, 0), py_f = PersonYears(t, 1), py = PersonYearsBoth(t);
  const double person_years = std::accumulate(py.begin(), py.end(), 0.0);
  int64_t person_days = 0;
  for (int s = 0; s < kSexes; ++s) {
    person_days += std::accumulate(t.person_days[s].begin(), t.person_days[s].end(), int64_t{0});
  }
  const double births = static_cast<double>(t.births_total());
  const double deaths = static_cast<double>(t.deaths_total());

  v.push_back(Ratio(static_cast<double>(person_days), days, 1));                 // population_avg
  v.push_back(Count(static_cast<double>(t.population_start[0] + t.population_start[1])));
  v.push_back(Count(static_cast<double>(t.population_end[0] + t.population_end[1])));
  v.push_back(Count(births));
  v.push_back(Count(static_cast<double>(t.births[0])));
  v.push_back(Count(static_cast<double>(t.births[1])));
  v.push_back(Count(deaths));
  v.push_back(Ratio(births, person_years, 1000));                                // cbr
  v.push_back(Ratio(deaths, person_years, 1000));                                // cdr
  v.push_back(Ratio(births - deaths, person_years, 1000));                       // ngr = cbr − cdr
  v.push_back(Ratio(births, SumAges(py_f, 15, 49), 1000));                       // gfr
  const FertilitySummary single = SingleYearFertility(t);
  const FertilitySummary five = SummarizeFertility(FiveYearSchedule(t));
  const bool any_women = SumAges(py_f, 15, 49) > 0;
  // TFR is a sum of rates, not one ratio: beside it the births it used and the
  // women's person-years at 15–49.
  const double women = SumAges(py_f, 15, 49);
  v.push_back({any_women ? std::optional(single.tfr) : std::nullopt, single.births_used, women});
  v.push_back({any_women ? std::optional(five.tfr) : std::nullopt, five.births_used, women});
  const AgeSchedule groups = FiveYearSchedule(t);
  for (size_t g = 0; g < groups.births.size(); ++g) {
    v.push_back(Ratio(groups.births[g], groups.person_years[g], 1000));
  }
  v.push_back(Count(static_cast<double>(t.births_mother_unknown)));
  v.push_back(Count(single.births_unplaced));
  const double male = static_cast<double>(t.births[0]), female = static_cast<double>(t.births[1]);
  v.push_back(Ratio(male, female, 100));                                          // srb
  // The interval exists only with births of both sexes: with no girls the upper
  // end is infinite, and no value is better than "inf".
  const auto srb_ci = female > 0 ? SexRatioInterval(male, female) : std::nullopt;
  v.push_back({srb_ci ? std::optional(srb_ci->lo) : std::nullopt, male, female});
  v.push_back({srb_ci ? std::optional(srb_ci->hi) : std::nullopt, male, female});
  const double known_order = births - static_cast<double>(t.births_by_order[0]);
  for (int order = 1; order <= 3; ++order) {
    v.push_back(Ratio(static_cast<double>(t.births_by_order[order]), known_order, 100));
  }
  for (int slot = 0; slot <= 3; ++slot) {
    v.push_back(Ratio(t.mother_age_sum[slot], static_cast<double>(t.mother_age_count[slot]), 1));
  }
  v.push_back(Ratio(static_cast<double>(t.deaths_under_1), births, 1000));       // imr
  v.push_back(Ratio(static_cast<double>(t.deaths_under_28_days), births, 1000)); // nmr
  v.push_back(Ratio(static_cast<double>(t.deaths_under_5), births, 1000));       // u5mr
  {
    auto table = PeriodLifeTable(t, std::nullopt);
    std::optional<double> q5;
    if (table && table->size() > 5) q5 = (1 - (*table)[5].lx / (*table)[0].lx) * 1000;
    v.push_back(Plain(q5));
    v.push_back(Ratio(static_cast<double>(t.maternal_deaths), births, 100000));   // mmr
    v.push_back(Plain(table && !table->empty() ? std::optional(table->front().ex) : std::nullopt));
  }
  v.push_back(Plain(E0(t, Sex::kMale)));
  v.push_back(Plain(E0(t, Sex::kFemale)));
  const double young = SumAges(py, 0, 14), working = SumAges(py, 15, 64), old = SumAges(py, 65, kOpenAge);
  v.push_back(Ratio(young, person_years, 100));
  v.push_back(Ratio(SumAges(py, 15, 59), person_years, 100));
  v.push_back(Ratio(SumAges(py, 60, kOpenAge), person_years, 100));
  v.push_back(Ratio(old, person_years, 100));
  v.push_back(Ratio(SumAges(py, 80, kOpenAge), person_years, 100));
  v.push_back(Ratio(old, working, 100));                                          // odr
  v.push_back(Ratio(young, working, 100));                                        // chdr
  v.push_back(Ratio(young + old, working, 100));                                  // tdr
  v.push_back(Ratio(SumAges(py_m, 0, kOpenAge), SumAges(py_f, 0, kOpenAge), 100));
  v.push_back(Plain(MedianAge(py)));
  const double in = static_cast<double>(t.in_migrants), out = static_cast<double>(t.out_migrants);
  v.push_back(Count(in));
  v.push_back(Count(out));
  v.push_back(Count(in - out));
  v.push_back(Count(static_cast<double>(t.in_internal)));
  v.push_back(Count(static_cast<double>(t.out_internal)));
  v.push_back(Ratio(in, person_years, 1000));
  v.push_back(Ratio(out, person_years, 1000));
  v.push_back(Ratio(in - out, person_years, 1000));
  const double registered = static_cast<double>(t.registered());
  v.push_back(Count(registered));
  v.push_back(Plain(HistogramMedian(t.delay_days)));
  double within = 0;
  for (size_t d = 0; d < t.delay_days.size() && d <= 30; ++d) within += t.delay_days[d];
  v.push_back(Ratio(within, registered, 100));
  v.push_back(Ratio(static_cast<double>(t.village_months_reporting), static_cast<double>(t.village_months), 100));
  return v;
}

}  // namespace junheng::analytics
