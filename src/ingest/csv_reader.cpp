#include "ingest/csv_reader.h"

#include <array>
#include <cstring>
#include <unordered_set>

#include <fmt/format.h>

namespace junheng::ingest {
namespace {

// Bytes that end a run of plain text in an unquoted cell.
constexpr std::array<bool, 256> MakeSpecial() {
  std::array<bool, 256> t{};
  t[static_cast<unsigned char>(',')] = true;
  t[static_cast<unsigned char>('\n')] = true;
  t[static_cast<unsigned char>('"')] = true;
  return t;
}
constexpr std::array<bool, 256> kSpecial = MakeSpecial();

int64_t CountNewlines(const char* p, const char* end) {
  int64_t n = 0;
  while ((p = static_cast<const char*>(std::memchr(p, '\n', end - p))) != nullptr) {
    ++n;
    ++p;
  }
  return n;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

class CsvReader final : public RowReader {
 public:
  explicit CsvReader(InputText text) : text_(std::move(text)) {
    data_ = text_.view().data();
    end_ = data_ + text_.view().size();
    pos_ = data_ + SkipBom(text_.view());
  }

  // Reads the header; fails when there is none or it is malformed.
  Status ReadHeader(std::string_view origin) {
    SkipBlankLines();
    if (pos_ == end_)
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} is empty: its first line must be the header with the column names.",
                              origin));
    const int64_t line = line_;
    std::string error;
    const char* begin = pos_;
    ParseRecord(header_, /*grow=*/true, error);
    if (!error.empty())
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("The header of {} (line {}) is malformed: {}", origin, line, error));
    if (!IsValidUtf8(std::string_view(begin, pos_ - begin)))
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("The header of {} is not valid UTF-8: save the file as UTF-8 and try again.",
                              origin));
    std::unordered_set<std::string_view> seen;
    for (std::string& name : header_) {
      name = std::string(Trim(name));
      if (!seen.insert(name).second)
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("The header of {} names the column \"{}\" twice: rename or remove one.",
                                origin, name));
    }
    return {};
  }

  const std::vector<std::string>& header() const override { return header_; }
  int64_t bytes_read() const override { return pos_ - data_; }
  int64_t total_bytes() const override { return end_ - data_; }

  bool Next(Row& row) override {
    for (;;) {
      SkipBlankLines();
      if (pos_ == end_) return false;
      row.line = line_;
      row.error.clear();
      if (row.values.size() != header_.size()) row.values.resize(header_.size());
      const char* begin = pos_;
      const size_t n = ParseRecord(row.values, /*grow=*/false, row.error);
      const char* raw_end = raw_end_;
      row.raw.assign(begin, raw_end);
      for (size_t i = n; i < row.values.size(); ++i) row.values[i].clear();
      // A row of nothing but commas (spreadsheets write them) is skipped like a blank line.
      if (!row.raw.empty() && row.raw.front() == ',' &&
          row.raw.find_first_not_of(',') == std::string::npos)
        continue;
      if (row.error.empty()) {
        if (!IsValidUtf8(row.raw))
          row.error = "The row is not valid UTF-8: save the file as UTF-8 and import it again.";
        else if (n != header_.size())
          row.error = fmt::format("The row has {} fields, the header has {}.", n, header_.size());
      }
      return true;
    }
  }

 private:
  // Skips empty lines and lines of blanks only.
  void SkipBlankLines() {
    while (pos_ < end_) {
      const char* p = pos_;
      while (p < end_ && (*p == ' ' || *p == '\t' || *p == '\r')) ++p;
      if (p == end_) {
        pos_ = end_;
        return;
      }
      if (*p != '\n') return;
      pos_ = p + 1;
      ++line_;
    }
  }

  // Parses the record at pos_ into `cells` and moves pos_ past its line end. Returns the
  // number of cells in the record; cells beyond cells.size() are counted but dropped
  // unless `grow`. Sets `error` (first problem only) and raw_end_ (the end of the
  // record's text, before its line end).
  size_t ParseRecord(std::vector<std::string>& cells, bool grow, std::string& error) {
    const char* p = pos_;
    size_t n = 0;
    for (;;) {
      std::string* cell = nullptr;
      if (n < cells.size()) cell = &cells[n];
      else if (grow) cell = &cells.emplace_back();
      if (p < end_ && *p == '"') {
        const int64_t open_line = line_;
        ++p;
        if (cell != nullptr) cell->clear();
        for (;;) {
          const char* q = static_cast<const char*>(std::memchr(p, '"', end_ - p));
          if (q == nullptr) {
            line_ += CountNewlines(p, end_);
            if (cell != nullptr) cell->append(p, end_);
            p = end_;
            if (error.empty())
              error = fmt::format("The quote that opens field {} on line {} is never closed.", n + 1,
                                  open_line);
            break;
          }
          line_ += CountNewlines(p, q);
          if (cell != nullptr) cell->append(p, q);
          p = q + 1;
          if (p < end_ && *p == '"') {  // a doubled quote stands for one
            if (cell != nullptr) cell->push_back('"');
            ++p;
            continue;
          }
          break;
        }
        if (p < end_ && *p == '\r' && p + 1 < end_ && p[1] == '\n') ++p;
        if (p < end_ && *p != ',' && *p != '\n') {
          if (error.empty())
            error = fmt::format("Field {} has text after its closing quote: quote the whole field.", n + 1);
          const char* q = p;
          while (q < end_ && *q != ',' && *q != '\n') ++q;
          if (cell != nullptr) cell->append(p, q);
          p = q;
        }
      } else {
        const char* q = p;
        bool quote = false;
        for (;;) {
          while (q < end_ && !kSpecial[static_cast<unsigned char>(*q)]) ++q;
          if (q < end_ && *q == '"') {
            quote = true;
            ++q;
            continue;
          }
          break;
        }
        const char* cell_end = q;
        if (cell_end > p && cell_end[-1] == '\r') --cell_end;  // CRLF, or a lone CR at the end
        if (cell_end != q && q < end_ && *q == ',') ++cell_end;  // a CR inside the line is data
        if (quote && error.empty())
          error = fmt::format("Field {} contains a quote but does not start with one: enclose the "
                              "field in quotes and double the quotes inside.", n + 1);
        if (cell != nullptr) cell->assign(p, cell_end);
        p = q;
      }
      ++n;
      if (p < end_ && *p == ',') {
        ++p;
        continue;
      }
      break;
    }
    // p is at '\n' or at the end.
    raw_end_ = p;
    if (raw_end_ > pos_ && raw_end_[-1] == '\r') --raw_end_;
    if (p < end_) {
      ++p;
      ++line_;
    }
    pos_ = p;
    return n;
  }

  InputText text_;
  const char* data_ = nullptr;
  const char* end_ = nullptr;
  const char* pos_ = nullptr;
  const char* raw_end_ = nullptr;
  int64_t line_ = 1;
  std::vector<std::string> header_;
};

}  // namespace

Result<std::unique_ptr<RowReader>> OpenCsvReader(InputText text, std::string_view origin) {
  auto reader = std::make_unique<CsvReader>(std::move(text));
  JH_RETURN_IF_ERROR(reader->ReadHeader(origin));
  return std::unique_ptr<RowReader>(std::move(reader));
}

Result<std::unique_ptr<RowReader>> OpenCsvReader(const std::string& path) {
  JH_ASSIGN_OR_RETURN(InputText text, InputText::Map(path));
  return OpenCsvReader(std::move(text), path);
}

Result<std::unique_ptr<RowReader>> OpenCsvReaderFromString(std::string content,
                                                           std::string_view origin) {
  return OpenCsvReader(InputText::FromString(std::move(content)), origin);
}

}  // namespace junheng::ingest
