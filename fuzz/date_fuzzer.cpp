// fuzz/date_fuzzer.cpp: Date::Parse, Date::ParseCompact and ParseTimestamp (core/date.h).
//
// A date that parses prints back as the same text and survives the trip through
// days and year-month-day; a timestamp that parses survives being written in UTC
// and in Shanghai time and read again, and a time without an offset is Shanghai time.
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "core/date.h"
#include "fuzz/fuzz_check.h"

namespace junheng::fuzz {
namespace {

void CheckDate(std::string_view text) {
  auto d = Date::Parse(text);
  if (!d) return;
  FUZZ_CHECK(d->ToString() == text, fmt::format("\"{}\" prints back as {}", text, d->ToString()));
  int y, m, dd;
  d->ToYmd(y, m, dd);
  FUZZ_CHECK(y >= 1800 && y <= 2200, fmt::format("\"{}\" is outside 1800-2200", text));
  auto again = Date::FromYmd(y, m, dd);
  FUZZ_CHECK(again && *again == *d, fmt::format("\"{}\" does not survive FromYmd", text));
  FUZZ_CHECK(DaysFromCivil(y, m, dd) == d->days(), fmt::format("\"{}\": days disagree", text));
  FUZZ_CHECK(AgeInYears(*d, *d) == 0 && AgeInYears(*d, d->AddDays(-1)) == -1, fmt::format("\"{}\": age", text));
}

void CheckCompact(std::string_view text) {
  auto d = Date::ParseCompact(text);
  if (!d) return;
  std::string dashed = d->ToString();
  std::erase(dashed, '-');
  FUZZ_CHECK(dashed == text, fmt::format("\"{}\" prints back as {}", text, d->ToString()));
}

void CheckTimestamp(std::string_view text) {
  auto t = ParseTimestamp(text);
  if (!t) return;
  const std::string utc = t->ToUtcString();
  auto from_utc = ParseTimestamp(utc);
  FUZZ_CHECK(from_utc && *from_utc == *t, fmt::format("\"{}\" written as {} does not read back", text, utc));
  const std::string local = t->ToShanghaiString();
  auto from_local = ParseTimestamp(local);
  FUZZ_CHECK(from_local && *from_local == *t, fmt::format("\"{}\" written as {} does not read back", text, local));
  FUZZ_CHECK(t->ShanghaiDate().ToString() == local.substr(0, 10), fmt::format("\"{}\": Shanghai date", text));
  if (text.size() == 10) {  // a bare date: 00:00 that day in Shanghai
    auto d = Date::Parse(text);
    FUZZ_CHECK(d && t->ShanghaiDate() == *d && local.substr(10) == " 00:00:00",
               fmt::format("\"{}\" is not the start of that day in Shanghai ({})", text, local));
  }
}

}  // namespace
}  // namespace junheng::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = junheng::fuzz::AsText(data, size);
  junheng::fuzz::CheckDate(text);
  junheng::fuzz::CheckCompact(text);
  junheng::fuzz::CheckTimestamp(text);
  return 0;
}
