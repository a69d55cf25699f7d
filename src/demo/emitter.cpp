#include "demo/emitter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "demo/names.h"

namespace junheng::demo {
namespace {

struct Weighted {
  const char* code;
  double weight;
};

template <size_t N>
const char* Pick(const Weighted (&table)[N], HashRng& rng) {
  double total = 0;
  for (const auto& w : table) total += w.weight;
  double u = rng.Uniform() * total;
  for (const auto& w : table) {
    if (u < w.weight) return w.code;
    u -= w.weight;
  }
  return table[N - 1].code;
}

// Underlying causes by age, after the leading causes of China's death-cause surveillance
// (stroke, ischaemic heart disease, COPD, lung and liver cancer for adults; preterm birth,
// asphyxia and malformations for infants; injuries for the young).
constexpr Weighted kInfant[] = {{"P07", 30}, {"P21", 15}, {"Q24", 15}, {"P22", 10}, {"P36", 8},
                                {"J18", 10}, {"Q89", 7}, {"W75", 5}};
constexpr Weighted kChild[] = {{"V89", 25}, {"W69", 20}, {"C91", 12}, {"J18", 10}, {"Q24", 8},
                               {"G40", 8}, {"W19", 7}, {"C71", 5}, {"X59", 5}};
constexpr Weighted kYoung[] = {{"V89", 25}, {"X70", 10}, {"I21", 10}, {"C22", 8}, {"W19", 8},
                               {"I61", 7}, {"C91", 5}, {"W69", 5}, {"K74", 5}, {"C34", 5}, {"X59", 6}, {"B20", 2}};
constexpr Weighted kMiddle[] = {{"C34", 16}, {"I21", 14}, {"I63", 12}, {"C22", 10}, {"I61", 8},
                                {"C16", 7}, {"C15", 5}, {"V89", 6}, {"K74", 5}, {"J44", 4}, {"E14", 4},
                                {"C18", 3}, {"C50", 3}, {"X70", 3}};
constexpr Weighted kOld[] = {{"I63", 20}, {"I21", 16}, {"J44", 12}, {"I61", 7}, {"C34", 8}, {"I10", 6},
                             {"I50", 5}, {"C16", 4}, {"C22", 4}, {"E14", 4}, {"J18", 4}, {"G30", 3},
                             {"C15", 2}, {"N18", 2}, {"W19", 2}, {"R54", 1}};
constexpr Weighted kMaternal[] = {{"O72", 40}, {"O15", 15}, {"O88", 15}, {"O14", 10}, {"O99", 20}};

// Where out-migrants go: Taiyuan first, then neighbouring cities and the big coastal
// cities; rarely abroad (ISO 3166 alpha-3).
constexpr Weighted kDestinations[] = {
    {"140100", 25}, {"140105", 10}, {"140106", 5}, {"140802", 8}, {"140402", 4}, {"110105", 6},
    {"110108", 4}, {"310115", 4}, {"440305", 3}, {"440106", 2}, {"610113", 6}, {"410102", 4},
    {"130102", 3}, {"120104", 3}, {"320106", 2}, {"330106", 2}, {"370102", 2}, {"510107", 2},
    {"KOR", 0.2}, {"JPN", 0.15}, {"AUS", 0.1}, {"USA", 0.1}, {"SGP", 0.05}};

int32_t LogNormalDays(HashRng& rng, double median, double sigma) {
  return static_cast<int32_t>(median * std::exp(sigma * rng.Normal()));
}

uint64_t Key(int64_t a, int64_t b) { return (static_cast<uint64_t>(a) << 32) ^ static_cast<uint64_t>(b); }

}  // namespace

Emitter::Emitter(const DemoOptions& options, Simulation& sim, Sink& sink, DemoStats& stats)
    : options_(options), sim_(sim), sink_(sink), stats_(stats), today_(options.today.days()) {}

std::string Emitter::NextId(char prefix, int64_t& counter) const {
  return fmt::format("{}{:09d}", prefix, ++counter);
}

int32_t Emitter::Delay(EventType type, HashRng& rng) const {
  // About 2.5 % of records are very late (found at a later check, 90-400 days);
  // otherwise lognormal: births median 8 days (≈88 % within 30), deaths 4, moves 14.
  if (type != EventType::kEnumerate && rng.Uniform() < 0.025) return 90 + rng.Below(311);
  switch (type) {
    case EventType::kBirth: return LogNormalDays(rng, 8, 1.0);
    case EventType::kDeath: return LogNormalDays(rng, 4, 0.9);
    default: return LogNormalDays(rng, 14, 0.8);
  }
}

Timestamp Emitter::OfficeTime(int32_t day, HashRng& rng) const {
  // An office hour 08:30-17:30 Shanghai time (UTC+8), to the second.
  const int64_t local = 8 * 3600 + 1800 + static_cast<int64_t>(rng.Uniform() * 9 * 3600);
  return Timestamp{static_cast<int64_t>(day) * 86400 + local - 8 * 3600};
}

std::string Emitter::DeathCause(int age, int sex, bool maternal, HashRng& rng) {
  if (maternal) return Pick(kMaternal, rng);
  (void)sex;
  if (age < 1) return Pick(kInfant, rng);
  if (age < 15) return Pick(kChild, rng);
  if (age < 45) return Pick(kYoung, rng);
  if (age < 65) return Pick(kMiddle, rng);
  return Pick(kOld, rng);
}

std::string Emitter::Destination(HashRng& rng) { return Pick(kDestinations, rng); }

std::string Emitter::CitizenId(const PersonState& p, int32_t i) {
  (void)i;
  const Date birth = Date::FromDays(p.birth);
  int y, m, d;
  birth.ToYmd(y, m, d);
  auto& seq = id_seq_[Key(p.origin, p.birth)];
  const int sex = p.sex - 1;
  // Sequence: odd for men (1, 3, ...), even for women (2, 4, ...); unique per address
  // code and birth date.
  const int n = 1 + sex + 2 * seq[sex]++;
  if (n > 999) return {};  // exhausted (never at scale 1): no id rather than a duplicate
  std::string first17 = fmt::format("{}{:04d}{:02d}{:02d}{:03d}", sim_.address_codes()[p.origin], y, m, d, n);
  first17 += CitizenIdCheckChar(first17);
  return first17;
}

Person Emitter::MakePerson(int32_t i) {
  const PersonState& p = sim_.persons()[i];
  HashRng rng(options_.seed, static_cast<uint64_t>(i) * 4 + 1);
  Person out;
  out.person_id = fmt::format("LF{:09d}", i + 1);
  out.citizen_id = CitizenId(p, i);
  out.sex = p.sex == 1 ? Sex::kMale : Sex::kFemale;
  out.name = MakeName(rng, out.sex);
  out.birth_date = Date::FromDays(p.birth);
  // Linfen is almost entirely Han; a few Hui (03), Manchu (11) and Mongol (02).
  const double e = rng.Uniform();
  out.ethnicity = e < 0.996 ? "01" : e < 0.998 ? "03" : e < 0.999 ? "11" : "02";
  if (p.flags & kInMigrant)
    out.hukou_division = DivisionCode::FromValue(std::stoull(sim_.address_codes()[p.origin]) * 1000000);
  else
    out.hukou_division = sim_.villages()[p.hukou].code;
  const auto& persons = sim_.persons();
  if (p.mother >= 0 && (persons[p.mother].flags & kReported)) out.mother_id = fmt::format("LF{:09d}", p.mother + 1);
  if (p.father >= 0 && (persons[p.father].flags & kReported)) out.father_id = fmt::format("LF{:09d}", p.father + 1);
  out.household_id = fmt::format("H{:09d}", p.household + 1);
  // Adults (16+ on the day they enter the register) mostly have a mobile phone.
  const int age = static_cast<int>((std::max(p.last_day, options_.start.days()) - p.birth) / 365.2425);
  if (age >= 16 && rng.Uniform() < 0.9) out.phone = MakePhone(rng);
  return out;
}

Status Emitter::EmitBase() {
  auto& persons = sim_.persons();
  const int64_t n = sim_.base_size();
  for (int64_t i = 0; i < n; ++i) {
    JH_RETURN_IF_ERROR(sink_.OnPerson(MakePerson(static_cast<int32_t>(i))));
    persons[i].flags |= kReported;
  }
  Event& e = event_;
  e = Event{};
  e.source = "census";
  e.type = EventType::kEnumerate;
  e.date = options_.start;
  // Census enumeration is recorded on the day: 09:00 Shanghai.
  e.recorded_at = Timestamp{static_cast<int64_t>(options_.start.days()) * 86400 + 3600};
  for (int64_t i = 0; i < n; ++i) {
    e.event_id = NextId('E', n_enumerate_);
    e.person_id = fmt::format("LF{:09d}", i + 1);
    e.division = sim_.villages()[persons[i].village].code;
    JH_RETURN_IF_ERROR(sink_.OnEvent(e));
  }
  stats_.persons += n;
  stats_.events += n;
  stats_.base_population = n;
  return sink_.OnBatchEnd("base");
}

Status Emitter::EmitYear(std::vector<PendingEvent>& events, YearStats& year) {
  keys_.clear();
  keys_.reserve(events.size());
  for (size_t k = 0; k < events.size(); ++k) {
    const auto& pe = events[k];
    keys_.push_back((static_cast<uint64_t>(pe.day) << 32) | (static_cast<uint64_t>(SameDayRank(pe.type)) << 28) |
                    static_cast<uint64_t>(k));
  }
  std::sort(keys_.begin(), keys_.end());
  auto& persons = sim_.persons();
  for (uint64_t key : keys_) {
    const PendingEvent& pe = events[key & 0x0fffffff];
    PersonState& p = persons[pe.person];
    const bool entry = IsEntry(pe.type);
    HashRng rng(options_.seed, (static_cast<uint64_t>(pe.person) << 24) ^ (static_cast<uint64_t>(pe.day) << 4) ^
                                   static_cast<uint64_t>(pe.type) ^ 0x5a5a000000000000ULL);
    int32_t delay = Delay(pe.type, rng);
    if (pe.type == EventType::kBirth && pe.plurality == 2 && pe.person > 0 &&
        persons[pe.person - 1].birth == pe.day && persons[pe.person - 1].mother == p.mother) {
      // The second twin is registered with the first: same delay.
      HashRng first(options_.seed, (static_cast<uint64_t>(pe.person - 1) << 24) ^
                                       (static_cast<uint64_t>(pe.day) << 4) ^ static_cast<uint64_t>(pe.type) ^
                                       0x5a5a000000000000ULL);
      delay = Delay(pe.type, first);
    }
    const int32_t recorded = pe.day + delay;
    bool held = recorded > today_;
    if (entry) {
      if (pe.type == EventType::kBirth && !(persons[p.mother].flags & kReported)) held = true;
    } else if (!(p.flags & kReported)) {
      held = true;
    }
    if (held) { ++stats_.unreported; continue; }

    if (entry) {
      JH_RETURN_IF_ERROR(sink_.OnPerson(MakePerson(pe.person)));
      p.flags |= kReported;
      ++stats_.persons;
    }
    Event& e = event_;
    e = Event{};
    e.type = pe.type;
    e.date = Date::FromDays(pe.day);
    e.recorded_at = OfficeTime(recorded, rng);
    e.person_id = fmt::format("LF{:09d}", pe.person + 1);
    e.division = sim_.villages()[pe.village].code;
    switch (pe.type) {
      case EventType::kBirth: {
        e.source = "health";
        e.event_id = NextId('B', n_birth_);
        e.mother_id = fmt::format("LF{:09d}", p.mother + 1);
        if (p.father >= 0 && (persons[p.father].flags & kReported)) e.father_id = fmt::format("LF{:09d}", p.father + 1);
        e.birth_order = pe.birth_order;
        e.plurality = pe.plurality;
        // Gestation: ~7 % preterm singletons; twins about 36 weeks. Weight follows
        // gestation (≈180 g a week near term), twins ~600 g lighter.
        HashRng b(options_.seed, static_cast<uint64_t>(pe.person) * 4 + 2);
        const bool twin = pe.plurality > 1;
        double weeks = twin ? 36 + 1.5 * b.Normal() : b.Uniform() < 0.07 ? 32 + 4.5 * b.Uniform() : 39.2 + 1.1 * b.Normal();
        weeks = std::clamp(weeks, 28.0, 42.0);
        e.gestation_weeks = static_cast<int>(weeks);
        e.weight_g = std::clamp(static_cast<int>(3300 + (weeks - 39.5) * 180 + 380 * b.Normal() - (twin ? 600 : 0)),
                                900, 5200);
        ++year.births;
        break;
      }
      case EventType::kDeath: {
        // Hospital and funeral deaths reach civil affairs; the rest public security.
        e.source = rng.Uniform() < 0.7 ? "civil_affairs" : "public_security";
        e.event_id = NextId('D', n_death_);
        const int age = AgeInYears(Date::FromDays(p.birth), e.date);
        e.cause = DeathCause(age, p.sex, pe.maternal != 0, rng);
        if (pe.maternal) e.maternal = 1;
        ++year.deaths;
        break;
      }
      case EventType::kMoveIn:
        e.source = "public_security";
        e.event_id = NextId('I', n_in_);
        e.other_place = sim_.address_codes()[p.origin];
        ++year.moves_in;
        break;
      case EventType::kMoveOut:
        e.source = "public_security";
        e.event_id = NextId('O', n_out_);
        e.other_place = Destination(rng);
        ++year.moves_out;
        break;
      default:
        e.source = "public_security";
        e.event_id = NextId('M', n_move_);
        ++year.moves_within;
        break;
    }
    JH_RETURN_IF_ERROR(sink_.OnEvent(e));
    ++stats_.events;
  }
  stats_.births += year.births;
  stats_.deaths += year.deaths;
  stats_.moves_in += year.moves_in;
  stats_.moves_out += year.moves_out;
  stats_.moves_within += year.moves_within;
  return sink_.OnBatchEnd(std::to_string(year.year));
}

}  // namespace junheng::demo
