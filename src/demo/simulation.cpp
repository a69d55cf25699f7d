#include "demo/simulation.h"

#include <algorithm>
#include <cmath>

namespace junheng::demo {
namespace {

constexpr double kYear = 365.2425;  // days

// Places of origin of in-migrants (other provinces' county codes, weighted towards the
// neighbours Henan and Shaanxi that send most migrants to southern Shanxi).
constexpr const char* kOrigins[] = {
    "410322", "410823", "411002", "410526", "410902", "410102", "610526", "610581", "610302",
    "610113", "130102", "130582", "370102", "371502", "620102", "150102", "511002", "340122",
    "210102", "230102", "420106", "500112"};

int SampleCum(const std::vector<double>& cum, double u) {
  const double x = u * cum.back();
  const auto it = std::upper_bound(cum.begin(), cum.end(), x);
  return std::min(static_cast<int>(it - cum.begin()), static_cast<int>(cum.size()) - 1);
}

int CensusGroupOfAge(int age) { return age <= 0 ? 0 : age < 5 ? 1 : std::min(age / 5 + 1, 18); }

}  // namespace

Simulation::Simulation(const DemoOptions& options, const Inputs& inputs)
    : options_(options), inputs_(inputs), model_(inputs), rng_(options.seed) {
  const int n = model_.county_count();
  for (const auto& c : inputs_.counties) address_codes_.push_back(c.code.CountyPart());
  first_outside_ = static_cast<int>(address_codes_.size());
  for (const char* o : kOrigins) address_codes_.push_back(o);

  // Villages with uneven sizes: lognormal weights (sigma 0.8, so the largest village of
  // a county is several times the median), and communities (居委会, village code
  // 001-199) together holding the county's census urban share.
  county_cum_.assign(n, {});
  county_villages_.assign(n, {});
  std::vector<std::vector<double>> weights(n);
  for (const Division& d : inputs_.divisions) {
    if (d.level != DivisionLevel::kVillage) continue;
    const DivisionCode county = d.code.AncestorAt(DivisionLevel::kCounty);
    int c = 0;
    while (c < n && inputs_.counties[c].code != county) ++c;
    if (c == n) continue;
    Village v{d.code, static_cast<uint16_t>(c), (d.code.value() % 1000) < 200};
    county_villages_[c].push_back(static_cast<uint16_t>(villages_.size()));
    weights[c].push_back(std::exp(0.8 * rng_.Normal()));
    villages_.push_back(v);
  }
  for (int c = 0; c < n; ++c) {
    double comm = 0, vill = 0;
    for (size_t k = 0; k < weights[c].size(); ++k)
      (villages_[county_villages_[c][k]].community ? comm : vill) += weights[c][k];
    const double urban = static_cast<double>(inputs_.counties[c].urban_pop) / inputs_.counties[c].pop_total;
    double run = 0;
    for (size_t k = 0; k < weights[c].size(); ++k) {
      double w = weights[c][k];
      if (comm > 0 && vill > 0)
        w *= villages_[county_villages_[c][k]].community ? urban / comm : (1 - urban) / vill;
      run += w;
      county_cum_[c].push_back(run);
    }
  }
  double run = 0;
  for (double w : model_.destination_weights()) destination_cum_.push_back(run += w);
  run = 0;
  for (double w : model_.in_migrant_ages()) in_age_cum_.push_back(run += w);
  census_day_ = DaysFromCivil(2020, 11, 1);
  census_county_.assign(n, 0);
  census_age_sex_.assign(2, std::vector<int64_t>(19, 0));
}

int Simulation::SampleVillage(int county) {
  return county_villages_[county][SampleCum(county_cum_[county], rng_.Uniform())];
}

void Simulation::BuildBase() {
  const auto base = model_.BackCast(options_.start);
  const int32_t start = options_.start.days();
  const int n = model_.county_count();
  for (int c = 0; c < n; ++c)
    for (int s = 0; s < 2; ++s)
      for (int x = 0; x <= kMaxAge; ++x) {
        const int64_t count = rng_.RoundRandom(base[c][s][x] * options_.scale);
        for (int64_t k = 0; k < count; ++k) {
          PersonState p;
          // Exact age x on the start day: born in the year before the x-th birthday.
          p.birth = start - static_cast<int32_t>((x + rng_.Uniform()) * kYear) - 1;
          if (x == 0) p.birth = std::max(p.birth, start - 365);
          p.sex = static_cast<uint8_t>(s + 1);
          p.village = static_cast<uint16_t>(SampleVillage(c));
          // Hukou mostly where they live; 10 % registered in another village of the county.
          p.hukou = rng_.Chance(0.9) ? p.village : static_cast<uint16_t>(SampleVillage(c));
          // Citizen-id address: mostly born in the county, some elsewhere in Linfen or
          // (2 %) in another province.
          const double u = rng_.Uniform();
          p.origin = static_cast<uint8_t>(u < 0.93 ? c : u < 0.98 ? rng_.Below(n)
                                                               : first_outside_ + rng_.Below(std::size(kOrigins)));
          p.flags = kResident;
          p.last_day = start;
          persons_.push_back(p);
        }
      }
  // Oldest first: every mother (18-45 years older) precedes her children.
  std::stable_sort(persons_.begin(), persons_.end(),
                   [](const PersonState& a, const PersonState& b) { return a.birth < b.birth; });
  base_size_ = residents_ = static_cast<int64_t>(persons_.size());
  for (size_t i = 0; i < persons_.size(); ++i) persons_[i].household = static_cast<int32_t>(i);
  LinkHouseholds();
  DrawParities();
}

void Simulation::LinkHouseholds() {
  const int32_t start = options_.start.days();
  // Per village, women and men by birth date (the persons are already in that order).
  const size_t nv = villages_.size();
  std::vector<uint32_t> w_off(nv + 1, 0), m_off(nv + 1, 0);
  for (const auto& p : persons_) ++(p.sex == 2 ? w_off : m_off)[p.village + 1];
  for (size_t v = 0; v < nv; ++v) { w_off[v + 1] += w_off[v]; m_off[v + 1] += m_off[v]; }
  std::vector<int32_t> women(w_off[nv]), men(m_off[nv]);
  {
    std::vector<uint32_t> wf(w_off.begin(), w_off.end() - 1), mf(m_off.begin(), m_off.end() - 1);
    for (size_t i = 0; i < persons_.size(); ++i)
      if (persons_[i].sex == 2) women[wf[persons_[i].village]++] = static_cast<int32_t>(i);
      else men[mf[persons_[i].village]++] = static_cast<int32_t>(i);
  }
  // Births in [lo, hi] among list[first, last): a random index, or -1.
  const auto pick = [&](const std::vector<int32_t>& list, uint32_t first, uint32_t last, int32_t lo, int32_t hi) {
    const auto by_birth = [&](int32_t idx, int32_t d) { return persons_[idx].birth < d; };
    auto a = std::lower_bound(list.begin() + first, list.begin() + last, lo, by_birth);
    auto b = std::lower_bound(a, list.begin() + last, hi + 1, by_birth);
    if (a == b) return -1;
    return static_cast<int>(a - list.begin()) + rng_.Below(static_cast<int>(b - a));
  };
  // Couples: about 85 % of women aged 20+ live with a husband 0-6 years older or up to
  // 2 years younger, from the same village (mean family size 2.67 in the census).
  for (size_t i = 0; i < persons_.size(); ++i) {
    PersonState& w = persons_[i];
    if (w.sex != 2 || (start - w.birth) < 20 * kYear || !rng_.Chance(0.85)) continue;
    for (int attempt = 0; attempt < 4; ++attempt) {
      const int k = pick(men, m_off[w.village], m_off[w.village + 1], w.birth - static_cast<int32_t>(6 * kYear),
                         w.birth + static_cast<int32_t>(2 * kYear));
      if (k < 0) break;
      PersonState& m = persons_[men[k]];
      if (m.partner >= 0) continue;
      m.partner = static_cast<int32_t>(i);
      w.partner = men[k];
      m.household = w.household;
      break;
    }
  }
  // Children under 18: about 92 % are linked to a mother in their village who is 20-40
  // (failing that 18-45) years older and has fewer than 4 linked children; the parity
  // field counts the linked children until DrawParities.
  for (size_t i = 0; i < persons_.size(); ++i) {
    PersonState& ch = persons_[i];
    if ((start - ch.birth) >= 18 * kYear || !rng_.Chance(0.92)) continue;
    const uint32_t first = w_off[ch.village], last = w_off[ch.village + 1];
    for (int attempt = 0; attempt < 6; ++attempt) {
      const bool wide = attempt >= 3;
      const int k = pick(women, first, last, ch.birth - static_cast<int32_t>((wide ? 45 : 40) * kYear),
                         ch.birth - static_cast<int32_t>((wide ? 18 : 20) * kYear) - 1);
      if (k < 0) { if (wide) break; attempt = 2; continue; }
      PersonState& mo = persons_[women[k]];
      if (mo.parity >= 4) continue;
      ++mo.parity;
      ch.mother = women[k];
      ch.father = mo.partner >= 0 && persons_[mo.partner].birth < ch.birth - static_cast<int32_t>(16 * kYear)
                      ? mo.partner : -1;
      ch.household = mo.household;
      mo.last_birth = std::max(mo.last_birth, ch.birth);
      break;
    }
  }
}

void Simulation::DrawParities() {
  const int32_t start = options_.start.days();
  const int start_year = options_.start.year();
  for (auto& p : persons_) {
    if (p.sex != 2) continue;
    const int age = static_cast<int>((start - p.birth) / kYear);
    const double m = model_.ExpectedParity(start_year - age, age, villages_[p.village].county);
    // 5 % of women never have a child; the rest get floor(m') or one more, with m'
    // raised to keep the mean at m.
    int n = 0;
    if (m > 0 && !rng_.Chance(0.05 * std::min(1.0, m))) {
      const double mm = m / (1 - 0.05 * std::min(1.0, m));
      n = static_cast<int>(mm) + (rng_.Uniform() < mm - std::floor(mm) ? 1 : 0);
    }
    p.parity = static_cast<uint8_t>(std::max<int>(n, p.parity));  // at least her linked children
  }
}

void Simulation::AddInMigrants(int32_t first_day, int32_t last_day, std::vector<PendingEvent>& out) {
  const double years = (last_day - first_day + 1) / kYear;
  const int n_origins = static_cast<int>(std::size(kOrigins));
  for (int c = 0; c < model_.county_count(); ++c) {
    const int64_t n = rng_.RoundRandom(model_.InMigrantsPerYear(c) * options_.scale * years);
    for (int64_t k = 0; k < n; ++k) {
      const int32_t day = first_day + rng_.Below(last_day - first_day + 1);
      const int age = SampleCum(in_age_cum_, rng_.Uniform());
      PersonState p;
      // In-migrants are 52 % men (labour migration). Half the men of 22-50 bring a wife, who
      // takes the place of the next draw, so a first draw is a man with probability 0.615:
      // 0.615 / (1 + 0.615 × ~0.3) ≈ 0.52, the share the back-cast assumes.
      p.sex = rng_.Chance(0.615) ? 1 : 2;
      p.birth = day - static_cast<int32_t>((age + rng_.Uniform()) * kYear) - 1;
      p.village = static_cast<uint16_t>(SampleVillage(c));
      p.hukou = p.village;
      p.origin = static_cast<uint8_t>(first_outside_ + rng_.Below(n_origins));
      p.flags = kResident | kInMigrant;
      p.last_day = day;
      p.household = static_cast<int32_t>(persons_.size());
      if (p.sex == 2)
        p.parity = static_cast<uint8_t>(rng_.RoundRandom(model_.ExpectedParity(
            Date::FromDays(p.birth).year(), age, c)));
      const int32_t idx = static_cast<int32_t>(persons_.size());
      // A man arriving at 22-50 brings his wife (2-3 years younger, same day) half the
      // time: she counts against the county's in-migrants, so the totals stay.
      persons_.push_back(p);
      out.push_back({day, idx, p.village, EventType::kMoveIn, 0, 0, 0});
      ++residents_;
      if (p.sex == 1 && age >= 22 && age <= 50 && k + 1 < n && rng_.Chance(0.5)) {
        PersonState w = p;
        w.sex = 2;
        w.birth = p.birth + static_cast<int32_t>((rng_.Uniform() * 3) * kYear);
        w.partner = idx;
        const int w_age = static_cast<int>((day - w.birth) / kYear);
        w.parity = static_cast<uint8_t>(rng_.RoundRandom(model_.ExpectedParity(
            Date::FromDays(w.birth).year(), w_age, c)));
        persons_[idx].partner = idx + 1;
        persons_.push_back(w);
        out.push_back({day, idx + 1, w.village, EventType::kMoveIn, 0, 0, 0});
        ++residents_;
        ++k;
      }
    }
  }
}

void Simulation::CountAtCensus(const PersonState& p) {
  ++census_county_[villages_[p.village].county];
  const int age = AgeInYears(Date::FromDays(p.birth), Date::FromDays(census_day_));
  ++census_age_sex_[p.sex - 1][CensusGroupOfAge(age)];
}

void Simulation::SimulateYear(int32_t first_day, int32_t last_day, std::vector<PendingEvent>& out) {
  out.clear();
  AddInMigrants(first_day, last_day, out);
  if (census_day_ >= first_day && census_day_ <= last_day) census_counted_ = true;
  // Persons appended while we go (newborns) are simulated in the same pass.
  for (size_t i = 0; i < persons_.size(); ++i)
    if (persons_[i].flags & kResident) SimulatePerson(static_cast<int32_t>(i), first_day, last_day, out);
}

void Simulation::SimulatePerson(int32_t i, int32_t first_day, int32_t last_day, std::vector<PendingEvent>& out) {
  const double end = last_day + 1.0;
  double t = std::max(first_day, persons_[i].last_day);
  const int year = Date::FromDays(first_day).year();
  bool census_pending = census_day_ >= first_day && census_day_ <= last_day && t < census_day_;
  while (true) {
    PersonState& p = persons_[i];  // re-fetched: births append to persons_
    // The epsilon keeps a segment that ended exactly on a group boundary from
    // rounding back into the old group (and looping there forever).
    const int age = static_cast<int>((t - p.birth) / kYear + 1e-7);
    const int g = AgeGroup(age);
    double seg_end = std::min(end, p.birth + NextGroupAge(age) * kYear);
    const int s = p.sex - 1;
    const int county = villages_[p.village].county;
    const double mort = model_.Mortality(year, s, g);
    const double out_rate = model_.OutMigration(g);
    const double move = model_.InternalMove(g);
    double fert = 0;
    if (s == 1 && age >= 15 && age <= 49 && p.parity < 12) {
      // At least 300 days between live births (a birth interval shorter than ~10 months
      // is not possible).
      const double ready = p.last_birth + 300.0;
      if (t < ready) seg_end = std::min(seg_end, ready);
      else fert = model_.Fertility(year, age, p.parity, county);
    }
    const double total = (mort + out_rate + move + fert) / kYear;  // per day
    const double wait = rng_.Exp() / total;
    if (t + wait >= seg_end) {
      t = seg_end;
      if (t >= end) break;
      continue;
    }
    t += wait;
    const int32_t day = static_cast<int32_t>(t);
    if (census_pending && day >= census_day_) { CountAtCensus(p); census_pending = false; }
    double u = rng_.Uniform() * (mort + out_rate + move + fert);
    if (u < mort) {
      out.push_back({day, i, p.village, EventType::kDeath, 0, 0, 0});
      p.flags &= ~kResident;
      --residents_;
      return;
    }
    if (day <= p.last_day) continue;  // nothing but a death on the day of an entry or move
    u -= mort;
    if (u < out_rate) {
      out.push_back({day, i, p.village, EventType::kMoveOut, 0, 0, 0});
      p.flags &= ~kResident;
      --residents_;
      return;
    }
    u -= out_rate;
    if (u < move) {
      // A third of moves draw a county (half of those 尧都区); the rest stay in the county.
      const int to_county = rng_.Chance(PopulationModel::kInterCountyShare)
                                ? SampleCum(destination_cum_, rng_.Uniform()) : county;
      int v = p.village;
      for (int attempt = 0; attempt < 8 && v == p.village; ++attempt) v = SampleVillage(to_county);
      if (v == p.village) continue;
      p.village = static_cast<uint16_t>(v);
      p.last_day = day;
      out.push_back({day, i, p.village, EventType::kMove, 0, 0, 0});
      continue;
    }
    // A birth. The exact age decides, not the group approximation.
    const int exact_age = AgeInYears(Date::FromDays(p.birth), Date::FromDays(day));
    if (exact_age < 15 || exact_age > 49) continue;
    const int plurality = rng_.Chance(0.015) ? 2 : 1;  // ~1.5 % of maternities are twins
    const double male = model_.MaleBirthShare(county);
    const int first_order = p.parity + 1;
    p.parity = static_cast<uint8_t>(p.parity + plurality);
    p.last_birth = day;
    const PersonState mother = p;
    for (int k = 0; k < plurality; ++k) {
      PersonState ch;
      ch.birth = day;
      ch.mother = i;
      ch.father = mother.partner;
      ch.sex = rng_.Chance(male) ? 1 : 2;
      ch.village = ch.hukou = mother.village;
      ch.origin = static_cast<uint8_t>(county);
      ch.flags = kResident;
      ch.last_day = day;
      ch.household = mother.household;
      const int32_t idx = static_cast<int32_t>(persons_.size());
      persons_.push_back(ch);
      ++residents_;
      out.push_back({day, idx, mother.village, EventType::kBirth, static_cast<uint8_t>(first_order + k),
                     static_cast<uint8_t>(plurality), 0});
    }
    // Maternal deaths: ~15 per 100,000 births (China's MMR was 16.9 in 2020), within
    // 42 days of the birth (clamped to the year being simulated).
    if (rng_.Chance(0.00015)) {
      const int32_t d = std::min(last_day, day + rng_.Below(43));
      PersonState& m = persons_[i];
      if (census_pending && d >= census_day_) { CountAtCensus(m); census_pending = false; }
      out.push_back({d, i, m.village, EventType::kDeath, 0, 0, 1});
      m.flags &= ~kResident;
      --residents_;
      return;
    }
  }
  if (census_pending) CountAtCensus(persons_[i]);
}

}  // namespace junheng::demo
