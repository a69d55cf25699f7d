// tests/core/date_test.cpp: civil dates, ages and timestamps (core/date.h).
#include "core/date.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace junheng {
namespace {

// 2024-03-01T00:00:00Z, from `date -u -d 2024-03-01T00:00:00Z +%s`.
constexpr int64_t kMarch1st2024Utc = 1709251200;

Date D(std::string_view text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << "test setup: bad date " << text;
  return d.value_or(Date());
}

TEST(DateTest, ParseAcceptsRealDatesAndRejectsImpossibleOnes) {
  struct Case {
    std::string_view text;
    bool valid;
  };
  const Case cases[] = {
      {"2024-03-01", true},
      {"1970-01-01", true},
      {"1800-01-01", true},   // lowest year accepted
      {"2200-12-31", true},   // highest year accepted
      {"2024-02-29", true},   // leap year
      {"2000-02-29", true},   // divisible by 400: leap
      {"2023-02-29", false},  // common year
      {"1900-02-29", false},  // divisible by 100, not by 400: common
      {"2024-02-30", false},
      {"2024-04-31", false},
      {"2024-13-01", false},
      {"2024-00-10", false},
      {"2024-01-00", false},
      {"1799-12-31", false},  // out of range
      {"2201-01-01", false},
      {"2024-3-1", false},     // not zero-padded
      {"2024/03/01", false},
      {"20240301", false},
      {"2024-03-01 ", false},  // trailing space
      {" 2024-03-01", false},
      {"2024-03-0a", false},
      {"+024-03-01", false},
      {"2024--3-01", false},
      {"", false},
      {"2024-03-01T10:00", false},
  };
  for (const Case& c : cases) {
    auto d = Date::Parse(c.text);
    EXPECT_EQ(d.has_value(), c.valid) << "Date::Parse(\"" << c.text << "\")";
    if (d) {
      EXPECT_EQ(d->ToString(), c.text) << "round trip of " << c.text;
    } else {
      EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument) << c.text;
      EXPECT_FALSE(d.error().message.empty()) << c.text;
    }
  }
}

TEST(DateTest, ParseCompactReadsTheCitizenIdForm) {
  struct Case {
    std::string_view text;
    std::string_view expected;  // empty: rejected
  };
  const Case cases[] = {
      {"19491231", "1949-12-31"}, {"20000229", "2000-02-29"}, {"19000229", ""},
      {"2024-3-1", ""},           {"2024030", ""},            {"202403011", ""},
      {"2024O301", ""},
  };
  for (const Case& c : cases) {
    auto d = Date::ParseCompact(c.text);
    if (c.expected.empty()) {
      EXPECT_FALSE(d.has_value()) << "Date::ParseCompact(\"" << c.text << "\") = " << d->ToString();
    } else {
      ASSERT_TRUE(d.has_value()) << "Date::ParseCompact(\"" << c.text << "\"): " << d.error().message;
      EXPECT_EQ(d->ToString(), c.expected) << c.text;
    }
  }
}

TEST(DateTest, EveryDayFrom1900To2100RoundTrips) {
  const Date first = D("1900-01-01");
  const Date last = D("2100-12-31");
  ASSERT_EQ(first.days(), -25567);  // python: (date(1900,1,1) - date(1970,1,1)).days
  ASSERT_EQ(last.days(), 47846);
  int expected_y = 1900, expected_m = 1, expected_d = 1;
  int failures = 0;
  for (Date d = first; d <= last && failures < 10; d = d.AddDays(1)) {
    int y = 0, m = 0, day = 0;
    d.ToYmd(y, m, day);
    // Independent of the algorithm: days advance one by one through the calendar.
    if (y != expected_y || m != expected_m || day != expected_d) {
      ++failures;
      ADD_FAILURE() << "day " << d.days() << " is " << y << "-" << m << "-" << day << ", expected "
                    << expected_y << "-" << expected_m << "-" << expected_d;
    }
    auto back = Date::FromYmd(y, m, day);
    if (!back || *back != d) {
      ++failures;
      ADD_FAILURE() << "FromYmd(" << y << ", " << m << ", " << day << ") does not give day " << d.days();
    }
    if (DaysFromCivil(y, m, day) != d.days()) {
      ++failures;
      ADD_FAILURE() << "DaysFromCivil(" << y << ", " << m << ", " << day << ") != " << d.days();
    }
    const std::string text = d.ToString();
    auto parsed = Date::Parse(text);
    if (!parsed || *parsed != d) {
      ++failures;
      ADD_FAILURE() << "Parse(ToString()) of day " << d.days() << " (\"" << text << "\") differs";
    }
    if (d.year() != y || d.month() != m || d.day() != day) {
      ++failures;
      ADD_FAILURE() << "year()/month()/day() disagree with ToYmd for " << text;
    }
    if (++expected_d > DaysInMonth(expected_y, expected_m)) {
      expected_d = 1;
      if (++expected_m > 12) {
        expected_m = 1;
        ++expected_y;
      }
    }
  }
  EXPECT_EQ(expected_y, 2101) << "the loop should end on 2101-01-01";
}

