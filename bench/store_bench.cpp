// bench/store_bench.cpp: write throughput of the store inside one batch, and
// the full scans a snapshot load makes, on SQLite and (when
// JUNHENG_BENCH_PG names a server) on PostgreSQL, from the same rows.
//
// The pattern of a census load: a fresh database, the division tree, then
// persons, then one enumerate event per person. Rows are built before the timed
// part, so the figures are the store's alone (binding, B-tree and index updates,
// and the commit that writes the WAL). Targets on the 2-core reference machine:
// AppendEvent >= 300,000 items/s, InsertPerson >= 200,000 items/s (SQLite).
//
// PostgreSQL: JUNHENG_BENCH_PG is the libpq URI of a database where CREATE
// DATABASE is allowed (scripts/pg-test.sh uri); each run makes and drops a
// database of its own. The /1 benchmarks are PostgreSQL, /0 SQLite:
//   scripts/pg-test.sh start
//   JUNHENG_BENCH_PG=$(scripts/pg-test.sh uri) build/bench/store_bench
// The client and the server share the machine's cores, as in a one-box install.
//
// The machine is shared, so compare SQLite changes by instructions, not seconds:
//   valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*BM_AppendEvents*'
//       ./store_bench --benchmark_filter=BM_AppendEvents        (one command line)
// and divide the total by the rows (the fixture's setup is inside the toggle too,
// so a small driver that toggles on the insert loop alone is more exact).
// Instructions per row in the insert loop plus commit, 200,000 rows, Debian's SQLite
// 3.40.1 (built with SQLITE_OMIT_LOOKASIDE, so every cursor is a malloc):
//   InsertPerson 22,300 -> 21,200 and AppendEvent 27,300 -> 22,700 (November 2026).
// Most of what is left is one B-tree seek and insert per index (~4,000 each) and
// the per-statement cursor setup and teardown (~3,000).
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <unistd.h>

#include <pqxx/pqxx>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_pg.h"
#include "core/huge_page_malloc.h"
#include "core/record.h"
#include "store/open.h"

