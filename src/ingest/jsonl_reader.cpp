#include "ingest/jsonl_reader.h"

#include <cstring>
#include <unordered_map>

#include <fmt/format.h>

namespace junheng::ingest {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class JsonlReader final : public RowReader {
 public:
  explicit JsonlReader(InputText text) : text_(std::move(text)) {
    data_ = text_.view().data();
    end_ = data_ + text_.view().size();
    pos_ = data_ + SkipBom(text_.view());
    // The header is known before the first Next(): take it from the first object.
    const char* save_pos = pos_;
    const int64_t save_line = line_;
    Row scratch;
    Next(scratch);
    pos_ = save_pos;
    line_ = save_line;
  }

  const std::vector<std::string>& header() const override { return header_; }
  int64_t bytes_read() const override { return pos_ - data_; }
  int64_t total_bytes() const override { return end_ - data_; }

  bool Next(Row& row) override {
    // Skip blank lines.
    for (;;) {
      if (pos_ >= end_) return false;
      const char* nl = static_cast<const char*>(std::memchr(pos_, '\n', end_ - pos_));
      const char* line_end = nl != nullptr ? nl : end_;
      const char* p = pos_;
      while (p < line_end && IsJsonSpace(*p)) ++p;
      const char* begin = pos_;
      pos_ = nl != nullptr ? nl + 1 : end_;
      row.line = line_++;
      if (p == line_end) continue;
      const char* raw_end = line_end;
      if (raw_end > begin && raw_end[-1] == '\r') --raw_end;
      row.raw.assign(begin, raw_end);
      row.error.clear();
      if (row.values.size() != header_.size()) row.values.resize(header_.size());
      for (std::string& v : row.values) v.clear();
      if (!IsValidUtf8(row.raw)) {
        row.error = "The line is not valid UTF-8: save the file as UTF-8 and import it again.";
      } else {
        ParseObject(row);
      }
      return true;
    }
  }

 private:
  // Parses row.raw as one flat JSON object into row.values; sets row.error on failure.
  void ParseObject(Row& row) {
    p_ = row.raw.data();
    lend_ = p_ + row.raw.size();
    line_begin_ = p_;
    ++stamp_;
    SkipSpace();
    if (p_ == lend_ || *p_ != '{') {
      row.error = "The line is not a JSON object: each line must be one {...} record.";
      return;
    }
    ++p_;
    SkipSpace();
    if (p_ < lend_ && *p_ == '}') {
      ++p_;
      return Finish(row);
    }
    for (size_t ordinal = 0;; ++ordinal) {
      SkipSpace();
      if (p_ == lend_ || *p_ != '"') return Invalid(row, "expected a key in quotes");
      if (!ParseString(key_)) return Invalid(row, "a key is not a valid string");
      SkipSpace();
      if (p_ == lend_ || *p_ != ':') return Invalid(row, "expected ':' after a key");
      ++p_;
      SkipSpace();
      const size_t col = Column(ordinal, row);
      if (seen_[col] == stamp_) {
        row.error = fmt::format("The key \"{}\" appears twice on the line.", key_);
        return;
      }
      seen_[col] = stamp_;
      std::string& cell = row.values[col];
      if (p_ == lend_) return Invalid(row, "the line ends before a value");
      switch (*p_) {
        case '"':
          if (!ParseString(cell)) return Invalid(row, "a value is not a valid string");
          break;
        case '{':
        case '[':
          row.error = fmt::format("The value of \"{}\" is a nested object or list; only text, numbers, "
                                  "true, false and null are allowed.", key_);
          return;
        case 't':
          if (!Literal("true")) return Invalid(row, "unknown word");
          cell.assign("1");
          break;
        case 'f':
          if (!Literal("false")) return Invalid(row, "unknown word");
          cell.assign("0");
          break;
        case 'n':
          if (!Literal("null")) return Invalid(row, "unknown word");
          cell.clear();
          break;
        default:
          if (!ParseNumber(cell)) return Invalid(row, "expected a value");
      }
      SkipSpace();
      if (p_ < lend_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ < lend_ && *p_ == '}') {
        ++p_;
        return Finish(row);
      }
      return Invalid(row, "expected ',' or '}'");
    }
  }

