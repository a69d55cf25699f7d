// bench/ingest_bench.cpp: throughput of the ingest readers and name normalisation.
//
// Targets (DESIGN.md, importer): 300,000 event rows/s end to end, so the readers alone
// should do well over 1,000,000 rows/s on ~150-byte rows; NormalizeName is called for
// every person (200,000 persons/s). Each benchmark reports items_per_second.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "ingest/normalize.h"
#include "ingest/row_reader.h"

namespace junheng::ingest {
namespace {

constexpr int kBenchRows = 200'000;

// One event-like row of about 150 bytes: the columns of an exchange-format event file.
std::string EventCsvRow(int i) {
  return "E" + std::to_string(10'000'000 + i) + ",public_security,birth,2024-03-" +
         std::to_string(10 + i % 18) + ",2024-03-28T09:15:00,P" + std::to_string(20'000'000 + i) +
         ",1410020010" + std::to_string(10 + i % 80) + ",,P" + std::to_string(30'000'000 + i) +
         ",P" + std::to_string(40'000'000 + i) + "," + std::to_string(1 + i % 3) + ",1," +
         std::to_string(2800 + i % 1200) + "," + std::to_string(36 + i % 5) + ",,,";
}
constexpr const char* kEventHeader =
    "event_id,source,type,date,recorded_at,person_id,division,other_place,mother_id,father_id,"
    "birth_order,plurality,weight_g,gestation_weeks,spouse_id,cause,maternal";

std::string EventJsonLine(int i) {
  return "{\"event_id\":\"E" + std::to_string(10'000'000 + i) +
         "\",\"source\":\"public_security\",\"type\":\"birth\",\"date\":\"2024-03-" +
         std::to_string(10 + i % 18) + "\",\"recorded_at\":\"2024-03-28T09:15:00\",\"person_id\":\"P" +
         std::to_string(20'000'000 + i) + "\",\"division\":\"1410020010" + std::to_string(10 + i % 80) +
         "\",\"mother_id\":\"P" + std::to_string(30'000'000 + i) + "\",\"father_id\":\"P" +
         std::to_string(40'000'000 + i) + "\",\"birth_order\":" + std::to_string(1 + i % 3) +
         ",\"plurality\":1,\"weight_g\":" + std::to_string(2800 + i % 1200) +
         ",\"gestation_weeks\":" + std::to_string(36 + i % 5) + ",\"maternal\":null}";
}

// A generated file in the temporary directory, removed at exit.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& header, std::string (*row)(int)) {
    path_ = std::filesystem::temp_directory_path() /
            ("junheng_ingest_bench_" + std::to_string(::getpid()) + "_" + name);
    std::ofstream out(path_, std::ios::binary);
    if (!header.empty()) out << header << '\n';
    for (int i = 0; i < kBenchRows; ++i) out << row(i) << '\n';
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

void ReadAllRows(benchmark::State& state, const std::string& path) {
  int64_t rows = 0, bytes = 0;
  for (auto _ : state) {
    auto reader = OpenRowReader(path);
    if (!reader) {
      state.SkipWithError(reader.error().message.c_str());
      return;
    }
    Row row;
    while ((*reader)->Next(row)) {
      if (!row.error.empty()) {
        state.SkipWithError(row.error.c_str());
        return;
      }
      ++rows;
    }
    bytes += (*reader)->total_bytes();
  }
  state.SetItemsProcessed(rows);
  state.SetBytesProcessed(bytes);
}

void BM_IngestCsvReadEvents(benchmark::State& state) {
  static const TempFile file("events.csv", kEventHeader, EventCsvRow);
  ReadAllRows(state, file.path());
}
BENCHMARK(BM_IngestCsvReadEvents)->Unit(benchmark::kMillisecond);

void BM_IngestJsonlReadEvents(benchmark::State& state) {
  static const TempFile file("events.jsonl", "", EventJsonLine);
  ReadAllRows(state, file.path());
}
BENCHMARK(BM_IngestJsonlReadEvents)->Unit(benchmark::kMillisecond);

// The alternative the JSON Lines reader replaced: nlohmann::json per line, values to text.
void BM_IngestJsonlNlohmannBaseline(benchmark::State& state) {
  std::vector<std::string> lines;
  for (int i = 0; i < kBenchRows; ++i) lines.push_back(EventJsonLine(i));
  std::vector<std::string> values;
  int64_t rows = 0;
  for (auto _ : state) {
    for (const std::string& line : lines) {
      const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      values.clear();
      for (const auto& [key, v] : j.items()) {
        if (v.is_string()) values.push_back(v.get<std::string>());
        else if (v.is_null()) values.emplace_back();
        else values.push_back(v.dump());
      }
      benchmark::DoNotOptimize(values.data());
      ++rows;
    }
  }
  state.SetItemsProcessed(rows);
}
BENCHMARK(BM_IngestJsonlNlohmannBaseline)->Unit(benchmark::kMillisecond);

// Realistic names: common surnames and given names, a quarter in traditional characters,
// some minority names with middle dots; `distinct` of them, drawn repeatedly.
std::vector<std::string> MakeNames(int distinct) {
  const char* surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                            "劉", "陳", "張", "趙", "楊", "郭", "马", "孙", "胡", "高"};
  const char* given[] = {"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军",
                         "偉", "麗", "強", "軍", "建華", "志明", "婷", "雪", "浩然", "子涵"};
  std::vector<std::string> names;
  for (int i = 0; i < distinct; ++i) {
    std::string name = std::string(surnames[i % 20]) + given[(i / 20) % 20] + given[(i / 400) % 20];
    if (i % 50 == 0) name = "阿依古丽・" + name;
    if (i % 97 == 0) name += " ";
    names.push_back(std::move(name));
  }
  return names;
}

void BM_IngestNormalizeNameRepeated(benchmark::State& state) {
  (void)InitNameNormalizer();
  const std::vector<std::string> names = MakeNames(static_cast<int>(state.range(0)));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(NormalizeName(names[i]));
    if (++i == names.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IngestNormalizeNameRepeated)->Arg(8'000);

// Every name different (its characters are not): the cost a city of many names sees.
void BM_IngestNormalizeNameUncached(benchmark::State& state) {
  (void)InitNameNormalizer();
  const std::vector<std::string> names = MakeNames(8'000);
  int64_t n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(NormalizeName(names[n % names.size()] + std::to_string(n)));
    ++n;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IngestNormalizeNameUncached);

}  // namespace
}  // namespace junheng::ingest

BENCHMARK_MAIN();
