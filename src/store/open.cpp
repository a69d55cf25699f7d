#include "store/open.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "store/postgres/pg_store.h"
#include "store/postgres/pg_uri.h"

namespace junheng::store {
namespace {

// "ok", or what PRAGMA integrity_check (or opening) found wrong with `path`.
std::string SqliteIntegrity(const std::string& path) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    out = db != nullptr ? sqlite3_errmsg(db) : "cannot open it";
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr) != SQLITE_OK) {
    out = sqlite3_errmsg(db);
  } else {
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      if (!out.empty()) out += "; ";
      out += reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    }
    if (rc != SQLITE_DONE) out = sqlite3_errmsg(db);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

Status RestoreSqliteBackup(const std::string& backup_path, const std::string& target) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(target, ec)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} already exists; restore into a new path, never over a register.", target));
  }
  if (!fs::is_regular_file(backup_path, ec)) {
    return Fail(ErrorCode::kNotFound, fmt::format("The backup {} does not exist.", backup_path));
  }
  // Work on a copy beside the target, then link it into place: the target
  // appears whole or not at all, and the backup itself is never written.
  fs::path dir = fs::path(target).parent_path();
  if (dir.empty()) dir = ".";
  std::string temp = (dir / (fs::path(target).filename().string() + ".restoring-XXXXXX")).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("cannot write beside {}: {}", target, std::strerror(errno)));
  }
  close(fd);
  auto cleanup = [&] {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(temp + suffix, ec);
  };
  fs::copy_file(backup_path, temp, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    cleanup();
    return Fail(ErrorCode::kUnavailable, fmt::format("cannot copy {}: {}", backup_path, ec.message()));
  }
  if (const std::string integrity = SqliteIntegrity(temp); integrity != "ok") {
    cleanup();
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} is not an intact SQLite database ({}); give a backup made by `junheng backup`.",
                            backup_path, integrity));
  }
  {
    // Checks that it is a Junheng register and migrates an older one forward.
    auto store = OpenSqliteStore(temp, SqliteOptions{.create_if_missing = false});
    if (!store) {
      cleanup();
      Error error = store.error();
      error.message = fmt::format("{} is not a Junheng register backup: {}", backup_path, error.message);
      return std::unexpected(std::move(error));
    }
  }  // closing the last connection checkpoints and removes the WAL
  if (link(temp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    cleanup();
    return Fail(err == EEXIST ? ErrorCode::kInvalidArgument : ErrorCode::kUnavailable,
                fmt::format("cannot restore to {}: {}", target, std::strerror(err)));
  }
  cleanup();
  return {};
}

}  // namespace

bool IsPostgresTarget(std::string_view target) {
  return target.starts_with("postgresql://") || target.starts_with("postgres://");
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& target, const OpenOptions& options) {
  if (IsPostgresTarget(target)) {
    return OpenPostgresStore(target, PostgresOptions{.create_if_missing = options.create_if_missing});
  }
  SqliteOptions sqlite = options.sqlite;
  sqlite.create_if_missing = options.create_if_missing;
  return OpenSqliteStore(target, sqlite);
}

Status RestoreBackup(const std::string& backup_path, const std::string& target) {
  if (IsPostgresTarget(target)) return RestorePostgresBackup(backup_path, target);
  return RestoreSqliteBackup(backup_path, target);
}

std::string RedactTarget(std::string_view target) {
  if (IsPostgresTarget(target)) return postgres::RedactUri(target);
  return std::string(target);
}

}  // namespace junheng::store
