#include "ingest/mapping.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <toml++/toml.h>

namespace junheng::ingest {
namespace {

// The key names allowed at the top of a mapping file.
constexpr std::string_view kTopKeys[] = {"kind", "source", "columns", "values", "formats", "constants"};

Result<DateFormat> CompileFormat(std::string_view pattern, std::string_view field,
                                 std::string_view origin) {
  DateFormat f;
  f.pattern = std::string(pattern);
  bool has_year = false, has_month = false, has_day = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      if (f.pieces.empty() || f.pieces.back().conversion != 0) f.pieces.push_back({});
      f.pieces.back().literal.push_back(pattern[i]);
      continue;
    }
    if (i + 1 == pattern.size())
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}: the format of {} ends with a lone %.", origin, field));
    const char c = pattern[++i];
    if (c == '%') {
      if (f.pieces.empty() || f.pieces.back().conversion != 0) f.pieces.push_back({});
      f.pieces.back().literal.push_back('%');
      continue;
    }
    if (std::string_view("YmdHMS").find(c) == std::string_view::npos)
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}: the format of {} uses %{}; only %Y %m %d %H %M %S and %% are known.",
                              origin, field, c));
    has_year |= c == 'Y';
    has_month |= c == 'm';
    has_day |= c == 'd';
    f.has_time |= c == 'H';
    f.pieces.push_back({c, {}});
  }
  if (!has_year || !has_month || !has_day)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: the format of {} (\"{}\") must contain %Y, %m and %d.", origin, field,
                            pattern));
  return f;
}

Result<std::string> StringValue(const toml::node& node, std::string_view where,
                                std::string_view origin) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("{}: {} must be text in quotes.", origin, where));
}

Result<Field> FieldKey(std::string_view key, std::string_view table, std::string_view origin) {
  if (auto f = FieldFromName(key)) return *f;
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("{}: [{}] names \"{}\", which is not a field of the exchange format.", origin,
                          table, key));
}

const toml::table* SubTable(const toml::table& root, std::string_view name, std::string_view origin,
                            Status& status) {
  const toml::node* node = root.get(name);
  if (node == nullptr) return nullptr;
  if (!node->is_table())
    status = Fail(ErrorCode::kInvalidArgument, fmt::format("{}: {} must be a [{}] table.", origin, name, name));
  return node->as_table();
}

}  // namespace

bool ReformatDate(std::string_view value, const DateFormat& format, std::string& out) {
  int parts[6] = {0, 0, 0, 0, 0, 0};  // Y m d H M S
  size_t p = 0;
  for (const DateFormat::Piece& piece : format.pieces) {
    if (piece.conversion == 0) {
      if (value.substr(p, piece.literal.size()) != piece.literal) return false;
      p += piece.literal.size();
      continue;
    }
    const size_t width = piece.conversion == 'Y' ? 4 : 2;
    size_t n = 0;
    while (n < width && p + n < value.size() && value[p + n] >= '0' && value[p + n] <= '9') ++n;
    if (n == 0 || (piece.conversion == 'Y' && n != 4)) return false;
    int v = 0;
    for (size_t k = 0; k < n; ++k) v = v * 10 + (value[p + k] - '0');
    p += n;
    switch (piece.conversion) {
      case 'Y': parts[0] = v; break;
      case 'm': parts[1] = v; break;
      case 'd': parts[2] = v; break;
      case 'H': parts[3] = v; break;
      case 'M': parts[4] = v; break;
      case 'S': parts[5] = v; break;
    }
  }
  if (p != value.size()) return false;
  if (parts[1] < 1 || parts[1] > 12 || parts[2] < 1 || parts[2] > 31 || parts[3] > 23 ||
      parts[4] > 59 || parts[5] > 60)
    return false;
  char buf[32];
  const int len = format.has_time
                      ? std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", parts[0],
                                      parts[1], parts[2], parts[3], parts[4], parts[5])
                      : std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", parts[0], parts[1], parts[2]);
  out.assign(buf, static_cast<size_t>(len));
  return true;
}

Result<Mapping> Mapping::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Fail(ErrorCode::kNotFound, fmt::format("Cannot open the mapping file {}.", path));
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

