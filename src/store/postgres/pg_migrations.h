// store/postgres/pg_migrations.h: the PostgreSQL schema, as an ordered list of migrations.
//
// The same versions as the SQLite schema (store/sqlite/migrations.h), with the
// same descriptions, in PostgreSQL's dialect: a register migrated to version N
// holds the same tables and columns on either engine. Migrations only go
// forward; each runs once, in order, in the one transaction Migrate opens, and
// is recorded in schema_migrations. A released migration is never edited.
//
// A database is recognised as a Junheng register by its schema_migrations table
// carrying the comment kRegisterComment; an empty database (no tables in the
// current schema) may become one.
#pragma once

#include <pqxx/pqxx>

#include <string>
#include <vector>

#include "core/error.h"

namespace junheng::store::postgres {

inline constexpr const char* kRegisterComment = "Junheng register";

// Transaction-level advisory lock keys ("JHNG" in the high 32 bits). Advisory
// locks are per database, so registers in other databases never wait on them.
inline constexpr int64_t kWriterLock = int64_t{0x4A484E47} << 32 | 1;     // one batch at a time
inline constexpr int64_t kMigrationLock = int64_t{0x4A484E47} << 32 | 2;  // one migration at a time

struct PgMigration {
  int version;              // 1, 2, 3, ... without gaps, as in SQLite
  const char* description;  // the same words as the SQLite migration of this version
  const char* sql;
};

const std::vector<PgMigration>& PgMigrations();
int PgLatestSchemaVersion();

// What the database named by `target` (for messages) holds.
enum class DatabaseState { kEmpty, kRegister };

// Checks, reading only, that the database is empty or a Junheng register this
// build can use: kInvalidArgument for a database holding other tables,
// kUnavailable for a schema newer than this build, kInvalidArgument when the
// server encoding is not UTF8.
Result<DatabaseState> CheckDatabase(pqxx::connection& conn, const std::string& target);

// Applies the migrations the database lacks, in one transaction under
// kMigrationLock, checking again under the lock (another instance may have
// migrated meanwhile). On failure nothing is changed.
Status Migrate(pqxx::connection& conn, const std::string& target);

}  // namespace junheng::store::postgres
