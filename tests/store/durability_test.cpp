// A process killed mid-batch, online backups and restores: store/store.h and
// store/open.h on either engine.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "store_test_util.h"

namespace junheng::store {
namespace {

using junheng::testing::OnPostgres;
using junheng::testing::TestRegister;
using testing::Info;
using testing::MustOpenStore;
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

// The child appends this many rows: SQLite, with a small page cache, spills
// pages of the uncommitted batch into the WAL; PostgreSQL has sent most rows to
// the server. Recovery must ignore them either way.
constexpr int kCrashRows = 20000;

// Runs in the forked child. Appends, then reports how far the uncommitted
// batch reached (the WAL size on SQLite, 1 on PostgreSQL) and waits there.
void Append(const std::string& target, const testing::Report& report) {
  OpenOptions options;
  options.sqlite.cache_size_kib = 512;
  auto store = OpenStore(target, options);
  if (!store) _exit(2);
  auto batch = (*store)->BeginBatch(Info());
  if (!batch) _exit(3);
  for (int i = 1000; i < 1000 + kCrashRows; ++i) {
    Person p = SamplePerson(i);
    if (!(*batch)->InsertPerson(p, p.name)) _exit(4);
    if (!(*batch)->AppendEvent(SampleEnumerate(i, p.person_id), 1)) _exit(5);
  }
  // A read inside the batch: PostgreSQL sends every buffered row first.
  if (!(*store)->FindPerson(SamplePerson(1000).person_id)) _exit(6);
  struct stat st {};
  int64_t reached = 1;
  if (!IsPostgresTarget(target)) reached = stat((target + "-wal").c_str(), &st) == 0 ? st.st_size : -1;
  report(reached);
}

TEST(DurabilityTest, ProcessKilledMidBatchLeavesTheStoreAsBefore) {
  TempDir dir;
  TestRegister reg(dir.path());
  Summary before;
  {
    auto store = MustOpenStore(reg.target());
    ASSERT_NE(store, nullptr);
    testing::LoadSample(*store, 50);
    before = *store->GetSummary();
  }  // closed: the child must not inherit an open connection

  const std::optional<int64_t> reached = testing::KillDuring([&](const testing::Report& report) { Append(reg.target(), report); }, [&] {
    if (!OnPostgres()) return;
    // The child's batch holds the writer lock in an open transaction.
    EXPECT_EQ(testing::RawExec(reg.target(),
                               "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                               "AND granted AND database = (SELECT oid FROM pg_database WHERE datname = "
                               "current_database())) THEN RAISE EXCEPTION 'no writer lock'; END IF; END $$"),
              "");
  });
  ASSERT_TRUE(reached.has_value());
  EXPECT_GT(*reached, 0) << "the uncommitted batch should have reached the WAL";

  auto store = MustOpenStore(reg.target());
  ASSERT_NE(store, nullptr);
  ExpectSameSummary(*store->GetSummary(), before);
  EXPECT_FALSE(store->FindPerson(SamplePerson(1000).person_id)->has_value());
  EXPECT_EQ(*store->PersonsUpperBound(), 50);

  // The dead writer's lock is gone: a new batch begins at once and continues the log.
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

// Restores `backup` into a new register named `name` in `dir`, opens it, or fails the test.
std::unique_ptr<Store> Restore(const std::string& backup, const TestRegister& into) {
  auto restored = RestoreBackup(backup, into.target());
  EXPECT_TRUE(restored.has_value()) << restored.error().message;
  if (!restored) return nullptr;
  return MustOpenStore(into.target(), OpenOptions{.create_if_missing = false});
}

TEST(BackupTest, CopyIsIdenticalAndSourceStaysUsable) {
  TempDir dir;
  TestRegister reg(dir.path()), copy_reg(dir.path(), "copy.db");
  auto store = MustOpenStore(reg.target());
  ASSERT_NE(store, nullptr);
  testing::LoadSample(*store, 200);
  ASSERT_TRUE(store->AddUser({.username = "wang", .display_name = "王", .role = "city_admin",
                              .division = testing::Code(141000000000), .password_hash = "h"}));
  const std::string backup = dir.File("register.backup");

  // A batch is open while the backup runs: the copy holds only committed data.
  {
    auto open_batch = store->BeginBatch(Info());
    ASSERT_TRUE(open_batch.has_value());
    Person p = SamplePerson(9000);
    ASSERT_TRUE((*open_batch)->InsertPerson(p, p.name));
    EXPECT_TRUE(store->FindPerson(p.person_id)->has_value());
    ASSERT_TRUE(store->Backup(backup));
  }
  auto copy = Restore(backup, copy_reg);
  ASSERT_NE(copy, nullptr);
  ExpectSameSummary(*copy->GetSummary(), *store->GetSummary());
  EXPECT_EQ(copy->LoadDivisions()->size(), store->LoadDivisions()->size());
  EXPECT_EQ((*copy->ListUsers())[0].username, "wang");
  EXPECT_FALSE(copy->FindPerson(SamplePerson(9000).person_id)->has_value());
  std::vector<std::string> a, b;
  ASSERT_TRUE(store->ForEachPerson([&](const Person& p) { a.push_back(p.person_id); }));
  ASSERT_TRUE(copy->ForEachPerson([&](const Person& p) { b.push_back(p.person_id); }));
  EXPECT_EQ(a, b);
  std::vector<std::string> ea, eb;
  ASSERT_TRUE(store->ForEachEvent([&](const StoredEvent& e) { ea.push_back(fmt::format("{}:{}", e.seq, e.event.event_id)); }));
  ASSERT_TRUE(copy->ForEachEvent([&](const StoredEvent& e) { eb.push_back(fmt::format("{}:{}", e.seq, e.event.event_id)); }));
  EXPECT_EQ(ea, eb);

  // The source keeps working, and the copy continues the log on its own.
  testing::LoadSample(*store, 10, 300);
  EXPECT_EQ(store->GetSummary()->max_seq, 210);
  testing::LoadSample(*copy, 5, 300);
  EXPECT_EQ(copy->GetSummary()->max_seq, 205);
  EXPECT_EQ(*copy->PersonsUpperBound(), 205);
}

// A backup taken while another process commits batch after batch holds the log
// up to one of those commits: gapless, every batch whole.
TEST(BackupTest, BackupDuringWritesIsAConsistentPrefix) {
  constexpr int kPerBatch = 50;
  TempDir dir;
  TestRegister reg(dir.path()), copy_reg(dir.path(), "copy.db");
  auto store = MustOpenStore(reg.target());
  ASSERT_NE(store, nullptr);
  testing::LoadSample(*store, 2);
  std::atomic<bool> stop{false};
  std::atomic<int> committed{0};
  std::string writer_failure;
  std::thread writer([&] {
    auto other = OpenStore(reg.target());
    if (!other) return void(writer_failure = other.error().message);
    for (int b = 0; !stop && b < 400; ++b) {
      auto batch = (*other)->BeginBatch(Info());
      if (!batch) return void(writer_failure = batch.error().message);
      for (int i = 0; i < kPerBatch; ++i) {
        Event e = SampleEnumerate(i, "P000000002");
        e.event_id = fmt::format("B{}-{}", b, i);
        if (auto s = (*batch)->AppendEvent(e, 1); !s) return void(writer_failure = s.error().message);
      }
      if (auto s = (*batch)->Commit({.events_loaded = kPerBatch}); !s) return void(writer_failure = s.error().message);
      ++committed;
    }
  });
  while (committed < 3 && writer_failure.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string backup = dir.File("register.backup");
  auto backed_up = store->Backup(backup);
  stop = true;
  writer.join();
  ASSERT_EQ(writer_failure, "");
  ASSERT_TRUE(backed_up.has_value()) << backed_up.error().message;
  auto copy = Restore(backup, copy_reg);
  ASSERT_NE(copy, nullptr);
  const Summary s = *copy->GetSummary();
  EXPECT_GE(s.max_seq, 2 + 3 * kPerBatch);
  EXPECT_EQ((s.max_seq - 2) % kPerBatch, 0) << "a batch was copied in part";
  EXPECT_EQ(s.events, s.max_seq);
  EXPECT_EQ(s.batches, 1 + (s.max_seq - 2) / kPerBatch);
  int64_t seq = 0;
  ASSERT_TRUE(copy->ForEachEvent([&](const StoredEvent& e) { ASSERT_EQ(e.seq, ++seq); }));
}

TEST(BackupTest, RefusesAnExistingPath) {
  TempDir dir;
  TestRegister reg(dir.path());
  auto store = MustOpenStore(reg.target());
  ASSERT_NE(store, nullptr);
  testing::LoadSample(*store, 3);
  ASSERT_TRUE(store->Backup(dir.File("copy.backup")));
  const auto size = std::filesystem::file_size(dir.File("copy.backup"));
  auto again = store->Backup(dir.File("copy.backup"));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(std::filesystem::file_size(dir.File("copy.backup")), size) << "the first backup was not touched";
  EXPECT_EQ(store->GetSummary()->events, 3);
}

TEST(RestoreTest, RefusesATakenTargetAndWhatIsNotABackup) {
  TempDir dir;
  TestRegister reg(dir.path()), fresh(dir.path(), "fresh.db");
  auto store = MustOpenStore(reg.target());
  ASSERT_NE(store, nullptr);
  testing::LoadSample(*store, 3);
  const std::string backup = dir.File("register.backup");
  ASSERT_TRUE(store->Backup(backup));
  const std::string text = dir.File("persons.csv");
  std::ofstream(text) << "person_id,name\nP1,张三\n";

  struct Case {
    const char* what;
    std::string backup, target;
    ErrorCode expected;
  };
  const Case cases[] = {
      {"onto a register", backup, reg.target(), ErrorCode::kInvalidArgument},
      {"a text file", text, fresh.target(), ErrorCode::kInvalidArgument},
      {"a missing file", dir.File("absent.backup"), fresh.target(), ErrorCode::kNotFound},
  };
  for (const Case& c : cases) {
    auto restored = RestoreBackup(c.backup, c.target);
    ASSERT_FALSE(restored.has_value()) << c.what;
    EXPECT_EQ(restored.error().code, c.expected) << c.what << ": " << restored.error().message;
  }
  EXPECT_EQ(store->GetSummary()->events, 3) << "the register restored onto is untouched";
  auto opened = OpenStore(fresh.target(), OpenOptions{.create_if_missing = false});
  ASSERT_FALSE(opened.has_value()) << "nothing was left in the fresh target";
  EXPECT_EQ(opened.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(RestoreBackup(backup, fresh.target())) << "the fresh target is still usable";
}

}  // namespace
}  // namespace junheng::store
