#include "store/sqlite/statement.h"

#include <sqlite3.h>

#include <fmt/format.h>

namespace junheng::store::sqlite {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  ErrorCode code = ErrorCode::kInternal;
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      code = (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
                 ? ErrorCode::kConflict
                 : ErrorCode::kInvalidArgument;
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_FULL:
    case SQLITE_IOERR:
      code = ErrorCode::kUnavailable;
      break;
    case SQLITE_NOTADB:
      code = ErrorCode::kInvalidArgument;
      break;
    default:
      break;
  }
  return Error{code, fmt::format("{} failed: {}", what, detail)};
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    error_ = SqliteError(db, rc, fmt::format("preparing \"{}\"", sql.substr(0, 60)));
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    return;
  }
  null_params_.assign(static_cast<size_t>(sqlite3_bind_parameter_count(stmt_)) / 64 + 1, ~uint64_t{0});
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

namespace {
inline uint64_t ParamBit(int i) { return uint64_t{1} << (i % 64); }
}  // namespace

void Statement::BindText(int i, std::string_view text) {
  null_params_[static_cast<size_t>(i) / 64] &= ~ParamBit(i);
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

void Statement::BindTextOrNull(int i, std::string_view text) {
  if (text.empty()) {
    BindNull(i);
  } else {
    BindText(i, text);
  }
}

void Statement::BindInt64(int i, int64_t v) {
  null_params_[static_cast<size_t>(i) / 64] &= ~ParamBit(i);
  sqlite3_bind_int64(stmt_, i, v);
}

void Statement::BindIntOrNull(int i, int64_t v) {
  if (v == 0) {
    BindNull(i);
  } else {
    BindInt64(i, v);
  }
}

void Statement::BindNull(int i) {
  uint64_t& word = null_params_[static_cast<size_t>(i) / 64];
  const uint64_t bit = ParamBit(i);
  if (word & bit) return;
  sqlite3_bind_null(stmt_, i);
  word |= bit;
}

int Statement::Step() { return sqlite3_step(stmt_); }

Status Statement::Run(std::string_view what) {
  int rc = sqlite3_step(stmt_);
  // The error code is only reliable before the reset.
  Status status;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) status = std::unexpected(SqliteError(db_, rc, what));
  sqlite3_reset(stmt_);
  return status;
}

void Statement::Reset() { sqlite3_reset(stmt_); }

bool Statement::IsNull(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

int64_t Statement::ColumnInt64(int i) const { return sqlite3_column_int64(stmt_, i); }

std::string_view Statement::ColumnText(int i) const {
  const unsigned char* p = sqlite3_column_text(stmt_, i);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, i))};
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, int flags) {
  // Memory statistics take a global mutex on every allocation; we never read
  // them. Only possible before SQLite initialises, so the first Open does it
  // (it is a no-op if something else in the process initialised SQLite first).
  static const bool kConfigured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)kConfigured;
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &handle, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close_v2(handle);
    return Fail(ErrorCode::kUnavailable,
                fmt::format("Cannot open the database {}: {}.", path, detail));
  }
  sqlite3_extended_result_codes(handle, 1);
  return std::unique_ptr<Db>(new Db(handle));
}

Db::~Db() {
  cache_.clear();  // statements must be finalised before the connection closes
  sqlite3_close_v2(db_);
}

Status Db::Exec(std::string_view sql, std::string_view what) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(SqliteError(db_, rc, what));
  return {};
}

Result<int64_t> Db::QueryInt(std::string_view sql, std::string_view what) {
  Statement s(db_, sql);
  if (!s.ok()) return std::unexpected(s.error());
  int rc = s.Step();
  if (rc == SQLITE_ROW) return s.ColumnInt64(0);
  if (rc == SQLITE_DONE) return 0;
  return std::unexpected(SqliteError(db_, rc, what));
}

Result<Statement*> Db::Cached(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second.get();
  auto s = std::make_unique<Statement>(db_, sql);
  if (!s->ok()) return std::unexpected(s->error());
  Statement* raw = s.get();
  cache_.emplace(sql, std::move(s));
  return raw;
}

}  // namespace junheng::store::sqlite