TEST(DateTest, DaysFromCivilMatchesKnownValues) {
  struct Case {
    int y, m, d;
    int32_t days;
  };
  const Case cases[] = {
      {1970, 1, 1, 0},     {1970, 1, 2, 1},        {1969, 12, 31, -1}, {2000, 3, 1, 11017},
      {2000, 1, 1, 10957}, {2024, 2, 29, 19782},   {1900, 1, 1, -25567},
      {2100, 12, 31, 47846},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DaysFromCivil(c.y, c.m, c.d), c.days) << c.y << "-" << c.m << "-" << c.d;
  }
}

TEST(DateTest, LeapYearsAndMonthLengths) {
  struct Case {
    int year;
    bool leap;
  };
  const Case cases[] = {{2024, true}, {2023, false}, {2000, true}, {1900, false}, {2100, false},
                        {1600, true}, {1996, true}};
  for (const Case& c : cases) {
    EXPECT_EQ(IsLeapYear(c.year), c.leap) << c.year;
    EXPECT_EQ(DaysInMonth(c.year, 2), c.leap ? 29 : 28) << c.year;
  }
  const int kLengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; ++m) EXPECT_EQ(DaysInMonth(2023, m), kLengths[m - 1]) << "month " << m;
}

TEST(DateTest, FromYmdRejectsWithAMessage) {
  struct Case {
    int y, m, d;
  };
  const Case cases[] = {{2024, 13, 1}, {2024, 0, 1}, {2023, 2, 29}, {2024, 6, 31},
                        {2024, 1, 0},  {1799, 1, 1}, {2201, 1, 1}};
  for (const Case& c : cases) {
    auto d = Date::FromYmd(c.y, c.m, c.d);
    ASSERT_FALSE(d.has_value()) << c.y << "-" << c.m << "-" << c.d << " was accepted as " << d->ToString();
    EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument) << c.y << "-" << c.m << "-" << c.d;
  }
}

TEST(DateTest, ArithmeticAndOrder) {
  EXPECT_EQ(D("2024-03-01") - D("2024-02-28"), 2);
  EXPECT_EQ(D("2023-03-01") - D("2023-02-28"), 1);
  EXPECT_EQ(D("2024-12-31").AddDays(1), D("2025-01-01"));
  EXPECT_EQ(D("2024-01-01").AddDays(-1), D("2023-12-31"));
  EXPECT_LT(D("2023-12-31"), D("2024-01-01"));
  EXPECT_EQ(Date(), Date::FromDays(0));
  EXPECT_EQ(Date().ToString(), "1970-01-01");
}

