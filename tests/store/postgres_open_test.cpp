// What only the PostgreSQL backend has: its schema (partitions, keys), opening
// and refusing databases, migrating forward, the writer lock's timeout, and
// text PostgreSQL cannot hold. Runs only in the .pg twin (suite Postgres*).
#include <thread>

#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/migrations.h"
#include "store_test_util.h"

namespace junheng::store {
namespace {

using junheng::testing::TestRegister;
using testing::Info;
using testing::MustOpenStore;
using testing::SampleEnumerate;
using testing::SamplePerson;
using testing::TempDir;

// The first column of the first row of `sql` on the database `target`, "" for none or NULL.
std::string Query(const std::string& target, const std::string& sql) {
  pqxx::connection conn(target);
  pqxx::nontransaction tx(conn);
  const pqxx::result r = tx.exec(sql);
  return r.empty() || r[0][0].is_null() ? "" : r[0][0].c_str();
}

class PostgresOpenTest : public ::testing::Test {
 protected:
  TempDir dir_;
  TestRegister reg_{dir_.path()};
};

TEST_F(PostgresOpenTest, FreshDatabaseGetsTheSchemaOfEveryVersion) {
  {
    auto store = MustOpenStore(reg_.target());
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->GetSummary()->max_seq, 0);
  }
  // The same versions and descriptions as the SQLite schema.
  ASSERT_EQ(postgres::PgMigrations().size(), sqlite::Migrations().size());
  for (size_t i = 0; i < sqlite::Migrations().size(); ++i) {
    EXPECT_EQ(Query(reg_.target(), fmt::format("SELECT description FROM schema_migrations WHERE version = {}",
                                               sqlite::Migrations()[i].version)),
              sqlite::Migrations()[i].description);
  }
  // events and persons: hash partitions by county, and every key includes county
  // (what a distributed PostgreSQL needs to distribute them by it).
  for (const char* table : {"events", "persons"}) {
    EXPECT_EQ(Query(reg_.target(), fmt::format("SELECT pg_get_partkeydef('{}'::regclass)", table)),
              "HASH (county)");
    EXPECT_EQ(Query(reg_.target(), fmt::format("SELECT count(*) FROM pg_inherits WHERE inhparent = '{}'::regclass",
                                               table)),
              "8");
    EXPECT_EQ(Query(reg_.target(),
                    fmt::format("SELECT count(*) FROM pg_constraint c WHERE c.conrelid = '{}'::regclass AND "
                                "c.contype IN ('p', 'u') AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE "
                                "a.attrelid = c.conrelid AND a.attname = 'county' AND a.attnum = ANY(c.conkey))",
                                table)),
              "0")
        << table << " has a key without county";
  }
}

TEST_F(PostgresOpenTest, RowsArePlacedByTheCountyOfTheirDivision) {
  auto store = MustOpenStore(reg_.target());
  ASSERT_NE(store, nullptr);
  testing::LoadSample(*store, 2);
  auto batch = store->BeginBatch(Info());
  ASSERT_TRUE(batch.has_value());
  Person outside = SamplePerson(3);
  outside.hukou_division = testing::Code(110105001001);  // Beijing: outside the city
  Person unknown = SamplePerson(4);
  unknown.hukou_division = DivisionCode();
  ASSERT_TRUE((*batch)->InsertPerson(outside, "k"));
  ASSERT_TRUE((*batch)->InsertPerson(unknown, "k"));
  ASSERT_TRUE((*batch)->Commit({}));
  batch->reset();
  EXPECT_EQ(Query(reg_.target(), "SELECT county FROM persons WHERE person_id = 'P000000001'"), "141002");
  EXPECT_EQ(Query(reg_.target(), "SELECT county FROM persons WHERE person_id = 'P000000003'"), "110105");
  EXPECT_EQ(Query(reg_.target(), "SELECT county FROM persons WHERE person_id = 'P000000004'"), "000000");
  EXPECT_EQ(Query(reg_.target(), "SELECT string_agg(DISTINCT county, ',') FROM events"), "141002");
  // The county cannot disagree with the division.
  EXPECT_NE(testing::RawExec(reg_.target(), "INSERT INTO persons(county, person_id, name, name_key, sex, "
                                            "birth_date, hukou_division, batch_id) VALUES('141021', 'X', 'x', "
                                            "'x', 1, '2000-01-01', '141002001001', 1)"),
            "");
}

TEST_F(PostgresOpenTest, RefusesWhatIsNotAJunhengRegister) {
  TestRegister other(dir_.path()), newer(dir_.path()), empty(dir_.path());
  ASSERT_EQ(testing::RawExec(other.target(), "CREATE TABLE customers(id integer PRIMARY KEY)"), "");
  MustOpenStore(newer.target()).reset();
  ASSERT_EQ(testing::RawExec(newer.target(),
                             fmt::format("INSERT INTO schema_migrations(version, description) VALUES({}, 'future')",
                                         postgres::PgLatestSchemaVersion() + 1)),
            "");
  struct Case {
    const char* what;
    std::string target;
    bool create;
    ErrorCode expected;
  };
  const Case cases[] = {
      {"another application's database", other.target(), true, ErrorCode::kInvalidArgument},
      {"a newer schema", newer.target(), true, ErrorCode::kUnavailable},
      {"an empty database, not to be created", empty.target(), false, ErrorCode::kNotFound},
      {"a database that does not exist", junheng::testing::WithDatabase(reg_.target(), "jh_no_such_database"),
       true, ErrorCode::kUnavailable},
  };
  for (const Case& c : cases) {
    auto store = OpenStore(c.target, OpenOptions{.create_if_missing = c.create});
    ASSERT_FALSE(store.has_value()) << c.what;
    EXPECT_EQ(store.error().code, c.expected) << c.what << ": " << store.error().message;
  }
  EXPECT_EQ(Query(other.target(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "1")
      << "the other application's database was changed";
  EXPECT_EQ(Query(empty.target(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0");
}

TEST_F(PostgresOpenTest, MessagesNeverShowThePassword) {
  const std::string uri = "postgresql://junheng:s3cr%40t@127.0.0.1:1/db?password=other&connect_timeout=2";
  EXPECT_EQ(RedactTarget(uri), "postgresql://junheng:***@127.0.0.1:1/db?password=***&connect_timeout=2");
  auto store = OpenStore(uri);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().message.find("s3cr"), std::string::npos) << store.error().message;
  EXPECT_EQ(store.error().message.find("other"), std::string::npos) << store.error().message;
}

// A register made by a build that knew only version 1 gains the tables and
// columns of version 2 on open; its rows read back with the new fields empty.
TEST_F(PostgresOpenTest, Version1DatabaseIsMigrated) {
  ASSERT_EQ(testing::RawExec(reg_.target(),
                             std::string("BEGIN;") + postgres::PgMigrations()[0].sql +
                                 "INSERT INTO schema_migrations(version, description) VALUES(1, 'v1');"
                                 "INSERT INTO import_batches(id, started_at, finished_at) VALUES(1, now(), now());"
                                 "INSERT INTO quarantine(batch_id, kind, raw) VALUES(1, 'events', 'r');"
                                 "INSERT INTO conflicts(batch_id, kind, raw, message) VALUES(1, 'events', 'r', 'm');"
                                 "COMMIT;"),
            "");
  auto store = MustOpenStore(reg_.target(), OpenOptions{.create_if_missing = false});
  ASSERT_NE(store, nullptr);
  auto rows = store->ListQuarantine(0);
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].raw, "r");
  EXPECT_EQ((*rows)[0].division, "");
  EXPECT_TRUE(store->ResolveConflict(1, "ok", "wang"));
  EXPECT_TRUE(store->ListUsers()->empty());
  EXPECT_FALSE(store->LastAudit()->has_value());
  EXPECT_EQ(Query(reg_.target(), "SELECT max(version) FROM schema_migrations"),
            std::to_string(postgres::PgLatestSchemaVersion()));
}

// Batches of all processes take turns under one lock; a batch that cannot get
// it within the timeout is refused, not queued forever.
TEST_F(PostgresOpenTest, ABatchWaitsForAnotherProcessesBatchThenGivesUp) {
  auto first = MustOpenStore(reg_.target());
  ASSERT_NE(first, nullptr);
  testing::LoadSample(*first, 1);
  auto second = OpenPostgresStore(reg_.target(), PostgresOptions{.lock_timeout_ms = 200});
  ASSERT_TRUE(second.has_value()) << second.error().message;
  auto holding = first->BeginBatch(Info());
  ASSERT_TRUE(holding.has_value());
  auto refused = (*second)->BeginBatch(Info());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable) << refused.error().message;
  ASSERT_TRUE((*holding)->AppendEvent(SampleEnumerate(50, "P000000001"), 1));
  ASSERT_TRUE((*holding)->Commit({}));
  holding->reset();
  auto next = (*second)->BeginBatch(Info());
  ASSERT_TRUE(next.has_value()) << next.error().message;
  EXPECT_EQ(*(*next)->AppendEvent(SampleEnumerate(51, "P000000001"), 1), 3);
  EXPECT_EQ((*next)->id(), 3);
}

// PostgreSQL text holds neither NUL nor invalid UTF-8: a register field with
// them is refused at once, never altered, and the batch goes on; a lookup by
// such a key finds nothing.
TEST_F(PostgresOpenTest, TextPostgresCannotHoldIsRefusedNotAltered) {
  auto store = MustOpenStore(reg_.target());
  ASSERT_NE(store, nullptr);
  testing::LoadSample(*store, 1);
  auto batch = store->BeginBatch(Info());
  ASSERT_TRUE(batch.has_value());
  Person nul = SamplePerson(2);
  nul.name = std::string("张\0三", 5);
  Person bad = SamplePerson(3);
  bad.household_id = "H\xff";
  for (const Person& p : {nul, bad}) {
    auto s = (*batch)->InsertPerson(p, "k");
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << s.error().message;
  }
  Event e = SampleEnumerate(9, "P000000001");
  e.cause = "\xc0\x80";  // an overlong NUL
  EXPECT_EQ((*batch)->AppendEvent(e, 1).error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE((*batch)->InsertPerson(SamplePerson(4), "k")) << "the batch goes on";
  ASSERT_TRUE((*batch)->Commit({}));
  batch->reset();
  EXPECT_FALSE(store->FindPerson(std::string("P\0", 2))->has_value());
  EXPECT_TRUE(store->FindByCitizenId("\xff")->empty());
  EXPECT_FALSE(store->FindUserByName("\xff")->has_value());
  EXPECT_EQ(store->GetSummary()->persons, 2);
}

// A row the server refuses (here: a repeated key in one county) fails the
// whole batch; every later call says so, and dropping it leaves the store as before.
TEST_F(PostgresOpenTest, ARowTheServerRefusesEndsTheBatch) {
  auto store = MustOpenStore(reg_.target());
  ASSERT_NE(store, nullptr);
  testing::LoadSample(*store, 1);
  auto batch = store->BeginBatch(Info());
  ASSERT_TRUE(batch.has_value());
  ASSERT_TRUE((*batch)->InsertPerson(SamplePerson(1), "k"));  // P000000001 is stored
  // A lookup no buffered row can answer does not wait for them to be sent...
  auto other = store->FindPerson("P000000002");
  ASSERT_TRUE(other.has_value()) << other.error().message;
  EXPECT_FALSE(other->has_value());
  // ...one that a buffered row answers sends them first, and the server refuses.
  auto read = store->FindPerson("P000000001");
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code, ErrorCode::kConflict) << read.error().message;
  EXPECT_EQ((*batch)->InsertPerson(SamplePerson(5), "k").error().code, ErrorCode::kConflict);
  EXPECT_EQ((*batch)->Commit({}).error().code, ErrorCode::kConflict);
  batch->reset();
  EXPECT_EQ(store->GetSummary()->persons, 1);
  EXPECT_EQ(store->GetSummary()->batches, 1);
  EXPECT_TRUE(store->BeginBatch(Info()).has_value()) << "a new batch begins";
}

}  // namespace
}  // namespace junheng::store
