// Several `junheng serve` instances on one register: each follows the event log
// by its sequence number, so a write through one shows in the indicators of
// every other within about a second (the follower polls every 250 ms; how long
// it took is printed, the figure is in docs/performance.md). Runs on SQLite and,
// as the .pg twin, on PostgreSQL.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include "app/child_process.h"
#include "app/run_junheng.h"
#include "support/test_store.h"

namespace junheng::app::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Api {
  httplib::Client client;
  httplib::Headers auth;
  Api(int port, const std::string& user) : client("127.0.0.1", port) {
    client.set_read_timeout(std::chrono::seconds(30));
    auto r = client.Post("/api/v1/session", json{{"username", user}, {"password", "Linfen-2035"}}.dump(),
                         "application/json");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    if (r && r->status == 200) auth = {{"Authorization", "Bearer " + json::parse(r->body)["token"].get<std::string>()}};
  }
  json Get(const std::string& path) {
    auto r = client.Get(path, auth);
    EXPECT_TRUE(r && r->status == 200) << path << ": " << (r ? r->body : "no answer");
    return r && r->status == 200 ? json::parse(r->body) : json{};
  }
  // In-migrants of `division` in the first half of 2026.
  double InMigrants(const std::string& division) {
    json j = Get("/api/v1/indicators?division=" + division + "&from=2026-01-01&to=2026-07-01&indicators=in_migrants");
    return j.is_null() ? -1 : j["rows"][0]["indicators"]["in_migrants"]["value"].get<double>();
  }
};

TEST(MultiInstanceTest, EachServerSeesTheOthersWritesInItsIndicators) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("jh_multi_{}", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  junheng::testing::TestRegister reg(dir);
  const auto demo = RunJunheng(fmt::format("demo --db '{}' --scale 0.002 --seed 6", reg.target()), "/dev/null");
  ASSERT_EQ(demo.exit_code, 0) << demo.out;

  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  ServerProcess a(reg.target(), (dir / "a").string());
  ServerProcess b(reg.target(), (dir / "b").string());
  ASSERT_TRUE(a.WaitReady()) << a.Log();
  ASSERT_TRUE(b.WaitReady()) << b.Log();

  // The village worker writes on both servers in turn; the county officer reads on both.
  Api write_a(a.port(), "village"), write_b(b.port(), "village");
  Api read_a(a.port(), "yaodu"), read_b(b.port(), "yaodu");
  const std::string village = write_a.Get("/api/v1/session")["user"]["division"]["code"].get<std::string>();
  const std::string county = village.substr(0, 6) + "000000";

  int written = 0;
  const double before = read_a.InMigrants(county);
  ASSERT_EQ(read_b.InMigrants(county), before);
  for (int i = 0; i < 6; ++i) {
    Api& writer = i % 2 == 0 ? write_a : write_b;
    Api& other = i % 2 == 0 ? read_b : read_a;
    const json body = {{"type", "move_in"},
                       {"date", fmt::format("2026-05-{:02d}", 10 + i)},
                       {"division", village},
                       {"other_place", "110101"},
                       {"person", {{"name", fmt::format("迁入{}", i)}, {"sex", 1 + i % 2}, {"birth_date", "1995-03-01"}}}};
    auto r = writer.client.Post("/api/v1/events", writer.auth, body.dump(), "application/json");
    ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    ++written;
    // Poll the other server: the write must reach its indicators (deadline generous for a loaded CI).
    const auto start = std::chrono::steady_clock::now();
    double seen = other.InMigrants(county);
    while (seen != before + written && std::chrono::steady_clock::now() - start < std::chrono::seconds(20)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      seen = other.InMigrants(county);
    }
    EXPECT_EQ(seen, before + written) << "write " << i << " never reached the other server";
    fmt::print("[ follow   ] write {} on server {} seen by the other after {} ms\n", i, i % 2 == 0 ? 'a' : 'b',
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
  }
  // Both agree on the log's end, and the register checks out.
  auto applied = [](int port) {
    auto r = httplib::Client("127.0.0.1", port).Get("/healthz");
    return r && r->status == 200 ? json::parse(r->body)["applied_seq"].get<int64_t>() : -1;
  };
  const int64_t seq_a = applied(a.port()), seq_b = applied(b.port());
  EXPECT_EQ(seq_a, seq_b);
  a.process().Signal(SIGTERM);
  b.process().Signal(SIGTERM);
  EXPECT_TRUE(a.process().Wait(std::chrono::seconds(30)));
  EXPECT_TRUE(b.process().Wait(std::chrono::seconds(30)));
  const auto check = RunJunheng(fmt::format("check --db '{}'", reg.target()), "/dev/null");
  EXPECT_EQ(check.exit_code, 0) << check.out;
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace junheng::app::testing
