#include "analytics/panel.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include <fmt/format.h>

namespace junheng::analytics {
namespace {

// Birthdays without converting every day to a civil date: the first day of each
// year from a table, plus the day of the year of the birth month and day. In a
// common year, 29 February lands on day 59, which is 1 March: exactly the rule
// of core/date.h.
class Birthdays {
 public:
  static constexpr int kFirstYear = 1800, kLastYear = 2300;
  Birthdays() {
    for (int y = kFirstYear; y <= kLastYear; ++y) jan1_[y - kFirstYear] = DaysFromCivil(y, 1, 1);
    const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int leap = 0; leap < 2; ++leap) {
      int sum = 0;
      for (int m = 0; m < 12; ++m) {
        before_month_[leap][m] = sum;
        sum += days[m] + (leap && m == 1 ? 1 : 0);
      }
    }
  }
  int32_t Jan1(int year) const { return jan1_[year - kFirstYear]; }
  // The day the person born on (month, day) has their birthday in `year`.
  int32_t In(int year, int month, int day) const {
    const bool leap = Jan1(year + 1) - Jan1(year) == 366;
    return Jan1(year) + before_month_[leap][month - 1] + day - 1;
  }

 private:
  int32_t jan1_[kLastYear - kFirstYear + 2];
  int before_month_[2][12];
};

const Birthdays& TheBirthdays() {
  static const Birthdays b;
  return b;
}

struct BirthYmd {
  int year, month, day;
  explicit BirthYmd(int32_t days) { Date::FromDays(days).ToYmd(year, month, day); }
  BirthYmd(int y, int m, int d) : year(y), month(m), day(d) {}
};

// Every birth date of the register as year, month and day, packed in 4 bytes:
// a scan converts a birth date for each stay it splits, and a table lookup is
// several times cheaper than the civil-from-days arithmetic.
class BirthTable {
 public:
  BirthTable(int32_t first, int32_t last) : first_(first) {
    packed_.reserve(static_cast<size_t>(last - first + 1));
    int y, m, d;
    Date::FromDays(first).ToYmd(y, m, d);
    for (int32_t day = first; day <= last; ++day) {
      packed_.push_back(static_cast<uint32_t>(y) << 9 | static_cast<uint32_t>(m) << 5 | static_cast<uint32_t>(d));
      if (day < last) Date::FromDays(day + 1).ToYmd(y, m, d);
    }
  }
  BirthYmd operator()(int32_t day) const {
    const uint32_t p = packed_[day - first_];
    return {static_cast<int>(p >> 9), static_cast<int>(p >> 5 & 15), static_cast<int>(p & 31)};
  }

 private:
  int32_t first_;
  std::vector<uint32_t> packed_;
};

// Age in completed years on `on` (in `on_year`); 29 February birthdays fall on 1 March.
int AgeOn(const BirthYmd& b, int on_year, int32_t on) {
  const int32_t bd = TheBirthdays().In(on_year, b.month, b.day);
  return on_year - b.year - (on < bd ? 1 : 0);
}

// Per-query tables over the span of all periods.
class DayTables {
 public:
  DayTables(std::span<const Period> periods, const Snapshot& snapshot)
      : births_(snapshot.first_birth().days(), snapshot.last_birth().days()), first_(periods.front().from.days()) {
    const int32_t last = periods.back().to.days();
    period_of_.assign(last - first_, -1);
    year_of_.resize(last - first_);
    for (size_t p = 0; p < periods.size(); ++p) {
      std::fill(period_of_.begin() + (periods[p].from.days() - first_),
                period_of_.begin() + (periods[p].to.days() - first_), static_cast<int32_t>(p));
    }
    int year = Date::FromDays(first_).year();
    for (int32_t d = first_; d < last; ++d) {
      if (d >= TheBirthdays().Jan1(year + 1)) ++year;
      year_of_[d - first_] = static_cast<int16_t>(year);
    }
    for (const Period& p : periods) months_.push_back({MonthNumber(p.from), MonthNumber(p.to.AddDays(-1))});
  }
  // The calendar months a period touches, [first, last], counted from kFirstMonth.
  std::pair<int32_t, int32_t> MonthsOf(size_t period) const { return months_[period]; }
  int32_t first() const { return first_; }
  int32_t end() const { return first_ + static_cast<int32_t>(period_of_.size()); }
  bool Covers(int32_t day) const { return day >= first_ && day < end(); }
  int32_t PeriodOf(int32_t day) const { return period_of_[day - first_]; }
  int YearOf(int32_t day) const { return year_of_[day - first_]; }
  // A birth date of the register as year, month and day.
  BirthYmd Birth(int32_t day) const { return births_(day); }

