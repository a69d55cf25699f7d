// ingest/row_reader.h: start here. Reading department files row by row.
//
// A department file arrives as CSV (RFC 4180) or JSON Lines (spec/exchange-format.md).
// OpenRowReader picks the reader; both yield the same Row: the text cells aligned with
// the reader's header, the line the record starts on and its raw text (for quarantine).
// A malformed row is not a failure of the file: it comes back with `error` set, and
// reading goes on with the next row. Only a file that cannot be read at all (missing,
// no header, duplicate column names) makes Open* fail.
//
// Next() reuses the buffers of the Row it is given, so a loop that keeps one Row reads
// without allocating. A reader is not thread-safe; use one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/record.h"

namespace junheng::ingest {

struct Row {
  int64_t line = 0;                 // 1-based physical line where the record starts
  std::string raw;                  // the record's text exactly as in the file (without the final newline)
  std::vector<std::string> values;  // aligned with RowReader::header(); missing cells are ""
  std::string error;                // non-empty when the row is malformed (then values may be partial)
};

class RowReader {
 public:
  virtual ~RowReader() = default;
  // The column names. For CSV it is fixed after opening; for JSON Lines a key first
  // seen on a later line is appended, so header() may grow during reading (rows read
  // earlier simply lacked that column). Callers that bind the header (Mapping::Bind)
  // must bind again when header().size() changes.
  virtual const std::vector<std::string>& header() const = 0;
  // Reads the next record into `row`; false at the end of the input.
  virtual bool Next(Row& row) = 0;
  // Bytes consumed so far and in all, for a progress bar.
  virtual int64_t bytes_read() const = 0;
  virtual int64_t total_bytes() const = 0;
};

// Opens a file, choosing the format from the extension (.csv → CSV; .jsonl, .ndjson,
// .json → JSON Lines) or, for any other extension, from the first non-blank character
// ('{' → JSON Lines, anything else → CSV).
Result<std::unique_ptr<RowReader>> OpenRowReader(const std::string& path);

// The same from an in-memory text; `format` is "csv" or "jsonl".
Result<std::unique_ptr<RowReader>> OpenRowReaderFromString(std::string content,
                                                           std::string_view format);

// Which kind of record a header describes: events if it has event_id and type;
// persons if it has person_id (or citizen_id) and birth_date and no event_id;
// divisions if it has code and level. Fails with a sentence listing what is missing.
Result<RecordKind> DetectKind(const std::vector<std::string>& header);

// The whole text of an input, for the readers: a read-only memory map of a file, or an
// owned string. Move-only; the view stays valid as long as the object lives.
class InputText {
 public:
  static Result<InputText> Map(const std::string& path);
  static InputText FromString(std::string content);
  InputText(InputText&& other) noexcept;
  InputText& operator=(InputText&& other) noexcept;
  InputText(const InputText&) = delete;
  InputText& operator=(const InputText&) = delete;
  ~InputText();

  std::string_view view() const { return view_; }

 private:
  InputText() = default;
  std::string owned_;
  void* map_ = nullptr;  // from mmap, or null
  size_t map_size_ = 0;
  std::string_view view_;
};

// Skips a UTF-8 byte-order mark at the start of `text`; returns how many bytes it skipped.
size_t SkipBom(std::string_view text);
// Whether `text` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool IsValidUtf8(std::string_view text);
// Appends the UTF-8 bytes of one code point.
void AppendUtf8(std::string& out, uint32_t code_point);

}  // namespace junheng::ingest
