// The snapshot on a real register: build time, memory per person, the
// county × year indicator panel, one event applied, and the same panel in plain
// SQL by SQLite on the same store, side by side in one run.
//
//   build/bench/services_snapshot_bench --db var/demo.db [--sql] [benchmark flags]
//
// --db defaults to $JUNHENG_BENCH_DB, else var/demo.db (scripts/demo.sh makes it).
// --sql adds the SQL baseline (minutes on the full city). --one-reader loads the
// snapshot from one connection instead of two.
#include <chrono>
#include <cstring>
#include <memory>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include "analytics/indicators.h"
#include "analytics/panel.h"
#include "services/snapshot_loader.h"
#include "sql/sql_panel.h"
#include "store/sqlite/sqlite_store.h"

namespace junheng {
namespace {

std::string g_db = "var/demo.db";
bool g_sql = false;
bool g_one_reader = false;  // --one-reader: load the snapshot with one reading thread

struct Loaded {
  std::unique_ptr<analytics::Snapshot> snapshot;
  double seconds = 0;
};

Loaded& TheSnapshot() {
  static Loaded loaded = [] {
    auto open = [] {
      auto store = store::OpenSqliteStore(g_db, {.create_if_missing = false});
      if (!store) {
        fmt::print(stderr, "cannot open {}: {}\n", g_db, store.error().message);
        std::exit(2);
      }
      return std::move(*store);
    };
    auto store = open();
    auto second = open();  // a second connection, as `junheng serve` and `junheng stats` load with
    const auto start = std::chrono::steady_clock::now();
    auto snapshot = services::LoadSnapshot(*store, {.second = g_one_reader ? nullptr : second.get()});
    if (!snapshot) {
      fmt::print(stderr, "loading failed: {}\n", snapshot.error().message);
      std::exit(2);
    }
    Loaded l;
    l.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    l.snapshot = std::make_unique<analytics::Snapshot>(std::move(*snapshot));
    return l;
  }();
  return loaded;
}

analytics::PanelQuery CountyYearPanel(const analytics::Snapshot& s) {
  analytics::PanelQuery q;
  for (const Division* d : s.tree().Children(*DivisionCode::Parse("141000000000"))) q.units.push_back(d->code);
  q.periods = *analytics::SplitPeriods(*Date::Parse("2015-01-01"), *Date::Parse("2026-01-01"),
                                       analytics::PeriodSplit::kYear);
  return q;
}

// Building the snapshot from the store: measured once (it is the load itself).
void BM_BuildFromStore(benchmark::State& state) {
  Loaded& l = TheSnapshot();
  for (auto _ : state) state.SetIterationTime(l.seconds);
  const auto c = l.snapshot->GetCounts();
  state.counters["persons"] = static_cast<double>(c.persons);
  state.counters["stays"] = static_cast<double>(c.stays);
  state.counters["bytes_per_person"] = static_cast<double>(c.bytes) / static_cast<double>(c.persons);
}
BENCHMARK(BM_BuildFromStore)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);

// Every county × every year 2015–2025 × every indicator (tallies, then indicators
// including three life tables per cell).
void BM_CountyYearPanel(benchmark::State& state) {
  const analytics::Snapshot& s = *TheSnapshot().snapshot;
  const analytics::PanelQuery q = CountyYearPanel(s);
  size_t cells = 0;
  for (auto _ : state) {
    auto tallies = analytics::TallyPanel(s, q);
    for (const auto& t : *tallies) benchmark::DoNotOptimize(analytics::ComputeIndicators(t));
    cells = tallies->size();
  }
  state.counters["cells"] = static_cast<double>(cells);
}
BENCHMARK(BM_CountyYearPanel)->Unit(benchmark::kMillisecond)->UseRealTime();

// One question of a dashboard: the whole city over one year, all indicators
// (what GET /api/v1/indicators computes when its answer is not cached).
void BM_CityYear(benchmark::State& state) {
  const analytics::Snapshot& s = *TheSnapshot().snapshot;
  const analytics::PanelQuery q{{*DivisionCode::Parse("141000000000")},
                                {analytics::Period{*Date::Parse("2025-01-01"), *Date::Parse("2026-01-01")}}};
  for (auto _ : state) {
    auto tallies = analytics::TallyPanel(s, q);
    benchmark::DoNotOptimize(analytics::ComputeIndicators(tallies->front()));
  }
}
BENCHMARK(BM_CityYear)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same panel in SQL by SQLite on the same store (tallies only; the indicator
// formulas on top are the same C++ as above and take microseconds).
void BM_CountyYearPanelSql(benchmark::State& state) {
  if (!g_sql) {
    state.SkipWithError("run with --sql to include the SQL baseline (minutes)");
    return;
  }
  const analytics::PanelQuery q = CountyYearPanel(*TheSnapshot().snapshot);
  sqlite3* db = nullptr;
  sqlite3_open_v2(g_db.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  for (auto _ : state) {
    auto tallies = SqlPanel(db, q.units, q.periods);
    if (!tallies) state.SkipWithError(tallies.error().message.c_str());
    benchmark::DoNotOptimize(tallies);
  }
  sqlite3_close(db);
}
BENCHMARK(BM_CountyYearPanelSql)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// One event applied: a move of a resident to another village of the city. Each
// iteration moves another person (the common case: one or two stays to replay).
void BM_ApplyMove(benchmark::State& state) {
  analytics::Snapshot& s = *TheSnapshot().snapshot;
  const auto villages = s.tree().AtLevel(DivisionLevel::kVillage);
  Event e;
  e.source = "bench";
  e.type = EventType::kMove;
  e.date = *Date::Parse("2026-12-01");
  uint32_t person = 0;
  int64_t n = 0;
  std::vector<std::string> ids;
  for (uint32_t p = 0; p < s.person_count() && ids.size() < 2000000; p += 2) {
    ids.emplace_back(s.person_id(p));
  }
  for (auto _ : state) {
    e.person_id = ids[person++ % ids.size()];
    e.event_id = std::to_string(n);
    e.division = villages[n++ % villages.size()]->code;
    if (!s.Apply(e)) state.SkipWithError("apply failed");
  }
}
BENCHMARK(BM_ApplyMove)->Unit(benchmark::kMicrosecond)->Iterations(200000);

}  // namespace
}  // namespace junheng

int main(int argc, char** argv) {
  if (const char* env = std::getenv("JUNHENG_BENCH_DB")) junheng::g_db = env;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
      junheng::g_db = argv[++i];
    } else if (std::strcmp(argv[i], "--sql") == 0) {
      junheng::g_sql = true;
    } else if (std::strcmp(argv[i], "--one-reader") == 0) {
      junheng::g_one_reader = true;
    } else {
      rest.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
