// Whole import path, CSV file → validation → SQLite, as `junheng import` runs it.
//
// BM_ImportPersons: a persons file into a register that has only divisions.
// BM_ImportEvents: an events file (an enumeration of everyone, then moves,
// deaths and births) for persons already in the register. Each iteration
// imports into a fresh copy of the prepared database; items/s is rows/s of
// wall-clock time (the store runs its inserts on a second thread).
// BM_ImportMonthlyFeed: a department's monthly file (new moves, and rows sent
// again) into a register twenty times its size, so the importer asks the store
// about the records it reads rather than preloading the register. On SQLite,
// and on PostgreSQL when JUNHENG_BENCH_PG names a server (bench/bench_pg.h):
//   JUNHENG_BENCH_PG=$(scripts/pg-test.sh uri) build/bench/ingest_import_bench
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "bench_pg.h"
#include "core/huge_page_malloc.h"
#include "core/citizen_id.h"
#include "ingest/importer.h"
#include "store/open.h"
#include "store/sqlite/sqlite_store.h"

namespace junheng::ingest {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = fs::temp_directory_path() / fmt::format("jh_import_bench_{}", getpid());

// 40 villages of 尧都区 from the real division list.
std::vector<std::string> Villages() {
  std::ifstream in(std::string(JUNHENG_DATA_DIR) + "/linfen-divisions.csv");
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line) && out.size() < 40)
    if (line.rfind("141002", 0) == 0 && line.find(",5,") != std::string::npos) out.push_back(line.substr(0, 12));
  return out;
}

std::string PersonsCsv(int n) {
  std::string csv = "person_id,citizen_id,name,sex,birth_date,ethnicity,hukou_division,mother_id,father_id,household_id,phone\n";
  const auto villages = Villages();
  for (int i = 0; i < n; ++i) {
    const Date birth = Date::FromDays(-3000 + (i * 37) % 15000);  // 1961–2002
    int y, m, d;
    birth.ToYmd(y, m, d);
    const bool male = i % 2 == 0;
    const std::string first17 = fmt::format("141002{:04}{:02}{:02}{:03}", y, m, d, (i / 2 % 499) * 2 + (male ? 1 : 2));
    const std::string cid = first17 + CitizenIdCheckChar(first17);
    static constexpr const char* kGiven[] = {"明", "华", "丽", "军", "小红", "建国", "秀英", "志强"};
    csv += fmt::format("LF{:09},{},王{},{},{},01,{},,,H{},13{:09}\n", i, cid, kGiven[i % 8], male ? 1 : 2,
                       birth.ToString(),
                       villages[static_cast<size_t>(i) % villages.size()], i / 3, i);
  }
  return csv;
}

std::string EventsCsv(int n) {
  std::string csv = "event_id,source,type,date,recorded_at,person_id,division,other_place,mother_id,father_id,"
                    "birth_order,plurality,weight_g,gestation_weeks,spouse_id,cause,maternal\n";
  const auto villages = Villages();
  for (int i = 0; i < n; ++i)  // everyone enumerated on 2015-01-01
    csv += fmt::format("E{:09},public_security,enumerate,2015-01-01,2015-01-01T09:00:00+08:00,LF{:09},{},,,,,,,,,,\n",
                       i, i, villages[static_cast<size_t>(i) % villages.size()]);
  for (int i = 0; i < n; i += 2)  // half of them move once
    csv += fmt::format("M{:09},public_security,move,2019-0{}-15,2019-09-20T09:00:00+08:00,LF{:09},{},,,,,,,,,,\n", i,
                       1 + i % 8, i, villages[static_cast<size_t>(i + 1) % villages.size()]);
  return csv;
}

ImportOptions Options() {
  ImportOptions o;
  o.source = "public_security";
  o.today = *Date::Parse("2026-11-28");
  return o;
}

// A register with divisions (and, if `persons`, those persons) saved as `name`.
std::string Prepare(const std::string& name, const std::string& persons_file) {
  const std::string db = (kDir / name).string();
  if (fs::exists(db)) return db;
  auto store = *store::OpenSqliteStore(db);
  ImportOptions o = Options();
  o.kind = RecordKind::kDivision;
  (void)Importer(*store, o).ImportFiles({std::string(JUNHENG_DATA_DIR) + "/linfen-divisions.csv"});
  if (!persons_file.empty()) (void)Importer(*store, Options()).ImportFiles({persons_file});
  return db;
}

std::string WriteFile(const std::string& name, const std::string& content) {
  fs::create_directories(kDir);
  const std::string path = (kDir / name).string();
  if (!fs::exists(path)) std::ofstream(path) << content;
  return path;
}

void RunImport(benchmark::State& state, const std::string& base_db, const std::string& file, int64_t rows) {
  const std::string db = (kDir / "work.db").string();
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove(db);
    fs::remove(db + "-wal");
    fs::remove(db + "-shm");
    fs::copy_file(base_db, db);
    auto store = *store::OpenSqliteStore(db);
    state.ResumeTiming();
    auto r = Importer(*store, Options()).ImportFiles({file});
    if (!r || r->counts.rejected > 0) {
      fmt::print(stderr, "{}", r ? FormatSummary(*r) : r.error().message);
      state.SkipWithError("import failed or rejected rows");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * rows);
}

