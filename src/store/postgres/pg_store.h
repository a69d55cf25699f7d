// store/postgres/pg_store.h: the PostgreSQL backend of the Store, for production.
//
// One database holds one register; the schema (store/postgres/pg_migrations.h)
// has the versions of the SQLite one and is migrated forward when a Store opens
// it. Several processes (`junheng serve` instances, an importer) may use one
// database at once.
//
// Partitioning. events and persons are partitioned by county: the column
// `county` holds the first six digits of events.division and of
// persons.hukou_division ("000000" when there is none), a CHECK constraint keeps
// it so, and the tables are PARTITION BY HASH (county) into 8 partitions.
// HASH, not LIST per county, because it is the robust one: the partitions exist
// from the first migration, so no writer ever runs DDL. With LIST, the first
// row of a new county means CREATE TABLE ... PARTITION OF, which takes an
// ACCESS EXCLUSIVE lock on events and so stalls every instance following the
// log, races between processes, and must move the county's rows out of the
// default partition first; and a person whose hukou lies outside the city would
// need a partition, or a default bucket holding a mixture. With HASH every
// county code, in the city or not, has its partition by arithmetic, and the
// placement is a pure function of the row (so a repartition, or a Citus
// rebalance, can recompute it). What LIST would add, pruning to one county, no
// Junheng query needs: the indicators are computed from the snapshot in memory,
// not by SQL per county. 8 is fixed by the migration; changing it is a new
// migration that rewrites both tables.
//
// Every primary key and unique constraint of a partitioned table includes
// `county`, as PostgreSQL requires, and as a distributed PostgreSQL (Citus:
// create_distributed_table('events', 'county')) requires of its distribution
// column; so the schema distributes by county without code changes. The price:
// seq, person_id and (source, event_id) are unique per county in the schema,
// and globally only by the writer protocol:
//
// Writer protocol. A Batch is one transaction that first takes a
// transaction-level advisory lock (kWriterLock), so batches of all processes
// run one at a time; only then does it read max(seq) and the last batch id. So
// (1) seq is unique and gapless: nobody else appends while we hold the lock,
// and a rollback returns the numbers unused; (2) the log commits in seq order,
// because the lock is released only after the commit is visible: a reader that
// follows the log with ForEachEventAfter(last_seq) never sees seq n+1 before n,
// so it never skips a seq that commits later; (3) person_id and (source,
// event_id) stay unique as long as writers check Batch's REQUIRES (store.h:
// the person is new, the event key is new) with reads made inside their batch,
// that is, under the lock. A repeat within one county still hits the key and
// fails the batch; a repeat across counties is a broken REQUIRES that only the
// SQLite schema catches, and an event of an unknown person one that neither
// engine catches (`junheng check` reports it). An event's division is checked
// by the batch against the divisions it knows (at once, kInvalidArgument, as
// SQLite's batch does).
//
// Batch writes are buffered and sent by COPY, several thousand rows a round
// trip, at Commit and before any read of the same Store that could see them
// (reads in a batch see its writes): a lookup by one key sends them only when a
// buffered row has that key, any other read always. The bulk reads (store.h)
// ask for thousands of keys in one statement. A row refused by the server then fails the whole batch: the call
// that sent it returns the error, every later call returns it too, and the
// batch can only be dropped (SQLite refuses the one call and goes on). A Commit
// that fails (a division whose parent is missing) likewise ends the batch.
// Full scans stream by COPY; reads their visitor makes run on a second
// connection in the scan's snapshot (pg_store_impl.h: Scan).
//
// Audit entries are appended with id = last + 1 by one INSERT that also checks
// it; the primary key on id turns a concurrent append of the same id into
// kConflict, as in SQLite. Backup runs pg_dump; see store/open.h for restore.
#pragma once

#include <memory>
#include <string>

#include "core/error.h"
#include "store/store.h"

namespace junheng::store {

struct PostgresOptions {
  // Create the schema when the database is empty; otherwise fail with kNotFound.
  bool create_if_missing = true;
  // How long BeginBatch waits for another process's batch before kUnavailable,
  // milliseconds (SqliteOptions::busy_timeout_ms is its twin).
  int lock_timeout_ms = 5000;
};

// Opens the register in the database named by the libpq URI `uri`
// (postgresql://user[:password]@host[:port]/database[?param=value...]; the
// password may also come from PGPASSWORD or ~/.pgpass) and migrates its schema.
// Fails with kUnavailable when the server cannot be reached or the schema is
// newer than this build, kInvalidArgument when the database holds other
// tables, kNotFound when it is empty and !create_if_missing. Messages name the
// database with its password redacted. The Store is used from one thread at a
// time; every Batch it hands out must be destroyed before the Store.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& uri, const PostgresOptions& options = {});

// Restores a Backup (a pg_dump archive) into the database `uri`, which must
// exist and be empty, in one transaction, then opens it to migrate it forward.
// kInvalidArgument when the file is not a Junheng backup or the database is
// not empty.
Status RestorePostgresBackup(const std::string& backup_path, const std::string& uri);

}  // namespace junheng::store
