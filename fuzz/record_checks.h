// fuzz/record_checks.h: what holds for every record ParsePerson, ParseEvent and
// ParseDivision (core/record.h) return, valid or not. Shared by the record and
// mapping targets.
#pragma once

#include <fmt/format.h>

#include <array>
#include <string>

#include "core/record.h"
#include "fuzz/fuzz_check.h"
#include "ingest/row_reader.h"

namespace junheng::fuzz {

// The date the targets take as today: fixed, so a crash input reproduces.
inline Date FuzzToday() { return Date::FromDays(DaysFromCivil(2024, 12, 31)); }

inline bool AllUtf8(const FieldValues& f) {
  for (std::string_view v : f)
    if (!ingest::IsValidUtf8(v)) return false;
  return true;
}

// Every reason names a field of the exchange format and says something; when the
// record was UTF-8, so is every message (messages go into JSON and quarantine).
inline void CheckReasons(const std::vector<Reason>& reasons, bool input_utf8) {
  for (const Reason& r : reasons) {
    FUZZ_CHECK(!r.code.empty() && !r.message.empty(), "a reason without code or message");
    FUZZ_CHECK(FieldFromName(r.field).has_value(), "a reason names no field: " + r.field);
    if (input_utf8) FUZZ_CHECK(ingest::IsValidUtf8(r.message), "a message is not UTF-8: " + r.code);
  }
}

// Parses `f` as a record of `kind` and checks the reasons; a valid person or event,
// written back with ToFields, parses again to the same value.
inline void CheckRecord(RecordKind kind, const FieldValues& f, const ParseOptions& options) {
  const bool utf8 = AllUtf8(f) && ingest::IsValidUtf8(options.default_source);
  std::array<std::string, kFieldCount> storage;
  switch (kind) {
    case RecordKind::kDivision: {
      auto d = ParseDivision(f);
      CheckReasons(d.reasons, utf8);
      if (d.ok()) FUZZ_CHECK(d.value.code.level() == d.value.level, "a valid division's level is not its code's");
      return;
    }
    case RecordKind::kPerson: {
      auto p = ParsePerson(f, options);
      CheckReasons(p.reasons, utf8);
      if (!p.ok()) return;
      auto again = ParsePerson(ToFields(p.value, storage), options);
      FUZZ_CHECK(again.ok(), fmt::format("a valid person written back is refused: {}: {}",
                                         again.reasons.empty() ? "" : again.reasons[0].code,
                                         again.reasons.empty() ? "" : again.reasons[0].message));
      FUZZ_CHECK(again.value == p.value, "a valid person written back parses to another person");
      return;
    }
    case RecordKind::kEvent: {
      auto e = ParseEvent(f, options);
      CheckReasons(e.reasons, utf8);
      if (!e.ok()) return;
      auto again = ParseEvent(ToFields(e.value, storage), options);
      FUZZ_CHECK(again.ok(), fmt::format("a valid event written back is refused: {}: {}",
                                         again.reasons.empty() ? "" : again.reasons[0].code,
                                         again.reasons.empty() ? "" : again.reasons[0].message));
      FUZZ_CHECK(again.value == e.value, "a valid event written back parses to another event");
      FUZZ_CHECK(ContentHash(again.value) == ContentHash(e.value), "the content hash changes");
      return;
    }
  }
}

}  // namespace junheng::fuzz
