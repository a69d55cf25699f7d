#include "store/sqlite/migrations.h"

#include <sqlite3.h>

#include <fmt/format.h>

#include <string_view>

namespace junheng::store::sqlite {
namespace {

// Version 1: the register and the bookkeeping of imports.
// Conventions: "not given" is NULL (never "" or 0); dates are 'YYYY-MM-DD',
// instants 'YYYY-MM-DDTHH:MM:SSZ' (UTC); lists are JSON arrays in TEXT columns.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE schema_migrations(
  version     INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at  TEXT NOT NULL
);

CREATE TABLE import_batches(
  id               INTEGER PRIMARY KEY,
  source           TEXT,
  files            TEXT NOT NULL DEFAULT '[]',
  started_at       TEXT NOT NULL,
  finished_at      TEXT,              -- NULL only inside the batch's own transaction
  divisions_loaded INTEGER NOT NULL DEFAULT 0,
  persons_loaded   INTEGER NOT NULL DEFAULT 0,
  events_loaded    INTEGER NOT NULL DEFAULT 0,
  duplicates       INTEGER NOT NULL DEFAULT 0,
  conflicts        INTEGER NOT NULL DEFAULT 0,
  rejected         INTEGER NOT NULL DEFAULT 0,
  review           INTEGER NOT NULL DEFAULT 0
);

-- A division may arrive before its parent within one batch: the parent is checked at commit.
CREATE TABLE divisions(
  code        TEXT PRIMARY KEY CHECK (length(code) = 12),
  name        TEXT NOT NULL,
  level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
  parent_code TEXT REFERENCES divisions(code) DEFERRABLE INITIALLY DEFERRED,
  urban_rural TEXT
) WITHOUT ROWID;

-- hukou_division may lie outside the city and the parents outside the register: no foreign keys.
-- A rowid table: rows are appended at the end of the table B-tree (the cheap "quick
-- balance" split), and the three lookup indexes hold short entries. The lookups go
-- through 64-bit digests (codec.h: Digest, LinkDigest) and then compare the exact
-- text, e.g. WHERE citizen_digest = ? AND citizen_id = ?. Measured on store_bench
-- rows: text indexes on (citizen_id) and (name_key, birth_date, sex) cost ~2,100
-- more instructions per inserted person; WITHOUT ROWID on person_id was no cheaper.
CREATE TABLE persons(
  person_id      TEXT NOT NULL UNIQUE,
  citizen_id     TEXT,
  name           TEXT NOT NULL,
  name_key       TEXT NOT NULL,
  sex            INTEGER NOT NULL,
  birth_date     TEXT NOT NULL,
  ethnicity      TEXT,
  hukou_division TEXT,
  mother_id      TEXT,
  father_id      TEXT,
  household_id   TEXT,
  phone          TEXT,
  batch_id       INTEGER NOT NULL, -- import_batches(id); not a foreign key, checking it costs every row
  citizen_digest INTEGER,          -- Digest(citizen_id); NULL when citizen_id is NULL
  link_digest    INTEGER NOT NULL  -- LinkDigest(name_key, birth_date, sex)
);
CREATE INDEX persons_citizen ON persons(citizen_digest) WHERE citizen_digest IS NOT NULL;
CREATE INDEX persons_link ON persons(link_digest);

CREATE TABLE events(
  seq             INTEGER PRIMARY KEY,
  batch_id        INTEGER NOT NULL,  -- import_batches(id); not checked, as in persons
  source          TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  type            TEXT NOT NULL,
  date            TEXT NOT NULL,
  recorded_at     TEXT NOT NULL,
  person_id       TEXT NOT NULL REFERENCES persons(person_id),
  division        TEXT REFERENCES divisions(code),
  other_place     TEXT,
  mother_id       TEXT,
  father_id       TEXT,
  birth_order     INTEGER,
  plurality       INTEGER,
  weight_g        INTEGER,
  gestation_weeks INTEGER,
  spouse_id       TEXT,
  cause           TEXT,
  maternal        INTEGER,
  content_hash    INTEGER NOT NULL,
  -- event_id first: it tells keys apart at the first column, where source (one of a
  -- few names) never does; ~2,000 instructions less per appended event.
  UNIQUE(event_id, source)
);
CREATE INDEX events_person ON events(person_id);
CREATE INDEX events_mother ON events(mother_id) WHERE mother_id IS NOT NULL;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only: events cannot be updated'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only: events cannot be deleted'); END;

CREATE TABLE quarantine(
  id         INTEGER PRIMARY KEY,
  batch_id   INTEGER NOT NULL REFERENCES import_batches(id),
  kind       TEXT NOT NULL,
  source     TEXT,
  file       TEXT,
  line       INTEGER,
  record_key TEXT,
  raw        TEXT NOT NULL,
  reasons    TEXT NOT NULL DEFAULT '[]'   -- [{"code":..,"field":..,"message":..}, ...]
);
CREATE INDEX quarantine_batch ON quarantine(batch_id);

CREATE TABLE conflicts(
  id           INTEGER PRIMARY KEY,
  batch_id     INTEGER NOT NULL REFERENCES import_batches(id),
  kind         TEXT NOT NULL,
  source       TEXT,
  file         TEXT,
  line         INTEGER,
  record_key   TEXT,
  existing_seq INTEGER,
  raw          TEXT NOT NULL,
  message      TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved'))
);
CREATE INDEX conflicts_batch ON conflicts(batch_id);

CREATE TABLE linkage_review(
  id         INTEGER PRIMARY KEY,
  batch_id   INTEGER NOT NULL REFERENCES import_batches(id),
  kind       TEXT NOT NULL,
  source     TEXT,
  file       TEXT,
  line       INTEGER,
  raw        TEXT NOT NULL,
  candidates TEXT NOT NULL DEFAULT '[]',  -- person_ids
  message    TEXT NOT NULL,
  status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved'))
);
CREATE INDEX linkage_review_batch ON linkage_review(batch_id);
)sql";

