// store/sqlite/codec.h: how Junheng values are written to and read from columns.
//
// The column lists below and the Read* functions agree on column order; every
// query that reads a person or an event selects kPersonColumns or kEventColumns
// first. Writers format into caller-owned buffers so that the hot insert paths
// allocate nothing per row.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/division.h"
#include "core/record.h"
#include "store/sqlite/statement.h"
#include "store/store.h"

namespace junheng::store::sqlite {

// "YYYY-MM-DD" into `buf`, returned as a view of it.
std::string_view FormatDate(Date date, char (&buf)[10]);
// "YYYY-MM-DDTHH:MM:SSZ" (UTC) into `buf`.
std::string_view FormatTimestamp(Timestamp ts, char (&buf)[20]);
// The 12 digits into `buf`; "" for an empty code (stored as NULL).
std::string_view FormatDivision(DivisionCode code, char (&buf)[12]);

// Inverses of the above, for text this store wrote. Malformed text (a database
// edited by hand) yields the epoch / an empty code rather than a crash.
Date ParseStoredDate(std::string_view text);
Timestamp ParseStoredTimestamp(std::string_view text);
DivisionCode ParseStoredDivision(std::string_view text);

// The 64-bit digests that the lookup indexes hold instead of text (an 8-byte
// integer is cheaper to compare and to store than an 18-byte id or a name).
// They are stored in the database, so the function may never change: FNV-1a
// over the bytes, then the splitmix64 finaliser, read as a signed SQL integer.
// Two values may share a digest; every lookup also compares the exact text.
int64_t Digest(std::string_view bytes);
// Digest of the record linkage key: name_key, a 0 byte, the birth date as
// FormatDate writes it ("YYYY-MM-DD") and the sex as one digit ('0' unknown,
// '1' male, '2' female).
int64_t LinkDigest(std::string_view name_key, std::string_view birth_date, Sex sex);

RecordKind RecordKindFromName(std::string_view name);  // inverse of RecordKindName

// JSON arrays in TEXT columns: reasons as [{"code","field","message"}], lists of strings.
std::string ReasonsToJson(std::span<const Reason> reasons);
std::vector<Reason> ReasonsFromJson(std::string_view json);
std::string StringsToJson(std::span<const std::string> values);
std::vector<std::string> StringsFromJson(std::string_view json);

// 13 columns, read by ReadPerson.
inline constexpr const char* kPersonColumns =
    "person_id, citizen_id, name, sex, birth_date, ethnicity, hukou_division, mother_id, "
    "father_id, household_id, phone, name_key, batch_id";
// 19 columns, read by ReadEvent.
inline constexpr const char* kEventColumns =
    "seq, batch_id, source, event_id, type, date, recorded_at, person_id, division, "
    "other_place, mother_id, father_id, birth_order, plurality, weight_g, gestation_weeks, "
    "spouse_id, cause, maternal";

// Reads the current row of `s`, which selected the columns above first.
// The same columns with NULL in place of those Detail::kVitals leaves out, so
// that ReadPerson and ReadEvent read them unchanged and SQLite decodes less.
inline constexpr const char* kPersonVitalColumns =
    "person_id, NULL, NULL, sex, birth_date, NULL, NULL, mother_id, NULL, NULL, NULL, NULL, NULL";
inline constexpr const char* kEventVitalColumns =
    "seq, NULL, NULL, event_id, type, date, recorded_at, person_id, division, "
    "NULL, mother_id, NULL, birth_order, plurality, NULL, NULL, NULL, NULL, maternal";

void ReadPerson(const Statement& s, Person& out);
void ReadEvent(const Statement& s, StoredEvent& out);

}  // namespace junheng::store::sqlite
