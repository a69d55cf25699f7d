// tests/http/api_fixture.h: a running server over real HTTP on a small demo
// city, with one user per role, shared by the API tests of one binary.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <thread>

#include "core/clock.h"
#include "http/metrics.h"
#include "http/server.h"
#include "services/accounts.h"
#include "services/audit.h"
#include "services/import_jobs.h"
#include "services/live_register.h"
#include "services/demo_register.h"
#include "store/open.h"
#include "support/test_store.h"

namespace junheng::http {

inline constexpr char kPassword[] = "Secret-2024-pw";

// One server for the whole test binary: building the demo city takes seconds.
class ApiEnvironment {
 public:
  static ApiEnvironment& Get() {
    static ApiEnvironment* env = new ApiEnvironment();  // lives until exit; the server thread too
    return *env;
  }

  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(30, 0);
    return c;
  }
  // Signs in and returns the bearer token.
  std::string Token(const std::string& username) {
    auto it = tokens.find(username);
    if (it != tokens.end()) return it->second;
    auto res = Client().Post("/api/v1/session",
                             nlohmann::json{{"username", username}, {"password", kPassword}}.dump(), "application/json");
    EXPECT_TRUE(res && res->status == 200) << username << ": " << (res ? res->body : "no response");
    if (!res || res->status != 200) return "";
    return tokens[username] = nlohmann::json::parse(res->body)["token"].get<std::string>();
  }
  httplib::Headers As(const std::string& username) { return {{"Authorization", "Bearer " + Token(username)}}; }

  std::filesystem::path dir;
  std::unique_ptr<junheng::testing::TestRegister> test_register;
  std::unique_ptr<services::StorePool> pool;
  std::unique_ptr<services::LiveRegister> live;
  FakeClock clock{*ParseTimestamp("2025-12-31T10:00:00+08:00")};  // kDemoToday
  std::unique_ptr<services::Accounts> accounts;
  std::unique_ptr<services::AuditLog> audit;
  std::unique_ptr<services::ImportJobs> imports;
  std::unique_ptr<services::ResultCache> cache;
  Metrics metrics;
  std::unique_ptr<ServerContext> context;
  std::unique_ptr<Server> server;
  std::thread thread;
  int port = 0;
  std::map<std::string, std::string> tokens;
  // Divisions the users are bound to, picked from the register.
  DivisionCode county, township, village, other_village;

 private:
  ApiEnvironment() {
    spdlog::set_level(spdlog::level::warn);  // one line per request is noise here
    dir = std::filesystem::temp_directory_path() / ("junheng-api-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    // SQLite or PostgreSQL, as the test process was started (support/test_store.h);
    // never dropped: the server thread outlives every test.
    test_register = std::make_unique<junheng::testing::TestRegister>(dir, "api.db");
    const std::string db = test_register->target();
    {
      auto store = store::OpenStore(db);
      if (!store) throw std::runtime_error(store.error().message);
      if (!BuildDemoRegister(**store, 0.003, 5)) throw std::runtime_error("demo register");
    }
    pool = std::move(*services::StorePool::Open([db] { return store::OpenStore(db); }, 2));
    live = std::move(*services::LiveRegister::Start(*pool, {std::chrono::milliseconds(50)}));
    services::AccountsOptions options;
    options.hashing = {1, 1024, 1};  // fast hashes for tests
    accounts = std::make_unique<services::Accounts>(*pool, clock, options);
    audit = std::make_unique<services::AuditLog>(*pool, clock);
    cache = std::make_unique<services::ResultCache>(*live);
    imports = std::make_unique<services::ImportJobs>(*pool, *live, clock, (dir / "imports").string());
    PickDivisions();
    using services::Role;
    AddUser("admin", Role::kCityAdmin, DivisionCode::Parse("141000000000").value(), "");
    AddUser("county", Role::kCountyOfficer, county, "");
    AddUser("township", Role::kTownshipStaff, township, "");
    AddUser("village", Role::kVillageWorker, village, "");
    AddUser("feeder", Role::kDataFeeder, DivisionCode::Parse("141000000000").value(), "health");
    AddUser("analyst", Role::kAnalyst, DivisionCode::Parse("141000000000").value(), "");
    context = std::make_unique<ServerContext>(ServerContext{*pool, *live, *accounts, *audit, *imports, clock,
                                                            [] { return *Date::Parse(kDemoToday); },
                                                            JUNHENG_DATA_DIR, &metrics, cache.get()});
    server = std::make_unique<Server>(*context, ServerOptions{.bind = "127.0.0.1", .port = 0, .threads = 4});
    if (!server->Bind()) throw std::runtime_error("bind");
    port = server->port();
    thread = std::thread([this] { (void)server->Run(); });
    thread.detach();
    for (int i = 0; i < 100; ++i) {
      if (auto r = Client().Get("/healthz"); r && r->status == 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  void AddUser(const std::string& name, services::Role role, DivisionCode division, const std::string& source) {
    auto u = accounts->AddUser(services::NewUser{name, name + " 测试", role, division, source}, kPassword);
    if (!u) throw std::runtime_error(name + ": " + u.error().message);
  }

  // A village with residents now, its township and county, and a village of another township.
  void PickDivisions() {
    live->Read([&](const analytics::Snapshot& s) {
      const auto& all = s.tree().all();
      for (size_t i = 0; i < all.size(); ++i) {
        if (all[i].code.level() != DivisionLevel::kVillage || s.divisions()[i].stays.size() < 5) continue;
        if (village.empty()) {
          village = all[i].code;
          township = village.parent();
          county = township.parent();
        } else if (!township.Contains(all[i].code)) {
          other_village = all[i].code;
          break;
        }
      }
      return 0;
    });
  }
};

}  // namespace junheng::http