 private:
  static int32_t MonthNumber(Date d) {
    int y, m, day;
    d.ToYmd(y, m, day);
    return y * 12 + m - 1 - kFirstMonth;
  }
  std::vector<std::pair<int32_t, int32_t>> months_;
  BirthTable births_;
  int32_t first_;
  std::vector<int32_t> period_of_;
  std::vector<int16_t> year_of_;
};

// Days lived in one period at one age (by one person, or by everyone born on
// one day), and whether they include the period's first or last day.
struct Piece {
  int32_t period = 0;
  int32_t days = 0;
  int16_t age = 0;
  bool starts = false, ends = false;
};

// Calls emit(Piece) for the days [lo, hi) of someone born on `birth_day`, split
// by period and at birthdays.
template <typename Emit>
void ForEachPiece(const DayTables& days, std::span<const Period> periods, int32_t birth_day, int32_t lo, int32_t hi,
                  Emit&& emit) {
  if (lo >= hi) return;
  const BirthYmd birth = days.Birth(birth_day);
  const Birthdays& bd = TheBirthdays();
  int age = AgeOn(birth, days.YearOf(lo), lo);
  int32_t next_birthday = bd.In(birth.year + age + 1, birth.month, birth.day);
  while (lo < hi) {
    const int32_t p = days.PeriodOf(lo);
    if (p < 0) {  // a gap between periods: skip to the next period's start
      ++lo;
      while (lo < hi && days.PeriodOf(lo) < 0) ++lo;
      while (next_birthday <= lo) next_birthday = bd.In(birth.year + ++age + 1, birth.month, birth.day);
      continue;
    }
    const int32_t piece_end = std::min<int32_t>(hi, periods[p].to.days());
    Piece piece;
    piece.period = p;
    piece.starts = lo == periods[p].from.days();
    while (lo < piece_end) {
      const int32_t stop = std::min(piece_end, next_birthday);
      piece.days = stop - lo;
      piece.age = static_cast<int16_t>(std::clamp(age, 0, kOpenAge));
      piece.ends = stop == periods[p].to.days();
      emit(piece);
      piece.starts = false;
      lo = stop;
      if (lo == next_birthday) next_birthday = bd.In(birth.year + ++age + 1, birth.month, birth.day);
    }
  }
}

// The pieces of everyone present over the whole query, by birth date: the same
// for every unit, so computed once per panel (birth dates no unit has are skipped).
struct Profiles {
  static constexpr size_t kBirthsPerChunk = 4096;
  // Birth index b's pieces are chunks[b / kBirthsPerChunk][begin[b], end), where
  // end is begin[b + 1], or the chunk's size for its last birth: each chunk is
  // filled by one task, with no copy into a common array.
  std::vector<std::vector<Piece>> chunks;
  std::vector<uint32_t> begin;  // one per birth index
  std::span<const Piece> Of(size_t b) const {
    const std::vector<Piece>& c = chunks[b / kBirthsPerChunk];
    const bool last_of_chunk = (b + 1) % kBirthsPerChunk == 0 || b + 1 == begin.size();
    const uint32_t end = last_of_chunk ? static_cast<uint32_t>(c.size()) : begin[b + 1];
    return std::span<const Piece>(c).subspan(begin[b], end - begin[b]);
  }
};

// A piece of work: divisions [first, last) of one unit.
struct Work {
  size_t unit;
  uint32_t first, last;
};

class Scanner {
 public:
  Scanner(const Snapshot& snapshot, std::span<const Period> periods, const DayTables& days,
          Snapshot::Range unit)
      : snap_(snapshot), periods_(periods), days_(days), unit_(unit) {}

