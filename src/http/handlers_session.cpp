// POST/GET/DELETE /api/v1/session: signing in and out.
#include <httplib.h>

#include <fmt/format.h>

#include "http/request_bodies.h"
#include "http/views.h"

namespace junheng::http {
namespace {

std::string Cookie(const ServerContext& context, const std::string& token, int64_t max_age) {
  return fmt::format("jh_session={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", token, max_age,
                     context.secure_cookies ? "; Secure" : "");
}

Outcome SignIn(Call& call) {
  auto body = DecodeSignIn(call.request().body);
  if (!body) return std::unexpected(body.error());
  auto session = call.context().accounts.Login(body->username, body->password);
  services::AuditEntry entry;
  entry.actor = body->username;
  entry.request_id = call.request_id();
  entry.ip = call.ip();
  if (!session) {
    entry.action = "login_failed";
    entry.outcome = "denied";
    entry.detail_json = nlohmann::json{{"reason", ErrorCodeName(session.error().code)}}.dump();
    if (auto s = call.context().audit.Append(entry); !s) return Refuse(s.error());
    return Refuse(session.error());
  }
  entry.action = "login";
  entry.role = std::string(services::RoleName(session->user.role));
  entry.division = session->user.division.ToString();
  if (auto s = call.context().audit.Append(entry); !s) return Refuse(s.error());
  Reply r = Json(200, nlohmann::json{{"token", session->token},
                                     {"expires_at", session->expires_at.ToUtcString()},
                                     {"user", UserJson(call.context(), session->user)}}
                          .dump());
  r.headers.emplace_back("Set-Cookie", Cookie(call.context(), session->token, 12 * 3600));
  return r;
}

Outcome Current(Call& call) {
  return Json(200, nlohmann::json{{"user", UserJson(call.context(), call.user())}}.dump());
}

Outcome SignOut(Call& call) {
  if (auto s = call.context().accounts.Logout(call.token()); !s) return Refuse(s.error());
  call.Audit("logout", "", call.user().division.ToString());
  Reply r = Json(204, "");
  r.headers.emplace_back("Set-Cookie", Cookie(call.context(), "", 0));
  return r;
}

}  // namespace

void AddSessionRoutes(std::vector<Route>& routes) {
  routes.push_back({"POST", "/api/v1/session", false, 4096, SignIn});
  routes.push_back({"GET", "/api/v1/session", true, 0, Current});
  routes.push_back({"DELETE", "/api/v1/session", true, 0, SignOut});
}

}  // namespace junheng::http
