// A first load drops the lookup indexes and builds them by one sort before it
// commits, or as soon as a read needs them; a rollback keeps them as they were.
#include <sqlite3.h>

#include "store/sqlite/deferred_indexes.h"
#include "store/store_test_util.h"

namespace junheng::store::testing {
namespace {

// Names of the lookup indexes in the file, read through a second connection.
std::vector<std::string> LookupIndexes(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN "
                     "('persons_citizen', 'persons_link', 'events_person', 'events_mother') ORDER BY name",
                     -1, &s, nullptr);
  std::vector<std::string> out;
  while (sqlite3_step(s) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

const std::vector<std::string> kAll = {"events_mother", "events_person", "persons_citizen", "persons_link"};

class SqliteDeferredIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("r.db");
    store_ = std::move(*OpenSqliteStore(path_));
    auto b = *store_->BeginBatch(Info());
    for (const Division& d : SampleDivisions()) ASSERT_TRUE(b->PutDivision(d));
    ASSERT_TRUE(b->Commit({}));
  }
  // Loads n persons with their enumerations in one batch; optionally looks one
  // up by citizen id and events in the middle.
  void Load(int n, bool lookup_midway) {
    auto b = *store_->BeginBatch(Info());
    for (int i = 1; i <= n; ++i) {
      Person p = SamplePerson(i);
      p.citizen_id = fmt::format("C{}", i);
      ASSERT_TRUE(b->InsertPerson(p, p.name));
      ASSERT_TRUE(b->AppendEvent(SampleEnumerate(i, p.person_id), 1));
      if (lookup_midway && i == n / 2) {
        EXPECT_EQ(*store_->FindByCitizenId("C3"), std::vector<std::string>{"P000000003"});
        EXPECT_EQ(store_->EventsOfPerson("P000000003")->size(), 1u);
      }
    }
    ASSERT_TRUE(b->Commit({}));
  }
  TempDir dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteDeferredIndexTest, AFirstLoadCommitsWithEveryIndexBuilt) {
  EXPECT_EQ(LookupIndexes(path_), kAll);
  Load(1000, false);
  EXPECT_EQ(LookupIndexes(path_), kAll);
  EXPECT_EQ(*store_->FindByCitizenId("C999"), std::vector<std::string>{"P000000999"});
  EXPECT_EQ(store_->EventsOfPerson("P000000999")->size(), 1u);
}

TEST_F(SqliteDeferredIndexTest, AReadDuringTheLoadBuildsTheIndexesItNeeds) {
  Load(1000, true);
  EXPECT_EQ(LookupIndexes(path_), kAll);
  EXPECT_EQ(*store_->FindByCitizenId("C700"), std::vector<std::string>{"P000000700"});
}

TEST_F(SqliteDeferredIndexTest, ARolledBackLoadLeavesTheIndexesAsTheyWere) {
  {
    auto b = *store_->BeginBatch(Info());
    Person p = SamplePerson(1);
    ASSERT_TRUE(b->InsertPerson(p, p.name));
  }  // dropped without Commit
  EXPECT_EQ(LookupIndexes(path_), kAll);
  Load(10, false);  // and the next first load still works
  EXPECT_EQ(LookupIndexes(path_), kAll);
}

TEST_F(SqliteDeferredIndexTest, ALaterBatchKeepsItsIndexes) {
  Load(10, false);
  auto b = *store_->BeginBatch(Info());
  Person p = SamplePerson(11);
  p.citizen_id = "C11";
  ASSERT_TRUE(b->InsertPerson(p, p.name));
  // The tables were not empty: nothing was dropped, so another reader sees all.
  EXPECT_EQ(LookupIndexes(path_), kAll);
  ASSERT_TRUE(b->Commit({}));
}

// The keys are sorted in runs of about 2 MiB (DeferredIndexes::BuildSorted):
// 150,000 persons make several runs, merged from temporary files.
TEST_F(SqliteDeferredIndexTest, AnIndexOfManySortRunsIsWhole) {
  Load(150000, false);
  EXPECT_EQ(LookupIndexes(path_), kAll);
  EXPECT_EQ(RawQuery(path_, "PRAGMA integrity_check"), "ok");  // every index agrees with its table
  EXPECT_EQ(RawQuery(path_, "SELECT count(*) FROM persons INDEXED BY persons_citizen WHERE citizen_digest IS NOT NULL"),
            "150000");
  EXPECT_EQ(*store_->FindByCitizenId("C149999"), std::vector<std::string>{"P000149999"});
  EXPECT_EQ(store_->EventsOfPerson("P000000001")->size(), 1u);
}

// The build borrows the connection's cache size, temporary storage and sorter
// threads, and gives them back.
TEST(SqliteDeferredIndexBuildTest, LeavesTheConnectionAsItFoundIt) {
  TempDir dir;
  const std::string path = dir.File("r.db");
  ASSERT_TRUE(OpenSqliteStore(path).has_value());  // the schema
  auto db = std::move(*sqlite::Db::Open(path, SQLITE_OPEN_READWRITE));
  ASSERT_TRUE(db->Exec("PRAGMA cache_size = -12345; PRAGMA temp_store = MEMORY; PRAGMA threads = 3; BEGIN IMMEDIATE", "setting up"));
  sqlite::DeferredIndexes deferred;
  ASSERT_TRUE(deferred.DeferIfEmpty(*db));
  EXPECT_TRUE(LookupIndexes(path).size() == 4u) << "a second connection still sees the committed schema";
  ASSERT_TRUE(deferred.EnsureAll(*db));
  EXPECT_EQ(*db->QueryInt("PRAGMA cache_size", "cache"), -12345);
  EXPECT_EQ(*db->QueryInt("PRAGMA temp_store", "temp"), 2);  // MEMORY
  EXPECT_EQ(*db->QueryInt("PRAGMA threads", "threads"), 3);
  ASSERT_TRUE(db->Exec("COMMIT", "committing"));
  EXPECT_EQ(LookupIndexes(path), kAll);
}

}  // namespace
}  // namespace junheng::store::testing