  // Scans divisions [first, last). Stays that span the whole query and begin with
  // no migration (most of the population: present before the first day and still
  // there after the last) add days that depend only on birth date and sex: they
  // are only counted here, into `spanning` (by sex, then birth date − first_birth),
  // and AddSpanning adds their days once per birth date for the whole unit.
  void Scan(uint32_t first, uint32_t last, std::vector<Tally>& out,
            std::array<std::vector<int32_t>, kSexes>& spanning) {
    const int32_t birth0 = snap_.first_birth().days();
    for (auto& counts : spanning) counts.assign(snap_.last_birth() - snap_.first_birth() + 1, 0);
    for (uint32_t d = first; d < last; ++d) {
      const DivisionData& data = snap_.divisions()[d];
      for (size_t i = 0; i < data.stays.size(); ++i) {
        const StayCore& s = data.stays[i];
        if (s.from <= days_.first() && s.to >= days_.end() &&
            (s.from < days_.first() || (s.entry != Entry::kMoveIn && s.entry != Entry::kMove))) {
          ++spanning[s.sex == Sex::kMale ? 0 : 1][s.birth - birth0];
        } else {
          ScanStay(s, data.stay_links[i], out);
        }
      }
      for (const BirthRecord& b : data.births) ScanBirth(b, out);
      for (const DeathRecord& x : data.deaths) ScanDeath(x, out);
      for (size_t i = 0; i < data.record_dates.size(); ++i) {
        const int32_t day = data.record_dates[i];
        if (!days_.Covers(day) || days_.PeriodOf(day) < 0) continue;
        auto& hist = out[days_.PeriodOf(day)].delay_days;
        const uint16_t delay = data.record_delays[i];
        if (hist.size() <= delay) hist.resize(delay + 1, 0);
        ++hist[delay];
      }
      if (snap_.tree().all()[d].level == DivisionLevel::kVillage) ScanReporting(data, out);
    }
  }

  // Adds the days of the residents counted in `spanning` for one sex.
  static void AddSpanning(int sex, const std::vector<int32_t>& spanning, const Profiles& profiles,
                          std::vector<Tally>& out) {
    for (size_t b = 0; b < spanning.size(); ++b) {
      const int64_t n = spanning[b];
      if (n == 0) continue;
      for (const Piece& piece : profiles.Of(b)) {
        Tally& t = out[piece.period];
        t.person_days[sex][piece.age] += piece.days * n;
        if (piece.starts) t.population_start[sex] += n;
        if (piece.ends) t.population_end[sex] += n;
      }
    }
  }

 private:
  bool InUnit(uint32_t division) const { return division >= unit_.first && division < unit_.last; }

  // `links` is read only for moves.
  void ScanStay(const StayCore& s, const StayLinks& links, std::vector<Tally>& out) {
    if (s.dead_slot) return;
    const int sex = s.sex == Sex::kMale ? 0 : 1;
    // Migration: the day of entry and the day of leaving.
    if (days_.Covers(s.from) && days_.PeriodOf(s.from) >= 0) {
      Tally& t = out[days_.PeriodOf(s.from)];
      if (s.entry == Entry::kMoveIn) {
        ++t.in_migrants;
      } else if (s.entry == Entry::kMove && !InUnit(links.origin)) {
        ++t.in_migrants;
        if (links.origin != kNone) ++t.in_internal;
      }
    }
    if ((s.exit == Exit::kMoveOut || s.exit == Exit::kMove) && days_.Covers(s.to) &&
        days_.PeriodOf(s.to) >= 0) {
      Tally& t = out[days_.PeriodOf(s.to)];
      if (s.exit == Exit::kMoveOut) {
        ++t.out_migrants;
      } else if (!InUnit(links.next_division)) {
        ++t.out_migrants;
        ++t.out_internal;
      }
    }
    AddDays(sex, s.birth, std::max(s.from, days_.first()), std::min(s.to, days_.end()), 1, out);
  }

  // Adds `weight` residents born on `birth_day` present over [lo, hi): days by
  // period and age (split at birthdays), and the first- and last-day populations.
  void AddDays(int sex, int32_t birth_day, int32_t lo, int32_t hi, int64_t weight, std::vector<Tally>& out) {
    ForEachPiece(days_, periods_, birth_day, lo, hi, [&](const Piece& piece) {
      Tally& t = out[piece.period];
      t.person_days[sex][piece.age] += piece.days * weight;
      if (piece.starts) t.population_start[sex] += weight;
      if (piece.ends) t.population_end[sex] += weight;
    });
  }

  void ScanBirth(const BirthRecord& b, std::vector<Tally>& out) {
    if (!days_.Covers(b.date) || days_.PeriodOf(b.date) < 0) return;
    Tally& t = out[days_.PeriodOf(b.date)];
    ++t.births[b.sex == Sex::kMale ? 0 : 1];
    const int order = std::min<int>(b.order, 3);
    ++t.births_by_order[order];
    if (b.mother == kNone) {
      ++t.births_mother_unknown;
      return;
    }
    const BirthYmd mother = days_.Birth(b.mother_birth);
    const int year = days_.YearOf(b.date);
    const int age = AgeOn(mother, year, b.date);
    ++t.births_by_mother_age[std::clamp(age, 0, kOpenAge)];
    const Birthdays& bd = TheBirthdays();
    const int32_t last = bd.In(mother.year + age, mother.month, mother.day);
    const int32_t next = bd.In(mother.year + age + 1, mother.month, mother.day);
    const double exact = age + static_cast<double>(b.date - last) / (next - last);
    t.mother_age_sum[0] += exact;
    ++t.mother_age_count[0];
    if (order > 0) {
      t.mother_age_sum[order] += exact;
      ++t.mother_age_count[order];
    }
  }

