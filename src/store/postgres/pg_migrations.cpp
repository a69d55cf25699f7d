#include "store/postgres/pg_migrations.h"

#include <pqxx/pqxx>

#include <fmt/format.h>

#include "store/postgres/pg_codec.h"
#include "store/postgres/pg_error.h"

namespace junheng::store::postgres {
namespace {

// Version 1: the register and the bookkeeping of imports (store/sqlite/migrations.cpp
// says what each column means; only what differs is explained here).
//
// - Text that is compared or sorted is COLLATE "C": byte order, as SQLite's
//   BINARY, whatever the database's locale, and B-tree comparisons without the
//   locale's collation calls (a third of the cost of a COPY into events, measured).
// - Dates are date, instants timestamptz; the raw row text of the bookkeeping
//   tables is bytea (store/postgres/pg_codec.h says why).
// - events and persons are partitioned by county: pg_store.h says how and why.
//   Every key of a partitioned table includes the partition key `county`, so
//   seq, person_id and (source, event_id) are unique per county here and
//   globally by the writer protocol of pg_store.h. events.person_id and
//   events.division have no foreign keys for the same reason (person_id) and
//   because the writer checks the division from memory, where a foreign key
//   costs a lookup per row (~40% of a COPY into events, measured).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE schema_migrations(
  version     integer PRIMARY KEY,
  description text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE schema_migrations IS 'Junheng register';

CREATE TABLE import_batches(
  id               bigint PRIMARY KEY,
  source           text COLLATE "C",
  files            text NOT NULL DEFAULT '[]',
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz,          -- NULL only inside the batch's own transaction
  divisions_loaded bigint NOT NULL DEFAULT 0,
  persons_loaded   bigint NOT NULL DEFAULT 0,
  events_loaded    bigint NOT NULL DEFAULT 0,
  duplicates       bigint NOT NULL DEFAULT 0,
  conflicts        bigint NOT NULL DEFAULT 0,
  rejected         bigint NOT NULL DEFAULT 0,
  review           bigint NOT NULL DEFAULT 0
);

CREATE TABLE divisions(
  code        text COLLATE "C" PRIMARY KEY CHECK (length(code) = 12),
  name        text NOT NULL,
  level       smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
  parent_code text COLLATE "C" REFERENCES divisions(code) DEFERRABLE INITIALLY DEFERRED,
  urban_rural text
);

CREATE TABLE persons(
  county         text COLLATE "C" NOT NULL,  -- the partition key
  person_id      text COLLATE "C" NOT NULL,
  citizen_id     text COLLATE "C",
  name           text NOT NULL,
  name_key       text COLLATE "C" NOT NULL,
  sex            smallint NOT NULL,
  birth_date     date NOT NULL,
  ethnicity      text,
  hukou_division text COLLATE "C",
  mother_id      text COLLATE "C",
  father_id      text COLLATE "C",
  household_id   text COLLATE "C",
  phone          text,
  batch_id       bigint NOT NULL,
  PRIMARY KEY (person_id, county),
  CHECK (county = coalesce(left(hukou_division, 6), '000000'))
) PARTITION BY HASH (county);
CREATE TABLE persons_p0 PARTITION OF persons FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE persons_p1 PARTITION OF persons FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE persons_p2 PARTITION OF persons FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE persons_p3 PARTITION OF persons FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE persons_p4 PARTITION OF persons FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE persons_p5 PARTITION OF persons FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE persons_p6 PARTITION OF persons FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE persons_p7 PARTITION OF persons FOR VALUES WITH (MODULUS 8, REMAINDER 7);
CREATE INDEX persons_citizen ON persons(citizen_id) WHERE citizen_id IS NOT NULL;
CREATE INDEX persons_link ON persons(name_key, birth_date, sex);

-- Persons are never deleted: this count, raised by each batch's commit, is
-- PersonsUpperBound in constant time.
CREATE TABLE register_counts(persons bigint NOT NULL);
INSERT INTO register_counts(persons) VALUES (0);

CREATE TABLE events(
  county          text COLLATE "C" NOT NULL,  -- the partition key
  seq             bigint NOT NULL,
  batch_id        bigint NOT NULL,
  source          text COLLATE "C" NOT NULL,
  event_id        text COLLATE "C" NOT NULL,
  type            text COLLATE "C" NOT NULL,
  date            date NOT NULL,
  recorded_at     timestamptz NOT NULL,
  person_id       text COLLATE "C" NOT NULL,
  division        text COLLATE "C",
  other_place     text,
  mother_id       text COLLATE "C",
  father_id       text COLLATE "C",
  birth_order     integer,
  plurality       integer,
  weight_g        integer,
  gestation_weeks integer,
  spouse_id       text COLLATE "C",
  cause           text,
  maternal        smallint,
  content_hash    bigint NOT NULL,
  PRIMARY KEY (seq, county),
  UNIQUE (event_id, source, county),
  CHECK (county = coalesce(left(division, 6), '000000'))
) PARTITION BY HASH (county);
CREATE TABLE events_p0 PARTITION OF events FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE events_p1 PARTITION OF events FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE events_p2 PARTITION OF events FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE events_p3 PARTITION OF events FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE events_p4 PARTITION OF events FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE events_p5 PARTITION OF events FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE events_p6 PARTITION OF events FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE events_p7 PARTITION OF events FOR VALUES WITH (MODULUS 8, REMAINDER 7);
CREATE INDEX events_person ON events(person_id);
CREATE INDEX events_mother ON events(mother_id) WHERE mother_id IS NOT NULL;

-- Refuses to change an append-only table: TG_ARGV names the log and its rows.
CREATE FUNCTION junheng_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the % is append-only: % cannot be %', TG_ARGV[0], TG_ARGV[1],
    CASE TG_OP WHEN 'UPDATE' THEN 'updated' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END;
END
$$;
-- Row triggers on a partitioned table are cloned onto every partition.
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION junheng_append_only('event log', 'events');
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION junheng_append_only('event log', 'events');

CREATE TABLE quarantine(
  id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  batch_id   bigint NOT NULL REFERENCES import_batches(id),
  kind       text NOT NULL,
  source     text COLLATE "C",
  file       text,
  line       bigint,
  record_key text,
  raw        bytea NOT NULL,
  reasons    jsonb NOT NULL DEFAULT '[]'   -- [{"code":..,"field":..,"message":..}, ...]
);
CREATE INDEX quarantine_batch ON quarantine(batch_id);

CREATE TABLE conflicts(
  id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  batch_id     bigint NOT NULL REFERENCES import_batches(id),
  kind         text NOT NULL,
  source       text COLLATE "C",
  file         text,
  line         bigint,
  record_key   text,
  existing_seq bigint,
  raw          bytea NOT NULL,
  message      text NOT NULL,
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved'))
);
CREATE INDEX conflicts_batch ON conflicts(batch_id);

CREATE TABLE linkage_review(
  id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  batch_id   bigint NOT NULL REFERENCES import_batches(id),
  kind       text NOT NULL,
  source     text COLLATE "C",
  file       text,
  line       bigint,
  raw        bytea NOT NULL,
  candidates text NOT NULL DEFAULT '[]',  -- person_ids
  message    text NOT NULL,
  status     text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved'))
);
CREATE INDEX linkage_review_batch ON linkage_review(batch_id);
)sql";

// Version 2: accounts, sessions and the audit log; who resolved a conflict or a
// review row; the division of a quarantined row. audit.detail is text, not
// jsonb: the hash chain covers it byte for byte.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE users(
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  username      text COLLATE "C" NOT NULL UNIQUE,
  display_name  text NOT NULL,
  role          text COLLATE "C" NOT NULL,
  division      text COLLATE "C" NOT NULL REFERENCES divisions(code),
  source        text COLLATE "C",
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until  timestamptz
);