// Version 2: accounts, sessions and the audit log; who resolved a conflict or a
// review row; the division of a quarantined row (so a county sees its own).
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE users(
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL,
  division      TEXT NOT NULL REFERENCES divisions(code),
  source        TEXT,
  password_hash TEXT NOT NULL,             -- argon2id encoded string
  created_at    TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until  TEXT
);

-- The token is never stored: a stolen copy of the file must not sign anyone in.
CREATE TABLE sessions(
  token_hash TEXT PRIMARY KEY,  -- hex SHA-256 of the token
  user_id    INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  last_seen  TEXT NOT NULL,
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- Hash-chained (services/audit.h); the triggers make it append-only for every
-- client that does not first drop them, and the chain shows the work of one that does.
CREATE TABLE audit(
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  actor      TEXT,
  role       TEXT,
  action     TEXT NOT NULL,
  target     TEXT,
  division   TEXT,
  outcome    TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
  detail     TEXT NOT NULL DEFAULT '{}',
  request_id TEXT,
  ip         TEXT,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
);
CREATE INDEX audit_actor ON audit(actor, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be updated'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted'); END;

ALTER TABLE quarantine ADD COLUMN division TEXT;
CREATE INDEX quarantine_division ON quarantine(division) WHERE division IS NOT NULL;
ALTER TABLE conflicts ADD COLUMN resolved_by TEXT;
ALTER TABLE conflicts ADD COLUMN resolved_at TEXT;
ALTER TABLE conflicts ADD COLUMN resolution_note TEXT;
ALTER TABLE linkage_review ADD COLUMN resolved_by TEXT;
ALTER TABLE linkage_review ADD COLUMN resolved_at TEXT;
ALTER TABLE linkage_review ADD COLUMN resolution_note TEXT;
)sql";

// The log's count of each type of event and its span of dates, added to by each
// batch as it commits (SqliteBatch::Commit). The log is append-only, so they
// stay exact, and the register's summary reads these few rows where it scanned
// the whole log (4 s for the demo city). `junheng check` counts again.
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE event_tallies(
  type       TEXT PRIMARY KEY,
  events     INTEGER NOT NULL,
  first_date TEXT NOT NULL,
  last_date  TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO event_tallies(type, events, first_date, last_date)
  SELECT type, count(*), min(date), max(date) FROM events GROUP BY type;
)sql";

// Version 4: the log's rows no longer point at persons and divisions by
// foreign key. Checking them was a third of each appended event's cost (two
// more B-tree seeks a row), and every writer already checks both: the batch
// knows the divisions (SqliteBatch::AppendEvent refuses an unknown one, as on
// PostgreSQL, whose log never had these keys), and an event's person is the
// writer's REQUIRES (store.h), which the importer meets and `junheng check`
// verifies. Removing a foreign key changes no stored byte, so, as SQLite's
// documentation of ALTER TABLE describes for exactly this change, the table's
// CREATE text is edited in place and the schema cookie raised: constant time
// where copying the log would take minutes on a city's register.
constexpr std::string_view kEventForeignKeys[] = {" REFERENCES persons(person_id)", " REFERENCES divisions(code)"};