  void ScanDeath(const DeathRecord& x, std::vector<Tally>& out) {
    if (!days_.Covers(x.date) || days_.PeriodOf(x.date) < 0) return;
    Tally& t = out[days_.PeriodOf(x.date)];
    const BirthYmd birth = days_.Birth(x.birth);
    const int age = std::max(0, AgeOn(birth, days_.YearOf(x.date), x.date));
    ++t.deaths[x.sex == Sex::kMale ? 0 : 1][std::min(age, kOpenAge)];
    if (x.date - x.birth < 28) ++t.deaths_under_28_days;
    if (age < 1) ++t.deaths_under_1;
    if (age < 5) ++t.deaths_under_5;
    if (x.maternal) ++t.maternal_deaths;
  }

  void ScanReporting(const DivisionData& data, std::vector<Tally>& out) {
    for (size_t p = 0; p < periods_.size(); ++p) {
      const auto [m0, m1] = days_.MonthsOf(p);
      for (int32_t m = m0; m <= m1; ++m) {
        ++out[p].village_months;
        const size_t word = static_cast<size_t>(m) / 64;
        if (m >= 0 && word < data.months_received.size() &&
            (data.months_received[word] >> (m % 64) & 1)) {
          ++out[p].village_months_reporting;
        }
      }
    }
  }

  const Snapshot& snap_;
  std::span<const Period> periods_;
  const DayTables& days_;
  Snapshot::Range unit_;
};

Status CheckPeriods(std::span<const Period> periods) {
  if (periods.empty()) return Fail(ErrorCode::kInvalidArgument, "no period was given");
  for (size_t i = 0; i < periods.size(); ++i) {
    if (periods[i].from >= periods[i].to) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("period {} to {} is empty", periods[i].from.ToString(),
                              periods[i].to.ToString()));
    }
    if (i > 0 && periods[i].from < periods[i - 1].to) {
      return Fail(ErrorCode::kInvalidArgument, "periods must be in date order and must not overlap");
    }
  }
  if (periods.front().from.year() < Birthdays::kFirstYear + 1 ||
      periods.back().to.year() > Birthdays::kLastYear - 1) {
    return Fail(ErrorCode::kInvalidArgument, "periods must lie between 1801 and 2299");
  }
  return {};
}

}  // namespace

