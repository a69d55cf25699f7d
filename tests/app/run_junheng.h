// tests/app/run_junheng.h: runs the junheng binary as a person runs it, for
// the CLI tests: exit code and everything it printed.
#pragma once

#include <fmt/format.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>
#include <string_view>

namespace junheng::app::testing {

struct CommandRun {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

// `word` as one shell word (single-quoted), for paths and targets such as
// postgresql://user@host/db?option=x that hold characters the shell reads.
inline std::string ShellQuote(std::string_view word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// Runs `junheng <args>` (shell words) with standard input from `stdin_path`,
// the test data folder, and `env` (shell assignments) before it.
inline CommandRun RunJunheng(const std::string& args, const std::string& stdin_path = "/dev/null",
                             const std::string& env = "") {
  const std::string cmd = fmt::format("{} JUNHENG_DATA_DIR={} {} {} 2>&1 <{}", env, JUNHENG_DATA_DIR,
                                      JUNHENG_BINARY, args, stdin_path);
  CommandRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace junheng::app::testing
