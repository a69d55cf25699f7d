// junheng serve: the API and the web front end on one port.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <filesystem>
#include <thread>

#include "app/commands.h"
#include "app/context.h"
#include "app/serve_log.h"
#include "core/clock.h"
#include "http/metrics.h"
#include "http/server.h"
#include "services/accounts.h"
#include "services/audit.h"
#include "services/import_jobs.h"
#include "services/live_register.h"
#include "store/open.h"

namespace junheng::app {
namespace {

// Signal handlers write one byte to this pipe (all a handler may safely do);
// a thread reads it and acts.
int g_signal_pipe[2] = {-1, -1};
constexpr char kSignalStop = 'S';    // SIGINT, SIGTERM
constexpr char kSignalReopen = 'H';  // SIGHUP
constexpr char kServerDone = 'D';    // Run returned

struct ServeArgs {
  std::string db, bind = "127.0.0.1", web = JUNHENG_WEB_DIR, imports;
  int port = 8080, threads = 16, readers = 4;
  bool secure_cookies = false;
  ServeLogOptions log;
};

void OnSignal(int signal) {
  const char byte = signal == SIGHUP ? kSignalReopen : kSignalStop;
  [[maybe_unused]] auto n = write(g_signal_pipe[1], &byte, 1);
}

void Serve(const ServeArgs& a) {
  if (!store::IsPostgresTarget(a.db) && !std::filesystem::exists(a.db))
    throw CommandError(fmt::format("there is no database at {}; create one with `junheng init --db {}` or "
                                   "`junheng demo --db {}`", a.db, a.db, a.db));
  SetUpServeLog(a.log);
  // SIGHUP is caught from here on (its default would end the process while the
  // register loads); the byte waits in the pipe until the signal thread runs.
  if (pipe(g_signal_pipe) != 0) throw CommandError("cannot create a pipe for signals");
  struct sigaction action {};
  action.sa_handler = OnSignal;
  action.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &action, nullptr);

  const std::string db = a.db;
  // The request connections read without a memory map: every commit grows the
  // file, and each connection would then remap its whole map (page tables of
  // gigabytes torn down per write, measured at ~9 % of a registration's time).
  // Only the initial load, one long scan, reads through a map.
  auto pool = OrDie(services::StorePool::Open(
      [db]() {
        return store::OpenStore(
            db, store::OpenOptions{.create_if_missing = false,
                                   .sqlite = {.cache_size_kib = 65536, .mmap_size_bytes = 0}});
      },
      a.readers));
  fmt::print(stderr, "loading the register from {} ...\n", store::RedactTarget(a.db));
  const auto load_start = std::chrono::steady_clock::now();
  auto open_loader = [&] { return OrDie(store::OpenStore(db, store::OpenOptions{.create_if_missing = false})); };
  auto loader = open_loader();
  auto second_loader = open_loader();
  auto live = OrDie(services::LiveRegister::Start(*pool, {}, loader.get(), second_loader.get()));
  loader.reset();
  second_loader.reset();
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  live->Read([&](const analytics::Snapshot& s) {
    fmt::print(stderr, "loaded {} persons, events up to #{} in {:.1f} s\n", s.person_count(), s.applied_seq(), load_s);
    return 0;
  });
  SystemClock clock;
  services::Accounts accounts(*pool, clock);
  services::AuditLog audit(*pool, clock);
  const std::string imports_dir =
      !a.imports.empty()                   ? a.imports
      : store::IsPostgresTarget(a.db) ? std::string("imports")
                                      : (std::filesystem::path(a.db).parent_path() / "imports").string();
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
  spdlog::info(nlohmann::json{{"event", "listening"},
                              {"url", fmt::format("http://{}:{}", a.bind, server.port())},
                              {"version", JUNHENG_VERSION}}
                   .dump());
  // From here SIGINT and SIGTERM stop the server, which answers the requests in
  // flight and returns from Run (before, they end the process: nothing to finish).
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::thread signals([&] {
    for (char byte = 0; byte != kServerDone;) {
      const ssize_t got = read(g_signal_pipe[0], &byte, 1);
      if (got < 0 && errno == EINTR) continue;
      if (got != 1) byte = kServerDone;  // the pipe is broken: stop
      if (byte == kSignalReopen) {
        ReopenServeLog();
        continue;
      }
      if (byte == kSignalStop) spdlog::info(R"("stopping: finishing the requests in flight")");
      server.Stop();
    }
  });
  const auto ran = server.Run();
  // Run returned on a signal or a failure; end the signal thread either way.
  [[maybe_unused]] auto n = write(g_signal_pipe[1], &kServerDone, 1);
  signals.join();
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
  serve->add_option("--imports", args->imports, "Folder where uploaded files are kept (default: imports/ beside a SQLite file; ./imports for PostgreSQL)");
  serve->add_flag("--secure-cookies", args->secure_cookies,
                  "Mark the session cookie Secure (when a proxy in front serves HTTPS)");
  serve->add_option("--log-file", args->log.file,
                    "Append the log (one JSON line per request) to this file and reopen it on SIGHUP; "
                    "default: standard error (the journal under systemd)");
  serve->add_option("--log-level", args->log.level, "info logs every request; warn only problems")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}));
  serve->footer(
      "Every option can also be set in the configuration file given with --config FILE, in its [serve] section "
      "(db also at the top level); the command line wins. See docs/deployment.md.");
  serve->callback([args] { Serve(*args); });
}

}  // namespace junheng::app