TEST(DateTest, AgeInYearsCountsCompletedYears) {
  struct Case {
    std::string_view birth, on;
    int age;
  };
  const Case cases[] = {
      {"1990-06-15", "2024-06-14", 33},  // day before the birthday
      {"1990-06-15", "2024-06-15", 34},  // on the birthday
      {"1990-06-15", "2024-06-16", 34},
      {"1990-06-15", "2024-01-01", 33},  // earlier month
      {"1990-06-15", "2024-12-31", 34},  // later month
      {"2024-03-01", "2024-03-01", 0},   // born today
      {"2024-03-01", "2025-02-28", 0},
      {"2024-03-01", "2025-03-01", 1},
      // A 29 February birthday falls on 1 March in common years.
      {"2000-02-29", "2023-02-28", 22},
      {"2000-02-29", "2023-03-01", 23},
      {"2000-02-29", "2024-02-28", 23},
      {"2000-02-29", "2024-02-29", 24},
      {"2000-02-29", "2001-02-28", 0},
      {"2000-02-29", "2001-03-01", 1},
      // Before birth: negative.
      {"2000-06-15", "2000-06-14", -1},
      {"2000-06-15", "1999-06-15", -1},
      {"2000-06-15", "1990-01-01", -11},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(AgeInYears(D(c.birth), D(c.on)), c.age) << "born " << c.birth << ", on " << c.on;
  }
}

TEST(TimestampTest, ParseAcceptsIso8601WithAndWithoutOffset) {
  struct Case {
    std::string_view text;
    int64_t seconds;
  };
  const Case cases[] = {
      {"2024-03-01T02:00:00Z", kMarch1st2024Utc + 2 * 3600},
      {"2024-03-01T02:00:00z", kMarch1st2024Utc + 2 * 3600},
      {"2024-03-01T10:00:00+08:00", kMarch1st2024Utc + 2 * 3600},
      {"2024-03-01T10:00:00+0800", kMarch1st2024Utc + 2 * 3600},
      {"2024-03-01T10:00:00+08", kMarch1st2024Utc + 2 * 3600},
      {"2024-03-01T10:00:00", kMarch1st2024Utc + 2 * 3600},  // no offset: Shanghai
      {"2024-03-01 10:00:00", kMarch1st2024Utc + 2 * 3600},  // space for T
      {"2024-03-01T10:00", kMarch1st2024Utc + 2 * 3600},     // no seconds
      {"2024-03-01T10:00+08:00", kMarch1st2024Utc + 2 * 3600},
      {"2024-02-29T21:00:00-05:00", kMarch1st2024Utc + 2 * 3600},
      {"2024-03-01T05:30:00+05:30", kMarch1st2024Utc},
      {"2024-03-01T00:00:00Z", kMarch1st2024Utc},
      {"2024-03-01", kMarch1st2024Utc - 8 * 3600},  // bare date: 00:00 in Shanghai
      {"2024-03-01T02:00:00.5Z", kMarch1st2024Utc + 2 * 3600},        // fraction ignored
      {"2024-03-01T02:00:00.123456Z", kMarch1st2024Utc + 2 * 3600},
      {"2024-03-01T10:00:00,250+08:00", kMarch1st2024Utc + 2 * 3600},  // comma fraction
      {"2024-03-01T10:00:00.999", kMarch1st2024Utc + 2 * 3600},
      {"2024-03-01T23:59:59Z", kMarch1st2024Utc + 86399},
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59Z", -1},
      {"2000-01-01T00:00:00Z", 946684800},
      // The first and last instants whose UTC and Shanghai dates both lie in 1800–2200.
      {"1800-01-01T08:00:00", -5364662400},
      {"2200-12-31T23:59:59", 7289654399 - 8 * 3600},
  };
  for (const Case& c : cases) {
    auto ts = ParseTimestamp(c.text);
    ASSERT_TRUE(ts.has_value()) << "ParseTimestamp(\"" << c.text << "\"): " << ts.error().message;
    EXPECT_EQ(ts->seconds, c.seconds) << "ParseTimestamp(\"" << c.text << "\")";
  }
}

