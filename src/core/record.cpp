#include "core/record.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace junheng {
namespace {

constexpr std::string_view kFieldNames[kFieldCount] = {
    "code", "level", "parent_code", "urban_rural",
    "person_id", "citizen_id", "name", "sex", "birth_date", "ethnicity", "hukou_division",
    "mother_id", "father_id", "household_id", "phone",
    "event_id", "source", "type", "date", "recorded_at", "division", "other_place",
    "birth_order", "plurality", "weight_g", "gestation_weeks", "spouse_id", "cause", "maternal"};

constexpr std::string_view kTypeNames[] = {"enumerate", "birth", "death", "move_in",
                                           "move_out", "move", "marriage", "divorce"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Collects reasons for one record.
class Checker {
 public:
  explicit Checker(const FieldValues& f) : f_(f) {}
  std::string_view Get(Field field) const { return Trim(f_[static_cast<size_t>(field)]); }
  void Add(Field field, std::string code, std::string message) {
    reasons_.push_back(Reason{std::move(code), std::string(FieldName(field)), std::move(message)});
  }
  std::string_view Required(Field field) {
    std::string_view v = Get(field);
    if (v.empty()) Add(field, fmt::format("{}.missing", FieldName(field)),
                       fmt::format("{} is required", FieldName(field)));
    return v;
  }
  std::optional<Date> DateField(Field field, bool required) {
    std::string_view v = required ? Required(field) : Get(field);
    if (v.empty()) return std::nullopt;
    auto d = Date::Parse(v);
    if (!d) {
      Add(field, fmt::format("{}.invalid", FieldName(field)),
          fmt::format("{}: {}", FieldName(field), d.error().message));
      return std::nullopt;
    }
    return *d;
  }
  // An integer in [lo, hi]; 0 when absent or wrong.
  int IntField(Field field, bool required, int lo, int hi) {
    std::string_view v = required ? Required(field) : Get(field);
    if (v.empty()) return 0;
    int out = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || ptr != v.data() + v.size() || out < lo || out > hi) {
      Add(field, fmt::format("{}.invalid", FieldName(field)),
          fmt::format("{} must be a whole number from {} to {}, not \"{}\"", FieldName(field), lo, hi, v));
      return 0;
    }
    return out;
  }
  DivisionCode CodeField(Field field, bool required) {
    std::string_view v = required ? Required(field) : Get(field);
    if (v.empty()) return DivisionCode();
    auto c = DivisionCode::Parse(v);
    if (!c) {
      Add(field, fmt::format("{}.invalid", FieldName(field)),
          fmt::format("{}: {}", FieldName(field), c.error().message));
      return DivisionCode();
    }
    return *c;
  }
  std::string IdField(Field field, bool required, size_t max_len) {
    std::string_view v = required ? Required(field) : Get(field);
    if (v.size() > max_len)
      Add(field, fmt::format("{}.too_long", FieldName(field)),
          fmt::format("{} may have at most {} characters, \"{}\" has {}", FieldName(field), max_len, v,
                      v.size()));
    return std::string(v);
  }
  Sex SexField(bool required) {
    std::string_view v = required ? Required(Field::kSex) : Get(Field::kSex);
    if (v.empty()) return Sex::kUnknown;
    if (v == "1") return Sex::kMale;
    if (v == "2") return Sex::kFemale;
    Add(Field::kSex, "sex.invalid", fmt::format("sex must be 1 (male) or 2 (female), not \"{}\"", v));
    return Sex::kUnknown;
  }
  // The field must be empty because it does not apply to this event type.
  void MustBeEmpty(Field field, std::string_view type) {
    if (!Get(field).empty())
      Add(field, fmt::format("{}.not_applicable", FieldName(field)),
          fmt::format("{} does not apply to a {} event and must be empty", FieldName(field), type));
  }
  std::vector<Reason> Take() { return std::move(reasons_); }

 private:
  const FieldValues& f_;
  std::vector<Reason> reasons_;
};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool AllUpper(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

void CheckCitizenId(Checker& c, std::string_view text, const std::optional<Date>& birth, Sex sex,
                    std::string& out) {
  if (text.empty()) return;
  auto id = ParseCitizenId(text);
  if (!id) {
    c.Add(Field::kCitizenId, "citizen_id.invalid", id.error().message);
    return;
  }
  out = id->number;
  if (birth && *birth != id->birth_date)
    c.Add(Field::kCitizenId, "citizen_id.birth_date_mismatch",
          fmt::format("citizen id encodes birth date {} but birth_date is {}", id->birth_date.ToString(),
                      birth->ToString()));
  if (sex != Sex::kUnknown && sex != id->sex)
    c.Add(Field::kCitizenId, "citizen_id.sex_mismatch",
          fmt::format("citizen id encodes sex {} but sex is {}", static_cast<int>(id->sex),
                      static_cast<int>(sex)));
}

void NotInFuture(Checker& c, Field field, const std::optional<Date>& d, Date today) {
  if (d && *d > today)
    c.Add(field, fmt::format("{}.future", FieldName(field)),
          fmt::format("{} {} is after today ({})", FieldName(field), d->ToString(), today.ToString()));
}

// FNV-1a over a sequence of fields separated by a unit separator.
class Hasher {
 public:
  void Add(std::string_view s) {
    for (unsigned char ch : s) { h_ ^= ch; h_ *= 1099511628211ULL; }
    h_ ^= 0x1f; h_ *= 1099511628211ULL;
  }
  void Add(int64_t v) { Add(std::string_view(reinterpret_cast<const char*>(&v), sizeof v)); }
  uint64_t value() const { return h_; }
 private:
  uint64_t h_ = 1469598103934665603ULL;
};

std::string CodeText(DivisionCode c) { return c.empty() ? std::string() : c.ToString(); }
std::string IntText(int v) { return v == 0 ? std::string() : std::to_string(v); }

}  // namespace

std::string_view FieldName(Field f) { return kFieldNames[static_cast<size_t>(f)]; }

std::optional<Field> FieldFromName(std::string_view name) {
  for (size_t i = 0; i < kFieldCount; ++i)
    if (kFieldNames[i] == name) return static_cast<Field>(i);
  return std::nullopt;
}

std::string_view RecordKindName(RecordKind k) {
  switch (k) {
    case RecordKind::kDivision: return "divisions";
    case RecordKind::kPerson: return "persons";
    case RecordKind::kEvent: return "events";
  }
  return "events";
}

std::string_view EventTypeName(EventType t) { return kTypeNames[static_cast<size_t>(t)]; }

std::optional<EventType> EventTypeFromName(std::string_view name) {
  for (size_t i = 0; i < std::size(kTypeNames); ++i)
    if (kTypeNames[i] == name) return static_cast<EventType>(i);
  return std::nullopt;
}

const std::vector<std::string_view>& KnownSources() {
  static const std::vector<std::string_view> kSources = {
      "public_security", "civil_affairs",   "health", "education",
      "medical_insurance", "social_security", "manual", "census"};
  return kSources;
}
bool IsKnownSource(std::string_view s) {
  const auto& all = KnownSources();
  return std::find(all.begin(), all.end(), s) != all.end();
}

int SameDayRank(EventType t) {
  switch (t) {
    case EventType::kBirth: return 0;
    case EventType::kEnumerate: return 1;
    case EventType::kMoveIn: return 2;
    case EventType::kMove: return 3;
    case EventType::kMarriage: return 4;
    case EventType::kDivorce: return 5;
    case EventType::kMoveOut: return 6;
    case EventType::kDeath: return 7;
  }
  return 4;
}

const std::vector<Field>& ColumnsOf(RecordKind kind) {
  static const std::vector<Field> kDivisionCols = {Field::kCode, Field::kName, Field::kLevel,
                                                   Field::kParentCode, Field::kUrbanRural};
  static const std::vector<Field> kPersonCols = {
      Field::kPersonId, Field::kCitizenId, Field::kName, Field::kSex, Field::kBirthDate,
      Field::kEthnicity, Field::kHukouDivision, Field::kMotherId, Field::kFatherId,
      Field::kHouseholdId, Field::kPhone};
  static const std::vector<Field> kEventCols = {
      Field::kEventId, Field::kSource, Field::kType, Field::kDate, Field::kRecordedAt,
      Field::kPersonId, Field::kDivision, Field::kOtherPlace, Field::kMotherId, Field::kFatherId,
      Field::kBirthOrder, Field::kPlurality, Field::kWeightG, Field::kGestationWeeks,
      Field::kSpouseId, Field::kCause, Field::kMaternal};
  switch (kind) {
    case RecordKind::kDivision: return kDivisionCols;
    case RecordKind::kPerson: return kPersonCols;
    case RecordKind::kEvent: return kEventCols;
  }
  return kEventCols;
}

Parsed<Division> ParseDivision(const FieldValues& f) {
  Checker c(f);
  Parsed<Division> out;
  out.value.code = c.CodeField(Field::kCode, true);
  out.value.name = std::string(c.Required(Field::kName));
  const int level = c.IntField(Field::kLevel, true, 1, 5);
  if (level != 0) out.value.level = static_cast<DivisionLevel>(level);
  out.value.parent = c.CodeField(Field::kParentCode, false);
  const std::string_view ur = c.Get(Field::kUrbanRural);
  static constexpr std::string_view kUrbanRural[] = {"111", "112", "121", "122", "123", "210", "220"};
  if (!ur.empty() && std::find(std::begin(kUrbanRural), std::end(kUrbanRural), ur) == std::end(kUrbanRural))
    c.Add(Field::kUrbanRural, "urban_rural.invalid",
          fmt::format("urban_rural must be one of 111, 112, 121, 122, 123, 210, 220, not \"{}\"", ur));
  out.value.urban_rural = std::string(ur);
  if (level != 0 && !out.value.code.empty() && out.value.code.level() != out.value.level)
    c.Add(Field::kLevel, "level.mismatch",
          fmt::format("level {} does not match code {}, which is of level {}", level,
                      out.value.code.ToString(), static_cast<int>(out.value.code.level())));
  out.reasons = c.Take();
  return out;
}

Parsed<Person> ParsePerson(const FieldValues& f, const ParseOptions& options) {
  Checker c(f);
  Parsed<Person> out;
  Person& p = out.value;
  p.person_id = c.IdField(Field::kPersonId, false, 32);
  p.name = std::string(c.Get(Field::kName));
  if (p.name.empty()) c.Add(Field::kName, "name.missing", "name is required");
  p.sex = c.SexField(true);
  const auto birth = c.DateField(Field::kBirthDate, true);
  if (birth) p.birth_date = *birth;
  NotInFuture(c, Field::kBirthDate, birth, options.today);
  CheckCitizenId(c, c.Get(Field::kCitizenId), birth, p.sex, p.citizen_id);
  if (p.person_id.empty() && p.citizen_id.empty())
    c.Add(Field::kPersonId, "person_id.missing",
          "person_id is required when the record has no citizen_id to link it by");
  const std::string_view eth = c.Get(Field::kEthnicity);
  if (!eth.empty()) {
    int code = 0;
    if (eth.size() == 2 && AllDigits(eth)) code = (eth[0] - '0') * 10 + (eth[1] - '0');
    if (!((code >= 1 && code <= 56) || code == 97 || code == 98))
      c.Add(Field::kEthnicity, "ethnicity.invalid",
            fmt::format("ethnicity must be a 2-digit GB 3304 code (01–56, 97, 98), not \"{}\"", eth));
    p.ethnicity = std::string(eth);
  }
  p.hukou_division = c.CodeField(Field::kHukouDivision, false);
  p.mother_id = c.IdField(Field::kMotherId, false, 32);
  p.father_id = c.IdField(Field::kFatherId, false, 32);
  p.household_id = c.IdField(Field::kHouseholdId, false, 64);
  if (!p.person_id.empty() && (p.mother_id == p.person_id || p.father_id == p.person_id))
    c.Add(Field::kMotherId, "parent.self", "a person cannot be their own parent");
  const std::string_view phone = c.Get(Field::kPhone);
  if (!phone.empty()) {
    std::string digits;
    bool ok = true;
    for (size_t i = 0; i < phone.size(); ++i) {
      const char ch = phone[i];
      if (ch >= '0' && ch <= '9') digits += ch;
      else if (!(ch == '-' || ch == ' ' || (ch == '+' && i == 0))) ok = false;
    }
    if (!ok || digits.size() < 7 || digits.size() > 15)
      c.Add(Field::kPhone, "phone.invalid",
            fmt::format("phone must have 7 to 15 digits (with + - or spaces), not \"{}\"", phone));
    p.phone = std::string(phone);
  }
  out.reasons = c.Take();
  return out;
}

Parsed<Event> ParseEvent(const FieldValues& f, const ParseOptions& options) {
  Checker c(f);
  Parsed<Event> out;
  Event& e = out.value;
  e.event_id = c.IdField(Field::kEventId, true, 64);
  std::string_view source = c.Get(Field::kSource);
  if (source.empty()) source = options.default_source;
  if (source.empty()) {
    c.Add(Field::kSource, "source.missing", "source is required (in the row or with --source)");
  } else if (!IsKnownSource(source)) {
    c.Add(Field::kSource, "source.unknown",
          fmt::format("source \"{}\" is not one of public_security, civil_affairs, health, education, "
                      "medical_insurance, social_security, manual, census", source));
  } else if (!options.default_source.empty() && source != options.default_source) {
    c.Add(Field::kSource, "source.mismatch",
          fmt::format("the row says source {} but the file is imported as {}", source,
                      options.default_source));
  }
  e.source = std::string(source);
  const std::string_view type_text = c.Required(Field::kType);
  std::optional<EventType> type;
  if (!type_text.empty()) {
    type = EventTypeFromName(type_text);
    if (!type)
      c.Add(Field::kType, "type.unknown",
            fmt::format("type \"{}\" is not one of enumerate, birth, death, move_in, move_out, move, "
                        "marriage, divorce", type_text));
    else
      e.type = *type;
  }
  const auto date = c.DateField(Field::kDate, true);
  if (date) e.date = *date;
  NotInFuture(c, Field::kDate, date, options.today);
  const std::string_view rec = c.Required(Field::kRecordedAt);
  if (!rec.empty()) {
    auto ts = ParseTimestamp(rec);
    if (!ts) {
      c.Add(Field::kRecordedAt, "recorded_at.invalid", fmt::format("recorded_at: {}", ts.error().message));
    } else {
      e.recorded_at = *ts;
      if (ts->ShanghaiDate() > options.today)
        c.Add(Field::kRecordedAt, "recorded_at.future",
              fmt::format("recorded_at {} is after today ({})", rec, options.today.ToString()));
      if (date && ts->ShanghaiDate() < *date)
        c.Add(Field::kRecordedAt, "recorded_at.before_event",
              fmt::format("recorded_at {} is before the event date {}", rec, date->ToString()));
    }
  }
  e.person_id = c.IdField(Field::kPersonId, false, 32);
  if (e.person_id.empty()) {
    // Linkage keys: who this is, when the source has no person_id.
    e.link.name = std::string(c.Get(Field::kName));
    e.link.sex = c.SexField(false);
    e.link.birth_date = c.DateField(Field::kBirthDate, false);
    CheckCitizenId(c, c.Get(Field::kCitizenId), e.link.birth_date, e.link.sex, e.link.citizen_id);
    const bool has_name_key = !e.link.name.empty() && e.link.birth_date && e.link.sex != Sex::kUnknown;
    if (e.link.citizen_id.empty() && !has_name_key)
      c.Add(Field::kPersonId, "person_id.missing",
            "person_id is required, or citizen_id, or name with birth_date and sex to link the event by");
  }
  e.division = c.CodeField(Field::kDivision, true);
  if (!type) {
    out.reasons = c.Take();
    return out;
  }
  const std::string_view tn = EventTypeName(*type);
  const bool residence = *type != EventType::kMarriage && *type != EventType::kDivorce;
  if (residence && !e.division.empty() && e.division.level() != DivisionLevel::kVillage)
    c.Add(Field::kDivision, "division.not_village",
          fmt::format("division {} is not a village or community; a {} event needs the 12-digit code "
                      "of the village where the person lives", e.division.ToString(), tn));

  const bool is_move_across = *type == EventType::kMoveIn || *type == EventType::kMoveOut;
  const std::string_view other = c.Get(Field::kOtherPlace);
  if (!is_move_across) {
    c.MustBeEmpty(Field::kOtherPlace, tn);
  } else if (!other.empty()) {
    if (!((other.size() == 6 && AllDigits(other)) || (other.size() == 3 && AllUpper(other))))
      c.Add(Field::kOtherPlace, "other_place.invalid",
            fmt::format("other_place must be a 6-digit county code or an ISO 3166 alpha-3 country code, "
                        "not \"{}\"", other));
    e.other_place = std::string(other);
  }

  if (*type == EventType::kBirth) {
    e.mother_id = c.IdField(Field::kMotherId, false, 32);
    e.father_id = c.IdField(Field::kFatherId, false, 32);
    e.birth_order = c.IntField(Field::kBirthOrder, true, 1, 30);
    e.plurality = c.IntField(Field::kPlurality, false, 1, 9);
    e.weight_g = c.IntField(Field::kWeightG, false, 200, 8000);
    e.gestation_weeks = c.IntField(Field::kGestationWeeks, false, 18, 48);
    if (!e.person_id.empty() && (e.mother_id == e.person_id || e.father_id == e.person_id))
      c.Add(Field::kMotherId, "parent.self", "a child cannot be its own parent");
  } else {
    for (Field fld : {Field::kMotherId, Field::kFatherId, Field::kBirthOrder, Field::kPlurality,
                      Field::kWeightG, Field::kGestationWeeks})
      c.MustBeEmpty(fld, tn);
  }
  if (*type == EventType::kMarriage || *type == EventType::kDivorce) {
    e.spouse_id = c.IdField(Field::kSpouseId, true, 32);
    if (!e.spouse_id.empty() && e.spouse_id == e.person_id)
      c.Add(Field::kSpouseId, "spouse_id.self", "a person cannot marry themselves");
  } else {
    c.MustBeEmpty(Field::kSpouseId, tn);
  }
  if (*type == EventType::kDeath) {
    const std::string_view cause = c.Get(Field::kCause);
    if (!cause.empty()) {
      // ICD-10: a letter, two digits, optionally a dot and one or two more.
      const bool ok = cause.size() >= 3 && cause[0] >= 'A' && cause[0] <= 'Z' && AllDigits(cause.substr(1, 2)) &&
                      (cause.size() == 3 || (cause[3] == '.' && cause.size() >= 5 && cause.size() <= 6 &&
                                             AllDigits(cause.substr(4))));
      if (!ok)
        c.Add(Field::kCause, "cause.invalid",
              fmt::format("cause must be an ICD-10 code such as O72 or I21.9, not \"{}\"", cause));
      e.cause = std::string(cause);
    }
    const std::string_view m = c.Get(Field::kMaternal);
    if (m == "0") e.maternal = 0;
    else if (m == "1") e.maternal = 1;
    else if (!m.empty())
      c.Add(Field::kMaternal, "maternal.invalid", fmt::format("maternal must be 0 or 1, not \"{}\"", m));
  } else {
    c.MustBeEmpty(Field::kCause, tn);
    c.MustBeEmpty(Field::kMaternal, tn);
  }
  out.reasons = c.Take();
  return out;
}

uint64_t ContentHash(const Event& e) {
  Hasher h;
  h.Add(e.event_id); h.Add(e.source); h.Add(static_cast<int64_t>(e.type));
  h.Add(static_cast<int64_t>(e.date.days())); h.Add(e.recorded_at.seconds); h.Add(e.person_id);
  h.Add(static_cast<int64_t>(e.division.value())); h.Add(e.other_place); h.Add(e.mother_id);
  h.Add(e.father_id); h.Add(static_cast<int64_t>(e.birth_order)); h.Add(static_cast<int64_t>(e.plurality));
  h.Add(static_cast<int64_t>(e.weight_g)); h.Add(static_cast<int64_t>(e.gestation_weeks));
  h.Add(e.spouse_id); h.Add(e.cause); h.Add(static_cast<int64_t>(e.maternal));
  return h.value() >> 1;  // 63 bits: fits a signed SQL integer
}

uint64_t ContentHash(const Person& p) {
  Hasher h;
  h.Add(p.person_id); h.Add(p.citizen_id); h.Add(p.name); h.Add(static_cast<int64_t>(p.sex));
  h.Add(static_cast<int64_t>(p.birth_date.days())); h.Add(p.ethnicity);
  h.Add(static_cast<int64_t>(p.hukou_division.value())); h.Add(p.mother_id); h.Add(p.father_id);
  h.Add(p.household_id); h.Add(p.phone);
  return h.value() >> 1;
}

FieldValues ToFields(const Person& p, std::array<std::string, kFieldCount>& s) {
  auto set = [&](Field f, std::string v) { s[static_cast<size_t>(f)] = std::move(v); };
  for (auto& x : s) x.clear();
  set(Field::kPersonId, p.person_id); set(Field::kCitizenId, p.citizen_id); set(Field::kName, p.name);
  set(Field::kSex, p.sex == Sex::kUnknown ? "" : std::to_string(static_cast<int>(p.sex)));
  set(Field::kBirthDate, p.birth_date.ToString()); set(Field::kEthnicity, p.ethnicity);
  set(Field::kHukouDivision, CodeText(p.hukou_division)); set(Field::kMotherId, p.mother_id);
  set(Field::kFatherId, p.father_id); set(Field::kHouseholdId, p.household_id); set(Field::kPhone, p.phone);
  FieldValues out;
  for (size_t i = 0; i < kFieldCount; ++i) out[i] = s[i];
  return out;
}

FieldValues ToFields(const Event& e, std::array<std::string, kFieldCount>& s) {
  auto set = [&](Field f, std::string v) { s[static_cast<size_t>(f)] = std::move(v); };
  for (auto& x : s) x.clear();
  set(Field::kEventId, e.event_id); set(Field::kSource, e.source);
  set(Field::kType, std::string(EventTypeName(e.type))); set(Field::kDate, e.date.ToString());
  set(Field::kRecordedAt, e.recorded_at.ToUtcString()); set(Field::kPersonId, e.person_id);
  set(Field::kDivision, CodeText(e.division)); set(Field::kOtherPlace, e.other_place);
  set(Field::kMotherId, e.mother_id); set(Field::kFatherId, e.father_id);
  set(Field::kBirthOrder, IntText(e.birth_order)); set(Field::kPlurality, IntText(e.plurality));
  set(Field::kWeightG, IntText(e.weight_g)); set(Field::kGestationWeeks, IntText(e.gestation_weeks));
  set(Field::kSpouseId, e.spouse_id); set(Field::kCause, e.cause);
  set(Field::kMaternal, e.maternal < 0 ? "" : std::to_string(e.maternal));
  if (e.person_id.empty()) {
    set(Field::kCitizenId, e.link.citizen_id); set(Field::kName, e.link.name);
    set(Field::kSex, e.link.sex == Sex::kUnknown ? "" : std::to_string(static_cast<int>(e.link.sex)));
    set(Field::kBirthDate, e.link.birth_date ? e.link.birth_date->ToString() : "");
  }
  FieldValues out;
  for (size_t i = 0; i < kFieldCount; ++i) out[i] = s[i];
  return out;
}

}  // namespace junheng
