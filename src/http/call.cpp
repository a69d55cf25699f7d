#include <httplib.h>

#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "http/router.h"

namespace junheng::http {

std::optional<std::string> Call::Query(const char* name) const {
  if (!request_.has_param(name)) return std::nullopt;
  return request_.get_param_value(name);
}

Result<std::string> Call::RequiredQuery(const char* name) const {
  auto v = Query(name);
  if (!v || v->empty())
    return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: 缺少此参数 / this query parameter is required", name));
  return *v;
}

Result<Date> Call::QueryDate(const char* name) const {
  JH_ASSIGN_OR_RETURN(std::string text, RequiredQuery(name));
  auto d = Date::Parse(text);
  if (!d)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: '{}' 不是有效日期，应为 YYYY-MM-DD / is not a date YYYY-MM-DD", name, text));
  return *d;
}

std::optional<Result<Date>> Call::OptionalDate(const char* name) const {
  if (!Query(name) || Query(name)->empty()) return std::nullopt;
  return QueryDate(name);
}

Result<DivisionCode> Call::QueryDivision(const char* name) const {
  auto text = Query(name);
  if (!text || text->empty()) return user_->division;
  auto code = DivisionCode::Parse(*text);
  if (!code)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: '{}' 不是12位区划代码 / is not a 12-digit division code", name, *text));
  return *code;
}

Result<bool> Call::QueryBool(const char* name, bool fallback) const {
  auto text = Query(name);
  if (!text || text->empty()) return fallback;
  if (*text == "true" || *text == "1") return true;
  if (*text == "false" || *text == "0") return false;
  return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: 应为 true 或 false / must be true or false", name));
}

Result<int64_t> Call::PathId(const std::string& name) const {
  const std::string& text = path_.at(name);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 0)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: 应为整数 / must be a whole number", name));
  return v;
}

Result<int64_t> Call::QueryInt(const char* name, int64_t fallback, int64_t min, int64_t max) const {
  auto text = Query(name);
  if (!text || text->empty()) return fallback;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < min || v > max)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: 应为 {} 到 {} 之间的整数 / must be a whole number from {} to {}", name, min, max, min,
                            max));
  return v;
}

Status Call::RequireInside(DivisionCode division, std::string_view what) {
  if (user_->division.Contains(division)) return {};
  Audit("forbidden", std::string(what), division.ToString(), "denied",
        nlohmann::json{{"path", request_.path}}.dump());
  return Fail(ErrorCode::kPermissionDenied,
              fmt::format("{} 不在您的管辖范围内 / {} lies outside your jurisdiction", division.ToString(),
                          division.ToString()));
}

Status Call::Require(bool allowed, std::string_view action) {
  if (allowed) return {};
  Audit("forbidden", std::string(action), user_->division.ToString(), "denied",
        nlohmann::json{{"path", request_.path}}.dump());
  return Fail(ErrorCode::kPermissionDenied,
              fmt::format("您的角色无权执行此操作 / your role may not {}", action));
}

void Call::Audit(std::string action, std::string target, std::string division, std::string outcome,
                 std::string detail_json) {
  services::AuditEntry e;
  if (user_) {
    e.actor = user_->username;
    e.role = std::string(services::RoleName(user_->role));
  }
  e.action = std::move(action);
  e.target = std::move(target);
  e.division = std::move(division);
  e.outcome = std::move(outcome);
  e.detail_json = std::move(detail_json);
  e.request_id = request_id_;
  e.ip = ip_;
  // A failed audit write must not pass silently: the server counts and logs it.
  if (auto s = context_.audit.Append(e); !s) throw std::runtime_error("audit log: " + s.error().message);
}

Reply Json(int status, std::string body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace junheng::http
