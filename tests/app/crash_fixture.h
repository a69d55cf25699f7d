// tests/app/crash_fixture.h: what the crash, backup and restore tests share:
// the registers they run on (targets from tests/support/test_store.h, so the
// same tests run on either engine), their random seed, department files cut
// into whole batches, and the register's state after each batch of an
// uninterrupted import: the reference every state after a crash must equal. States are compared through
// `junheng summary`, as a person would, never by reading the database.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "app/run_junheng.h"
#include "support/test_store.h"

namespace junheng::app::testing {

namespace fs = std::filesystem;

// A new empty register per use, on the engine the test process runs on.
using junheng::testing::TestRegister;

// Every command runs on this day, so that the demo's files and what the
// importer accepts do not move with the calendar.
inline constexpr std::string_view kToday = "2025-06-30";
inline std::string TodayEnv() { return fmt::format("JUNHENG_TODAY={}", kToday); }

// Runs `junheng <args>` (shell words) on kToday.
inline CommandRun Junheng(const std::string& args) { return RunJunheng(args, "/dev/null", TodayEnv()); }

// The seed of a test's random kill times: JUNHENG_CRASH_SEED when set (to
// repeat a failed run), else a fresh one. Printed either way.
inline uint64_t CrashSeed() {
  uint64_t seed = 0;
  if (const char* env = std::getenv("JUNHENG_CRASH_SEED"); env && *env) {
    seed = std::strtoull(env, nullptr, 10);
  } else {
    std::random_device device;
    seed = (static_cast<uint64_t>(device()) << 32) | device();
  }
  fmt::print("[   seed   ] {} (repeat with JUNHENG_CRASH_SEED={})\n", seed, seed);
  return seed;
}

// A fresh folder for one test; removed afterwards unless the test failed (then
// it is kept, with every process's log, and its path printed).
class TempDir {
 public:
  explicit TempDir(std::string_view name)
      : path_(fs::temp_directory_path() / fmt::format("jh_{}_{}", name, getpid())) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    if (::testing::Test::HasFailure()) {
      fmt::print("[   kept   ] {}\n", path_.string());
      return;
    }
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string File(std::string_view name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// `junheng summary`: every count of the register (persons, events by type,
// batches, quarantine, ...). Two registers in the same committed state print
// the same text.
inline std::string SummaryOf(const std::string& target) {
  CommandRun r = Junheng("summary --db " + ShellQuote(target));
  if (r.exit_code != 0) ADD_FAILURE() << "junheng summary failed: " << r.out;
  return r.out;
}

// The summary without its "import batches" line: a re-run that loads nothing
// still records its batch.
inline std::string WithoutBatchCount(const std::string& summary) {
  std::istringstream in(summary);
  std::string out, line;
  while (std::getline(in, line))
    if (line.find("import batches") == std::string::npos) out += line + "\n";
  return out;
}

// `junheng check` on the register: empty when it passes, else what it said.
inline std::string CheckProblems(const std::string& target) {
  CommandRun r = Junheng("check --db " + ShellQuote(target));
  if (r.exit_code == 0 && r.out.starts_with("OK: ")) return "";
  return fmt::format("junheng check exited {}: {}", r.exit_code, r.out);
}

// A count in an import's printed summary ("  events loaded      13,755"); -1
// when the line is missing.
inline int64_t PrintedCount(const std::string& out, std::string_view label) {
  const size_t at = out.find(label);
  if (at == std::string::npos) return -1;
  const size_t end = out.find('\n', at);
  int64_t n = -1;
  for (size_t i = at + label.size(); i < std::min(end, out.size()); ++i) {
    if (out[i] >= '0' && out[i] <= '9') n = (n < 0 ? 0 : n * 10) + (out[i] - '0');
  }
  return n;
}

// The demo city's department files, cut into whole batches: persons first,
// then events, each file imported by one `junheng import` (one transaction).
struct DemoChunks {
  std::string persons_csv, events_csv;  // the demo's own files
  std::vector<std::string> files;       // the chunks, in import order
  int64_t persons = 0, events = 0;      // data rows in all of them
};

// Cuts a CSV file's records (a quoted field may hold a line break) into `parts`
// files `<stem>_<i>.csv` under `dir`, each with the header. Returns the record count.
inline int64_t SplitCsv(const std::string& file, const fs::path& dir, std::string_view stem, int parts,
                        std::vector<std::string>& out_files) {
  std::ifstream in(file);
  std::string header, line, record;
  std::getline(in, header);
  std::vector<std::string> records;
  size_t quotes = 0;
  while (std::getline(in, line)) {
    record += line + "\n";
    quotes += static_cast<size_t>(std::count(line.begin(), line.end(), '"'));
    if (quotes % 2 == 0) {
      records.push_back(std::move(record));
      record.clear();
      quotes = 0;
    }
  }
  const size_t per = (records.size() + static_cast<size_t>(parts) - 1) / static_cast<size_t>(parts);
  for (int i = 0; i < parts; ++i) {
    const std::string path = (dir / fmt::format("{}_{:02}.csv", stem, i)).string();
    std::ofstream chunk(path);
    chunk << header << "\n";
    for (size_t r = static_cast<size_t>(i) * per; r < std::min(records.size(), (static_cast<size_t>(i) + 1) * per); ++r)
      chunk << records[r];
    out_files.push_back(path);
  }
  return static_cast<int64_t>(records.size());
}

// `junheng demo --out` (into a scratch SQLite file: only its files are used)
// under `dir`, cut into `person_parts` + `event_parts` chunks.
inline DemoChunks MakeDemoChunks(const fs::path& dir, double scale, uint64_t seed, int person_parts,
                                 int event_parts) {
  DemoChunks chunks;
  const fs::path out = dir / "demo-files";
  CommandRun demo = Junheng(fmt::format("demo --db {} --scale {} --seed {} --password '' --out {}",
                                        ShellQuote((dir / "demo-scratch.db").string()), scale, seed,
                                        ShellQuote(out.string())));
  if (demo.exit_code != 0) {
    ADD_FAILURE() << "junheng demo failed: " << demo.out;
    return chunks;
  }
  chunks.persons_csv = (out / "persons.csv").string();
  chunks.events_csv = (out / "events.csv").string();
  fs::create_directories(dir / "chunks");
  chunks.persons = SplitCsv(chunks.persons_csv, dir / "chunks", "persons", person_parts, chunks.files);
  chunks.events = SplitCsv(chunks.events_csv, dir / "chunks", "events", event_parts, chunks.files);
  return chunks;
}

// The chunks imported one by one without interruption into a new register.
struct Reference {
  std::vector<std::string> states;  // the summary after `init` and after each chunk
  std::vector<double> seconds;      // how long each chunk's `junheng import` took
};

inline Reference ImportReference(const std::string& target, const DemoChunks& chunks) {
  Reference ref;
  CommandRun init = Junheng("init --db " + ShellQuote(target));
  if (init.exit_code != 0) {
    ADD_FAILURE() << "junheng init failed: " << init.out;
    return ref;
  }
  ref.states.push_back(SummaryOf(target));
  for (const std::string& file : chunks.files) {
    const auto start = std::chrono::steady_clock::now();
    CommandRun r = Junheng(fmt::format("import --db {} {}", ShellQuote(target), ShellQuote(file)));
    ref.seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    // The demo's files are clean: every row loads.
    if (r.exit_code != 0 || PrintedCount(r.out, "rejected") != 0 || PrintedCount(r.out, "conflicts") != 0 ||
        PrintedCount(r.out, "unlinked") != 0)
      ADD_FAILURE() << "the reference import of " << file << " did not load cleanly: " << r.out;
    ref.states.push_back(SummaryOf(target));
  }
  return ref;
}

}  // namespace junheng::app::testing
