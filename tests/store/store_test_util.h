// tests/store/store_test_util.h: temporary directories, registers on either
// engine (support/test_store.h), and sample register rows.
#pragma once

#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pqxx/pqxx>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/date.h"
#include "core/division.h"
#include "core/record.h"
#include "store/open.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "support/test_store.h"

namespace junheng::store::testing {

// A fresh directory under the test temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "junheng_store_XXXXXX";
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(std::string_view name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline DivisionCode Code(uint64_t v) { return DivisionCode::FromValue(v); }

// Shanxi > Linfen > Yaodu > one township > two villages.
inline std::vector<Division> SampleDivisions() {
  return {
      {Code(140000000000), "山西省", DivisionLevel::kProvince, {}, ""},
      {Code(141000000000), "临汾市", DivisionLevel::kCity, Code(140000000000), ""},
      {Code(141002000000), "尧都区", DivisionLevel::kCounty, Code(141000000000), ""},
      {Code(141002001000), "解放路街道", DivisionLevel::kTownship, Code(141002000000), ""},
      {Code(141002001001), "一社区", DivisionLevel::kVillage, Code(141002001000), "111"},
      {Code(141002001002), "二社区", DivisionLevel::kVillage, Code(141002001000), "112"},
  };
}

inline Date Day(int y, int m, int d) { return *Date::FromYmd(y, m, d); }

inline Person SamplePerson(int i) {
  Person p;
  p.person_id = fmt::format("P{:09d}", i);
  p.name = fmt::format("张{}", i);
  p.sex = i % 2 == 0 ? Sex::kFemale : Sex::kMale;
  p.birth_date = Day(1960, 1, 1).AddDays(i % 20000);
  p.ethnicity = "01";
  p.hukou_division = Code(141002001001);
  if (i % 3 == 0) p.household_id = fmt::format("H{:07d}", i / 3);
  return p;
}

inline Event SampleEnumerate(int i, const std::string& person_id) {
  Event e;
  e.event_id = fmt::format("E{:09d}", i);
  e.source = "census";
  e.type = EventType::kEnumerate;
  e.date = Day(2020, 11, 1);
  e.recorded_at = Timestamp{1604188800 + i};
  e.person_id = person_id;
  e.division = Code(i % 2 == 0 ? 141002001001 : 141002001002);
  return e;
}

inline BatchInfo Info(std::string source = "census") {
  return BatchInfo{std::move(source), {"persons.csv", "events.csv"}, Timestamp{1700000000}};
}

// Event's defaulted == is deleted (LinkKey has none), so compare field by field;
// the store does not keep `link` (it is only for events without a person_id).
inline void ExpectSameEvent(const Event& a, const Event& b) {
  EXPECT_EQ(a.event_id, b.event_id);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.date, b.date);
  EXPECT_EQ(a.recorded_at, b.recorded_at);
  EXPECT_EQ(a.person_id, b.person_id);
  EXPECT_EQ(a.division, b.division);
  EXPECT_EQ(a.other_place, b.other_place);
  EXPECT_EQ(a.mother_id, b.mother_id);
  EXPECT_EQ(a.father_id, b.father_id);
  EXPECT_EQ(a.birth_order, b.birth_order);
  EXPECT_EQ(a.plurality, b.plurality);
  EXPECT_EQ(a.weight_g, b.weight_g);
  EXPECT_EQ(a.gestation_weeks, b.gestation_weeks);
  EXPECT_EQ(a.spouse_id, b.spouse_id);
  EXPECT_EQ(a.cause, b.cause);
  EXPECT_EQ(a.maternal, b.maternal);
}

// Opens `path` or fails the test.
inline std::unique_ptr<Store> MustOpen(const std::string& path, const SqliteOptions& options = {}) {
  auto store = OpenSqliteStore(path, options);
  EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().message);
  return store ? std::move(*store) : nullptr;
}

// Opens the register at `target` on its engine, or fails the test.
inline std::unique_ptr<Store> MustOpenStore(const std::string& target, const OpenOptions& options = {}) {
  auto store = OpenStore(target, options);
  EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().message);
  return store ? std::move(*store) : nullptr;
}

// Runs `sql` on the register at `target` with a plain connection of its
// engine, as another program (or an attacker with access) would. Returns the
// engine's error message, "" when the statement succeeded.
inline std::string RawExec(const std::string& target, const std::string& sql) {
  if (IsPostgresTarget(target)) {
    try {
      pqxx::connection conn(target);
      pqxx::nontransaction tx(conn);
      tx.exec(sql);
      return "";
    } catch (const std::exception& e) {
      return std::string(e.what()).empty() ? "error" : e.what();
    }
  }
  sqlite3* db = nullptr;
  sqlite3_open(target.c_str(), &db);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string out = rc == SQLITE_OK ? "" : (message != nullptr ? message : "error");
  sqlite3_free(message);
  sqlite3_close(db);
  return out;
}

// Runs `sql` on the SQLite file `path` with a plain connection; returns the
// first column of the first row ("" when none).
inline std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  std::string out;
  sqlite3_exec(
      db, sql.c_str(),
      [](void* o, int, char** values, char**) {
        if (values[0] != nullptr && static_cast<std::string*>(o)->empty()) *static_cast<std::string*>(o) = values[0];
        return 0;
      },
      &out, nullptr);
  sqlite3_close(db);
  return out;
}

// A writer killed in the middle of its work: forks a child that runs `work`,
// which calls `report` with a number when it is where it should die (report
// sends the number and waits there, so nothing is cleaned up; `work` may
// _exit on failure). The parent reads the number, runs `while_alive`, then
// kills the child with SIGKILL. Returns the number, or nullopt (and fails the
// test) when the child ended before reporting.
using Report = std::function<void(int64_t)>;
inline std::optional<int64_t> KillDuring(const std::function<void(const Report& report)>& work,
                                         const std::function<void()>& while_alive = {}) {
  int fds[2];
  if (pipe(fds) != 0) return std::nullopt;
  const pid_t child = fork();
  if (child < 0) return std::nullopt;
  if (child == 0) {
    close(fds[0]);
    work([&](int64_t reached) {
      if (write(fds[1], &reached, sizeof reached) != sizeof reached) _exit(99);
      for (;;) pause();
    });
    _exit(98);  // returned without reporting
  }
  close(fds[1]);
  int64_t reached = -1;
  const bool reported = read(fds[0], &reached, sizeof reached) == static_cast<ssize_t>(sizeof reached);
  close(fds[0]);
  if (reported && while_alive) while_alive();
  kill(child, SIGKILL);
  int status = 0;
  EXPECT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(reported) << "the child failed before the kill, status " << status;
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
  if (!reported) return std::nullopt;
  return reached;
}

// One committed batch with the sample divisions and `n` persons, each enumerated once.
inline void LoadSample(Store& store, int n, int first = 1) {
  auto batch = store.BeginBatch(Info());
  ASSERT_TRUE(batch.has_value()) << batch.error().message;
  for (const Division& d : SampleDivisions()) ASSERT_TRUE((*batch)->PutDivision(d));
  for (int i = first; i < first + n; ++i) {
    Person p = SamplePerson(i);
    ASSERT_TRUE((*batch)->InsertPerson(p, p.name));
    Event e = SampleEnumerate(i, p.person_id);
    auto seq = (*batch)->AppendEvent(e, ContentHash(e));
    ASSERT_TRUE(seq.has_value()) << seq.error().message;
  }
  ASSERT_TRUE((*batch)->Commit(BatchCounts{6, n, n}));
}

}  // namespace junheng::store::testing
