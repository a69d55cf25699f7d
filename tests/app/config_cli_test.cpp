// `junheng --config FILE` and `junheng serve --log-file`, run as an operator
// runs them: the file is honoured by every command, a flag beats it, a wrong key
// or value stops the command with one sentence naming it, and the log file is
// reopened on SIGHUP after logrotate renamed it.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "app/child_process.h"
#include "app/run_junheng.h"
#include "app/scratch_dir.h"

namespace {

namespace fs = std::filesystem;
using junheng::app::testing::CommandRun;
using junheng::app::testing::JunhengProcess;
using ::testing::HasSubstr;
using ::testing::Not;

class ConfigCliTest : public junheng::app::testing::ScratchDirTest {
 protected:
  ConfigCliTest() : ScratchDirTest("jh_config") {}
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // A register with the division tree and nobody in it.
  std::string MakeRegister() const {
    const std::string db = Path("register.db");
    const CommandRun r = junheng::app::testing::RunJunheng(fmt::format("init --db {}", db));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return db;
  }
  // Starts `junheng <args>` and waits for its "listening on" line: the port, or 0.
  static int WaitListening(JunhengProcess& p, std::string* url = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    constexpr std::string_view kListening = "listening on ";
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string log = p.Log();
      const size_t at = log.find(kListening);
      const size_t eol = at == std::string::npos ? at : log.find('\n', at);
      if (eol != std::string::npos) {
        const std::string line = log.substr(at + kListening.size(), eol - at - kListening.size());
        if (url) *url = line;
        return std::stoi(line.substr(line.rfind(':') + 1));
      }
      if (p.Wait(std::chrono::milliseconds(20))) return 0;
    }
    return 0;
  }
};

TEST_F(ConfigCliTest, EveryCommandReadsTheFileAndItsOwnSectionFirst) {
  const std::string db = MakeRegister();
  // The top-level db is wrong; [summary] names the right one and wins.
  const std::string config =
      Write("junheng.toml", fmt::format("# the register\ndb = \"{}\"\n\n[summary]\ndb = \"{}\"\n", Path("none.db"), db));
  CommandRun r = junheng::app::testing::RunJunheng(fmt::format("summary --config {}", config));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("divisions"));
  // `check` has no section: the top-level db applies, and it does not exist.
  r = junheng::app::testing::RunJunheng(fmt::format("--config {} check", config));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr(Path("none.db")));
  // The command line beats the file.
  r = junheng::app::testing::RunJunheng(fmt::format("check --config {} --db {}", config, db));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = junheng::app::testing::RunJunheng(fmt::format("summary --db {} --config {}", Path("other.db"), config));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr(Path("other.db")));
}

TEST_F(ConfigCliTest, ServeTakesEveryOptionFromItsSectionAndFlagsWin) {
  const std::string db = MakeRegister();
  const std::string password = Write("password.txt", "Config-2035-pass\n");
  const CommandRun added = junheng::app::testing::RunJunheng(
      fmt::format("user add --db {} --username ops --role city_admin --division 141000000000", db), password);
  ASSERT_EQ(added.exit_code, 0) << added.out;
  const std::string log = Path("junheng.log");
  // 127.0.0.2 is a loopback address too: the flag's 127.0.0.1 must win.
  const std::string config = Write(
      "junheng.toml",
      fmt::format("db = \"{}\"\n[serve]\nbind = \"127.0.0.2\"\nport = 0\nweb = \"{}\"\nthreads = 2\nreaders = 1\n"
                  "imports = \"{}\"\nsecure-cookies = true\nlog-file = \"{}\"\nlog-level = \"info\"\n",
                  db, Path("no-web"), Path("uploads"), log));
  JunhengProcess server({"serve", "--config", config, "--bind", "127.0.0.1"}, Path("serve.out"));
  ASSERT_TRUE(server.started());
  std::string url;
  const int port = WaitListening(server, &url);
  ASSERT_NE(port, 0) << server.Log();
  EXPECT_THAT(url, HasSubstr("http://127.0.0.1:"));
  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  // secure-cookies from the file: the session cookie is marked Secure.
  auto login = client.Post("/api/v1/session", R"({"username":"ops","password":"Config-2035-pass"})",
                           "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 200) << login->body;
  EXPECT_THAT(login->get_header_value("Set-Cookie"), HasSubstr("; Secure"));
  server.Signal(SIGTERM);
  const auto status = server.Wait(std::chrono::seconds(30));
  EXPECT_EQ(junheng::app::testing::DescribeStatus(status), "exit 0") << server.Log();
  // The request lines went to the file named in the configuration, not to standard error.
  const std::string lines = Read(log);
  EXPECT_THAT(lines, HasSubstr(R"("event":"listening")"));
  EXPECT_THAT(lines, HasSubstr(R"("path":"/healthz")"));
  EXPECT_THAT(server.Log(), Not(HasSubstr(R"("path":"/healthz")")));
}

TEST_F(ConfigCliTest, AWrongKeyOrValueIsOneSentenceNamingIt) {
  const std::string db = MakeRegister();
  struct Case {
    std::string file_text;
    std::string expected;  // in the one line printed
  };
  const Case cases[] = {
      {"[serve]\nprot = 8080\n", "unknown key `serve.prot`: `junheng serve` has no option --prot"},
      {"colour = \"red\"\n", "unknown key `colour`"},
      {"[serv]\nport = 8080\n", "unknown section [serv]"},
      {"[serve]\nport = 70000\n", "`serve.port` = 70000 is refused"},
      {"[serve]\nthreads = \"many\"\n", "`serve.threads` = many is refused"},
      {"[serve]\nsecure-cookies = \"perhaps\"\n", "`serve.secure-cookies` = perhaps is refused"},
      {"[serve]\nlog-level = \"chatty\"\n", "`serve.log-level` = chatty is refused"},
      {"config = \"/etc/other.toml\"\n", "unknown key `config`"},
      {"[serve\nport = 8080\n", "not valid TOML at line 2: "},
  };
  for (const Case& c : cases) {
    const std::string config = Write("bad.toml", fmt::format("db = \"{}\"\n{}", db, c.file_text));
    // Also a command that is not serve refuses a bad [serve] section: the file is checked whole.
    for (const char* command : {"serve", "summary"}) {
      const CommandRun r = junheng::app::testing::RunJunheng(fmt::format("{} --config {}", command, config));
      EXPECT_NE(r.exit_code, 0) << c.file_text;
      EXPECT_THAT(r.out, HasSubstr(fmt::format("junheng: the configuration file {}: {}", config, c.expected)))
          << command << " with " << c.file_text;
      EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    }
  }
}

// Real TOML: a quoted value keeps its '#' and spaces, a comment after it goes.
TEST_F(ConfigCliTest, QuotedValuesAreTakenWhole) {
  const std::string db = Path("city #1 register.db");
  CommandRun r = junheng::app::testing::RunJunheng(fmt::format("init --db '{}'", db));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string config = Write("junheng.toml", fmt::format("db = \"{}\"  # the city's register\n", db));
  r = junheng::app::testing::RunJunheng(fmt::format("summary --config {}", config));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("divisions"));
}

