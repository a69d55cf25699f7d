// store/open.h: open a register by its target, whichever engine holds it.
//
// A register is named by a target: a SQLite file path, or a libpq URI starting
// with postgresql:// or postgres:// (e.g.
// postgresql://junheng@127.0.0.1:5432/linfen). Code above the store opens,
// backs up and restores registers only through here, so it never needs to know
// which engine it runs on.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace junheng::store {

bool IsPostgresTarget(std::string_view target);

struct OpenOptions {
  // SQLite: create the file; PostgreSQL: create the schema in an empty database.
  bool create_if_missing = true;
  // Used only for SQLite targets (create_if_missing there is ignored).
  SqliteOptions sqlite;
};

// Opens the register at `target` and migrates its schema forward
// (OpenSqliteStore, OpenPostgresStore say how each fails).
Result<std::unique_ptr<Store>> OpenStore(const std::string& target, const OpenOptions& options = {});

// Restores a backup made by Store::Backup on the same engine into `target`,
// which must not hold a register yet: SQLite, the file must not exist (the
// backup is checked with PRAGMA integrity_check and copied into place whole or
// not at all); PostgreSQL, the database must exist and be empty (pg_restore in
// one transaction). The restored register is then opened once, which migrates
// a backup of an older build forward. kInvalidArgument when the backup is not
// a Junheng register of that engine or the target is taken.
Status RestoreBackup(const std::string& backup_path, const std::string& target);

// The target with any password replaced by "***", for logs and messages.
std::string RedactTarget(std::string_view target);

}  // namespace junheng::store
