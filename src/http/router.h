// http/router.h: the route table and what a handler sees. Start here.
//
// Every endpoint is one Route in RouteTable(): method, path pattern (OpenAPI
// style, "/api/v1/divisions/{code}"), whether it needs a session, a body limit,
// and a handler. A handler parses the request, calls one service, serialises
// the result: nothing else (STYLE.md). The server (server.h) finds the route,
// authenticates, and turns an HttpError into the one JSON error shape
// (errors.h); the OpenAPI document (openapi.json) is checked against this table
// by a test.
#pragma once

#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/division.h"
#include "core/error.h"
#include "core/record.h"
#include "http/context.h"
#include "services/accounts.h"

namespace httplib {
struct Request;
}

namespace junheng::http {

// A failure with the request field at fault and, for a refused record, every reason.
struct HttpError {
  Error error;
  std::string field;
  std::vector<Reason> details;
  HttpError(Error e, std::string f = {}, std::vector<Reason> d = {})
      : error(std::move(e)), field(std::move(f)), details(std::move(d)) {}
};

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

using Outcome = std::expected<Reply, HttpError>;

inline std::unexpected<HttpError> Refuse(ErrorCode code, std::string message, std::string field = {}) {
  return std::unexpected(HttpError(Error{code, std::move(message)}, std::move(field)));
}
inline std::unexpected<HttpError> Refuse(Error e) { return std::unexpected(HttpError(std::move(e))); }

// One request as a handler sees it.
class Call {
 public:
  Call(const httplib::Request& request, ServerContext& context, std::string request_id, std::string ip)
      : request_(request), context_(context), request_id_(std::move(request_id)), ip_(std::move(ip)) {}

  const httplib::Request& request() const { return request_; }
  ServerContext& context() { return context_; }
  const std::string& request_id() const { return request_id_; }
  const std::string& ip() const { return ip_; }
  // The signed-in user; only routes that need no session run without one.
  const services::User& user() const { return *user_; }
  bool signed_in() const { return user_.has_value(); }
  void set_user(services::User user, std::string token) {
    user_ = std::move(user);
    token_ = std::move(token);
  }
  const std::string& token() const { return token_; }  // the session's, when signed in
  services::Permissions permissions() const { return services::PermissionsOf(user_->role); }
  std::map<std::string, std::string>& path_params() { return path_; }
  const std::string& Path(const std::string& name) const { return path_.at(name); }
  // A path parameter that must be a whole number (an id), failing with its name.
  Result<int64_t> PathId(const std::string& name) const;

  // Query parameters, each failing with the parameter named.
  std::optional<std::string> Query(const char* name) const;
  Result<std::string> RequiredQuery(const char* name) const;
  Result<Date> QueryDate(const char* name) const;  // required
  std::optional<Result<Date>> OptionalDate(const char* name) const;
  // A division code; `fallback` (the user's division) when absent.
  Result<DivisionCode> QueryDivision(const char* name) const;
  Result<bool> QueryBool(const char* name, bool fallback) const;
  Result<int64_t> QueryInt(const char* name, int64_t fallback, int64_t min, int64_t max) const;

  // Permission checks that audit the refusal and fail with kPermissionDenied.
  Status RequireInside(DivisionCode division, std::string_view what);
  Status Require(bool allowed, std::string_view action);
  // Writes an audit entry for this call (actor, role, request id and ip filled in).
  void Audit(std::string action, std::string target, std::string division, std::string outcome = "ok",
             std::string detail_json = "{}");

 private:
  const httplib::Request& request_;
  ServerContext& context_;
  std::string request_id_, ip_;
  std::optional<services::User> user_;
  std::string token_;
  std::map<std::string, std::string> path_;
};

using Handler = std::function<Outcome(Call&)>;

struct Route {
  std::string method;   // GET, POST, DELETE
  std::string pattern;  // "/api/v1/divisions/{code}"
  bool needs_session = true;
  size_t max_body = 64 * 1024;
  Handler handler;
};

// Every route of the API.
const std::vector<Route>& RouteTable();

// A JSON reply.
Reply Json(int status, std::string body);

// Each file of handlers adds its routes.
void AddSessionRoutes(std::vector<Route>& routes);
void AddDivisionRoutes(std::vector<Route>& routes);
void AddIndicatorRoutes(std::vector<Route>& routes);
void AddPersonRoutes(std::vector<Route>& routes);
void AddEventRoutes(std::vector<Route>& routes);
void AddImportRoutes(std::vector<Route>& routes);
void AddReviewRoutes(std::vector<Route>& routes);
void AddSystemRoutes(std::vector<Route>& routes);

}  // namespace junheng::http