Status DropEventForeignKeys(Db& db) {
  std::string sql;
  {
    Statement read(db.handle(), "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'events'");
    if (!read.ok()) return std::unexpected(read.error());
    if (read.Step() != SQLITE_ROW) return Fail(ErrorCode::kInternal, "The register has no events table.");
    sql = read.ColumnString(0);
  }
  for (std::string_view key : kEventForeignKeys) {
    const size_t at = sql.find(key);
    if (at == std::string::npos || sql.find(key, at + 1) != std::string::npos) {
      return Fail(ErrorCode::kInternal,
                  fmt::format("The events table's schema is not the one version 1 created (\"{}\" is not "
                              "in it once); the register was changed by hand.", key.substr(1)));
    }
    sql.erase(at, key.size());
  }
  JH_ASSIGN_OR_RETURN(const int64_t cookie, db.QueryInt("PRAGMA schema_version", "reading the schema cookie"));
  JH_RETURN_IF_ERROR(db.Exec("PRAGMA writable_schema = ON", "allowing the schema to be edited"));
  Statement write(db.handle(), "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = 'events'");
  Status status = write.ok() ? Status{} : std::unexpected(write.error());
  if (status) {
    write.BindText(1, sql);
    status = write.Run("removing the events table's foreign keys");
  }
  // Raising the cookie makes every connection, this one too, read the schema again.
  if (status) status = db.Exec(fmt::format("PRAGMA schema_version = {}", cookie + 1), "raising the schema cookie");
  Status off = db.Exec("PRAGMA writable_schema = OFF", "closing the schema to edits");
  return status ? off : status;
}

Status CheckOwnership(Db& db, const std::string& path, int64_t version) {
  JH_ASSIGN_OR_RETURN(int64_t app_id, db.QueryInt("PRAGMA application_id", "reading the application id"));
  JH_ASSIGN_OR_RETURN(int64_t objects, db.QueryInt("SELECT count(*) FROM sqlite_schema",
                                                   "reading the schema"));
  bool fresh = version == 0 && app_id == 0 && objects == 0;
  if (!fresh && app_id != kApplicationId) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} is an SQLite database of another application, not a Junheng "
                            "register; give the path of a Junheng database or a new file.",
                            path));
  }
  if (version > LatestSchemaVersion()) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("{} has schema version {}, newer than the {} this Junheng knows; "
                            "open it with a newer Junheng.",
                            path, version, LatestSchemaVersion()));
  }
  return {};
}

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "register, event log and import bookkeeping", kSchemaV1},
      {2, "users, sessions, audit log; resolutions; quarantine divisions", kSchemaV2},
      {3, "event tallies by type", kSchemaV3},
      {4, "events without foreign keys: writers check persons and divisions", nullptr, DropEventForeignKeys},
  };
  return kMigrations;
}

int LatestSchemaVersion() { return Migrations().back().version; }

Status CheckDatabase(Db& db, const std::string& path) {
  // The first read of the file tells an SQLite file from anything else.
  auto version = db.QueryInt("PRAGMA user_version", "reading the schema version");
  if (!version) {
    if (version.error().code == ErrorCode::kInvalidArgument) {  // SQLITE_NOTADB
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} is not a Junheng database (not an SQLite file at all).", path));
    }
    return std::unexpected(version.error());
  }
  return CheckOwnership(db, path, *version);
}

Status Migrate(Db& db, const std::string& path) {
  JH_ASSIGN_OR_RETURN(int64_t version, db.QueryInt("PRAGMA user_version", "reading the schema version"));
  if (version == LatestSchemaVersion()) return {};

  JH_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE", "starting the migration"));
  auto apply = [&]() -> Status {
    // Another process may have migrated between our check and our lock.
    JH_ASSIGN_OR_RETURN(int64_t current, db.QueryInt("PRAGMA user_version", "reading the schema version"));
    JH_RETURN_IF_ERROR(CheckOwnership(db, path, current));
    for (const Migration& m : Migrations()) {
      if (m.version <= current) continue;
      JH_RETURN_IF_ERROR(m.run != nullptr ? m.run(db) : db.Exec(m.sql, fmt::format("applying migration {}", m.version)));
      Statement record(db.handle(),
                       "INSERT INTO schema_migrations(version, description, applied_at) "
                       "VALUES(?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
      if (!record.ok()) return std::unexpected(record.error());
      record.BindInt64(1, m.version);
      record.BindText(2, m.description);
      JH_RETURN_IF_ERROR(record.Run("recording a migration"));
      JH_RETURN_IF_ERROR(db.Exec(fmt::format("PRAGMA user_version = {}", m.version),
                                 "recording the schema version"));
    }
    return db.Exec(fmt::format("PRAGMA application_id = {}", kApplicationId),
                   "marking the file as Junheng's");
  };
  Status status = apply();
  if (!status) {
    (void)db.Exec("ROLLBACK", "rolling back the migration");
    return status;
  }
  return db.Exec("COMMIT", "committing the migration");
}

}  // namespace junheng::store::sqlite