namespace junheng::store {
namespace {

using bench::PgServer;
using bench::WithDatabase;

constexpr int kTownships = 10;
constexpr int kVillagesPerTownship = 20;

// Province 14, city 1410, county 141002, its townships and villages.
std::vector<Division> Divisions() {
  auto code = [](uint64_t v) { return DivisionCode::FromValue(v); };
  std::vector<Division> out = {
      {code(140000000000), "山西省", DivisionLevel::kProvince, {}, ""},
      {code(141000000000), "临汾市", DivisionLevel::kCity, code(140000000000), ""},
      {code(141002000000), "尧都区", DivisionLevel::kCounty, code(141000000000), ""},
  };
  for (int t = 1; t <= kTownships; ++t) {
    uint64_t township = 141002000000 + t * 1000;
    out.push_back({code(township), fmt::format("乡镇{}", t), DivisionLevel::kTownship,
                   code(141002000000), ""});
    for (int v = 1; v <= kVillagesPerTownship; ++v) {
      out.push_back({code(township + v), fmt::format("村{}-{}", t, v), DivisionLevel::kVillage,
                     code(township), v % 3 == 0 ? "111" : "220"});
    }
  }
  return out;
}

DivisionCode Village(int i) {
  int t = 1 + i % kTownships, v = 1 + (i / kTownships) % kVillagesPerTownship;
  return DivisionCode::FromValue(141002000000 + t * 1000 + v);
}

struct Rows {
  std::vector<Person> persons;
  std::vector<std::string> name_keys;
  std::vector<Event> events;
  std::vector<uint64_t> hashes;
};

Rows MakeRows(int n) {
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"};
  Rows rows;
  const Date census = *Date::FromYmd(2020, 11, 1);
  for (int i = 1; i <= n; ++i) {
    Person p;
    p.person_id = fmt::format("P{:09d}", i);
    Date birth = Date::FromDays(-7300 + (i * 7919) % 25000);
    p.sex = i % 2 ? Sex::kMale : Sex::kFemale;
    if (i % 10 != 0) {  // 1 in 10 without a citizen id (newborns, foreigners)
      p.citizen_id = fmt::format("141002{}{:03d}{}", birth.ToString().erase(7, 1).erase(4, 1),
                                 i % 1000, i % 10);
    }
    p.name = fmt::format("{}{}", kSurnames[i % 10], i);
    p.birth_date = birth;
    p.ethnicity = "01";
    p.hukou_division = Village(i);
    if (i % 3 == 0) p.household_id = fmt::format("H{:08d}", i / 3);
    if (i % 4 == 0) p.phone = fmt::format("138{:08d}", i);
    rows.name_keys.push_back(fmt::format("{}{}", kSurnames[i % 10], i % 5000));
    Event e;
    e.event_id = fmt::format("census-2020-{:09d}", i);
    e.source = "census";
    e.type = EventType::kEnumerate;
    e.date = census;
    e.recorded_at = Timestamp{1604188800 + i};
    e.person_id = p.person_id;
    e.division = Village(i);
    rows.hashes.push_back(ContentHash(e));
    rows.events.push_back(std::move(e));
    rows.persons.push_back(std::move(p));
  }
  return rows;
}

// A fresh register with the division tree loaded: a file in a new temporary
// directory (SQLite) or a new database on the JUNHENG_BENCH_PG server.
class Fixture {
 public:
  explicit Fixture(bool postgres) {
    std::string target;
    if (postgres) {
      static int counter = 0;
      database_ = fmt::format("jh_bench_{}_{}", getpid(), ++counter);
      Admin("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
      Admin("CREATE DATABASE " + database_ + " ENCODING 'UTF8' TEMPLATE template0");
      target = WithDatabase(PgServer(), database_);
    } else {
      std::string pattern = (std::filesystem::temp_directory_path() / "store_bench_XXXXXX").string();
      dir_ = mkdtemp(pattern.data());
      target = (dir_ / "bench.db").string();
    }
    store_ = std::move(*OpenStore(target));
    auto batch = std::move(*store_->BeginBatch({"census", {}, {}}));
    for (const Division& d : Divisions()) (void)batch->PutDivision(d);
    (void)batch->Commit({});
  }
  ~Fixture() {
    store_.reset();
    if (!database_.empty()) Admin("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  Store& store() { return *store_; }

 private:
  static void Admin(const std::string& sql) { bench::PgAdmin(sql); }
  std::filesystem::path dir_;
  std::string database_;
  std::unique_ptr<Store> store_;
};

void Check(bool ok, benchmark::State& state, const char* what) {
  if (!ok) state.SkipWithError(what);
}

void BM_InsertPersons(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Rows rows = MakeRows(n);
  for (auto _ : state) {
    state.PauseTiming();
    {
      Fixture fixture(state.range(1) != 0);
      state.ResumeTiming();
      auto batch = std::move(*fixture.store().BeginBatch({"census", {}, {}}));
      for (int i = 0; i < n; ++i) {
        if (!batch->InsertPerson(rows.persons[i], rows.name_keys[i])) Check(false, state, "insert");
      }
      Check(batch->Commit({.persons_loaded = n}).has_value(), state, "commit");
      state.PauseTiming();
    }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_AppendEvents(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Rows rows = MakeRows(n);
  for (auto _ : state) {
    state.PauseTiming();
    {
      Fixture fixture(state.range(1) != 0);
      {
        auto persons = std::move(*fixture.store().BeginBatch({"census", {}, {}}));
        for (int i = 0; i < n; ++i) (void)persons->InsertPerson(rows.persons[i], rows.name_keys[i]);
        Check(persons->Commit({}).has_value(), state, "commit persons");
      }
      state.ResumeTiming();
      auto batch = std::move(*fixture.store().BeginBatch({"census", {}, {}}));
      for (int i = 0; i < n; ++i) {
        if (!batch->AppendEvent(rows.events[i], rows.hashes[i])) Check(false, state, "append");
      }
      Check(batch->Commit({.events_loaded = n}).has_value(), state, "commit");
      state.PauseTiming();
    }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}

// Persons then their events in one batch, as one census import does it.
void BM_ImportPersonsThenEvents(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Rows rows = MakeRows(n);
  for (auto _ : state) {
    state.PauseTiming();
    {
      Fixture fixture(state.range(1) != 0);
      state.ResumeTiming();
      auto batch = std::move(*fixture.store().BeginBatch({"census", {}, {}}));
      for (int i = 0; i < n; ++i) (void)batch->InsertPerson(rows.persons[i], rows.name_keys[i]);
      for (int i = 0; i < n; ++i) (void)batch->AppendEvent(rows.events[i], rows.hashes[i]);
      Check(batch->Commit({.persons_loaded = n, .events_loaded = n}).has_value(), state, "commit");
      state.PauseTiming();
    }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * 2 * n);  // persons + events
}

// The scans that load a snapshot: every person, then the whole log, at
// Detail::kVitals (range 2 = 0) or kFull (1), on a register of n persons and n
// events loaded once.
void BM_ScanPersonsThenEvents(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Detail detail = state.range(2) != 0 ? Detail::kFull : Detail::kVitals;
  Rows rows = MakeRows(n);
  Fixture fixture(state.range(1) != 0);
  {
    auto batch = std::move(*fixture.store().BeginBatch({"census", {}, {}}));
    for (int i = 0; i < n; ++i) (void)batch->InsertPerson(rows.persons[i], rows.name_keys[i]);
    for (int i = 0; i < n; ++i) (void)batch->AppendEvent(rows.events[i], rows.hashes[i]);
    Check(batch->Commit({}).has_value(), state, "commit");
  }
  for (auto _ : state) {
    int64_t persons = 0, events = 0;
    Check(fixture.store().ForEachPersonAsStored([&](const Person&) { ++persons; }, detail).has_value(), state,
          "scan persons");
    Check(fixture.store().ForEachEventAfter(0, [&](const StoredEvent&) { ++events; }, detail).has_value(), state,
          "scan events");
    Check(persons == n && events == n, state, "count");
  }
  state.SetItemsProcessed(state.iterations() * 2 * n);  // persons + events
}

void Register(bool postgres) {
  const int64_t engine = postgres ? 1 : 0;
  benchmark::RegisterBenchmark("BM_InsertPersons", BM_InsertPersons)
      ->Args({200000, engine})->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("BM_AppendEvents", BM_AppendEvents)
      ->Args({200000, engine})->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("BM_ImportPersonsThenEvents", BM_ImportPersonsThenEvents)
      ->Args({200000, engine})->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("BM_ScanPersonsThenEvents", BM_ScanPersonsThenEvents)
      ->Args({200000, engine, 0})->Args({200000, engine, 1})->Unit(benchmark::kMillisecond)->UseRealTime();
}

}  // namespace
}  // namespace junheng::store

int main(int argc, char** argv) {
  junheng::RerunWithHugePageMalloc(argv);  // as `junheng import` runs (JUNHENG_HUGE_PAGES=0: without)
  junheng::store::Register(false);
  if (!junheng::store::PgServer().empty()) junheng::store::Register(true);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