TEST_F(ConfigCliTest, AMissingFileIsNamed) {
  const CommandRun r = junheng::app::testing::RunJunheng(fmt::format("summary --config {}", Path("nowhere.toml")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr(fmt::format("cannot read the configuration file {}: No such file or directory",
                                           Path("nowhere.toml"))));
}

TEST_F(ConfigCliTest, AnUnwritableLogFileStopsServeAtOnce) {
  const std::string db = MakeRegister();
  const CommandRun r = junheng::app::testing::RunJunheng(
      fmt::format("serve --db {} --port 0 --log-file {}", db, Path("no-such-folder/junheng.log")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr(fmt::format("cannot open the log file {} for appending",
                                           Path("no-such-folder/junheng.log"))));
}

// logrotate's way: rename the file, send SIGHUP; the lines after the signal
// go to a new file of the old name, the renamed one keeps the earlier lines.
TEST_F(ConfigCliTest, TheLogFileIsReopenedOnSighup) {
  const std::string db = MakeRegister();
  const std::string log = Path("junheng.log");
  JunhengProcess server({"serve", "--db", db, "--port", "0", "--web", Path("no-web"), "--log-file", log},
                        Path("serve.out"));
  const int port = WaitListening(server);
  ASSERT_NE(port, 0) << server.Log();
  httplib::Client client("127.0.0.1", port);
  ASSERT_TRUE(client.Get("/healthz"));
  fs::rename(log, log + ".1");
  server.Signal(SIGHUP);
  for (int i = 0; i < 500 && !fs::exists(log); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(fs::exists(log)) << "no new log file after SIGHUP";
  ASSERT_TRUE(client.Get("/metrics"));
  // A second rotation works the same way.
  fs::rename(log, log + ".0");
  server.Signal(SIGHUP);
  for (int i = 0; i < 500 && !fs::exists(log); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(client.Get("/api/v1/openapi.json"));
  server.Signal(SIGTERM);
  EXPECT_EQ(junheng::app::testing::DescribeStatus(server.Wait(std::chrono::seconds(30))), "exit 0") << server.Log();

  const std::string first = Read(log + ".1"), second = Read(log + ".0"), third = Read(log);
  EXPECT_THAT(first, HasSubstr(R"("path":"/healthz")"));
  EXPECT_THAT(first, Not(HasSubstr(R"("path":"/metrics")")));
  EXPECT_THAT(second, HasSubstr(R"("event":"log_reopened")"));
  EXPECT_THAT(second, HasSubstr(R"("path":"/metrics")"));
  EXPECT_THAT(second, Not(HasSubstr(R"("path":"/healthz")")));
  EXPECT_THAT(third, HasSubstr(R"("path":"/api/v1/openapi.json")"));
  EXPECT_THAT(third, HasSubstr("stopping"));
  EXPECT_EQ(fs::status(log).permissions() & fs::perms::others_all, fs::perms::none) << "the log is not world-readable";
}

}  // namespace