Result<std::vector<Tally>> TallyPanel(const Snapshot& snapshot, const PanelQuery& query) {
  JH_RETURN_IF_ERROR(CheckPeriods(query.periods));
  std::vector<Snapshot::Range> ranges;
  for (DivisionCode unit : query.units) {
    const Snapshot::Range r = snapshot.RangeOf(unit);
    if (r.first == r.last) {
      return Fail(ErrorCode::kNotFound,
                  fmt::format("division {} is not in the register's division list", unit.ToString()));
    }
    ranges.push_back(r);
  }
  const DayTables days(query.periods, snapshot);
  const size_t n_periods = query.periods.size();

  // Cut the units into pieces of similar size, so that both a panel of many small
  // units and one big unit keep every thread busy.
  const unsigned threads =
      std::max(1u, query.threads ? query.threads : std::thread::hardware_concurrency());
  size_t total = 0;
  for (const auto& r : ranges) {
    for (uint32_t d = r.first; d < r.last; ++d) total += snapshot.divisions()[d].stays.size() + 1;
  }
  const size_t target = std::max<size_t>(1, total / (threads * 8));
  std::vector<Work> work;
  for (size_t u = 0; u < ranges.size(); ++u) {
    uint32_t start = ranges[u].first;
    size_t size = 0;
    for (uint32_t d = ranges[u].first; d < ranges[u].last; ++d) {
      size += snapshot.divisions()[d].stays.size() + 1;
      if (size >= target || d + 1 == ranges[u].last) {
        work.push_back({u, start, d + 1});
        start = d + 1;
        size = 0;
      }
    }
  }

  // Phase 1: scan the pieces. Phase 2: per unit and sex, add the days of the
  // residents spanning the whole query, counted by birth date over all the unit's
  // pieces, so that each birth date's days are computed once per unit.
  std::vector<std::vector<Tally>> partial(work.size() + ranges.size() * kSexes);
  std::vector<std::array<std::vector<int32_t>, kSexes>> spanning(work.size());
  std::vector<std::vector<int32_t>> unit_spanning(ranges.size() * kSexes);
  auto run_parallel = [&](size_t tasks, const auto& task) {
    std::atomic<size_t> next{0};
    auto run = [&] {
      for (size_t i; (i = next.fetch_add(1)) < tasks;) task(i);
    };
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < std::min<size_t>(threads, tasks); ++t) pool.emplace_back(run);
    run();
  };
  run_parallel(work.size(), [&](size_t i) {
    partial[i].resize(n_periods);
    Scanner(snapshot, query.periods, days, ranges[work[i].unit])
        .Scan(work[i].first, work[i].last, partial[i], spanning[i]);
  });
  for (size_t i = 0; i < work.size(); ++i) {
    for (int sex = 0; sex < kSexes; ++sex) {
      std::vector<int32_t>& into = unit_spanning[work[i].unit * kSexes + sex];
      if (into.empty()) {
        into = std::move(spanning[i][sex]);
      } else {
        for (size_t b = 0; b < into.size(); ++b) into[b] += spanning[i][sex][b];
      }
    }
  }
  // Each birth date's pieces once for the panel, then every unit adds them × its count.
  const size_t n_births = snapshot.last_birth() - snapshot.first_birth() + 1;
  std::vector<uint8_t> present(n_births, 0);
  for (const auto& counts : unit_spanning) {
    for (size_t b = 0; b < counts.size(); ++b) present[b] |= counts[b] != 0;
  }
  Profiles profiles;
  profiles.chunks.resize((n_births + Profiles::kBirthsPerChunk - 1) / Profiles::kBirthsPerChunk);
  profiles.begin.assign(n_births, 0);
  run_parallel(profiles.chunks.size(), [&](size_t c) {
    std::vector<Piece>& pieces = profiles.chunks[c];
    for (size_t b = c * Profiles::kBirthsPerChunk; b < std::min(n_births, (c + 1) * Profiles::kBirthsPerChunk); ++b) {
      profiles.begin[b] = static_cast<uint32_t>(pieces.size());
      if (!present[b]) continue;
      ForEachPiece(days, query.periods, snapshot.first_birth().days() + static_cast<int32_t>(b), days.first(),
                   days.end(), [&](const Piece& piece) { pieces.push_back(piece); });
    }
  });
  run_parallel(unit_spanning.size(), [&](size_t k) {
    std::vector<Tally>& out = partial[work.size() + k];
    out.resize(n_periods);
    if (!unit_spanning[k].empty()) Scanner::AddSpanning(k % kSexes, unit_spanning[k], profiles, out);
  });

  // Merge in a fixed order, so that floating-point sums do not depend on timing.
  std::vector<Tally> result(ranges.size() * n_periods);
  for (size_t u = 0; u < ranges.size(); ++u) {
    for (size_t p = 0; p < n_periods; ++p) result[u * n_periods + p].period = query.periods[p];
  }
  for (size_t i = 0; i < partial.size(); ++i) {
    const size_t unit = i < work.size() ? work[i].unit : (i - work.size()) / kSexes;
    for (size_t p = 0; p < n_periods; ++p) result[unit * n_periods + p].Merge(partial[i][p]);
  }
  return result;
}

Result<Tally> TallyOne(const Snapshot& snapshot, DivisionCode unit, const Period& period) {
  JH_ASSIGN_OR_RETURN(std::vector<Tally> tallies, TallyPanel(snapshot, {{unit}, {period}, 1}));
  return std::move(tallies.front());
}

Result<std::array<ByAge, kSexes>> PointPopulation(const Snapshot& snapshot, DivisionCode unit, Date on) {
  const Snapshot::Range r = snapshot.RangeOf(unit);
  if (r.first == r.last) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("division {} is not in the register's division list", unit.ToString()));
  }
  std::array<ByAge, kSexes> out{};
  const int year = on.year();
  for (uint32_t d = r.first; d < r.last; ++d) {
    for (const StayCore& s : snapshot.divisions()[d].stays) {
      if (s.from > on.days() || s.to <= on.days()) continue;
      const int age = AgeOn(BirthYmd(s.birth), year, on.days());
      ++out[s.sex == Sex::kMale ? 0 : 1][std::clamp(age, 0, kOpenAge)];
    }
  }
  return out;
}

}  // namespace junheng::analytics
