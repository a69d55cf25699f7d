#include "ingest/normalize.h"

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <opencc/opencc.h>

#include "ingest/row_reader.h"

namespace junheng::ingest {
namespace {

constexpr const char* kT2sConfig = "t2s.json";

struct Converter {
  std::unique_ptr<opencc::SimpleConverter> t2s;  // null when it could not be loaded
  Status status;
};

const Converter& GetConverter() {
  static const Converter* converter = [] {
    auto* c = new Converter();
    try {
      c->t2s = std::make_unique<opencc::SimpleConverter>(kT2sConfig);
    } catch (const std::exception& e) {
      c->status = Fail(ErrorCode::kUnavailable,
                       fmt::format("The OpenCC table {} could not be loaded ({}), so traditional "
                                   "characters in names are not converted: install the opencc data.",
                                   kT2sConfig, e.what()));
    }
    return c;
  }();
  return *converter;
}

// Decodes one UTF-8 code point at s[i] (input assumed mostly valid; a bad byte is
// returned as itself with length 1).
uint32_t Decode(std::string_view s, size_t i, size_t& len) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) { len = 1; return c; }
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
  else { len = 1; return c; }
  if (i + n > s.size()) { len = 1; return c; }
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) { len = 1; return c; }
    cp = (cp << 6) | (b & 0x3F);
  }
  len = n;
  return cp;
}

bool IsSpace(uint32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

bool IsMiddleDot(uint32_t cp) {
  return cp == 0x00B7 || cp == 0x2022 || cp == 0x30FB || cp == 0x2027 || cp == 0xFF65 ||
         cp == 0x2219;
}

// Full-width forms, spaces and dots; `name` mode drops spaces and upper-cases.
// Returns whether any non-ASCII remains (then OpenCC has work to do).
bool Fold(std::string_view in, bool name, std::string& out) {
  out.clear();
  out.reserve(in.size());
  bool non_ascii = false;
  bool pending_space = false;
  for (size_t i = 0; i < in.size();) {
    size_t len;
    uint32_t cp = Decode(in, i, len);
    const std::string_view bytes = in.substr(i, len);
    i += len;
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII
    if (IsSpace(cp)) {
      if (!name) pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    if (IsMiddleDot(cp)) {
      out.append("\xC2\xB7");
      non_ascii = true;
    } else if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (name && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      out.push_back(c);
    } else {
      out.append(bytes);
      non_ascii = true;
    }
  }
  return non_ascii;
}

std::string ConvertWithOpenCc(const Converter& c, const std::string& text) {
  try {
    return c.t2s->Convert(text);
  } catch (const std::exception&) {
    return text;
  }
}

// Converts character by character, each character once per thread: OpenCC
// costs ~20,000 instructions a call, while a city's names use a few thousand
// characters. Character by character is also what a name wants: the phrase
// tables of t2s are for words, not for the characters of a name. What a
// character of the Basic Multilingual Plane becomes is kept in a flat table
// (256 KiB a thread), so a name costs a few array reads and no hashing.
std::string ToSimplified(const std::string& text) {
  const Converter& c = GetConverter();
  if (c.t2s == nullptr) return text;
  constexpr uint32_t kUnknown = 0, kOther = 0xFFFFFFFF;  // kOther: see `other`
  thread_local std::vector<uint32_t> bmp(0x10000, kUnknown);
  // Characters outside the BMP, and those that do not become one BMP character.
  thread_local std::unordered_map<uint32_t, std::string> other;
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t len;
    const uint32_t cp = Decode(text, i, len);
    const std::string_view ch(text.data() + i, len);
    i += len;
    if (cp < 0x80 || len == 1) {  // ASCII, or a byte that is not UTF-8: kept as it is
      out.append(ch);
      continue;
    }
    if (cp < 0x10000) {
      uint32_t& to = bmp[cp];
      if (to == kUnknown) {
        const std::string converted = ConvertWithOpenCc(c, std::string(ch));
        size_t n = 0;
        const uint32_t one = converted.empty() ? 0 : Decode(converted, 0, n);
        to = n == converted.size() && n > 1 && one < 0x10000 ? one : kOther;
        if (to == kOther) other.emplace(cp, converted);
      }
      if (to != kOther) {
        AppendUtf8(out, to);
        continue;
      }
    }
    auto it = other.find(cp);
    if (it == other.end()) it = other.emplace(cp, ConvertWithOpenCc(c, std::string(ch))).first;
    out += it->second;
  }
  return out;
}

}  // namespace

Status InitNameNormalizer() { return GetConverter().status; }

std::string NormalizeName(std::string_view name) {
  std::string folded;
  if (Fold(name, true, folded)) folded = ToSimplified(folded);
  return folded;
}

std::string NormalizeText(std::string_view text) {
  std::string folded;
  if (Fold(text, false, folded)) folded = ToSimplified(folded);
  return folded;
}

}  // namespace junheng::ingest