CREATE TABLE sessions(
  token_hash text COLLATE "C" PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL,
  last_seen  timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit(
  id         bigint PRIMARY KEY,
  at         timestamptz NOT NULL,
  actor      text COLLATE "C",
  role       text COLLATE "C",
  action     text COLLATE "C" NOT NULL,
  target     text COLLATE "C",
  division   text COLLATE "C",
  outcome    text NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
  detail     text NOT NULL DEFAULT '{}',
  request_id text,
  ip         text,
  prev_hash  text NOT NULL,
  hash       text NOT NULL
);
CREATE INDEX audit_actor ON audit(actor, id);
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION junheng_append_only('audit log', 'entries');
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION junheng_append_only('audit log', 'entries');

ALTER TABLE quarantine ADD COLUMN division text COLLATE "C";
CREATE INDEX quarantine_division ON quarantine(division) WHERE division IS NOT NULL;
ALTER TABLE conflicts ADD COLUMN resolved_by text, ADD COLUMN resolved_at timestamptz,
  ADD COLUMN resolution_note text;
ALTER TABLE linkage_review ADD COLUMN resolved_by text, ADD COLUMN resolved_at timestamptz,
  ADD COLUMN resolution_note text;
)sql";

// The log's counts by type and span of dates, added to by each batch as it
// commits (store/event_tallies.h): the summary reads these rows instead of
// counting the partitioned log.
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE event_tallies(
  type       text COLLATE "C" PRIMARY KEY,
  events     bigint NOT NULL,
  first_date date NOT NULL,
  last_date  date NOT NULL
);
INSERT INTO event_tallies(type, events, first_date, last_date)
  SELECT type, count(*), min(date), max(date) FROM events GROUP BY type;
)sql";

