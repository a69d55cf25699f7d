#include "store/postgres/pg_codec.h"

#include <charconv>

#include <fmt/format.h>

#include "store/sqlite/codec.h"

namespace junheng::store::postgres {
namespace {

// Length of the well-formed UTF-8 sequence at text[i] (RFC 3629: no overlongs,
// no surrogates, nothing above U+10FFFF), or 0 when there is none or it is NUL.
size_t SequenceAt(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c == 0) return 0;
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

bool IsStorableText(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = SequenceAt(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

Status StorableText(std::string_view text, std::string_view field, std::string_view record) {
  if (IsStorableText(text)) return {};
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("{} of {} holds a NUL byte or is not valid UTF-8, which PostgreSQL cannot "
                          "store; correct the record.",
                          field, record));
}

std::string_view CleanText(std::string_view text, std::string& storage) {
  if (IsStorableText(text)) return text;
  storage.clear();
  for (size_t i = 0; i < text.size();) {
    const size_t n = SequenceAt(text, i);
    if (n == 0) {
      storage += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      storage.append(text, i, n);
      i += n;
    }
  }
  return storage;
}

std::string ToBytea(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 + 2 * bytes.size());
  out += "\\x";
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

int64_t IntOf(std::string_view text) {
  int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

std::string BytesOf(const pqxx::field& f) {
  const std::string_view hex = TextOf(f);
  std::string out;
  if (!hex.starts_with("\\x")) return std::string(hex);  // bytea_output = escape: not ours to set
  out.reserve((hex.size() - 2) / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0;
  };
  for (size_t i = 2; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1]));
  }
  return out;
}

void Fields::From(const pqxx::row& row) {
  text_.clear();
  null_.clear();
  for (const pqxx::field& f : row) {
    text_.push_back(TextOf(f));
    null_.push_back(f.is_null());
  }
}

bool Fields::ParseCopyLine(std::string_view line) {
  if (line.ends_with('\n')) line.remove_suffix(1);
  text_.clear();
  null_.clear();
  unescaped_.clear();
  // Unescaped text is never longer than the line: views into it stay valid.
  unescaped_.reserve(line.size());
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    std::string_view raw = line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
    if (raw == "\\N") {
      text_.emplace_back();
      null_.push_back(true);
    } else if (raw.find('\\') == std::string_view::npos) {
      text_.push_back(raw);
      null_.push_back(false);
    } else {
      const size_t begin = unescaped_.size();
      for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '\\') {
          if (++i == raw.size()) return false;
          switch (raw[i]) {
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'v': c = '\v'; break;
            default: c = raw[i];  // \\ and any other escaped character stand for themselves
          }
        }
        unescaped_ += c;
      }
      text_.emplace_back(unescaped_.data() + begin, unescaped_.size() - begin);
      null_.push_back(false);
    }
    if (tab == std::string_view::npos) return true;
    start = tab + 1;
  }
}

void ReadPerson(const Fields& f, Person& out) {
  out.person_id = f.Text(0);
  out.citizen_id = f.Text(1);
  out.name = f.Text(2);
  out.sex = static_cast<Sex>(f.Int(3));
  out.birth_date = Date::FromDays(static_cast<int32_t>(f.Int(4)));
  out.ethnicity = f.Text(5);
  out.hukou_division = sqlite::ParseStoredDivision(f.Text(6));
  out.mother_id = f.Text(7);
  out.father_id = f.Text(8);
  out.household_id = f.Text(9);
  out.phone = f.Text(10);
}

void ReadEvent(const Fields& f, StoredEvent& out) {
  out.seq = f.Int(0);
  out.batch_id = f.Int(1);
  Event& e = out.event;
  e.source = f.Text(2);
  e.event_id = f.Text(3);
  e.type = EventTypeFromName(f.Text(4)).value_or(EventType::kEnumerate);
  e.date = Date::FromDays(static_cast<int32_t>(f.Int(5)));
  e.recorded_at = Timestamp{f.Int(6)};
  e.person_id = f.Text(7);
  e.division = sqlite::ParseStoredDivision(f.Text(8));
  e.other_place = f.Text(9);
  e.mother_id = f.Text(10);
  e.father_id = f.Text(11);
  e.birth_order = static_cast<int>(f.Int(12));
  e.plurality = static_cast<int>(f.Int(13));
  e.weight_g = static_cast<int>(f.Int(14));
  e.gestation_weeks = static_cast<int>(f.Int(15));
  e.spouse_id = f.Text(16);
  e.cause = f.Text(17);
  e.maternal = f.IsNull(18) ? int8_t{-1} : static_cast<int8_t>(f.Int(18));
  e.link = LinkKey{};
}

}  // namespace junheng::store::postgres
