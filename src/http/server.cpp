#include "http/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "http/errors.h"
#include "http/metrics.h"
#include "http/router.h"

namespace junheng::http {
namespace {

// Routes compiled to regular expressions once.
struct CompiledRoute {
  const Route* route;
  std::regex re;
  std::vector<std::string> params;
};

const std::vector<CompiledRoute>& Compiled() {
  static const std::vector<CompiledRoute> compiled = [] {
    std::vector<CompiledRoute> out;
    for (const Route& r : RouteTable()) {
      std::string re;
      std::vector<std::string> params;
      for (size_t i = 0; i < r.pattern.size(); ++i) {
        if (r.pattern[i] == '{') {
          const size_t end = r.pattern.find('}', i);
          params.push_back(r.pattern.substr(i + 1, end - i - 1));
          re += "([^/]+)";
          i = end;
        } else {
          re += r.pattern[i] == '.' ? std::string("\\.") : std::string(1, r.pattern[i]);
        }
      }
      out.push_back({&r, std::regex(re), std::move(params)});
    }
    return out;
  }();
  return compiled;
}

std::string NewRequestId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

std::string RequestIdOf(const httplib::Request& req) {
  const std::string given = req.get_header_value("X-Request-Id");
  if (!given.empty() && given.size() <= 64 &&
      std::all_of(given.begin(), given.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }))
    return given;
  return NewRequestId();
}

// The session token: "Authorization: Bearer T", else the jh_session cookie.
std::string TokenOf(const httplib::Request& req) {
  const std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Bearer ", 0) == 0) return auth.substr(7);
  const std::string cookies = req.get_header_value("Cookie");
  for (size_t at = 0; at < cookies.size();) {
    size_t end = cookies.find(';', at);
    if (end == std::string::npos) end = cookies.size();
    std::string_view part(cookies.data() + at, end - at);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.rfind("jh_session=", 0) == 0) return std::string(part.substr(11));
    at = end + 1;
  }
  return {};
}

std::string ContentTypeOf(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".geojson") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".ttf") return "font/ttf";
  return "application/octet-stream";
}

bool ReadFile(const std::filesystem::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), {});
  return true;
}

void Log(const httplib::Request& req, int status, double ms, const std::string& id, const std::string& user,
         const std::string& route) {
  spdlog::info(nlohmann::json{{"event", "request"}, {"request_id", id}, {"method", req.method}, {"path", req.path},
                              {"route", route}, {"status", status}, {"ms", std::round(ms * 100) / 100},
                              {"user", user}, {"ip", req.remote_addr}}
                   .dump());
}

}  // namespace

Server::Server(ServerContext& context, ServerOptions options)
    : context_(context), options_(std::move(options)), server_(std::make_unique<httplib::Server>()) {
  Install();
}

Server::~Server() = default;

