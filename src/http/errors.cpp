#include "http/errors.h"

#include <nlohmann/json.hpp>

namespace junheng::http {

int HttpStatusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kValidationFailed: return 422;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

std::string ErrorBody(const Error& error, std::string_view request_id, std::string_view field,
                      const std::vector<Reason>& details) {
  nlohmann::json e = {{"code", ErrorCodeName(error.code)}, {"message", error.message}};
  if (!field.empty()) e["field"] = field;
  if (!details.empty()) {
    auto& d = e["details"] = nlohmann::json::array();
    for (const Reason& r : details) d.push_back({{"field", r.field}, {"code", r.code}, {"message", r.message}});
  }
  return nlohmann::json{{"error", std::move(e)}, {"request_id", request_id}}.dump();
}

}  // namespace junheng::http
