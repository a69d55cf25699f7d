// A first load on SQLite, when the opener asks for it, runs with a rollback
// journal instead of the WAL (SqliteOptions::journal_first_load): it must be
// as safe, and the file must go back to WAL mode afterwards.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "store_test_util.h"

namespace junheng::store {
namespace {

using testing::Info;
using testing::MustOpen;
using testing::RawQuery;
using testing::SampleDivisions;
using testing::SampleEnumerate;
using testing::SamplePerson;
using testing::TempDir;

int64_t FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

void LoadDivisions(Store& store) {
  auto batch = store.BeginBatch(Info());
  ASSERT_TRUE(batch.has_value()) << batch.error().message;
  for (const Division& d : SampleDivisions()) ASSERT_TRUE((*batch)->PutDivision(d));
  ASSERT_TRUE((*batch)->Commit({}));
}

// Persons and their enumerations, enough to spill a 512 KiB page cache.
void AppendRows(Batch& batch, int first, int n) {
  for (int i = first; i < first + n; ++i) {
    Person p = SamplePerson(i);
    ASSERT_TRUE(batch.InsertPerson(p, p.name));
    ASSERT_TRUE(batch.AppendEvent(SampleEnumerate(i, p.person_id), 1).has_value());
  }
}

constexpr int kRows = 20000;

TEST(SqliteFirstLoadTest, WritesTheFileDirectlyThenGoesBackToWal) {
  TempDir dir;
  const std::string path = dir.File("r.db");
  auto store = MustOpen(path, SqliteOptions{.cache_size_kib = 512, .journal_first_load = true});
  ASSERT_NE(store, nullptr);
  LoadDivisions(*store);
  const int64_t size_before = FileSize(path);
  {
    auto batch = store->BeginBatch(Info());
    ASSERT_TRUE(batch.has_value());
    AppendRows(**batch, 1, kRows);
    // The pages that did not fit the cache went into the file itself, the
    // file's earlier pages into the journal, and nothing into a WAL.
    EXPECT_GT(FileSize(path), size_before);
    EXPECT_GT(FileSize(path + "-journal"), 0);
    EXPECT_LE(FileSize(path + "-wal"), 0);
    ASSERT_TRUE((*batch)->Commit({}));
  }
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM events"), std::to_string(kRows));
  EXPECT_EQ(RawQuery(path, "PRAGMA integrity_check"), "ok");

  // The register has persons now: the next batch goes through the WAL.
  auto batch = store->BeginBatch(Info());
  ASSERT_TRUE(batch.has_value());
  AppendRows(**batch, kRows + 1, kRows);
  EXPECT_GT(FileSize(path + "-wal"), 0);
  ASSERT_TRUE((*batch)->Commit({}));
}

TEST(SqliteFirstLoadTest, StaysInWalWhileAnotherConnectionIsOpen) {
  TempDir dir;
  const std::string path = dir.File("r.db");
  auto store = MustOpen(path, SqliteOptions{.cache_size_kib = 512, .journal_first_load = true});
  ASSERT_NE(store, nullptr);
  LoadDivisions(*store);
  auto reader = MustOpen(path);  // e.g. a server reading the same file
  ASSERT_NE(reader, nullptr);
  auto batch = store->BeginBatch(Info());
  ASSERT_TRUE(batch.has_value()) << batch.error().message;
  AppendRows(**batch, 1, kRows);
  EXPECT_GT(FileSize(path + "-wal"), 0);
  EXPECT_LE(FileSize(path + "-journal"), 0);
  // The reader still sees the register as it was, and is not blocked.
  EXPECT_EQ(reader->GetSummary()->persons, 0);
  ASSERT_TRUE((*batch)->Commit({}));
  EXPECT_EQ(reader->GetSummary()->persons, kRows);
}

TEST(SqliteFirstLoadTest, OnlyWhenTheOpenerAsks) {
  TempDir dir;
  const std::string path = dir.File("r.db");
  auto store = MustOpen(path, SqliteOptions{.cache_size_kib = 512});  // as `junheng import` opens
  ASSERT_NE(store, nullptr);
  LoadDivisions(*store);
  auto batch = store->BeginBatch(Info());
  ASSERT_TRUE(batch.has_value());
  AppendRows(**batch, 1, kRows);
  EXPECT_GT(FileSize(path + "-wal"), 0);
  EXPECT_LE(FileSize(path + "-journal"), 0);
  ASSERT_TRUE((*batch)->Commit({}));
}

TEST(SqliteFirstLoadTest, ProcessKilledDuringAFirstLoadLeavesTheRegisterAsBefore) {
  TempDir dir;
  const std::string path = dir.File("r.db");
  {
    auto store = MustOpen(path, SqliteOptions{.journal_first_load = true});
    ASSERT_NE(store, nullptr);
    LoadDivisions(*store);
  }  // closed: the child must not inherit an open connection
  const int64_t size_before = FileSize(path);
  const std::optional<int64_t> reached = testing::KillDuring([&](const testing::Report& report) {
    auto store = OpenSqliteStore(path, SqliteOptions{.cache_size_kib = 512, .journal_first_load = true});
    if (!store) _exit(2);
    auto batch = (*store)->BeginBatch(Info());
    if (!batch) _exit(3);
    for (int i = 1; i <= kRows; ++i) {
      Person p = SamplePerson(i);
      if (!(*batch)->InsertPerson(p, p.name)) _exit(4);
      if (!(*batch)->AppendEvent(SampleEnumerate(i, p.person_id), 1)) _exit(5);
    }
    report(FileSize(path));  // the batch's pages written into the file
  });
  ASSERT_TRUE(reached.has_value());
  EXPECT_GT(*reached, size_before) << "the uncommitted batch should have written into the file";
  EXPECT_GT(FileSize(path + "-journal"), 0) << "the dead batch leaves its journal behind";

  auto store = MustOpen(path);  // rolls the journal back
  ASSERT_NE(store, nullptr);
  auto summary = store->GetSummary();
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->divisions, static_cast<int64_t>(SampleDivisions().size()));
  EXPECT_EQ(summary->persons, 0);
  EXPECT_EQ(summary->events, 0);
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawQuery(path, "PRAGMA integrity_check"), "ok");
  // And the load can simply run again.
  auto batch = store->BeginBatch(Info());
  ASSERT_TRUE(batch.has_value()) << batch.error().message;
  AppendRows(**batch, 1, 100);
  ASSERT_TRUE((*batch)->Commit({}));
  EXPECT_EQ(store->GetSummary()->persons, 100);
}

}  // namespace
}  // namespace junheng::store
