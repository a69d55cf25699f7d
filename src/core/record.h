// core/record.h: person and event values, and single-record validation.
//
// Records arrive as text (a CSV row, a JSON line, a form) in the exchange format
// of spec/exchange-format.md. ParsePerson and ParseEvent turn one record's text
// fields into typed values and check every rule that needs no other record,
// collecting every reason a record is wrong, not just the first. Rules that need
// the register (known divisions, a possible life, birth order) are ingest's.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/citizen_id.h"
#include "core/date.h"
#include "core/division.h"

namespace junheng {

// Every field name of the exchange format, for all three kinds of record.
enum class Field : uint8_t {
  // divisions
  kCode, kLevel, kParentCode, kUrbanRural,
  // persons (and, on an event without person_id, the linkage keys)
  kPersonId, kCitizenId, kName, kSex, kBirthDate, kEthnicity, kHukouDivision, kMotherId,
  kFatherId, kHouseholdId, kPhone,
  // events
  kEventId, kSource, kType, kDate, kRecordedAt, kDivision, kOtherPlace, kBirthOrder,
  kPlurality, kWeightG, kGestationWeeks, kSpouseId, kCause, kMaternal,
  kCount
};
inline constexpr size_t kFieldCount = static_cast<size_t>(Field::kCount);
std::string_view FieldName(Field f);
std::optional<Field> FieldFromName(std::string_view name);

enum class RecordKind : uint8_t { kDivision, kPerson, kEvent };
std::string_view RecordKindName(RecordKind k);  // "divisions", "persons", "events"

// One record's text fields by exchange-format field; an absent field is empty.
// The views point into the reader's buffer and live only until the next row.
using FieldValues = std::array<std::string_view, kFieldCount>;

// Why a record was rejected: a stable code for programs and translations
// (e.g. "citizen_id.checksum"), the field, and one sentence for a person.
struct Reason {
  std::string code;
  std::string field;
  std::string message;
  friend bool operator==(const Reason&, const Reason&) = default;
};

enum class EventType : uint8_t {
  kEnumerate, kBirth, kDeath, kMoveIn, kMoveOut, kMove, kMarriage, kDivorce
};
std::string_view EventTypeName(EventType t);
std::optional<EventType> EventTypeFromName(std::string_view name);

// The departments (and other origins) that feed the register.
bool IsKnownSource(std::string_view source);
const std::vector<std::string_view>& KnownSources();

struct Person {
  std::string person_id;
  std::string citizen_id;  // normalised, or empty
  std::string name;
  Sex sex = Sex::kUnknown;
  Date birth_date;
  std::string ethnicity;
  DivisionCode hukou_division;  // empty when unknown
  std::string mother_id, father_id, household_id, phone;
  friend bool operator==(const Person&, const Person&) = default;
};

// Who an event is about when the source does not know the register's person_id:
// record linkage matches these to a person (ingest/linkage.h).
struct LinkKey {
  std::string citizen_id;
  std::string name;
  Sex sex = Sex::kUnknown;
  std::optional<Date> birth_date;
  bool empty() const { return citizen_id.empty() && name.empty(); }
  friend bool operator==(const LinkKey&, const LinkKey&) = default;
};

struct Event {
  std::string event_id;
  std::string source;
  EventType type = EventType::kEnumerate;
  Date date;
  Timestamp recorded_at;
  std::string person_id;
  DivisionCode division;
  std::string other_place;
  std::string mother_id, father_id;
  int birth_order = 0;       // births only; 0 elsewhere
  int plurality = 0;         // births only; 0 when not given
  int weight_g = 0;          // 0 when not given
  int gestation_weeks = 0;   // 0 when not given
  std::string spouse_id;
  std::string cause;
  int8_t maternal = -1;      // deaths: 0 or 1; -1 when not given
  LinkKey link;              // only when person_id is empty
  friend bool operator==(const Event&, const Event&) = default;
};

// Does an event of this type put the person into residence at `division`?
inline bool IsEntry(EventType t) {
  return t == EventType::kEnumerate || t == EventType::kBirth || t == EventType::kMoveIn;
}
// Does it end the person's residence in the city?
inline bool IsExit(EventType t) { return t == EventType::kDeath || t == EventType::kMoveOut; }
// Order of event types on one day: a birth comes first, a death last.
int SameDayRank(EventType t);

template <typename T>
struct Parsed {
  T value;
  std::vector<Reason> reasons;  // empty when the record is valid on its own
  bool ok() const { return reasons.empty(); }
};

struct ParseOptions {
  Date today;                    // nothing may happen after it
  std::string_view default_source;  // used when the record has no source
};

Parsed<Division> ParseDivision(const FieldValues& f);
Parsed<Person> ParsePerson(const FieldValues& f, const ParseOptions& options);
Parsed<Event> ParseEvent(const FieldValues& f, const ParseOptions& options);

// A stable 64-bit digest of an event's content (every field but the linkage
// key), used to tell a re-import (same digest) from a conflict (other digest).
uint64_t ContentHash(const Event& e);
uint64_t ContentHash(const Person& p);

// Canonical exchange-format text of a value: the field values in FieldName order,
// as written to a CSV row (used by the demo, by quarantine and in tests).
FieldValues ToFields(const Person& p, std::array<std::string, kFieldCount>& storage);
FieldValues ToFields(const Event& e, std::array<std::string, kFieldCount>& storage);

// The exchange-format columns of each kind, in the spec's order.
const std::vector<Field>& ColumnsOf(RecordKind kind);

}  // namespace junheng
