// store/sqlite/statement.h: a thin RAII layer over the sqlite3 C API.
//
// Db owns one connection and a cache of prepared statements; Statement owns one
// prepared statement. Nothing here knows the Junheng schema. Errors become
// junheng::Error values; the mapping from SQLite result codes is in SqliteError.
// Not thread safe: a Db and its statements are used from one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace junheng::store::sqlite {

// An Error for SQLite result `rc` on `db`, with `what` (one clause saying what we
// were doing) and SQLite's own message. Constraint failures map to kConflict
// (unique keys) or kInvalidArgument (foreign keys, checks, triggers), a busy or
// unopenable database to kUnavailable, anything else to kInternal.
Error SqliteError(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  // Prepares `sql` on `db` (persistent, since cached statements live long).
  // Check ok() afterwards; a failure is a bug in our SQL or a broken database.
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  const Error& error() const { return error_; }
  sqlite3* db() const { return db_; }

  // Binding: parameters are 1-based. Text is bound SQLITE_STATIC: the caller
  // keeps it alive until Step has run (it always does: bind, step, reset in one
  // call). `OrNull` variants bind NULL for "" or 0, how the schema stores
  // "not given".
  void BindText(int i, std::string_view text);
  void BindTextOrNull(int i, std::string_view text);
  void BindInt64(int i, int64_t v);
  void BindIntOrNull(int i, int64_t v);
  void BindNull(int i);

  // One step: SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();
  // Runs a statement that returns no rows, then resets it.
  Status Run(std::string_view what);
  // Makes the statement ready for new bindings and releases its read locks.
  void Reset();

  bool IsNull(int i) const;
  int64_t ColumnInt64(int i) const;
  // Valid until the next Step or Reset; "" for NULL.
  std::string_view ColumnText(int i) const;
  std::string ColumnString(int i) const { return std::string(ColumnText(i)); }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  Error error_;
  // Bit i % 64 of word i / 64 set: parameter i is bound to NULL now. Bindings
  // survive a reset, so a NULL that is already there is not bound again (a bind
  // costs ~60 instructions, and most optional columns of most rows are NULL).
  std::vector<uint64_t> null_params_;  // a new statement has every parameter NULL
};

// Resets a statement when the scope ends, whatever path leaves it.
class ScopedReset {
 public:
  explicit ScopedReset(Statement& s) : s_(s) {}
  ~ScopedReset() { s_.Reset(); }
  ScopedReset(const ScopedReset&) = delete;
  ScopedReset& operator=(const ScopedReset&) = delete;

 private:
  Statement& s_;
};

// Runs `s` (already bound) to the end, calling `row` on each row; resets it after.
template <typename Fn>
Status ForEachRow(Statement& s, std::string_view what, Fn&& row) {
  ScopedReset reset(s);
  for (;;) {
    const int rc = s.Step();
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) return std::unexpected(SqliteError(s.db(), rc, what));
    row();
  }
}

class Db {
 public:
  // Opens `path` (flags as sqlite3_open_v2). Fails with kUnavailable.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, int flags);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* handle() const { return db_; }
  // Runs one or more statements that return no rows.
  Status Exec(std::string_view sql, std::string_view what);
  // The single integer a query returns (0 when it returns no row or NULL).
  Result<int64_t> QueryInt(std::string_view sql, std::string_view what);
  // The prepared statement for `sql`, prepared on first use and kept until the
  // Db closes. `sql` must be a string with static storage (the cache is keyed by
  // its address). Fails only if the SQL does not compile.
  Result<Statement*> Cached(const char* sql);

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, std::unique_ptr<Statement>> cache_;
};

}  // namespace junheng::store::sqlite
