// A process killed mid-batch, and online backups: store/store.h on SQLite.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_test_util.h"

namespace junheng::store {
namespace {

using testing::Info;
using testing::MustOpen;
using testing::SampleEnumerate;
using testing::SamplePerson;
using testing::TempDir;

void ExpectSameSummary(const Summary& a, const Summary& b) {
  EXPECT_EQ(a.divisions, b.divisions);
  EXPECT_EQ(a.persons, b.persons);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.events_by_type, b.events_by_type);
  EXPECT_EQ(a.max_seq, b.max_seq);
  EXPECT_EQ(a.batches, b.batches);
  EXPECT_EQ(a.quarantined, b.quarantined);
  EXPECT_EQ(a.first_event_date, b.first_event_date);
  EXPECT_EQ(a.last_event_date, b.last_event_date);
}

// The child appends this many rows, with a small page cache, so the uncommitted
// batch spills pages into the WAL before the kill: recovery must ignore them.
constexpr int kCrashRows = 20000;

// Runs in the forked child: never returns. Writes the WAL size it reached to `fd`.
[[noreturn]] void AppendThenDie(const std::string& path, int fd) {
  auto store = OpenSqliteStore(path, SqliteOptions{.cache_size_kib = 512});
  if (!store) _exit(2);
  auto batch = (*store)->BeginBatch(Info());
  if (!batch) _exit(3);
  for (int i = 1000; i < 1000 + kCrashRows; ++i) {
    Person p = SamplePerson(i);
    if (!(*batch)->InsertPerson(p, p.name)) _exit(4);
    if (!(*batch)->AppendEvent(SampleEnumerate(i, p.person_id), 1)) _exit(5);
  }
  struct stat st {};
  int64_t wal_bytes = stat((path + "-wal").c_str(), &st) == 0 ? st.st_size : -1;
  if (write(fd, &wal_bytes, sizeof wal_bytes) != sizeof wal_bytes) _exit(6);
  raise(SIGKILL);
  _exit(7);
}

TEST(SqliteDurabilityTest, ProcessKilledMidBatchLeavesTheStoreAsBefore) {
  TempDir dir;
  const std::string path = dir.File("register.db");
  Summary before;
  {
    auto store = MustOpen(path);
    testing::LoadSample(*store, 50);
    before = *store->GetSummary();
  }  // closed: the child must not inherit an open connection

  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    AppendThenDie(path, pipe_fds[1]);
  }
  close(pipe_fds[1]);
  int64_t wal_bytes = -1;
  ASSERT_EQ(read(pipe_fds[0], &wal_bytes, sizeof wal_bytes), static_cast<ssize_t>(sizeof wal_bytes))
      << "the child failed before the kill";
  close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
  EXPECT_GT(wal_bytes, 0) << "the uncommitted batch should have reached the WAL";

  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  ExpectSameSummary(*store->GetSummary(), before);
  EXPECT_FALSE(store->FindPerson(SamplePerson(1000).person_id)->has_value());

  auto batch = store->BeginBatch(Info());
  ASSERT_TRUE(batch.has_value()) << batch.error().message;
  EXPECT_EQ((*batch)->id(), 2);
  Person p = SamplePerson(5000);
  ASSERT_TRUE((*batch)->InsertPerson(p, p.name));
  EXPECT_EQ(*(*batch)->AppendEvent(SampleEnumerate(5000, p.person_id), 1), before.max_seq + 1);
  ASSERT_TRUE((*batch)->Commit({}));
  batch->reset();
  std::vector<int64_t> seqs;
  ASSERT_TRUE(store->ForEachEvent([&](const StoredEvent& e) { seqs.push_back(e.seq); }));
  for (size_t i = 0; i < seqs.size(); ++i) ASSERT_EQ(seqs[i], static_cast<int64_t>(i) + 1);
}

TEST(SqliteBackupTest, CopyIsIdenticalAndSourceStaysUsable) {
  TempDir dir;
  auto store = MustOpen(dir.File("register.db"));
  ASSERT_NE(store, nullptr);
  testing::LoadSample(*store, 200);

  // A batch is open while the backup runs: the copy holds only committed data.
  {
    auto open_batch = store->BeginBatch(Info());
    ASSERT_TRUE(open_batch.has_value());
    Person p = SamplePerson(9000);
    ASSERT_TRUE((*open_batch)->InsertPerson(p, p.name));
    ASSERT_TRUE(store->Backup(dir.File("copy.db")));
  }
  auto copy = MustOpen(dir.File("copy.db"), SqliteOptions{.create_if_missing = false});
  ASSERT_NE(copy, nullptr);
  ExpectSameSummary(*copy->GetSummary(), *store->GetSummary());
  EXPECT_EQ(copy->LoadDivisions()->size(), store->LoadDivisions()->size());
  std::vector<std::string> a, b;
  ASSERT_TRUE(store->ForEachPerson([&](const Person& p) { a.push_back(p.person_id); }));
  ASSERT_TRUE(copy->ForEachPerson([&](const Person& p) { b.push_back(p.person_id); }));
  EXPECT_EQ(a, b);

  // The source keeps working, and the copy continues the log on its own.
  testing::LoadSample(*store, 10, 300);
  EXPECT_EQ(store->GetSummary()->max_seq, 210);
  testing::LoadSample(*copy, 5, 300);
  EXPECT_EQ(copy->GetSummary()->max_seq, 205);
}

TEST(SqliteBackupTest, RefusesAnExistingPath) {
  TempDir dir;
  auto store = MustOpen(dir.File("register.db"));
  ASSERT_NE(store, nullptr);
  testing::LoadSample(*store, 3);
  ASSERT_TRUE(store->Backup(dir.File("copy.db")));
  auto again = store->Backup(dir.File("copy.db"));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
  auto onto_itself = store->Backup(dir.File("register.db"));
  ASSERT_FALSE(onto_itself.has_value());
  EXPECT_EQ(store->GetSummary()->events, 3);
}

}  // namespace
}  // namespace junheng::store
