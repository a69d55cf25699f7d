// store/postgres/pg_codec.h: how Junheng values travel to and from PostgreSQL.
//
// Values go out as Cells: text, an integer or NULL, used both as statement
// parameters and as fields of COPY rows. Dates and instants are sent as the
// text store/sqlite/codec.h writes ('YYYY-MM-DD', 'YYYY-MM-DDTHH:MM:SSZ'),
// which PostgreSQL reads under any DateStyle, and come back as integers (days
// and seconds since the epoch) computed by the SELECT, so no session setting
// changes what a read returns. The column lists below and Read* agree on order.
//
// PostgreSQL text may hold neither a NUL byte nor invalid UTF-8, where SQLite
// keeps any bytes. So the row text of quarantine, conflicts and review (which
// may be exactly the bad bytes a file held) is stored as bytea, and the other
// text of those bookkeeping rows is cleaned (CleanText); the register's own
// fields are refused instead (StorableText), never altered.
#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/division.h"
#include "core/error.h"
#include "core/record.h"
#include "store/store.h"

namespace junheng::store::postgres {

// One value sent to the server. A text Cell views memory the caller keeps alive
// until the statement or the COPY row has been sent.
struct Cell {
  enum class Kind : uint8_t { kNull, kText, kInt };
  Kind kind = Kind::kNull;
  std::string_view text;
  int64_t number = 0;
};
inline Cell Null() { return Cell{}; }
inline Cell Text(std::string_view text) { return Cell{Cell::Kind::kText, text, 0}; }
// "Not given" is NULL in the schema: "" and 0 are sent as NULL.
inline Cell TextOrNull(std::string_view text) { return text.empty() ? Null() : Text(text); }
inline Cell Int(int64_t v) { return Cell{Cell::Kind::kInt, {}, v}; }
inline Cell IntOrNull(int64_t v) { return v == 0 ? Null() : Int(v); }

// The partition key of events (by division) and persons (by hukou division): the
// six digits of the county, "000000" when there is no division. `division` is
// what FormatDivision wrote: 12 digits or "".
inline std::string_view County(std::string_view division) {
  return division.size() >= 6 ? division.substr(0, 6) : std::string_view("000000");
}

// Whether `text` can be a PostgreSQL text value: well-formed UTF-8 without NUL.
bool IsStorableText(std::string_view text);
// kInvalidArgument naming `field` of `record` when !IsStorableText(text).
Status StorableText(std::string_view text, std::string_view field, std::string_view record);
// `text` with each NUL and each byte that is not part of well-formed UTF-8
// replaced by U+FFFD; `text` itself (no copy) when it is already storable.
std::string_view CleanText(std::string_view text, std::string& storage);
// bytea input in hex form: "\x" and two hex digits a byte.
std::string ToBytea(std::string_view bytes);
// A text[] literal ({"a","b"}) of `items`, each storable (IsStorableText).
template <typename Range, typename Get>
std::string TextArray(const Range& items, Get get) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : std::string_view(get(item))) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

// Reading fields of a result row. NULL reads as "" and 0.
inline std::string_view TextOf(const pqxx::field& f) {
  return f.is_null() ? std::string_view() : std::string_view(f.c_str(), f.size());
}
int64_t IntOf(std::string_view text);
inline int64_t IntOf(const pqxx::field& f) { return IntOf(TextOf(f)); }
// The bytes of a bytea field (the server sends them in hex form).
std::string BytesOf(const pqxx::field& f);

// The fields of one row, as views: of a result row, or of a line of COPY text
// format (how the full scans stream). Views stay valid until the next Parse or
// the source row goes away.
class Fields {
 public:
  // Takes the fields of `row`.
  void From(const pqxx::row& row);
  // Splits a line of COPY ... TO STDOUT text format (tab separated, \N for
  // NULL, backslash escapes) into fields; false when it is malformed.
  bool ParseCopyLine(std::string_view line);

  size_t size() const { return text_.size(); }
  bool IsNull(size_t i) const { return null_[i]; }
  std::string_view Text(size_t i) const { return text_[i]; }  // "" for NULL
  int64_t Int(size_t i) const { return IntOf(text_[i]); }     // 0 for NULL

 private:
  std::vector<std::string_view> text_;
  std::vector<bool> null_;
  std::string unescaped_;  // the text of fields that held escapes
};

// SQL yielding days since the epoch of a date column, and whole seconds since
// the epoch of a timestamptz column.
#define JH_PG_DAYS(col) "(" col " - DATE '1970-01-01')"
#define JH_PG_SECONDS(col) "floor(extract(epoch FROM " col "))::bigint"

// 11 columns, read by ReadPerson.
inline constexpr const char* kPersonColumns =
    "person_id, citizen_id, name, sex, " JH_PG_DAYS("birth_date") ", ethnicity, hukou_division, mother_id, "
    "father_id, household_id, phone";
// The same with NULL in place of what Detail::kVitals leaves out.
inline constexpr const char* kPersonVitalColumns =
    "person_id, NULL, NULL, sex, " JH_PG_DAYS("birth_date") ", NULL, NULL, mother_id, NULL, NULL, NULL";
// 19 columns, read by ReadEvent.
inline constexpr const char* kEventColumns =
    "seq, batch_id, source, event_id, type, " JH_PG_DAYS("date") ", " JH_PG_SECONDS("recorded_at")
    ", person_id, division, other_place, mother_id, father_id, birth_order, plurality, weight_g, "
    "gestation_weeks, spouse_id, cause, maternal";
inline constexpr const char* kEventVitalColumns =
    "seq, NULL, NULL, event_id, type, " JH_PG_DAYS("date") ", " JH_PG_SECONDS("recorded_at")
    ", person_id, division, NULL, mother_id, NULL, birth_order, plurality, NULL, NULL, NULL, NULL, "
    "maternal";

void ReadPerson(const Fields& f, Person& out);
void ReadEvent(const Fields& f, StoredEvent& out);

}  // namespace junheng::store::postgres

namespace pqxx {
// Lets a Cell be a statement parameter and a field of a stream_to row.
template <>
struct string_traits<junheng::store::postgres::Cell> {
  using Cell = junheng::store::postgres::Cell;
  static constexpr const char* name() noexcept { return "junheng Cell"; }
  static constexpr bool has_null() noexcept { return true; }
  static bool is_null(const Cell& c) { return c.kind == Cell::Kind::kNull; }
  static Cell null() { return Cell{}; }
  // Cells are only ever sent; reading one back is a bug.
  [[noreturn]] static void from_string(const char[], Cell&) {
    throw std::logic_error("a Cell cannot be read from the server");
  }
  static std::string to_string(const Cell& c) {
    return c.kind == Cell::Kind::kInt ? std::to_string(c.number) : std::string(c.text);
  }
};
}  // namespace pqxx
