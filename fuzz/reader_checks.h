// fuzz/reader_checks.h: the RowReader contract (ingest/row_reader.h), checked on
// every row a reader yields for any input. Shared by the CSV, JSON Lines and
// mapping targets.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "ingest/row_reader.h"

namespace junheng::fuzz {

class RowContract {
 public:
  explicit RowContract(std::string_view input) : input_(input) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < input.size(); ++i)
      if (input[i] == '\n') line_starts_.push_back(i + 1);
  }

  // Checks one row just read by `reader`.
  void Check(const ingest::RowReader& reader, const ingest::Row& row) {
    const auto lines = static_cast<int64_t>(line_starts_.size());
    FUZZ_CHECK(row.line >= 1 && row.line <= lines,
               fmt::format("row on line {} of an input of {} lines", row.line, lines));
    FUZZ_CHECK(row.line > last_line_, fmt::format("row on line {} after a row on line {}", row.line, last_line_));
    last_line_ = row.line;
    // The raw text is the record exactly as in the input, from the start of its line
    // (after the byte-order mark on the first line).
    size_t start = line_starts_[static_cast<size_t>(row.line - 1)];
    if (row.line == 1) start += ingest::SkipBom(input_);
    FUZZ_CHECK(input_.substr(start, row.raw.size()) == row.raw,
               fmt::format("raw text of the row on line {} is not the input's text there", row.line));
    FUZZ_CHECK(row.values.size() == reader.header().size(),
               fmt::format("{} values for a header of {}", row.values.size(), reader.header().size()));
    FUZZ_CHECK(reader.bytes_read() >= last_bytes_ && reader.bytes_read() <= reader.total_bytes(),
               fmt::format("bytes_read {} (before {}) of {}", reader.bytes_read(), last_bytes_, reader.total_bytes()));
    last_bytes_ = reader.bytes_read();
    FUZZ_CHECK(reader.total_bytes() == static_cast<int64_t>(input_.size()), "total_bytes is not the input's size");
    if (row.error.empty()) {
      // Good rows carry only UTF-8: their text goes on into JSON and the store.
      FUZZ_CHECK(ingest::IsValidUtf8(row.raw), "a row without error has invalid UTF-8");
      for (const std::string& v : row.values) FUZZ_CHECK(ingest::IsValidUtf8(v), "a value is not UTF-8");
    }
  }

  void CheckHeader(const std::vector<std::string>& header) const {
    for (const std::string& name : header) FUZZ_CHECK(ingest::IsValidUtf8(name), "a column name is not UTF-8");
  }

 private:
  std::string_view input_;
  std::vector<size_t> line_starts_;
  int64_t last_line_ = 0;
  int64_t last_bytes_ = 0;
};

}  // namespace junheng::fuzz
