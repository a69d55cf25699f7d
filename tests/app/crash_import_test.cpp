// Crash safety of `junheng import`, as an operator meets it: the importer is
// killed with SIGKILL at random moments, many times. After every kill
// `junheng check` passes and the register is in the state of a whole number of
// committed batches (one file per batch, compared with an uninterrupted
// reference import); going on from there, and finally re-running the whole
// import, completes with nothing loaded twice and the reference's exact counts.
// The kill times come from a seed that is printed (JUNHENG_CRASH_SEED repeats it).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <random>
#include <thread>

#include "app/child_process.h"
#include "app/crash_fixture.h"

namespace junheng::app::testing {
namespace {

using std::chrono::duration;
using std::chrono::duration_cast;
using std::chrono::microseconds;

// Starts `junheng <args>`; when `kill_after` is given, sends SIGKILL then.
// Returns the wait status.
int RunMaybeKilled(const std::vector<std::string>& args, const std::string& log,
                   std::optional<duration<double>> kill_after) {
  JunhengProcess p(args, log, {TodayEnv()});
  EXPECT_TRUE(p.started());
  if (kill_after) {
    std::this_thread::sleep_for(duration_cast<microseconds>(*kill_after));
    p.Signal(SIGKILL);
  }
  const auto status = p.Wait(std::chrono::minutes(5));
  EXPECT_TRUE(status) << "junheng " << args.front() << " did not end within 5 minutes";
  return status.value_or(-1);
}

TEST(CrashImportTest, SigkillAtRandomMomentsLeavesWholeBatchesAndTheImportCompletes) {
  const uint64_t seed = CrashSeed();
  SCOPED_TRACE(fmt::format("JUNHENG_CRASH_SEED={}", seed));
  std::mt19937_64 rng(seed);
  TempDir dir("crash_import");
  const DemoChunks chunks = MakeDemoChunks(dir.path(), 0.005, 11, 3, 9);
  ASSERT_EQ(chunks.files.size(), 12u);
  TestRegister reference_register(dir.path(), "reference.db");
  const Reference ref = ImportReference(reference_register.target(), chunks);
  ASSERT_EQ(ref.states.size(), chunks.files.size() + 1);
  ASSERT_FALSE(::testing::Test::HasFailure());

  TestRegister reg(dir.path(), "crashed.db");
  const std::string& target = reg.target();
  ASSERT_EQ(Junheng("init --db " + ShellQuote(target)).exit_code, 0);
  ASSERT_EQ(SummaryOf(target), ref.states[0]);

  // Each chunk in turn: its first two attempts are killed at a random moment
  // within the time its reference import took, a third half the time, a
  // fourth runs to the end. A kill before the commit leaves the state before
  // the batch; one after it (or a run that ended first) the state after it.
  int kills = 0, kills_before_commit = 0, kills_after_commit = 0, attempts = 0;
  size_t done = 0;
  for (int attempt_on_chunk = 0; done < chunks.files.size(); ++attempts) {
    ASSERT_LT(attempts, 100);
    const bool kill = attempt_on_chunk < 2 || (attempt_on_chunk == 2 && rng() % 2 == 0);
    std::optional<duration<double>> kill_after;
    if (kill) kill_after = duration<double>(std::uniform_real_distribution<double>(0, ref.seconds[done])(rng));
    const int status = RunMaybeKilled({"import", "--db", target, chunks.files[done]}, dir.File("import.log"),
                                      kill_after);
    const bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    const std::string what = fmt::format("attempt {} on {} ({}, kill after {:.3f} s)", attempt_on_chunk,
                                         chunks.files[done], DescribeStatus(status),
                                         kill_after ? kill_after->count() : -1.0);
    if (!killed) {
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << what;
    }
    ASSERT_EQ(CheckProblems(target), "") << what;
    const std::string state = SummaryOf(target);
    if (state == ref.states[done + 1]) {
      if (killed) ++kills_after_commit;
      ++done;
      attempt_on_chunk = 0;
    } else {
      // Not the state after the batch: then exactly the state before it.
      ASSERT_EQ(state, ref.states[done]) << what << ": neither before nor after the batch";
      ASSERT_TRUE(killed) << what << ": ran to the end but its batch is not there";
      ++kills_before_commit;
      ++attempt_on_chunk;
    }
    kills += killed ? 1 : 0;
  }

  // Re-running the whole import (every chunk in one batch, all duplicates),
  // killed at random moments within the time a re-run of the reference took:
  // the register stays the reference's final one.
  std::vector<std::string> rerun = {"import", "--db", target};
  rerun.insert(rerun.end(), chunks.files.begin(), chunks.files.end());
  std::string files;
  for (const std::string& f : chunks.files) files += " " + ShellQuote(f);
  const auto rerun_start = std::chrono::steady_clock::now();
  ASSERT_EQ(Junheng("import --db " + ShellQuote(reference_register.target()) + files).exit_code, 0);
  const double whole = duration<double>(std::chrono::steady_clock::now() - rerun_start).count();
  for (int i = 0; i < 4; ++i, ++attempts) {
    const duration<double> kill_after(std::uniform_real_distribution<double>(0, whole)(rng));
    const int status = RunMaybeKilled(rerun, dir.File("rerun.log"), kill_after);
    kills += WIFSIGNALED(status) ? 1 : 0;
    const std::string what = fmt::format("re-run killed after {:.3f} s ({})", kill_after.count(), DescribeStatus(status));
    ASSERT_EQ(CheckProblems(target), "") << what;
    ASSERT_EQ(WithoutBatchCount(SummaryOf(target)), WithoutBatchCount(ref.states.back())) << what;
  }
  // And once to the end: every row is found already loaded, none twice, none in conflict.
  const CommandRun last = Junheng("import --db " + ShellQuote(target) + files);
  ASSERT_EQ(last.exit_code, 0) << last.out;
  EXPECT_EQ(PrintedCount(last.out, "persons loaded"), 0) << last.out;
  EXPECT_EQ(PrintedCount(last.out, "events loaded"), 0) << last.out;
  EXPECT_EQ(PrintedCount(last.out, "duplicates"), chunks.persons + chunks.events) << last.out;
  EXPECT_EQ(PrintedCount(last.out, "conflicts"), 0) << last.out;
  EXPECT_EQ(PrintedCount(last.out, "rejected"), 0) << last.out;
  EXPECT_EQ(CheckProblems(target), "");
  EXPECT_EQ(WithoutBatchCount(SummaryOf(target)), WithoutBatchCount(ref.states.back()));

  fmt::print("[  kills   ] {} attempts, {} killed: {} before their batch committed, {} after; {} in re-runs\n",
             attempts + 1, kills, kills_before_commit, kills_after_commit,
             kills - kills_before_commit - kills_after_commit);
  // The kills landed while importers ran (each at most the reference's own duration in).
  EXPECT_GE(kills, 10);
}

}  // namespace
}  // namespace junheng::app::testing
