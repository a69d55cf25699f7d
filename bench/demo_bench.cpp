// bench/demo_bench.cpp: how fast the synthetic city is generated.
//
// Generation at scale 0.1 (~410,000 people at the start, ~700,000 events to 2025)
// into a sink that only counts, so the figure is the generator's own cost:
// items/s = persons + events emitted per second.
#include <benchmark/benchmark.h>

#include "demo/demo.h"

namespace {

class CountingSink : public junheng::demo::Sink {
 public:
  int64_t records = 0;
  junheng::Status OnDivisions(const std::vector<junheng::Division>& d) override {
    records += static_cast<int64_t>(d.size());
    return {};
  }
  junheng::Status OnPerson(const junheng::Person&) override { ++records; return {}; }
  junheng::Status OnEvent(const junheng::Event&) override { ++records; return {}; }
  junheng::Status OnBatchEnd(std::string_view) override { return {}; }
};

void BM_GenerateDemoCity(benchmark::State& state) {
  junheng::demo::DemoOptions options;
  options.scale = static_cast<double>(state.range(0)) / 100.0;
  options.seed = 1;
  options.today = junheng::Date::FromDays(junheng::DaysFromCivil(2025, 12, 31));
  options.data_dir = JUNHENG_DATA_DIR;
  int64_t records = 0;
  for (auto _ : state) {
    CountingSink sink;
    auto stats = junheng::demo::GenerateDemoCity(options, sink);
    if (!stats) {
      state.SkipWithError(stats.error().message.c_str());
      return;
    }
    records += sink.records;
  }
  state.SetItemsProcessed(records);
}
// Arg: scale in percent. 10 = scale 0.1; 100 = the full city.
BENCHMARK(BM_GenerateDemoCity)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GenerateDemoCity)->Arg(100)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
