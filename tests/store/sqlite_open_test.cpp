// Opening, migrating and refusing files: store/sqlite/sqlite_store.h, migrations.h.
#include <sqlite3.h>

#include <fstream>

#include "store/sqlite/migrations.h"
#include "store_test_util.h"

namespace junheng::store {
namespace {

using testing::MustOpen;
using testing::RawQuery;
using testing::TempDir;

TEST(SqliteOpenTest, FreshFileGetsTheLatestSchema) {
  TempDir dir;
  const std::string path = dir.File("register.db");
  {
    auto store = MustOpen(path);
    ASSERT_NE(store, nullptr);
    auto summary = store->GetSummary();
    ASSERT_TRUE(summary.has_value()) << summary.error().message;
    EXPECT_EQ(summary->events, 0);
    EXPECT_EQ(summary->max_seq, 0);
    EXPECT_FALSE(summary->first_event_date.has_value());
  }
  const std::string latest = std::to_string(sqlite::LatestSchemaVersion());
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), latest);
  EXPECT_EQ(RawQuery(path, "SELECT max(version) FROM schema_migrations"), latest);
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM schema_migrations"),
            std::to_string(sqlite::Migrations().size()));
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "wal");
  // The log's rows point at nothing by foreign key (version 4: writers check).
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM pragma_foreign_key_list('events')"), "0");
  EXPECT_EQ(RawQuery(path, "PRAGMA application_id"), std::to_string(sqlite::kApplicationId));
  for (const char* table : {"divisions", "persons", "events", "import_batches", "quarantine",
                            "conflicts", "linkage_review", "schema_migrations"}) {
    EXPECT_EQ(RawQuery(path, fmt::format("SELECT count(*) FROM sqlite_schema WHERE name = '{}'", table)),
              "1")
        << table;
  }
}

TEST(SqliteOpenTest, ReopeningKeepsDataAndDoesNotMigrateAgain) {
  TempDir dir;
  const std::string path = dir.File("register.db");
  {
    auto store = MustOpen(path);
    testing::LoadSample(*store, 10);
  }
  auto store = MustOpen(path, SqliteOptions{.create_if_missing = false});
  ASSERT_NE(store, nullptr);
  auto summary = store->GetSummary();
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->persons, 10);
  EXPECT_EQ(summary->events, 10);
  EXPECT_EQ(summary->divisions, 6);
  EXPECT_EQ(summary->batches, 1);
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM schema_migrations"),
            std::to_string(sqlite::Migrations().size()));
}

TEST(SqliteOpenTest, RefusesWhatIsNotAJunhengDatabase) {
  TempDir dir;
  struct Case {
    std::string name;
    std::function<void(const std::string&)> make;  // writes the file
    ErrorCode expected;
  };
  const Case cases[] = {
      {"text file",
       [](const std::string& p) { std::ofstream(p) << "person_id,name\nP1,张三\n"; },
       ErrorCode::kInvalidArgument},
      {"random bytes",
       [](const std::string& p) { std::ofstream(p) << std::string(8192, '\x5a'); },
       ErrorCode::kInvalidArgument},
      {"another application's SQLite file",
       [](const std::string& p) { RawQuery(p, "CREATE TABLE customers(id INTEGER PRIMARY KEY)"); },
       ErrorCode::kInvalidArgument},
      {"a newer Junheng schema",
       [](const std::string& p) {
         MustOpen(p).reset();
         RawQuery(p, fmt::format("PRAGMA user_version = {}", sqlite::LatestSchemaVersion() + 1));
       },
       ErrorCode::kUnavailable},
  };
  for (const Case& c : cases) {
    const std::string path = dir.File(c.name);
    c.make(path);
    auto before = RawQuery(path, "PRAGMA journal_mode");
    auto store = OpenSqliteStore(path);
    ASSERT_FALSE(store.has_value()) << c.name;
    EXPECT_EQ(store.error().code, c.expected) << c.name << ": " << store.error().message;
    EXPECT_NE(store.error().message.find(path), std::string::npos) << store.error().message;
    EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), before) << c.name << ": the file was changed";
  }
}

TEST(SqliteOpenTest, MissingFileWithoutCreateIsNotFound) {
  TempDir dir;
  auto store = OpenSqliteStore(dir.File("absent.db"), SqliteOptions{.create_if_missing = false});
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.File("absent.db")));
}

TEST(SqliteOpenTest, EmptyFileIsMigrated) {
  TempDir dir;
  const std::string path = dir.File("empty.db");
  std::ofstream(path).close();
  auto store = MustOpen(path);
  EXPECT_NE(store, nullptr);
}

TEST(SqliteOpenTest, InMemoryStoreWorks) {
  auto store = MustOpen(":memory:");
  ASSERT_NE(store, nullptr);
  testing::LoadSample(*store, 3);
  auto summary = store->GetSummary();
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->max_seq, 3);
}

}  // namespace
}  // namespace junheng::store