// Version 4 keeps the numbering in step with SQLite, whose version 4 removes
// the log's foreign keys to persons and divisions. This log never had them (a
// batch checks divisions itself, and an event's person is the writer's
// REQUIRES, store.h); the comment says so where a DBA will look.
constexpr const char* kSchemaV4 = R"sql(
COMMENT ON TABLE events IS 'Junheng event log: append-only; writers check each event''s person and division';
)sql";

// Reads what the database holds, through `tx`.
Result<DatabaseState> Inspect(pqxx::transaction_base& tx, const std::string& target) {
  const pqxx::row info = tx.exec1(
      "SELECT current_setting('server_encoding'), current_schema(), "
      "(SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')), "
      "obj_description(to_regclass(quote_ident(current_schema()) || '.schema_migrations'), 'pg_class')");
  if (TextOf(info[0]) != "UTF8") {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("The database {} is encoded {}, not UTF8; create it with ENCODING 'UTF8'.",
                            target, TextOf(info[0])));
  }
  if (info[1].is_null()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("The database {} has no schema on the search_path to hold the register; "
                            "create one or set search_path.",
                            target));
  }
  if (IntOf(info[2]) == 0) return DatabaseState::kEmpty;
  if (TextOf(info[3]) != kRegisterComment) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("The database {} holds tables of another application, not a Junheng register; "
                            "give an empty database or a Junheng one.",
                            target));
  }
  const int64_t version = IntOf(tx.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0]);
  if (version > PgLatestSchemaVersion()) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("The register {} has schema version {}, newer than the {} this Junheng knows; "
                            "open it with a newer Junheng.",
                            target, version, PgLatestSchemaVersion()));
  }
  return DatabaseState::kRegister;
}

}  // namespace

const std::vector<PgMigration>& PgMigrations() {
  static const std::vector<PgMigration> kMigrations = {
      {1, "register, event log and import bookkeeping", kSchemaV1},
      {2, "users, sessions, audit log; resolutions; quarantine divisions", kSchemaV2},
      {3, "event tallies by type", kSchemaV3},
      {4, "events without foreign keys: writers check persons and divisions", kSchemaV4},
  };
  return kMigrations;
}

int PgLatestSchemaVersion() { return PgMigrations().back().version; }

Result<DatabaseState> CheckDatabase(pqxx::connection& conn, const std::string& target) {
  return Guard(fmt::format("reading the schema of {}", target), [&]() -> Result<DatabaseState> {
    pqxx::nontransaction tx(conn);
    return Inspect(tx, target);
  });
}

Status Migrate(pqxx::connection& conn, const std::string& target) {
  return Guard(fmt::format("migrating the schema of {}", target), [&]() -> Status {
    pqxx::work tx(conn);
    // Several instances may start at once: one migrates, the others then find it done.
    tx.exec("SET LOCAL lock_timeout = '60s'");
    tx.exec(fmt::format("SELECT pg_advisory_xact_lock({})", kMigrationLock));
    JH_ASSIGN_OR_RETURN(DatabaseState state, Inspect(tx, target));
    const int64_t current =
        state == DatabaseState::kEmpty
            ? 0
            : IntOf(tx.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0]);
    if (current == PgLatestSchemaVersion()) return {};
    for (const PgMigration& m : PgMigrations()) {
      if (m.version <= current) continue;
      tx.exec(m.sql);
      tx.exec_params("INSERT INTO schema_migrations(version, description) VALUES($1, $2)", m.version,
                     std::string(m.description));
    }
    tx.commit();
    return {};
  });
}

}  // namespace junheng::store::postgres
