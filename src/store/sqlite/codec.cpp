#include "store/sqlite/codec.h"

#include <nlohmann/json.hpp>

namespace junheng::store::sqlite {
namespace {

// "00" "01" ... "99": two digits per lookup, no division per digit.
constexpr char kPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

void PutTwo(char* p, int value) {
  p[0] = kPairs[2 * value];
  p[1] = kPairs[2 * value + 1];
}

// `value` in 0..9999 as four digits.
void PutFour(char* p, int value) {
  PutTwo(p, value / 100);
  PutTwo(p + 2, value % 100);
}

// Parses `width` ASCII digits at `p`; -1 if any is not a digit.
int GetDigits(const char* p, int width) {
  int v = 0;
  for (int i = 0; i < width; ++i) {
    unsigned d = static_cast<unsigned char>(p[i]) - '0';
    if (d > 9) return -1;
    v = v * 10 + static_cast<int>(d);
  }
  return v;
}

// Days since the epoch of "YYYY-MM-DD" at `p`, or nullopt.
std::optional<int32_t> ParseDays(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = GetDigits(text.data(), 4), m = GetDigits(text.data() + 5, 2), d = GetDigits(text.data() + 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

}  // namespace

std::string_view FormatDate(Date date, char (&buf)[10]) {
  int y, m, d;
  date.ToYmd(y, m, d);
  PutFour(buf, y < 0 ? 0 : y > 9999 ? 9999 : y);  // valid dates are 1800..2200
  buf[4] = '-';
  PutTwo(buf + 5, m);
  buf[7] = '-';
  PutTwo(buf + 8, d);
  return {buf, 10};
}

std::string_view FormatTimestamp(Timestamp ts, char (&buf)[20]) {
  int64_t days = ts.seconds / 86400, secs = ts.seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  char date[10];
  FormatDate(Date::FromDays(static_cast<int32_t>(days)), date);
  std::copy(date, date + 10, buf);
  buf[10] = 'T';
  PutTwo(buf + 11, static_cast<int>(secs / 3600));
  buf[13] = ':';
  PutTwo(buf + 14, static_cast<int>(secs / 60 % 60));
  buf[16] = ':';
  PutTwo(buf + 17, static_cast<int>(secs % 60));
  buf[19] = 'Z';
  return {buf, 20};
}

std::string_view FormatDivision(DivisionCode code, char (&buf)[12]) {
  if (code.empty()) return {};
  uint64_t v = code.value();
  for (int i = 11; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return {buf, 12};
}

Date ParseStoredDate(std::string_view text) {
  auto days = ParseDays(text);
  return Date::FromDays(days.value_or(0));
}

Timestamp ParseStoredTimestamp(std::string_view text) {
  auto days = ParseDays(text);
  if (!days) return Timestamp{};
  int64_t seconds = int64_t{*days} * 86400;
  if (text.size() == 20 && text[10] == 'T' && text[19] == 'Z') {
    int h = GetDigits(text.data() + 11, 2), m = GetDigits(text.data() + 14, 2),
        s = GetDigits(text.data() + 17, 2);
    if (h >= 0 && m >= 0 && s >= 0) return Timestamp{seconds + h * 3600 + m * 60 + s};
  }
  auto parsed = ParseTimestamp(text);  // not our own format: take the general path
  return parsed ? *parsed : Timestamp{seconds};
}

DivisionCode ParseStoredDivision(std::string_view text) {
  if (text.size() != 12) return DivisionCode();
  uint64_t v = 0;
  for (char c : text) {
    unsigned d = static_cast<unsigned char>(c) - '0';
    if (d > 9) return DivisionCode();
    v = v * 10 + d;
  }
  return DivisionCode::FromValue(v);
}

namespace {
uint64_t Fnv1a(uint64_t h, std::string_view bytes) {
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}
uint64_t Finish(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}
constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
}  // namespace

int64_t Digest(std::string_view bytes) {
  return static_cast<int64_t>(Finish(Fnv1a(kFnvOffset, bytes)));
}

int64_t LinkDigest(std::string_view name_key, std::string_view birth_date, Sex sex) {
  const char sex_digit = static_cast<char>('0' + static_cast<int>(sex));
  uint64_t h = Fnv1a(kFnvOffset, name_key);
  h = Fnv1a(h, std::string_view("\0", 1));
  h = Fnv1a(h, birth_date);
  h = Fnv1a(h, std::string_view(&sex_digit, 1));
  return static_cast<int64_t>(Finish(h));
}

RecordKind RecordKindFromName(std::string_view name) {
  for (RecordKind k : {RecordKind::kDivision, RecordKind::kPerson, RecordKind::kEvent}) {
    if (RecordKindName(k) == name) return k;
  }
  return RecordKind::kEvent;
}

std::string ReasonsToJson(std::span<const Reason> reasons) {
  nlohmann::json array = nlohmann::json::array();
  for (const Reason& r : reasons) {
    array.push_back({{"code", r.code}, {"field", r.field}, {"message", r.message}});
  }
  return array.dump();
}

std::vector<Reason> ReasonsFromJson(std::string_view json) {
  std::vector<Reason> out;
  auto array = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!array.is_array()) return out;
  for (const auto& item : array) {
    if (!item.is_object()) continue;
    out.push_back(Reason{item.value("code", ""), item.value("field", ""), item.value("message", "")});
  }
  return out;
}

std::string StringsToJson(std::span<const std::string> values) {
  nlohmann::json array = nlohmann::json::array();
  for (const std::string& v : values) array.push_back(v);
  return array.dump();
}

std::vector<std::string> StringsFromJson(std::string_view json) {
  std::vector<std::string> out;
  auto array = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!array.is_array()) return out;
  for (const auto& item : array) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

void ReadPerson(const Statement& s, Person& out) {
  out.person_id = s.ColumnText(0);
  out.citizen_id = s.ColumnText(1);
  out.name = s.ColumnText(2);
  out.sex = static_cast<Sex>(s.ColumnInt64(3));
  out.birth_date = ParseStoredDate(s.ColumnText(4));
  out.ethnicity = s.ColumnText(5);
  out.hukou_division = ParseStoredDivision(s.ColumnText(6));
  out.mother_id = s.ColumnText(7);
  out.father_id = s.ColumnText(8);
  out.household_id = s.ColumnText(9);
  out.phone = s.ColumnText(10);
}

void ReadEvent(const Statement& s, StoredEvent& out) {
  out.seq = s.ColumnInt64(0);
  out.batch_id = s.ColumnInt64(1);
  Event& e = out.event;
  e.source = s.ColumnText(2);
  e.event_id = s.ColumnText(3);
  e.type = EventTypeFromName(s.ColumnText(4)).value_or(EventType::kEnumerate);
  e.date = ParseStoredDate(s.ColumnText(5));
  e.recorded_at = ParseStoredTimestamp(s.ColumnText(6));
  e.person_id = s.ColumnText(7);
  e.division = ParseStoredDivision(s.ColumnText(8));
  e.other_place = s.ColumnText(9);
  e.mother_id = s.ColumnText(10);
  e.father_id = s.ColumnText(11);
  e.birth_order = static_cast<int>(s.ColumnInt64(12));
  e.plurality = static_cast<int>(s.ColumnInt64(13));
  e.weight_g = static_cast<int>(s.ColumnInt64(14));
  e.gestation_weeks = static_cast<int>(s.ColumnInt64(15));
  e.spouse_id = s.ColumnText(16);
  e.cause = s.ColumnText(17);
  e.maternal = s.IsNull(18) ? int8_t{-1} : static_cast<int8_t>(s.ColumnInt64(18));
  e.link = LinkKey{};
}

}  // namespace junheng::store::sqlite
