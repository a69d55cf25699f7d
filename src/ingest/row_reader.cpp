#include "ingest/row_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "ingest/csv_reader.h"
#include "ingest/jsonl_reader.h"

namespace junheng::ingest {

// ---- InputText ----

Result<InputText> InputText::Map(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return Fail(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                fmt::format("Cannot open {}: {}.", path, std::strerror(err)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Fail(ErrorCode::kInvalidArgument, fmt::format("{} is not a regular file.", path));
  }
  InputText text;
  if (st.st_size > 0) {
    void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      return Fail(ErrorCode::kUnavailable, fmt::format("Cannot read {}: {}.", path, std::strerror(err)));
    }
    ::madvise(p, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
    text.map_ = p;
    text.map_size_ = static_cast<size_t>(st.st_size);
    text.view_ = std::string_view(static_cast<const char*>(p), text.map_size_);
  }
  ::close(fd);  // the mapping stays valid
  return text;
}

InputText InputText::FromString(std::string content) {
  InputText text;
  text.owned_ = std::move(content);
  text.view_ = text.owned_;
  return text;
}

InputText::InputText(InputText&& other) noexcept { *this = std::move(other); }

InputText& InputText::operator=(InputText&& other) noexcept {
  if (this == &other) return *this;
  if (map_ != nullptr) ::munmap(map_, map_size_);
  map_ = std::exchange(other.map_, nullptr);
  map_size_ = std::exchange(other.map_size_, 0);
  if (map_ != nullptr) {
    owned_.clear();
    view_ = std::string_view(static_cast<const char*>(map_), map_size_);
  } else {
    // Moving a string may move its buffer (or copy a short one): take the view afresh.
    owned_ = std::move(other.owned_);
    view_ = owned_;
  }
  other.view_ = {};
  return *this;
}

InputText::~InputText() {
  if (map_ != nullptr) ::munmap(map_, map_size_);
}

size_t SkipBom(std::string_view text) {
  return text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Fast path: eight ASCII bytes at a time.
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s + i, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

// ---- choosing a reader ----

namespace {

enum class Format { kCsv, kJsonl, kUnknown };

Format FormatFromExtension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::ranges::transform(ext, ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".csv") return Format::kCsv;
  if (ext == ".jsonl" || ext == ".ndjson" || ext == ".json") return Format::kJsonl;
  return Format::kUnknown;
}

Format FormatFromContent(std::string_view text) {
  text.remove_prefix(SkipBom(text));
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{' ? Format::kJsonl : Format::kCsv;
  }
  return Format::kCsv;
}

}  // namespace

Result<std::unique_ptr<RowReader>> OpenRowReader(const std::string& path) {
  JH_ASSIGN_OR_RETURN(InputText text, InputText::Map(path));
  Format format = FormatFromExtension(path);
  if (format == Format::kUnknown) format = FormatFromContent(text.view());
  if (format == Format::kJsonl) return OpenJsonlReader(std::move(text), path);
  return OpenCsvReader(std::move(text), path);
}

Result<std::unique_ptr<RowReader>> OpenRowReaderFromString(std::string content,
                                                           std::string_view format) {
  if (format == "csv") return OpenCsvReaderFromString(std::move(content));
  if (format == "jsonl") return OpenJsonlReaderFromString(std::move(content));
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("Unknown file format \"{}\": use \"csv\" or \"jsonl\".", format));
}

Result<RecordKind> DetectKind(const std::vector<std::string>& header) {
  auto has = [&](std::string_view name) {
    return std::ranges::find(header, name) != header.end();
  };
  if (has("event_id") || has("type")) {
    if (has("event_id") && has("type")) return RecordKind::kEvent;
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("The header looks like events but lacks the column {}.",
                            has("event_id") ? "type" : "event_id"));
  }
  if (has("person_id") || has("citizen_id")) {
    if (has("birth_date")) return RecordKind::kPerson;
    return Fail(ErrorCode::kInvalidArgument,
                "The header looks like persons but lacks the column birth_date.");
  }
  if (has("code") || has("level")) {
    if (has("code") && has("level")) return RecordKind::kDivision;
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("The header looks like divisions but lacks the column {}.",
                            has("code") ? "level" : "code"));
  }
  return Fail(ErrorCode::kInvalidArgument,
              "The header names no known kind of record: events need event_id and type, persons "
              "need person_id (or citizen_id) and birth_date, divisions need code and level.");
}

}  // namespace junheng::ingest