TEST(TimestampTest, ParseRejectsMalformedTimes) {
  const std::string_view cases[] = {
      "",
      "2024",
      "2024-03",
      "2024-02-30T10:00:00Z",       // no such day
      "2024-03-01T",                // T without a time
      "2024-03-01X10:00:00Z",       // wrong separator
      "2024-03-01t10:00:00Z",
      "2024-03-01T24:00:00Z",       // hour 24
      "2024-03-01T10:60:00Z",       // minute 60
      "2024-03-01T10:00:61Z",       // second 61
      "2024-03-01T1:00:00Z",        // unpadded hour
      "2024-03-01T10-00-00Z",
      "2024-03-01T10:00:00.Z",      // empty fraction
      "2024-03-01T10:00:00+8:00",   // unpadded offset
      "2024-03-01T10:00:00+15:00",  // offset beyond 14 h
      "2024-03-01T10:00:00+08:60",
      "2024-03-01T10:00:00 +08:00",
      "2024-03-01T10:00:00ZZ",
      "2024-03-01T10:00:00Zjunk",
      "2024-03-01T10:00:00CST",
      "2024-03-01T10:00:00+",
      "2024-03-01T10:00.5",         // fraction without seconds
      "2024-03-01 ",
      "yesterday at noon",
      // Found by fuzz/date_fuzzer: 1799-12-31T16:00:00Z in UTC, which would not parse back.
      "1800-01-01",
      "1800-01-01T07:59:59",
      "2200-12-31T16:00:00Z",       // 2201-01-01 in Shanghai
      "2200-12-31T23:59:60+08:00",  // a leap second into 2201
  };
  for (std::string_view text : cases) {
    auto ts = ParseTimestamp(text);
    EXPECT_FALSE(ts.has_value()) << "ParseTimestamp(\"" << text << "\") accepted as " << ts->ToUtcString();
    if (!ts) {
      EXPECT_EQ(ts.error().code, ErrorCode::kInvalidArgument) << text;
    }
  }
}

TEST(TimestampTest, ShanghaiDateTurnsAtMidnightUtcPlus8) {
  struct Case {
    int64_t seconds;
    std::string_view shanghai_date;
  };
  const Case cases[] = {
      // 2024-02-29T15:59:59Z is 23:59:59 on 29 Feb in Shanghai; one second later it is 1 March.
      {kMarch1st2024Utc - 8 * 3600 - 1, "2024-02-29"},
      {kMarch1st2024Utc - 8 * 3600, "2024-03-01"},
      {kMarch1st2024Utc, "2024-03-01"},                  // 08:00 local
      {kMarch1st2024Utc + 16 * 3600 - 1, "2024-03-01"},  // 23:59:59 local
      {kMarch1st2024Utc + 16 * 3600, "2024-03-02"},
      {0, "1970-01-01"},
      {-8 * 3600, "1970-01-01"},      // local midnight before the epoch in UTC
      {-8 * 3600 - 1, "1969-12-31"},  // negative seconds round down
      {-86400 * 365, "1969-01-01"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Timestamp{c.seconds}.ShanghaiDate().ToString(), c.shanghai_date) << "seconds " << c.seconds;
  }
}

TEST(TimestampTest, ToUtcStringFormatsAndRoundTrips) {
  struct Case {
    int64_t seconds;
    std::string_view utc;
  };
  const Case cases[] = {
      {0, "1970-01-01T00:00:00Z"},
      {-1, "1969-12-31T23:59:59Z"},
      {kMarch1st2024Utc + 2 * 3600, "2024-03-01T02:00:00Z"},
      {kMarch1st2024Utc + 86399, "2024-03-01T23:59:59Z"},
      {946684800 + 3723, "2000-01-01T01:02:03Z"},
      {-2208988800, "1900-01-01T00:00:00Z"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Timestamp{c.seconds}.ToUtcString(), c.utc) << "seconds " << c.seconds;
    auto back = ParseTimestamp(c.utc);
    ASSERT_TRUE(back.has_value()) << c.utc;
    EXPECT_EQ(back->seconds, c.seconds) << "ParseTimestamp(ToUtcString()) for " << c.utc;
  }
}

}  // namespace
}  // namespace junheng

namespace junheng {
namespace {

TEST(TimestampTest, ShanghaiStringIsEightHoursAheadOfUtc) {
  struct Case {
    std::string_view utc, shanghai;
  };
  const Case cases[] = {{"2024-03-01T02:00:00Z", "2024-03-01 10:00:00"},
                        {"2024-02-29T16:00:00Z", "2024-03-01 00:00:00"},
                        {"2023-12-31T20:30:05Z", "2024-01-01 04:30:05"}};
  for (const Case& c : cases) {
    auto ts = ParseTimestamp(c.utc);
    ASSERT_TRUE(ts.has_value()) << c.utc;
    EXPECT_EQ(ts->ToShanghaiString(), c.shanghai) << c.utc;
  }
}

}  // namespace
}  // namespace junheng
