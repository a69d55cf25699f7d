// tests/app/child_process.h: a `junheng` process a test can kill at any moment,
// for the crash tests. Started with fork and execve (nothing but
// async-signal-safe calls between them, as the test may have threads), its
// standard output and error go to a log file; the destructor kills (SIGKILL)
// and reaps it when it still runs, so a failing assertion leaves no server or
// importer behind. A server's port is read from its "listening on" line.
#pragma once

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace junheng::app::testing {

class JunhengProcess {
 public:
  // Starts `junheng args...` with JUNHENG_DATA_DIR set and `env` ("NAME=value")
  // added to (or replacing in) the test's environment; output appended to `log_path`.
  JunhengProcess(const std::vector<std::string>& args, std::string log_path,
                 const std::vector<std::string>& env = {})
      : log_path_(std::move(log_path)) {
    std::vector<std::string> argv = {JUNHENG_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> envs = env;
    envs.push_back(std::string("JUNHENG_DATA_DIR=") + JUNHENG_DATA_DIR);
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string_view entry(*e);
      bool replaced = false;
      for (const std::string& mine : env)
        replaced = replaced || entry.substr(0, entry.find('=') + 1) == mine.substr(0, mine.find('=') + 1);
      if (!replaced && !entry.starts_with("JUNHENG_DATA_DIR=")) envs.emplace_back(entry);
    }
    std::vector<char*> argv_c, env_c;
    for (std::string& a : argv) argv_c.push_back(a.data());
    for (std::string& e : envs) env_c.push_back(e.data());
    argv_c.push_back(nullptr);
    env_c.push_back(nullptr);
    const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (log_fd < 0 || null_fd < 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(null_fd, STDIN_FILENO);
      dup2(log_fd, STDOUT_FILENO);
      dup2(log_fd, STDERR_FILENO);
      execve(argv_c[0], argv_c.data(), env_c.data());
      _exit(127);
    }
    close(log_fd);
    close(null_fd);
  }
  JunhengProcess(const JunhengProcess&) = delete;
  JunhengProcess& operator=(const JunhengProcess&) = delete;
  ~JunhengProcess() {
    if (pid_ > 0 && !status_) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }

  // Sends `sig` unless the process has been reaped already.
  void Signal(int sig) {
    if (pid_ > 0 && !status_) kill(pid_, sig);
  }
  // Waits up to `timeout` for the process to end: its wait status, or nullopt
  // while it still runs.
  std::optional<int> Wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid_ > 0 && !status_) {
      int status = 0;
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno != EINTR)) {
        status_ = status;
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return status_;
  }
  // Everything it printed so far.
  std::string Log() const {
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// "exit 0", "killed by signal 9", ...: a wait status for messages.
inline std::string DescribeStatus(std::optional<int> status) {
  if (!status) return "still running";
  if (WIFEXITED(*status)) return "exit " + std::to_string(WEXITSTATUS(*status));
  if (WIFSIGNALED(*status)) return "killed by signal " + std::to_string(WTERMSIG(*status));
  return "status " + std::to_string(*status);
}

// The integer after "key": in a flat JSON answer; -1 when absent.
inline int64_t JsonInt(const std::string& body, std::string_view key) {
  const std::string quoted = "\"" + std::string(key) + "\":";
  const size_t at = body.find(quoted);
  if (at == std::string::npos) return -1;
  return std::strtoll(body.c_str() + at + quoted.size(), nullptr, 10);
}

// `junheng serve` on a free port, ready once it answers /healthz.
class ServerProcess {
 public:
  // Starts the server on `target`; `dir` holds its log and uploads.
  ServerProcess(const std::string& target, const std::string& dir, const std::vector<std::string>& env = {})
      : log_offset_(LogSize(dir + "/serve.log")),
        process_({"serve", "--db", target, "--port", "0", "--web", dir + "/no-web", "--imports", dir + "/imports",
                  "--threads", "8"},
                 dir + "/serve.log", env) {}

  // Waits (up to `timeout`) for the "listening on" line and then for /healthz
  // to answer 200. False when the server exited or the time ran out.
  bool WaitReady(std::chrono::seconds timeout = std::chrono::seconds(120)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    constexpr std::string_view kListening = "listening on http://127.0.0.1:";
    while (port_ == 0) {
      const std::string log = process_.Log();
      const size_t at = log.find(kListening, log_offset_);
      if (at != std::string::npos && log.find('\n', at) != std::string::npos) {
        port_ = std::stoi(log.substr(at + kListening.size()));
        break;
      }
      if (process_.Wait(std::chrono::milliseconds(10)) || std::chrono::steady_clock::now() >= deadline) return false;
    }
    while (std::chrono::steady_clock::now() < deadline) {
      httplib::Client client("127.0.0.1", port_);
      client.set_connection_timeout(std::chrono::seconds(5));
      client.set_read_timeout(std::chrono::seconds(30));
      if (auto r = client.Get("/healthz"); r && r->status == 200) {
        health_ = r->body;
        return true;
      }
      if (process_.Wait(std::chrono::milliseconds(20))) return false;
    }
    return false;
  }
  int port() const { return port_; }
  // The body of the first /healthz answer: {"status":"ok","applied_seq":...,"persons":...}.
  const std::string& health() const { return health_; }
  JunhengProcess& process() { return process_; }
  // This run's part of the log (the file is shared by restarts).
  std::string Log() const {
    const std::string all = process_.Log();
    return all.substr(std::min(log_offset_, all.size()));
  }

 private:
  static size_t LogSize(const std::string& path) {
    std::ifstream in(path, std::ios::ate);
    return in ? static_cast<size_t>(in.tellg()) : 0;
  }
  size_t log_offset_;  // where this run's lines start in the log
  JunhengProcess process_;
  int port_ = 0;
  std::string health_;
};

}  // namespace junheng::app::testing
