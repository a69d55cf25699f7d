// http/metrics.h: counters and latency histograms for /metrics (Prometheus
// text format 0.0.4). Thread-safe; Observe costs one short lock.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace junheng::http {

class Metrics {
 public:
  // One answered request: its route pattern (or "static", "unmatched"), method and status.
  void Observe(const std::string& route, const std::string& method, int status, double seconds);
  // The text of /metrics; `gauges` are appended as they are (name value lines with HELP/TYPE).
  std::string Render(const std::string& gauges) const;

  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.02, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,  10};

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Histogram> latency_;
};

}  // namespace junheng::http
