#include "http/json_body.h"

#include <fmt/format.h>

namespace junheng::http {
namespace {

std::unexpected<HttpError> Bad(std::string field, std::string message) {
  return std::unexpected(HttpError(Error{ErrorCode::kInvalidArgument, fmt::format("{}: {}", field, message)}, field));
}

}  // namespace

HttpResult<nlohmann::json> ParseObject(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Bad("body", "不是有效的JSON / the body is not valid JSON");
  if (!j.is_object()) return Bad("body", "应为JSON对象 / the body must be a JSON object");
  return j;
}

HttpResult<void> OnlyKeys(const nlohmann::json& object, std::initializer_list<std::string_view> allowed,
                          std::string_view prefix) {
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || a == key;
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", a);
      return Bad(fmt::format("{}{}", prefix, key),
                 fmt::format("未知字段 / unknown field; the fields are: {}", list));
    }
  }
  return {};
}

HttpResult<std::optional<std::string>> StringMember(const nlohmann::json& object, const char* key,
                                                    std::string_view prefix) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Bad(fmt::format("{}{}", prefix, key), "应为字符串 / must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

HttpResult<std::string> TextMember(const nlohmann::json& object, const char* key, std::string_view prefix) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string();
  if (it->is_string()) return it->get<std::string>();
  if (it->is_boolean()) return std::string(it->get<bool>() ? "1" : "0");
  if (it->is_number_integer()) return it->dump();
  if (it->is_number_float()) {
    const double v = it->get<double>();
    // A whole number in int64's range (tested before the cast: casting a larger double,
    // such as 1e300, is undefined behaviour).
    if (v >= -0x1p63 && v < 0x1p63 && v == static_cast<double>(static_cast<int64_t>(v)))
      return fmt::format("{}", static_cast<int64_t>(v));
  }
  return Bad(fmt::format("{}{}", prefix, key), "应为字符串、整数或布尔值 / must be a string, a whole number or true/false");
}

}  // namespace junheng::http
