// store/sqlite/migrations.h: the SQLite schema, as an ordered list of migrations.
//
// Migrations only go forward. Each runs once, in order, inside the one
// transaction that Migrate opens, and is recorded both in PRAGMA user_version and
// in the schema_migrations table. A released migration is never edited: a change
// to the schema is a new migration appended to the list.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "store/sqlite/statement.h"

namespace junheng::store::sqlite {

// PRAGMA application_id of every Junheng database: "JHNG" in ASCII.
inline constexpr int kApplicationId = 0x4A484E47;

struct Migration {
  int version;              // 1, 2, 3, ... without gaps
  const char* description;  // one line, recorded in schema_migrations
  const char* sql;          // run as it is; nullptr when `run` makes the change
  Status (*run)(Db& db) = nullptr;  // for a change SQL alone cannot express
};

const std::vector<Migration>& Migrations();
int LatestSchemaVersion();

// Checks, reading only, that the database at `path` (already open as `db`) is a
// Junheng database this build can use, or an empty file. Fails with
// kInvalidArgument for an SQLite file of another application or a file that is
// not SQLite at all, and with kUnavailable for a schema newer than this build
// knows. Run it before anything (even a PRAGMA) writes to the file.
Status CheckDatabase(Db& db, const std::string& path);

// Applies the migrations the database lacks, in one transaction, checking again
// under the write lock. On failure nothing is changed.
Status Migrate(Db& db, const std::string& path);

}  // namespace junheng::store::sqlite
