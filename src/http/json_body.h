// http/json_body.h: reading JSON request bodies strictly. Malformed JSON, a
// body that is not an object, an unknown key or a value of the wrong type is a
// 400 naming the field, before anything is written.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/router.h"

namespace junheng::http {

template <typename T>
using HttpResult = std::expected<T, HttpError>;

// The body as a JSON object.
HttpResult<nlohmann::json> ParseObject(const std::string& body);
// Fails on the first key not in `allowed`; `prefix` names the enclosing object ("child.").
HttpResult<void> OnlyKeys(const nlohmann::json& object, std::initializer_list<std::string_view> allowed,
                          std::string_view prefix = {});
// A string member; absent or null gives nullopt, another type fails.
HttpResult<std::optional<std::string>> StringMember(const nlohmann::json& object, const char* key,
                                                    std::string_view prefix = {});
// A member as exchange-format text: a string as it is, an integer as its digits,
// true/false as 1/0; an object, array or fraction fails. Absent or null: "".
HttpResult<std::string> TextMember(const nlohmann::json& object, const char* key, std::string_view prefix = {});

}  // namespace junheng::http
