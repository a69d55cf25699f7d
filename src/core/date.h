// core/date.h: civil dates, exact ages, UTC timestamps.
//
// A Date is a civil (calendar) date with no time zone, stored as days since
// 1970-01-01 in the proleptic Gregorian calendar. Dates of events, births and
// periods are Dates. A Timestamp is an instant, seconds since the Unix epoch in
// UTC; it is stored in UTC and shown in Asia/Shanghai (UTC+8, no DST since 1991).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace junheng {

class Date {
 public:
  constexpr Date() = default;
  // REQUIRES: a valid date (use FromYmd or Parse for untrusted input).
  static constexpr Date FromDays(int32_t days_since_epoch) { return Date(days_since_epoch); }
  // Fails with kInvalidArgument for month 13, 30 February, year < 1800 or > 2200, ...
  static Result<Date> FromYmd(int year, int month, int day);
  // Parses exactly "YYYY-MM-DD".
  static Result<Date> Parse(std::string_view text);
  // Parses exactly "YYYYMMDD" (as inside a citizen id).
  static Result<Date> ParseCompact(std::string_view text);

  constexpr int32_t days() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  void ToYmd(int& year, int& month, int& day) const;
  std::string ToString() const;  // "YYYY-MM-DD"

  constexpr Date AddDays(int32_t n) const { return Date(days_ + n); }
  constexpr friend int32_t operator-(Date a, Date b) { return a.days_ - b.days_; }
  constexpr friend auto operator<=>(Date, Date) = default;

 private:
  constexpr explicit Date(int32_t d) : days_(d) {}
  int32_t days_ = 0;
};

bool IsLeapYear(int year);
int DaysInMonth(int year, int month);
// Days from 1970-01-01 to the given valid civil date (Howard Hinnant's algorithm).
int32_t DaysFromCivil(int year, int month, int day);

// Exact age in completed years on `on` of a person born on `birth`.
// A 29 February birthday falls on 1 March in common years. Negative if on < birth.
int AgeInYears(Date birth, Date on);

// An instant in UTC, seconds since 1970-01-01T00:00:00Z.
struct Timestamp {
  int64_t seconds = 0;
  friend auto operator<=>(Timestamp, Timestamp) = default;
  // The civil date of this instant in Asia/Shanghai.
  Date ShanghaiDate() const;
  std::string ToUtcString() const;  // "2024-03-01T02:00:00Z"
  // For people: the time in Asia/Shanghai, "2024-03-01 10:00:00".
  std::string ToShanghaiString() const;
};

// Parses ISO 8601: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" (a space may stand
// for the T), with "Z" or "+HH:MM"/"-HH:MM". Without an offset the time is taken
// as Asia/Shanghai local time (UTC+8), because every source is a Chinese
// department; a bare date means 00:00 that day in Shanghai. The instant must fall in
// 1800–2200 both in UTC and in Shanghai time, so that what ToUtcString and
// ToShanghaiString write parses again.
Result<Timestamp> ParseTimestamp(std::string_view text);

}  // namespace junheng
