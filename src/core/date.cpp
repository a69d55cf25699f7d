#include "core/date.h"

#include <fmt/format.h>

#include <charconv>

namespace junheng {
namespace {

// Civil date from days since the epoch (Howard Hinnant, "chrono-Compatible
// Low-Level Date Algorithms"); the algorithm is public domain arithmetic.
void CivilFromDays(int32_t z, int& y, int& m, int& d) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const uint32_t doe = static_cast<uint32_t>(z - era * 146097);
  const uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t yy = static_cast<int32_t>(yoe) + era * 400;
  const uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const uint32_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = yy + (m <= 2);
}

bool ParseDigits(std::string_view text, int& out) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

constexpr int64_t kShanghaiOffsetSeconds = 8 * 3600;

}  // namespace

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const uint32_t yoe = static_cast<uint32_t>(y - era * 400);
  const uint32_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

Result<Date> Date::FromYmd(int year, int month, int day) {
  if (year < 1800 || year > 2200)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("year {} is out of range 1800–2200", year));
  if (month < 1 || month > 12)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("month {} does not exist", month));
  if (day < 1 || day > DaysInMonth(year, month))
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{:04}-{:02} has no day {}", year, month, day));
  return Date(DaysFromCivil(year, month, day));
}

Result<Date> Date::Parse(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ParseDigits(text.substr(0, 4), y) ||
      !ParseDigits(text.substr(5, 2), m) || !ParseDigits(text.substr(8, 2), d))
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("\"{}\" is not a date of the form YYYY-MM-DD", text));
  return FromYmd(y, m, d);
}

Result<Date> Date::ParseCompact(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 8 || !ParseDigits(text.substr(0, 4), y) || !ParseDigits(text.substr(4, 2), m) ||
      !ParseDigits(text.substr(6, 2), d))
    return Fail(ErrorCode::kInvalidArgument, fmt::format("\"{}\" is not a date YYYYMMDD", text));
  return FromYmd(y, m, d);
}

void Date::ToYmd(int& y, int& m, int& d) const { CivilFromDays(days_, y, m, d); }
int Date::year() const { int y, m, d; ToYmd(y, m, d); return y; }
int Date::month() const { int y, m, d; ToYmd(y, m, d); return m; }
int Date::day() const { int y, m, d; ToYmd(y, m, d); return d; }

std::string Date::ToString() const {
  int y, m, d;
  ToYmd(y, m, d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

int AgeInYears(Date birth, Date on) {
  int by, bm, bd, oy, om, od;
  birth.ToYmd(by, bm, bd);
  on.ToYmd(oy, om, od);
  int age = oy - by;
  // Comparing (month, day) pairs puts a 29 February birthday on 1 March in a
  // common year: on 28 February (2,28) < (2,29) so the year is not complete yet.
  if (om < bm || (om == bm && od < bd)) --age;
  return age;
}

Date Timestamp::ShanghaiDate() const {
  const int64_t local = seconds + kShanghaiOffsetSeconds;
  int64_t days = local / 86400;
  if (local % 86400 < 0) --days;
  return Date::FromDays(static_cast<int32_t>(days));
}

std::string Timestamp::ToUtcString() const {
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) { rem += 86400; --days; }
  const Date d = Date::FromDays(static_cast<int32_t>(days));
  return fmt::format("{}T{:02}:{:02}:{:02}Z", d.ToString(), rem / 3600, rem / 60 % 60, rem % 60);
}

std::string Timestamp::ToShanghaiString() const {
  std::string utc = Timestamp{seconds + kShanghaiOffsetSeconds}.ToUtcString();
  utc[10] = ' ';
  utc.pop_back();  // the Z: this is local time now
  return utc;
}

Result<Timestamp> ParseTimestamp(std::string_view text) {
  auto bad = [&] {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("\"{}\" is not an ISO 8601 time such as 2024-03-01T10:00:00+08:00", text));
  };
  if (text.size() < 10) return bad();
  auto date = Date::Parse(text.substr(0, 10));
  if (!date) return bad();
  int64_t secs = 0;
  int64_t offset = kShanghaiOffsetSeconds;
  std::string_view rest = text.substr(10);
  if (!rest.empty()) {
    if (rest[0] != 'T' && rest[0] != ' ') return bad();
    rest.remove_prefix(1);
    int hh = 0, mm = 0, ss = 0;
    if (rest.size() < 5 || rest[2] != ':' || !ParseDigits(rest.substr(0, 2), hh) ||
        !ParseDigits(rest.substr(3, 2), mm))
      return bad();
    rest.remove_prefix(5);
    if (rest.size() >= 3 && rest[0] == ':') {
      if (!ParseDigits(rest.substr(1, 2), ss)) return bad();
      rest.remove_prefix(3);
      if (!rest.empty() && (rest[0] == '.' || rest[0] == ',')) {  // fraction: ignored
        size_t i = 1;
        while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
        if (i == 1) return bad();
        rest.remove_prefix(i);
      }
    }
    if (hh > 23 || mm > 59 || ss > 60) return bad();
    secs = hh * 3600 + mm * 60 + ss;
    if (rest == "Z" || rest == "z") {
      offset = 0;
    } else if (!rest.empty()) {
      int oh = 0, om = 0;
      if ((rest[0] != '+' && rest[0] != '-')) return bad();
      std::string_view o = rest.substr(1);
      if (o.size() == 5 && o[2] == ':') {
        if (!ParseDigits(o.substr(0, 2), oh) || !ParseDigits(o.substr(3, 2), om)) return bad();
      } else if (o.size() == 4) {
        if (!ParseDigits(o.substr(0, 2), oh) || !ParseDigits(o.substr(2, 2), om)) return bad();
      } else if (o.size() == 2) {
        if (!ParseDigits(o, oh)) return bad();
      } else {
        return bad();
      }
      if (oh > 14 || om > 59) return bad();
      offset = (oh * 3600 + om * 60) * (rest[0] == '-' ? -1 : 1);
    }
  }
  const Timestamp t{static_cast<int64_t>(date->days()) * 86400 + secs - offset};
  // Junheng writes instants back in UTC (ToUtcString) and in Shanghai time, and must read
  // what it writes: both civil dates of the instant must be Dates (1800–2200). So
  // "1800-01-01" (Shanghai), which is 1799-12-31T16:00:00Z, is refused.
  const int64_t first = int64_t{DaysFromCivil(1800, 1, 1)} * 86400;
  const int64_t end = int64_t{DaysFromCivil(2201, 1, 1)} * 86400 - kShanghaiOffsetSeconds;
  if (t.seconds < first || t.seconds >= end)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("\"{}\" is outside the years 1800–2200 in UTC or in Shanghai time", text));
  return t;
}

}  // namespace junheng