void BM_ImportPersons(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string file = WriteFile(fmt::format("persons_{}.csv", n), PersonsCsv(n));
  RunImport(state, Prepare("divisions_only.db", ""), file, n);
}
BENCHMARK(BM_ImportPersons)->Arg(200000)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_ImportEvents(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string persons = WriteFile(fmt::format("persons_{}.csv", n), PersonsCsv(n));
  const std::string file = WriteFile(fmt::format("events_{}.csv", n), EventsCsv(n));
  RunImport(state, Prepare(fmt::format("with_persons_{}.db", n), persons), file, n + n / 2);
}
BENCHMARK(BM_ImportEvents)->Arg(200000)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// The monthly file: `moves` new moves in March 2021 of every 13th person, and
// `resent` enumeration rows the register already holds.
std::string MonthlyCsv(int n, int moves, int resent) {
  std::string csv = "event_id,source,type,date,recorded_at,person_id,division,other_place,mother_id,father_id,"
                    "birth_order,plurality,weight_g,gestation_weeks,spouse_id,cause,maternal\n";
  const auto villages = Villages();
  for (int k = 0; k < moves; ++k) {
    const int i = k * 13 % n;
    csv += fmt::format("F{:09},public_security,move,2021-03-{:02},2021-04-02T09:00:00+08:00,LF{:09},{},,,,,,,,,,\n",
                       i, 1 + k % 28, i, villages[static_cast<size_t>(i + 2) % villages.size()]);
  }
  for (int k = 0; k < resent; ++k) {
    const int i = k * 7 % n;
    csv += fmt::format("E{:09},public_security,enumerate,2015-01-01,2015-01-01T09:00:00+08:00,LF{:09},{},,,,,,,,,,\n",
                       i, i, villages[static_cast<size_t>(i) % villages.size()]);
  }
  return csv;
}

void BM_ImportMonthlyFeed(benchmark::State& state) {
  const bool postgres = state.range(0) != 0;
  constexpr int kPersons = 100000, kMoves = 4000, kResent = 1000;
  const std::string persons = WriteFile(fmt::format("persons_{}.csv", kPersons), PersonsCsv(kPersons));
  const std::string events = WriteFile(fmt::format("events_{}.csv", kPersons), EventsCsv(kPersons));
  const std::string file = WriteFile("monthly.csv", MonthlyCsv(kPersons, kMoves, kResent));
  const std::string base = fmt::format("jh_bench_base_{}", getpid()), work = fmt::format("jh_bench_work_{}", getpid());
  std::string base_db;
  if (postgres) {
    if (bench::PgServer().empty()) {
      state.SkipWithError("JUNHENG_BENCH_PG is not set");
      return;
    }
    bench::PgAdmin("DROP DATABASE IF EXISTS " + base + " WITH (FORCE)");
    bench::PgAdmin("CREATE DATABASE " + base + " ENCODING 'UTF8' TEMPLATE template0");
    auto store = *store::OpenStore(bench::WithDatabase(bench::PgServer(), base));
    ImportOptions o = Options();
    o.kind = RecordKind::kDivision;
    (void)Importer(*store, o).ImportFiles({std::string(JUNHENG_DATA_DIR) + "/linfen-divisions.csv"});
    (void)Importer(*store, Options()).ImportFiles({persons, events});
  } else {
    base_db = Prepare(fmt::format("enumerated_{}.db", kPersons), persons);
    auto store = *store::OpenSqliteStore(base_db);
    if (store->LastSeq().value_or(0) == 0) (void)Importer(*store, Options()).ImportFiles({events});
  }
  const std::string work_db = (kDir / "work.db").string();
  for (auto _ : state) {
    state.PauseTiming();
    std::string target = work_db;
    if (postgres) {
      bench::PgAdmin("DROP DATABASE IF EXISTS " + work + " WITH (FORCE)");
      bench::PgAdmin("CREATE DATABASE " + work + " TEMPLATE " + base);
      target = bench::WithDatabase(bench::PgServer(), work);
    } else {
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(work_db + suffix);
      fs::copy_file(base_db, work_db);
    }
    auto store = *store::OpenStore(target);
    state.ResumeTiming();
    auto r = Importer(*store, Options()).ImportFiles({file});
    if (!r || r->counts.events_loaded != kMoves || r->counts.duplicates != kResent) {
      fmt::print(stderr, "{}", r ? FormatSummary(*r) : r.error().message);
      state.SkipWithError("the monthly file did not load as expected");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * (kMoves + kResent));
  if (postgres) {
    bench::PgAdmin("DROP DATABASE IF EXISTS " + work + " WITH (FORCE)");
    bench::PgAdmin("DROP DATABASE IF EXISTS " + base + " WITH (FORCE)");
  }
}
BENCHMARK(BM_ImportMonthlyFeed)->ArgName("postgres")->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace junheng::ingest

int main(int argc, char** argv) {
  junheng::RerunWithHugePageMalloc(argv);  // as `junheng import` runs (JUNHENG_HUGE_PAGES=0: without)
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(junheng::ingest::kDir);
  return 0;
}
