// http/server.h: `junheng serve`'s HTTP server.
//
// Serves the JSON API under /api/v1 (router.h's table), /healthz, /metrics (the
// Prometheus text format), and the web front end's built files from
// `web_dir` (any other path that is not a file gets index.html, for the
// front end's own routes). Every request gets an id (X-Request-Id, taken from
// the request when it carries a sane one) that appears in its log line, in an
// error body and in the audit log. One structured log line per request goes to
// spdlog's default logger. Stop() finishes the requests in flight and returns.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "core/error.h"
#include "http/context.h"

namespace httplib {
class Server;
}

namespace junheng::http {

struct ServerOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;          // 0: any free port (see port())
  std::string web_dir;      // built front end; empty: no web pages
  int threads = 16;
  size_t max_body = size_t{256} << 20;  // the largest upload (imports); JSON routes have their own limits
};

class Server {
 public:
  Server(ServerContext& context, ServerOptions options);
  ~Server();
  // Binds the port. kUnavailable when it cannot.
  Status Bind();
  int port() const { return port_; }
  // Serves until Stop(); returns when every request in flight is answered.
  Status Run();
  void Stop();

 private:
  void Install();
  ServerContext& context_;
  ServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
};

}  // namespace junheng::http