namespace junheng::store {
namespace {

// A register of schema version 2 has events but no event_tallies: the
// migration counts its log once, and the summary then reads the counts.
TEST(SqliteOpenTest, Version2RegisterGetsTalliesOfItsLog) {
  TempDir dir;
  const std::string path = dir.File("v2.db");
  const std::string events =
      "INSERT INTO events(seq, batch_id, source, event_id, type, date, recorded_at, person_id, content_hash) VALUES"
      "(1, 1, 'census', 'E1', 'enumerate', '2020-11-01', '2020-11-02T00:00:00Z', 'P1', 1),"
      "(2, 1, 'census', 'E2', 'enumerate', '2020-11-01', '2020-11-02T00:00:00Z', 'P2', 1),"
      "(3, 2, 'health', 'B1', 'birth', '2016-05-09', '2016-05-10T00:00:00Z', 'P3', 1),"
      "(4, 2, 'health', 'D1', 'death', '2024-02-29', '2024-03-01T00:00:00Z', 'P2', 1);";
  ASSERT_EQ(testing::RawExec(path, std::string(sqlite::Migrations()[0].sql) + sqlite::Migrations()[1].sql + events +
                                       fmt::format("PRAGMA user_version = 2; PRAGMA application_id = {};",
                                                   sqlite::kApplicationId)),
            "");
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  auto summary = store->GetSummary();
  ASSERT_TRUE(summary.has_value()) << summary.error().message;
  EXPECT_EQ(summary->events, 4);
  EXPECT_EQ(summary->events_by_type, (std::vector<std::pair<std::string, int64_t>>{
                                         {"birth", 1}, {"death", 1}, {"enumerate", 2}}));
  EXPECT_EQ(summary->first_event_date, testing::Day(2016, 5, 9));
  EXPECT_EQ(summary->last_event_date, testing::Day(2024, 2, 29));
}

// A register of schema version 3, made by the SQL of versions 1-3 as released.
std::string Version3Register(TempDir& dir, const std::string& events_table_edit = "") {
  const std::string path = dir.File("v3.db");
  const std::string events =
      "INSERT INTO events(seq, batch_id, source, event_id, type, date, recorded_at, person_id, division, "
      "content_hash) VALUES"
      "(1, 1, 'census', 'E1', 'enumerate', '2020-11-01', '2020-11-02T00:00:00Z', 'P1', '141002001001', 1),"
      "(2, 1, 'census', 'E2', 'enumerate', '2020-11-01', '2020-11-02T00:00:00Z', 'P2', NULL, 1);";
  EXPECT_EQ(testing::RawExec(path, std::string(sqlite::Migrations()[0].sql) + sqlite::Migrations()[1].sql + events +
                                       sqlite::Migrations()[2].sql + events_table_edit +
                                       fmt::format("PRAGMA user_version = 3; PRAGMA application_id = {};",
                                                   sqlite::kApplicationId)),
            "");
  return path;
}

// Version 4 removes the log's two foreign keys by editing the table's CREATE
// text: nothing else of the table changes, and its rows stay as they were.
TEST(SqliteOpenTest, Version3RegisterLosesTheLogsForeignKeysAndNothingElse) {
  TempDir dir;
  const std::string path = Version3Register(dir);
  const std::string before = RawQuery(path, "SELECT sql FROM sqlite_schema WHERE name = 'events'");
  ASSERT_EQ(RawQuery(path, "SELECT count(*) FROM pragma_foreign_key_list('events')"), "2");
  {
    auto store = MustOpen(path);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->GetSummary()->events, 2);
    // The connection that migrated reads the new schema at once.
    auto batch = store->BeginBatch(testing::Info());
    ASSERT_TRUE(batch.has_value());
    Event e = testing::SampleEnumerate(3, "P404");  // nobody, and no division (the register has none)
    e.division = DivisionCode();
    auto seq = (*batch)->AppendEvent(e, 1);
    ASSERT_TRUE(seq.has_value()) << seq.error().message;
    EXPECT_EQ(*seq, 3);
  }
  std::string expected = before;
  for (const std::string key : {" REFERENCES persons(person_id)", " REFERENCES divisions(code)"})
    expected.erase(expected.find(key), key.size());
  EXPECT_EQ(RawQuery(path, "SELECT sql FROM sqlite_schema WHERE name = 'events'"), expected);
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM pragma_foreign_key_list('events')"), "0");
  EXPECT_EQ(RawQuery(path, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM events"), "2") << "the batch was dropped";
  EXPECT_EQ(RawQuery(path, "SELECT description FROM schema_migrations WHERE version = 4"),
            sqlite::Migrations()[3].description);
  // The rest of the table's rules hold: its unique key and its triggers.
  EXPECT_NE(testing::RawExec(path, "INSERT INTO events(seq, batch_id, source, event_id, type, date, recorded_at, "
                                   "person_id, content_hash) VALUES(3, 1, 'census', 'E1', 'enumerate', "
                                   "'2020-11-01', '2020-11-02T00:00:00Z', 'P3', 1)"),
            "");
  EXPECT_NE(testing::RawExec(path, "DELETE FROM events"), "");
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM events"), "2");
}

// A register whose log was re-created by hand is not edited blind.
TEST(SqliteOpenTest, Version4RefusesALogTableItDoesNotKnow) {
  TempDir dir;
  const std::string path = Version3Register(
      dir, "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = replace(sql, "
           "' REFERENCES divisions(code)', '') WHERE name = 'events'; PRAGMA writable_schema = OFF;");
  auto store = store::OpenSqliteStore(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::kInternal);
  EXPECT_NE(store.error().message.find("\"REFERENCES divisions(code)\" is not in it once"), std::string::npos)
      << store.error().message;
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), "3") << "the failed migration changed nothing";
}

}  // namespace
}  // namespace junheng::store
