// bench/store_bench.cpp: write throughput of the SQLite store inside one batch.
//
// The pattern of a census load: a fresh database, the division tree, then
// persons, then one enumerate event per person. Rows are built before the timed
// part, so the figures are the store's alone (binding, B-tree and index updates,
// and the commit that writes the WAL). Targets on the 2-core reference machine:
// AppendEvent >= 300,000 items/s, InsertPerson >= 200,000 items/s.
//
// The machine is shared, so compare changes by instructions, not seconds:
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

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/record.h"
#include "store/sqlite/sqlite_store.h"

namespace junheng::store {
namespace {

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

// A fresh database in a new temporary directory, with the division tree loaded.
class Fixture {
 public:
  Fixture() {
    std::string pattern = (std::filesystem::temp_directory_path() / "store_bench_XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    store_ = std::move(*OpenSqliteStore((dir_ / "bench.db").string()));
    auto batch = std::move(*store_->BeginBatch({"census", {}, {}}));
    for (const Division& d : Divisions()) (void)batch->PutDivision(d);
    (void)batch->Commit({});
  }
  ~Fixture() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Store& store() { return *store_; }

 private:
  std::filesystem::path dir_;
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
      Fixture fixture;
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
      Fixture fixture;
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
      Fixture fixture;
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

BENCHMARK(BM_InsertPersons)->Arg(200000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AppendEvents)->Arg(200000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ImportPersonsThenEvents)->Arg(200000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace junheng::store

BENCHMARK_MAIN();
