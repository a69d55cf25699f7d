// junheng serve: the API and the web front end on one port.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <thread>

#include "app/commands.h"
#include "app/context.h"
#include "core/clock.h"
#include "http/metrics.h"
#include "http/server.h"
#include "services/accounts.h"
#include "services/audit.h"
#include "services/import_jobs.h"
#include "services/live_register.h"
#include "store/sqlite/sqlite_store.h"

namespace junheng::app {
namespace {

int g_stop_pipe[2] = {-1, -1};

struct ServeArgs {
  std::string db, bind = "127.0.0.1", web = JUNHENG_WEB_DIR, imports;
  int port = 8080, threads = 16, readers = 4;
  bool secure_cookies = false;
};

void Serve(const ServeArgs& a) {
  if (!std::filesystem::exists(a.db))
    throw CommandError(fmt::format("there is no database at {}; create one with `junheng init --db {}` or "
                                   "`junheng demo --db {}`", a.db, a.db, a.db));
  auto logger = spdlog::stderr_logger_mt("junheng");
  logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":%v})", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(logger);

  const std::string db = a.db;
  // The request connections read without a memory map: every commit grows the
  // file, and each connection would then remap its whole map (page tables of
  // gigabytes torn down per write, measured at ~9 % of a registration's time).
  // Only the initial load, one long scan, reads through a map.
  auto pool = OrDie(services::StorePool::Open(
      [db]() {
        return store::OpenSqliteStore(
            db, store::SqliteOptions{.create_if_missing = false, .cache_size_kib = 65536, .mmap_size_bytes = 0});
      },
      a.readers));
  fmt::print(stderr, "loading the register from {} ...\n", a.db);
  const auto load_start = std::chrono::steady_clock::now();
  auto loader = OrDie(store::OpenSqliteStore(db, store::SqliteOptions{.create_if_missing = false}));
  auto live = OrDie(services::LiveRegister::Start(*pool, {}, loader.get()));
  loader.reset();
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  live->Read([&](const analytics::Snapshot& s) {
    fmt::print(stderr, "loaded {} persons, events up to #{} in {:.1f} s\n", s.person_count(), s.applied_seq(), load_s);
    return 0;
  });
  SystemClock clock;
  services::Accounts accounts(*pool, clock);
  services::AuditLog audit(*pool, clock);
  const std::string imports_dir =
      a.imports.empty() ? (std::filesystem::path(a.db).parent_path() / "imports").string() : a.imports;
  services::ImportJobs imports(*pool, *live, clock, imports_dir);
  http::Metrics metrics;
  services::ResultCache cache(*live);
  http::ServerContext context{*pool, *live, accounts, audit, imports, clock, [] { return Today(); }, DataDir(),
                              &metrics, &cache, a.secure_cookies};
  http::Server server(context, http::ServerOptions{.bind = a.bind, .port = a.port, .web_dir = a.web,
                                                   .threads = a.threads});
  OrDie(server.Bind());
  if (!std::filesystem::exists(std::filesystem::path(a.web) / "index.html"))
    fmt::print(stderr, "note: no web front end at {} (build it with scripts/build-web.sh); the API works\n", a.web);
  fmt::print("listening on http://{}:{}\n", a.bind, server.port());
  std::fflush(stdout);
  // SIGINT and SIGTERM write a byte to a pipe (all a signal handler may safely
  // do); a thread reading it stops the server, which answers the requests in
  // flight and returns from Run.
  if (pipe(g_stop_pipe) != 0) throw CommandError("cannot create a pipe for signals");
  struct sigaction action {};
  action.sa_handler = [](int) {
    const char byte = 1;
    [[maybe_unused]] auto n = write(g_stop_pipe[1], &byte, 1);
  };
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::thread stopper([&] {
    char byte = 0;
    const bool signalled = read(g_stop_pipe[0], &byte, 1) == 1 && byte == 1;
    if (signalled) spdlog::info(R"("stopping: finishing the requests in flight")");
    server.Stop();
  });
  const auto ran = server.Run();
  // Run returned on a signal or a failure; wake the stopper either way.
  const char done = 0;
  [[maybe_unused]] auto n = write(g_stop_pipe[1], &done, 1);
  stopper.join();
  OrDie(ran);
  fmt::print(stderr, "stopped\n");
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  auto* serve = app.add_subcommand("serve", "Serve the JSON API and the web pages");
  serve->add_option("--db", args->db, "Register database")->required();
  serve->add_option("--port", args->port, "TCP port; 0 picks a free one")->capture_default_str()->check(CLI::Range(0, 65535));
  serve->add_option("--bind", args->bind, "Address to listen on")->capture_default_str();
  serve->add_option("--web", args->web, "Folder of the built web front end")->capture_default_str();
  serve->add_option("--threads", args->threads, "Request threads")->capture_default_str()->check(CLI::Range(1, 256));
  serve->add_option("--readers", args->readers, "Read connections to the database")->capture_default_str()->check(CLI::Range(1, 64));
  serve->add_option("--imports", args->imports, "Folder where uploaded files are kept (default: imports/ beside the database)");
  serve->add_flag("--secure-cookies", args->secure_cookies,
                  "Mark the session cookie Secure (when a proxy in front serves HTTPS)");
  serve->callback([args] { Serve(*args); });
}

}  // namespace junheng::app
