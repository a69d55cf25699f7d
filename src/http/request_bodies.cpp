#include "http/request_bodies.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace junheng::http {
namespace {

// The exchange-format fields a form may send, as JSON keys.
constexpr Field kEventFields[] = {Field::kEventId, Field::kType, Field::kDate, Field::kDivision, Field::kPersonId,
                                  Field::kOtherPlace, Field::kMotherId, Field::kFatherId, Field::kBirthOrder,
                                  Field::kPlurality, Field::kWeightG, Field::kGestationWeeks, Field::kSpouseId,
                                  Field::kCause, Field::kMaternal};
constexpr Field kPersonFields[] = {Field::kName, Field::kSex, Field::kCitizenId, Field::kBirthDate, Field::kEthnicity,
                                   Field::kHukouDivision, Field::kHouseholdId, Field::kPhone};

}  // namespace

HttpResult<SignInBody> DecodeSignIn(const std::string& body) {
  auto object = ParseObject(body);
  if (!object) return std::unexpected(object.error());
  if (auto ok = OnlyKeys(*object, {"username", "password"}); !ok) return std::unexpected(ok.error());
  auto username = StringMember(*object, "username");
  if (!username) return std::unexpected(username.error());
  auto password = StringMember(*object, "password");
  if (!password) return std::unexpected(password.error());
  if (!*username || (*username)->empty())
    return Refuse(ErrorCode::kInvalidArgument, "username: 请输入用户名 / enter your username", "username");
  if (!*password || (*password)->empty())
    return Refuse(ErrorCode::kInvalidArgument, "password: 请输入密码 / enter your password", "password");
  return SignInBody{std::move(**username), std::move(**password)};
}

HttpResult<services::EventForm> DecodeEventForm(const std::string& body) {
  auto object = ParseObject(body);
  if (!object) return std::unexpected(object.error());
  services::EventForm form;
  std::vector<std::string_view> allowed{"child", "person"};
  for (Field f : kEventFields) allowed.push_back(FieldName(f));
  for (const auto& [key, value] : object->items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      return Refuse(ErrorCode::kInvalidArgument,
                    fmt::format("{}: 未知字段 / unknown field; the fields are: {}", key, fmt::join(allowed, ", ")), key);
  }
  for (Field f : kEventFields) {
    const std::string key(FieldName(f));
    auto text = TextMember(*object, key.c_str());
    if (!text) return std::unexpected(text.error());
    if (!text->empty()) form.event.emplace_back(f, std::move(*text));
  }
  if (object->contains("child") && object->contains("person"))
    return Refuse(ErrorCode::kInvalidArgument, "child: 只能给出 child 或 person 之一 / give child or person, not both", "child");
  for (const char* key : {"child", "person"}) {
    auto it = object->find(key);
    if (it == object->end() || it->is_null()) continue;
    if (!it->is_object())
      return Refuse(ErrorCode::kInvalidArgument, fmt::format("{}: 应为对象 / must be an object", key), key);
    const std::string prefix = fmt::format("{}.", key);
    for (const auto& [k, v] : it->items()) {
      bool known = false;
      for (Field f : kPersonFields) known = known || FieldName(f) == k;
      if (!known)
        return Refuse(ErrorCode::kInvalidArgument, fmt::format("{}{}: 未知字段 / unknown field", prefix, k), prefix + k);
    }
    for (Field f : kPersonFields) {
      const std::string name(FieldName(f));
      auto text = TextMember(*it, name.c_str(), prefix);
      if (!text) return std::unexpected(text.error());
      if (!text->empty()) form.person.emplace_back(f, std::move(*text));
    }
    if (form.person.empty())
      return Refuse(ErrorCode::kInvalidArgument, fmt::format("{}: 不能为空 / must not be empty", key), key);
  }
  return form;
}

}  // namespace junheng::http