void Server::Install() {
  const int threads = options_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server_->set_payload_max_length(options_.max_body);
  server_->set_keep_alive_max_count(1000);
  server_->set_tcp_nodelay(true);  // else small replies wait ~40 ms for a delayed ACK

  auto api = [this](const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    const std::string id = RequestIdOf(req);
    Call call(req, context_, id, req.remote_addr);
    std::string route_name = "unmatched";
    Outcome outcome = [&]() -> Outcome {
      bool path_known = false;
      for (const CompiledRoute& c : Compiled()) {
        std::smatch m;
        if (!std::regex_match(req.path, m, c.re)) continue;
        path_known = true;
        if (c.route->method != req.method) continue;
        route_name = c.route->pattern;
        for (size_t i = 0; i < c.params.size(); ++i) call.path_params()[c.params[i]] = m[i + 1].str();
        if (req.body.size() > c.route->max_body)
          return Json(413, ErrorBody(Error{ErrorCode::kInvalidArgument,
                                           fmt::format("请求体超过 {} 字节 / the request body is larger than {} bytes",
                                                       c.route->max_body, c.route->max_body)},
                                     id, "body"));
        if (c.route->needs_session) {
          const std::string token = TokenOf(req);
          if (token.empty()) return Refuse(ErrorCode::kUnauthenticated, "请先登录 / please sign in");
          auto user = context_.accounts.Authenticate(token);
          if (!user) return Refuse(user.error());
          call.set_user(std::move(*user), token);
        }
        try {
          return c.route->handler(call);
        } catch (const std::exception& e) {
          spdlog::error(nlohmann::json{{"event", "exception"}, {"request_id", id}, {"what", e.what()}}.dump());
          return Refuse(ErrorCode::kInternal,
                        fmt::format("服务器内部错误，请报告请求编号 {} / internal error; please report request id {}",
                                    id, id));
        }
      }
      if (path_known) {
        Reply r = Json(405, ErrorBody(Error{ErrorCode::kInvalidArgument,
                                            fmt::format("{} 不支持此方法 / {} does not take {}", req.path, req.path,
                                                        req.method)},
                                      id));
        return r;
      }
      return Refuse(ErrorCode::kNotFound, fmt::format("没有这个接口 / there is no endpoint {}", req.path));
    }();
    Reply reply;
    if (outcome) {
      reply = std::move(*outcome);
    } else {
      const HttpError& e = outcome.error();
      reply = Json(HttpStatusOf(e.error.code), ErrorBody(e.error, id, e.field, e.details));
    }
    res.status = reply.status;
    res.set_header("X-Request-Id", id);
    res.set_header("Cache-Control", "no-store");
    for (const auto& [k, v] : reply.headers) res.set_header(k.c_str(), v);
    res.set_content(std::move(reply.body), reply.content_type.c_str());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (context_.metrics) context_.metrics->Observe(route_name, req.method, res.status, seconds);
    Log(req, res.status, seconds * 1000, id, call.signed_in() ? call.user().username : "", route_name);
  };
  server_->Get(R"(/api/.*)", api);
  server_->Post(R"(/api/.*)", api);
  server_->Delete(R"(/api/.*)", api);
  server_->Put(R"(/api/.*)", api);
  server_->Patch(R"(/api/.*)", api);
  server_->Get("/healthz", api);
  server_->Get("/metrics", api);

  // The front end: a file under web_dir, else index.html (the front end routes itself).
  server_->Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
    namespace fs = std::filesystem;
    const auto start = std::chrono::steady_clock::now();
    std::string body;
    fs::path file;
    if (!options_.web_dir.empty() && req.path.find("..") == std::string::npos) {
      file = fs::path(options_.web_dir) / req.path.substr(1);
      if (req.path == "/" || !fs::is_regular_file(file)) file = fs::path(options_.web_dir) / "index.html";
    }
    if (file.empty() || !ReadFile(file, body)) {
      res.status = 404;
      res.set_content("Junheng: the web front end is not built (scripts/build-web.sh), or --web is wrong.\n",
                      "text/plain; charset=utf-8");
    } else {
      res.status = 200;
      if (req.path.rfind("/assets/", 0) == 0) res.set_header("Cache-Control", "public, max-age=31536000, immutable");
      res.set_content(std::move(body), ContentTypeOf(file).c_str());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (context_.metrics) context_.metrics->Observe("static", req.method, res.status, seconds);
  });
  // httplib's own refusals (a body over max_body, a malformed request) in our JSON shape.
  server_->set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    res.set_content(ErrorBody(Error{ErrorCode::kInvalidArgument, fmt::format("HTTP {}: 请求无法处理 / the request cannot be handled",
                                                      res.status)},
                              ""),
                    "application/json; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  }));
}

Status Server::Bind() {
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.bind);
  } else {
    port_ = server_->bind_to_port(options_.bind, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0)
    return Fail(ErrorCode::kUnavailable,
                fmt::format("cannot listen on {}:{}; is another server using the port?", options_.bind,
                            options_.port));
  return {};
}

Status Server::Run() {
  if (!server_->listen_after_bind()) return Fail(ErrorCode::kUnavailable, "the server stopped listening");
  return {};
}

void Server::Stop() { server_->stop(); }

}  // namespace junheng::http