Result<Mapping> Mapping::Parse(std::string_view toml_text, std::string_view origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} is not valid TOML at line {}: {}.", origin, e.source().begin.line,
                            e.description()));
  }
  Mapping m;
  m.origin_ = std::string(origin);
  for (const auto& [key, node] : root) {
    if (std::ranges::find(kTopKeys, key.str()) == std::end(kTopKeys))
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}: unknown entry \"{}\"; a mapping has kind, source, [columns], "
                              "[values.<field>], [formats] and [constants].",
                              origin, key.str()));
  }
  if (const toml::node* kind = root.get("kind")) {
    const auto* s = kind->as_string();
    const std::string_view k = s != nullptr ? std::string_view(s->get()) : std::string_view();
    if (k == "divisions") m.kind_ = RecordKind::kDivision;
    else if (k == "persons") m.kind_ = RecordKind::kPerson;
    else if (k == "events") m.kind_ = RecordKind::kEvent;
    else
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}: kind must be \"divisions\", \"persons\" or \"events\".", origin));
  }
  if (const toml::node* source = root.get("source")) {
    const auto* s = source->as_string();
    if (s == nullptr || !IsKnownSource(s->get()))
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}: source must be one of the known sources ({}).", origin,
                              fmt::join(KnownSources(), ", ")));
    m.source_ = s->get();
  }

  Status status;
  if (const toml::table* columns = SubTable(root, "columns", origin, status)) {
    for (const auto& [key, node] : *columns) {
      JH_ASSIGN_OR_RETURN(Field f, FieldKey(key.str(), "columns", origin));
      JH_ASSIGN_OR_RETURN(std::string column,
                          StringValue(node, fmt::format("[columns] {}", key.str()), origin));
      if (column.empty())
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("{}: [columns] {} names no column; remove the entry or name one.",
                                origin, key.str()));
      m.rules_[static_cast<size_t>(f)].column = std::move(column);
    }
  }
  JH_RETURN_IF_ERROR(status);
  if (const toml::table* constants = SubTable(root, "constants", origin, status)) {
    for (const auto& [key, node] : *constants) {
      JH_ASSIGN_OR_RETURN(Field f, FieldKey(key.str(), "constants", origin));
      JH_ASSIGN_OR_RETURN(std::string value,
                          StringValue(node, fmt::format("[constants] {}", key.str()), origin));
      FieldRule& rule = m.rules_[static_cast<size_t>(f)];
      if (!rule.column.empty())
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("{}: {} is given both a column and a constant; keep one.", origin,
                                key.str()));
      rule.constant = std::move(value);
    }
  }
  JH_RETURN_IF_ERROR(status);
  if (const toml::table* values = SubTable(root, "values", origin, status)) {
    for (const auto& [key, node] : *values) {
      JH_ASSIGN_OR_RETURN(Field f, FieldKey(key.str(), "values", origin));
      const toml::table* table = node.as_table();
      if (table == nullptr)
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("{}: values.{} must be a table of code = value.", origin, key.str()));
      auto codes = std::make_shared<ValueTable>();
      for (const auto& [code, value] : *table) {
        JH_ASSIGN_OR_RETURN(std::string v,
                            StringValue(value, fmt::format("[values.{}] \"{}\"", key.str(), code.str()),
                                        origin));
        codes->emplace(std::string(code.str()), std::move(v));
      }
      m.rules_[static_cast<size_t>(f)].values = std::move(codes);
    }
  }
  JH_RETURN_IF_ERROR(status);
  if (const toml::table* formats = SubTable(root, "formats", origin, status)) {
    for (const auto& [key, node] : *formats) {
      JH_ASSIGN_OR_RETURN(Field f, FieldKey(key.str(), "formats", origin));
      const auto* s = node.as_string();
      if (s == nullptr)
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("{}: [formats] {} must be a pattern in quotes, like \"%Y%m%d\".", origin,
                                key.str()));
      JH_ASSIGN_OR_RETURN(DateFormat format, CompileFormat(s->get(), key.str(), origin));
      m.rules_[static_cast<size_t>(f)].format = std::make_shared<const DateFormat>(std::move(format));
    }
  }
  JH_RETURN_IF_ERROR(status);
  bool any_column = false;
  for (const FieldRule& rule : m.rules_) any_column |= !rule.column.empty();
  if (!any_column)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} maps no column: add a [columns] table (exchange field = department column).",
                            origin));
  return m;
}

Mapping Mapping::Identity(RecordKind kind) {
  Mapping m;
  m.kind_ = kind;
  m.identity_ = true;
  m.origin_ = "the exchange format";
  for (size_t i = 0; i < kFieldCount; ++i) m.rules_[i].column = std::string(FieldName(static_cast<Field>(i)));
  return m;
}

Result<BoundMapping> Mapping::Bind(const std::vector<std::string>& header,
                                   bool require_all_columns) const {
  BoundMapping b;
  b.mapping_ = std::make_shared<const Mapping>(*this);
  b.header_ = header;
  b.used_columns_.assign(header.size(), false);
  // Header column → index; the header is short, a linear search per field is fine.
  for (size_t i = 0; i < kFieldCount; ++i) {
    const FieldRule& rule = b.mapping_->rules_[i];
    const Field field = static_cast<Field>(i);
    if (rule.constant) b.constants_.emplace_back(field, *rule.constant);
    if (rule.column.empty()) continue;
    auto it = std::ranges::find(header, rule.column);
    if (it == header.end()) {
      if (identity_ || !require_all_columns) continue;
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("The file has no column \"{}\", which {} maps to {}: check the header "
                              "or the mapping.", rule.column, origin_, FieldName(field)));
    }
    const size_t col = static_cast<size_t>(it - header.begin());
    b.used_columns_[col] = true;
    b.bindings_.push_back({field, col, rule.values.get(), rule.format.get()});
  }
  // Events take the file's source unless a column or a constant gives one.
  const FieldRule& source_rule = rules_[static_cast<size_t>(Field::kSource)];
  if (!source_.empty() && source_rule.column.empty() && !source_rule.constant)
    b.constants_.emplace_back(Field::kSource, source_);
  return b;
}

void BoundMapping::Apply(const Row& row, FieldValues& out) {
  out.fill(std::string_view());
  for (const Binding& b : bindings_) {
    if (b.column >= row.values.size()) continue;
    std::string_view v = row.values[b.column];
    if (v.empty()) continue;
    if (b.values != nullptr) {
      if (auto it = b.values->find(v); it != b.values->end()) v = it->second;
    }
    if (b.format != nullptr) {
      std::string& slot = storage_[static_cast<size_t>(b.field)];
      if (ReformatDate(v, *b.format, slot)) v = slot;
    }
    out[static_cast<size_t>(b.field)] = v;
  }
  for (const auto& [field, value] : constants_) out[static_cast<size_t>(field)] = value;
}

std::vector<std::string> BoundMapping::ignored_columns() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < header_.size(); ++i)
    if (!used_columns_[i]) out.push_back(header_[i]);
  return out;
}

}  // namespace junheng::ingest
