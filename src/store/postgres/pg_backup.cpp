// Backup and restore of a PostgreSQL register with pg_dump and pg_restore
// (postgresql-client-15): a consistent snapshot taken while others write, in
// pg_dump's custom format, and restored in one transaction.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_store_impl.h"
#include "store/postgres/pg_uri.h"

extern char** environ;

namespace junheng::store {
namespace postgres {
namespace {

// The client tool `name`: from $JUNHENG_PG_BIN, else Debian's PostgreSQL 15
// directory (the same major version as the test server; /usr/bin/pg_dump is a
// wrapper that picks a version by its own rules), else from PATH.
std::string ToolPath(const char* name) {
  if (const char* dir = std::getenv("JUNHENG_PG_BIN"); dir != nullptr && *dir != '\0') {
    return (std::filesystem::path(dir) / name).string();
  }
  const std::filesystem::path debian = std::filesystem::path("/usr/lib/postgresql/15/bin") / name;
  std::error_code ec;
  if (std::filesystem::exists(debian, ec)) return debian.string();
  return name;
}

struct ToolRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `tool` with `args`; the password, if any, goes in PGPASSWORD.
Result<ToolRun> RunTool(const char* tool, const std::vector<std::string>& args, const std::string& password) {
  const std::string path = ToolPath(tool);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!password.empty() && std::strncmp(*e, "PGPASSWORD=", 11) == 0) continue;
    env_storage.emplace_back(*e);
  }
  if (!password.empty()) env_storage.push_back("PGPASSWORD=" + password);
  std::vector<char*> envp;
  for (std::string& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return Fail(ErrorCode::kUnavailable, fmt::format("cannot run {}: {}", tool, std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, path.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return Fail(ErrorCode::kUnavailable, fmt::format("cannot run {} ({}); install postgresql-client-15 or set "
                                                     "JUNHENG_PG_BIN to the directory holding it.",
                                                     path, std::strerror(rc)));
  }
  ToolRun run;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0) {
      if (run.output.size() < 64 * 1024) run.output.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  while (!run.output.empty() && (run.output.back() == '\n' || run.output.back() == ' ')) run.output.pop_back();
  return run;
}

}  // namespace

Status PgStore::Backup(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} already exists; a backup never overwrites a file, give a new path.", path));
  }
  // Claim the path, so that nothing made meanwhile is overwritten.
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Fail(errno == EEXIST ? ErrorCode::kInvalidArgument : ErrorCode::kUnavailable,
                fmt::format("cannot create the backup {}: {}", path, std::strerror(errno)));
  }
  close(fd);
  const UriWithoutPassword db = SplitPassword(uri_);
  // pg_dump reads one snapshot of the database: committed data only, while
  // others (and an open batch of this store) keep writing.
  auto run = RunTool("pg_dump",
                     {"--format=custom", "--no-password", "--lock-wait-timeout=60000", "--file=" + path,
                      "--dbname=" + db.uri},
                     db.password);
  if (!run || run->exit_code != 0) {
    std::filesystem::remove(path, ec);
    if (!run) return std::unexpected(run.error());
    return Fail(ErrorCode::kUnavailable,
                fmt::format("pg_dump of {} to {} failed: {}", target_, path, run->output));
  }
  return {};
}

}  // namespace postgres

Status RestorePostgresBackup(const std::string& backup_path, const std::string& uri) {
  using namespace postgres;
  const std::string target = RedactUri(uri);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(backup_path, ec)) {
    return Fail(ErrorCode::kNotFound, fmt::format("The backup {} does not exist.", backup_path));
  }
  // The archive's table of contents tells a Junheng backup from anything else.
  JH_ASSIGN_OR_RETURN(ToolRun list, RunTool("pg_restore", {"--list", backup_path}, ""));
  if (list.exit_code != 0 || list.output.find(" TABLE ") == std::string::npos ||
      list.output.find(" schema_migrations ") == std::string::npos ||
      list.output.find(" events ") == std::string::npos) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} is not a backup of a Junheng PostgreSQL register (a pg_dump archive made by "
                            "`junheng backup`).",
                            backup_path));
  }
  {
    std::unique_ptr<pqxx::connection> conn;
    try {
      conn = std::make_unique<pqxx::connection>(uri);
    } catch (const std::exception& e) {
      Error error = PgError(e, fmt::format("connecting to {}", target));
      error.code = ErrorCode::kUnavailable;
      return std::unexpected(std::move(error));
    }
    auto state = CheckDatabase(*conn, target);
    if (!state) return std::unexpected(state.error());
    if (*state != DatabaseState::kEmpty) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("The database {} is not empty; restore into a new, empty database.", target));
    }
  }
  const UriWithoutPassword db = SplitPassword(uri);
  // One transaction: a restore that fails leaves the database empty.
  JH_ASSIGN_OR_RETURN(ToolRun run, RunTool("pg_restore",
                                           {"--no-password", "--no-owner", "--no-privileges", "--exit-on-error",
                                            "--single-transaction", "--dbname=" + db.uri, backup_path},
                                           db.password));
  if (run.exit_code != 0) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("pg_restore of {} into {} failed: {}", backup_path, target, run.output));
  }
  // Opening checks what was restored and migrates a backup of an older build forward.
  JH_RETURN_IF_ERROR(OpenPostgresStore(uri, PostgresOptions{.create_if_missing = false}));
  return {};
}

}  // namespace junheng::store