  void Finish(Row& row) {
    SkipSpace();
    if (p_ != lend_) Invalid(row, "there is text after the closing '}'");
  }

  void Invalid(Row& row, std::string_view what) {
    row.error = fmt::format("The line is not valid JSON at character {}: {}.", p_ - line_begin_ + 1, what);
  }

  void SkipSpace() {
    while (p_ < lend_ && IsJsonSpace(*p_)) ++p_;
  }

  bool Literal(std::string_view word) {
    if (static_cast<size_t>(lend_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0)
      return false;
    p_ += word.size();
    return true;
  }

  // The JSON number grammar; the text is kept as written.
  bool ParseNumber(std::string& out) {
    const char* start = p_;
    if (p_ < lend_ && *p_ == '-') ++p_;
    if (p_ == lend_ || !IsDigit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < lend_ && IsDigit(*p_)) ++p_;
    }
    if (p_ < lend_ && *p_ == '.') {
      ++p_;
      if (p_ == lend_ || !IsDigit(*p_)) return false;
      while (p_ < lend_ && IsDigit(*p_)) ++p_;
    }
    if (p_ < lend_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < lend_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == lend_ || !IsDigit(*p_)) return false;
      while (p_ < lend_ && IsDigit(*p_)) ++p_;
    }
    out.assign(start, p_);
    return true;
  }

  bool Hex4(uint32_t& v) {
    if (lend_ - p_ < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return false;
    }
    return true;
  }

  // p_ is at the opening quote.
  bool ParseString(std::string& out) {
    ++p_;
    out.clear();
    for (;;) {
      const char* run = p_;
      while (p_ < lend_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20) ++p_;
      out.append(run, p_);
      if (p_ == lend_ || static_cast<unsigned char>(*p_) < 0x20) return false;
      if (*p_ == '"') {
        ++p_;
        return true;
      }
      ++p_;  // backslash
      if (p_ == lend_) return false;
      const char e = *p_++;
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (lend_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            if (!Hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          AppendUtf8(out, cp);
          break;
        }
        default: return false;
      }
    }
  }

  // The column of key_, the `ordinal`-th key of the line; a new key extends the header.
  size_t Column(size_t ordinal, Row& row) {
    // Lines of one file almost always list keys in the same order: try last line's first.
    if (ordinal < guess_.size()) {
      const size_t g = guess_[ordinal];
      if (header_[g] == key_) return g;
    } else {
      guess_.resize(ordinal + 1, 0);
    }
    size_t col;
    if (auto it = index_.find(std::string_view(key_)); it != index_.end()) {
      col = it->second;
    } else {
      col = header_.size();
      header_.push_back(key_);
      index_.emplace(key_, col);
      seen_.push_back(0);
    }
    if (row.values.size() < header_.size()) row.values.resize(header_.size());
    guess_[ordinal] = col;
    return col;
  }

  InputText text_;
  const char* data_ = nullptr;
  const char* end_ = nullptr;
  const char* pos_ = nullptr;
  int64_t line_ = 1;
  std::vector<std::string> header_;
  std::unordered_map<std::string, size_t, StringHash, std::equal_to<>> index_;
  std::vector<size_t> guess_;     // column of the n-th key on the previous line
  std::vector<uint64_t> seen_;    // per column: stamp_ of the last line that set it
  uint64_t stamp_ = 0;
  std::string key_;
  // The line being parsed.
  const char* p_ = nullptr;
  const char* lend_ = nullptr;
  const char* line_begin_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<RowReader>> OpenJsonlReader(InputText text, std::string_view /*origin*/) {
  return std::unique_ptr<RowReader>(std::make_unique<JsonlReader>(std::move(text)));
}

Result<std::unique_ptr<RowReader>> OpenJsonlReader(const std::string& path) {
  JH_ASSIGN_OR_RETURN(InputText text, InputText::Map(path));
  return OpenJsonlReader(std::move(text), path);
}

Result<std::unique_ptr<RowReader>> OpenJsonlReaderFromString(std::string content,
                                                             std::string_view origin) {
  return OpenJsonlReader(InputText::FromString(std::move(content)), origin);
}

}  // namespace junheng::ingest
