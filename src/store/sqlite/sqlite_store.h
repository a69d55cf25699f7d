// store/sqlite/sqlite_store.h: the embedded SQLite backend of the Store.
//
// One database file holds the whole register. The connection runs in WAL mode
// with foreign keys on, so readers in other processes (and Backup) see the last
// committed state while a batch is being written. The schema is versioned
// (store/sqlite/migrations.h) and migrated forward when the file is opened.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/error.h"
#include "store/store.h"

namespace junheng::store {

struct SqliteOptions {
  // Create the file (and its schema) when it does not exist; otherwise fail.
  bool create_if_missing = true;
  // Page cache of the connection, KiB. 256 MiB keeps a city's register and the
  // pages of a large import batch in memory; tests lower it to make a batch
  // spill to the WAL before it commits.
  int64_t cache_size_kib = 262144;
  // Reads go through a memory map of up to this many bytes instead of read()
  // calls into the page cache: a full scan (loading the snapshot) then copies no
  // pages. Writes are unaffected. 0 turns it off.
  int64_t mmap_size_bytes = int64_t{16} << 30;
  // How long a write waits for another process's transaction, milliseconds.
  int busy_timeout_ms = 5000;
  // A batch that starts with no persons in the register, on the only
  // connection to the file, runs with a rollback journal instead of the WAL:
  // its pages are written once, straight into the file, where the WAL writes
  // them twice and searches an index of all of them on every read (the demo
  // city: 113 -> 104 s). Just as safe against crashes, but while such a batch
  // runs no other connection can read the file (a backup waits, then fails),
  // so only a command that builds a new register asks for it (`junheng demo`).
  bool journal_first_load = false;
};

// Opens (or creates) the Junheng database at `path` and migrates its schema to
// the latest version. Fails with kInvalidArgument when the file is not a
// Junheng database, kUnavailable when its schema is newer than this build or the
// file cannot be opened, kNotFound when it is missing and !create_if_missing.
// The Store is used from one thread at a time; every Batch it hands out must be
// destroyed before the Store.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteOptions& options = {});

}  // namespace junheng::store
