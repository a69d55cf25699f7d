// ingest/mapping.h: mapping a department's own export onto the exchange format.
//
// A mapping file (TOML) tells the importer how a department's columns and codes become
// exchange-format fields (spec/exchange-format.md), so a new source needs a file, not
// code. Example: data/mappings/public_security_hukou.toml; guide: data/mappings/README.md.
//
//   kind = "events"                 # divisions | persons | events (optional: else detected)
//   source = "public_security"      # the source this file is imported as (events)
//
//   [columns]                       # exchange field = department column (header name)
//   event_id = "事件编号"
//   type = "变动类型"
//   date = "变动日期"
//
//   [values.type]                   # department code = exchange value, per field
//   "出生" = "birth"
//   "死亡" = "death"
//
//   [formats]                       # how the department writes a date or a time
//   date = "%Y%m%d"                 # → YYYY-MM-DD
//   recorded_at = "%Y/%m/%d %H:%M"  # → YYYY-MM-DDTHH:MM:SS (local time, no offset)
//
//   [constants]                     # a fixed value for a field the department lacks
//   other_place = ""
//
// Rules:
// - Keys of [columns], [values], [formats] and [constants] must be exchange field names;
//   a field may be in [columns] or [constants], not both. One department column may feed
//   several fields. Department columns that no field names are ignored (and listed by
//   BoundMapping::ignored_columns() so the import report can show them).
// - For each cell: the [values] table is applied first (a code not in the table passes
//   through unchanged, so validation reports it), then the [formats] pattern. A format
//   pattern knows %Y (4 digits), %m %d %H %M %S (1 or 2 digits), %% and literal text;
//   a value that does not match passes through unchanged. An empty cell stays empty.
// - Events get `source` from the file's `source` when no column or constant gives one.
//
// Thread safety: a Mapping is immutable and may be shared; a BoundMapping holds per-row
// storage, so use one per thread.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/record.h"
#include "ingest/row_reader.h"

namespace junheng::ingest {

class BoundMapping;

// A [values.X] table: department code → exchange value; looked up by string_view.
struct ValueTableHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using ValueTable = std::unordered_map<std::string, std::string, ValueTableHash, std::equal_to<>>;

// A date/time pattern of a [formats] entry, compiled.
struct DateFormat {
  std::string pattern;  // as written, for messages
  // The pattern in pieces: a conversion ('Y', 'm', 'd', 'H', 'M', 'S') or literal text.
  struct Piece {
    char conversion = 0;  // 0 for literal text
    std::string literal;
  };
  std::vector<Piece> pieces;
  bool has_time = false;  // has %H (then the output is a timestamp)
};

// Rewrites `value` that matches `format` as "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" into
// `out`; false (and `out` untouched) when it does not match.
bool ReformatDate(std::string_view value, const DateFormat& format, std::string& out);

class Mapping {
 public:
  // Reads and checks a mapping file. Fails with a sentence naming the file and the
  // offending entry (unknown field, bad kind, TOML syntax error with its line).
  static Result<Mapping> Load(const std::string& path);
  // The same from text; `origin` names it in messages.
  static Result<Mapping> Parse(std::string_view toml_text, std::string_view origin);
  // The identity mapping: columns named as exchange fields map to themselves, unknown
  // columns are ignored. Used for files already in the exchange format.
  static Mapping Identity(RecordKind kind);

  std::optional<RecordKind> kind() const { return kind_; }
  const std::string& source() const { return source_; }
  bool is_identity() const { return identity_; }

  // Binds to a reader's header. Fails if a column named in [columns] is missing from
  // the header (one sentence naming it), unless `require_all_columns` is false: JSON
  // Lines files learn their header as they go (RowReader::header() may grow), so for
  // them bind with false and bind again whenever header().size() differs from
  // BoundMapping::header_size(); a mapped column never seen yields empty values.
  Result<BoundMapping> Bind(const std::vector<std::string>& header,
                            bool require_all_columns = true) const;

 private:
  friend class BoundMapping;
  struct FieldRule {
    std::string column;                                   // department column, or empty
    std::optional<std::string> constant;                  // [constants]
    std::shared_ptr<const ValueTable> values;            // [values.X]
    std::shared_ptr<const DateFormat> format;             // [formats]
  };
  std::optional<RecordKind> kind_;
  std::string source_;
  std::string origin_;
  bool identity_ = false;
  std::array<FieldRule, kFieldCount> rules_;
};

class BoundMapping {
 public:
  // Fills `out` for one row: every field the mapping gives, the rest empty. The views
  // point into row.values or into this object's per-row storage, so they live until the
  // next Apply or until `row` changes.
  void Apply(const Row& row, FieldValues& out);
  // Header columns that map to no field, in header order.
  std::vector<std::string> ignored_columns() const;
  // The header size this was bound to (see Mapping::Bind for JSON Lines).
  size_t header_size() const { return header_.size(); }

 private:
  friend class Mapping;
  struct Binding {
    Field field;
    size_t column;  // index into Row::values
    const ValueTable* values = nullptr;
    const DateFormat* format = nullptr;
  };
  std::shared_ptr<const Mapping> mapping_;  // keeps the tables alive
  std::vector<std::string> header_;
  std::vector<Binding> bindings_;
  std::vector<std::pair<Field, std::string>> constants_;
  std::vector<bool> used_columns_;
  std::array<std::string, kFieldCount> storage_;  // reformatted values of the current row
};

}  // namespace junheng::ingest
