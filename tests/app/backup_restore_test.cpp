// `junheng backup` while an importer writes, and `junheng restore`: every
// backup, restored into a new register, passes `junheng check`, equals the
// source at some committed point (a whole number of batches, compared with an
// uninterrupted reference import) no earlier than what had committed when the
// backup began and no later than when it ended, and serves. A restore never
// overwrites a register.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "app/child_process.h"
#include "app/crash_fixture.h"

namespace junheng::app::testing {
namespace {

using ::testing::HasSubstr;

TEST(BackupRestoreTest, BackupsTakenDuringAnImportRestoreToACommittedStateThatChecksAndServes) {
  const uint64_t seed = CrashSeed();
  SCOPED_TRACE(fmt::format("JUNHENG_CRASH_SEED={}", seed));
  std::mt19937_64 rng(seed);
  TempDir dir("backup_restore");
  const DemoChunks chunks = MakeDemoChunks(dir.path(), 0.005, 13, 4, 12);
  TestRegister reference_register(dir.path(), "reference.db");
  const Reference ref = ImportReference(reference_register.target(), chunks);
  ASSERT_EQ(ref.states.size(), chunks.files.size() + 1);
  ASSERT_FALSE(::testing::Test::HasFailure());

  TestRegister source(dir.path(), "source.db");
  ASSERT_EQ(Junheng("init --db " + ShellQuote(source.target())).exit_code, 0);
  // The writer: one `junheng import` per chunk, as fast as they go.
  std::atomic<size_t> committed = 0;
  std::atomic<bool> writer_failed = false;
  std::thread writer([&] {
    for (const std::string& file : chunks.files) {
      if (Junheng(fmt::format("import --db {} {}", ShellQuote(source.target()), ShellQuote(file))).exit_code != 0) {
        writer_failed = true;
        return;
      }
      ++committed;
    }
  });
  // Backups while it writes, at random moments, and one after it is done.
  struct Taken {
    std::string file;
    size_t committed_before = 0, committed_after = 0;
  };
  std::vector<Taken> backups;
  auto take = [&] {
    Taken t{dir.File(fmt::format("backup_{:02}.db", backups.size())), committed, 0};
    const CommandRun r =
        Junheng(fmt::format("backup --db {} --to {}", ShellQuote(source.target()), ShellQuote(t.file)));
    t.committed_after = committed;
    EXPECT_EQ(r.exit_code, 0) << r.out;
    if (r.exit_code == 0) backups.push_back(t);
    return r.exit_code == 0;
  };
  const double chunk_seconds = ref.seconds.front();
  while (committed < chunks.files.size() && !writer_failed && backups.size() < 10) {
    if (!take()) break;
    std::this_thread::sleep_for(std::chrono::duration<double>(
        std::uniform_real_distribution<double>(0, 2 * chunk_seconds)(rng)));
  }
  writer.join();
  ASSERT_FALSE(::testing::Test::HasFailure());
  ASSERT_TRUE(take());  // after the last batch
  ASSERT_FALSE(writer_failed);

  int during_import = 0;
  for (size_t i = 0; i < backups.size(); ++i) {
    const Taken& t = backups[i];
    SCOPED_TRACE(t.file);
    TestRegister restored(dir.path(), fmt::format("restored_{:02}.db", i));
    const CommandRun r =
        Junheng(fmt::format("restore --from {} --db {}", ShellQuote(t.file), ShellQuote(restored.target())));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_THAT(r.out, HasSubstr("Restored"));
    ASSERT_EQ(CheckProblems(restored.target()), "");
    // The state after some whole number of batches, which had committed by
    // the time the backup ended and not before it began.
    const std::string state = SummaryOf(restored.target());
    size_t k = 0;
    while (k < ref.states.size() && ref.states[k] != state) ++k;
    ASSERT_LT(k, ref.states.size()) << "the restored register is no committed state of the source:\n" << state;
    EXPECT_GE(k, t.committed_before);
    EXPECT_LE(k, t.committed_after);
    during_import += t.committed_before < chunks.files.size() ? 1 : 0;
    // And it serves what it holds.
    ServerProcess server(restored.target(), dir.path().string());
    ASSERT_TRUE(server.WaitReady()) << server.Log();
    EXPECT_EQ(JsonInt(server.health(), "applied_seq"), PrintedCount(state, "events")) << server.health();
    EXPECT_EQ(JsonInt(server.health(), "persons"), PrintedCount(state, "persons")) << server.health();
    server.process().Signal(SIGTERM);
    EXPECT_TRUE(server.process().Wait(std::chrono::minutes(2)));
  }
  // The last backup, taken after the import, holds all of it.
  EXPECT_EQ(backups.back().committed_before, chunks.files.size());
  EXPECT_GE(during_import, 1);
  fmt::print("[ backups  ] {} restored, {} of them taken while the import ran\n", backups.size(), during_import);
}

TEST(BackupRestoreTest, RestoreNeverOverwritesARegister) {
  TempDir dir("restore_refuses");
  TestRegister reg(dir.path(), "city.db");
  ASSERT_EQ(Junheng("init --db " + ShellQuote(reg.target())).exit_code, 0);
  const std::string before = SummaryOf(reg.target());
  const std::string backup = dir.File("copy.db");
  ASSERT_EQ(Junheng(fmt::format("backup --db {} --to {}", ShellQuote(reg.target()), ShellQuote(backup))).exit_code, 0);

  // Into a register that exists: refused, one sentence, the register untouched.
  CommandRun r = Junheng(fmt::format("restore --from {} --db {}", ShellQuote(backup), ShellQuote(reg.target())));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("junheng: "));
  EXPECT_EQ(SummaryOf(reg.target()), before);
  EXPECT_EQ(CheckProblems(reg.target()), "");

  // From a file that is no backup, or none at all: refused, nothing created.
  TestRegister fresh(dir.path(), "fresh.db");
  const std::string not_backup = dir.File("notes.txt");
  std::ofstream(not_backup) << "not a register\n";
  for (const std::string& from : {not_backup, dir.File("missing.db")}) {
    r = Junheng(fmt::format("restore --from {} --db {}", ShellQuote(from), ShellQuote(fresh.target())));
    EXPECT_NE(r.exit_code, 0) << from;
    EXPECT_THAT(r.out, HasSubstr("junheng: ")) << from;
  }
  // The target is still free: a real backup restores into it.
  r = Junheng(fmt::format("restore --from {} --db {}", ShellQuote(backup), ShellQuote(fresh.target())));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(SummaryOf(fresh.target()), before);
}

}  // namespace
}  // namespace junheng::app::testing
