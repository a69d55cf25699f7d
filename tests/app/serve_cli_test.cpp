// `junheng demo` then `junheng serve`, as a person runs them: the demo prints
// one login per role, the server prints its URL, answers, and stops cleanly on
// SIGTERM with exit code 0.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "app/run_junheng.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// Runs junheng; returns what it printed and sets the exit code.
std::string RunCommand(const std::string& args, int* exit_code) {
  auto r = junheng::app::testing::RunJunheng(args);
  *exit_code = r.exit_code;
  return r.out;
}

TEST(ServeCliTest, DemoUsersSignInAndTheServerStopsOnSigterm) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("jh_serve_{}", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "demo.db").string();
  int code = -1;
  const std::string demo = RunCommand(fmt::format("demo --db {} --scale 0.002 --seed 4", db), &code);
  ASSERT_EQ(code, 0) << demo;
  for (const char* user : {"admin", "yaodu", "township", "village", "health", "analyst"})
    EXPECT_THAT(demo, HasSubstr(fmt::format("  {}", user)));
  EXPECT_THAT(demo, HasSubstr("password Linfen-2035"));

  // The server, with its standard output on a pipe to read the URL from.
  int out_pipe[2];
  ASSERT_EQ(pipe(out_pipe), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    close(out_pipe[0]);
    setenv("JUNHENG_DATA_DIR", JUNHENG_DATA_DIR, 1);
    execl(JUNHENG_BINARY, JUNHENG_BINARY, "serve", "--db", db.c_str(), "--port", "0", "--web",
          (dir / "no-web").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out_pipe[1]);
  std::string line;
  char c;
  while (read(out_pipe[0], &c, 1) == 1 && c != '\n') line += c;
  ASSERT_THAT(line, HasSubstr("listening on http://127.0.0.1:"));
  const int port = std::stoi(line.substr(line.rfind(':') + 1));

  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto login = client.Post("/api/v1/session", R"({"username":"village","password":"Linfen-2035"})", "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 200) << login->body;
  EXPECT_THAT(login->body, HasSubstr("village_worker"));
  // Without a built front end, pages say how to build it; the API still works.
  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 404);
  EXPECT_THAT(page->body, HasSubstr("build-web.sh"));

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status)) << "killed by a signal instead of stopping";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  close(out_pipe[0]);

  // The audit log holds the demo's users and the sign-in, and its chain verifies.
  const std::string verify = RunCommand(fmt::format("audit verify --db {}", db), &code);
  EXPECT_EQ(code, 0) << verify;
  fs::remove_all(dir);
}

TEST(ServeCliTest, AMissingDatabaseIsOneSentence) {
  int code = 0;
  const std::string out = RunCommand("serve --db /nonexistent/x.db", &code);
  EXPECT_NE(code, 0);
  EXPECT_THAT(out, HasSubstr("there is no database at /nonexistent/x.db"));
}

}  // namespace
