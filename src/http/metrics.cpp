#include "http/metrics.h"

#include <fmt/format.h>

namespace junheng::http {

void Metrics::Observe(const std::string& route, const std::string& method, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, method, status}];
  Histogram& h = latency_[{route, method}];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::Render(const std::string& gauges) const {
  std::string out;
  out += "# HELP junheng_http_requests_total HTTP requests answered, by route, method and status.\n";
  out += "# TYPE junheng_http_requests_total counter\n";
  std::lock_guard lock(mutex_);
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    out += fmt::format("junheng_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n", route, method,
                       status, n);
  }
  out += "# HELP junheng_http_request_duration_seconds Time to answer a request, by route and method.\n";
  out += "# TYPE junheng_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : latency_) {
    const auto& [route, method] = key;
    const std::string labels = fmt::format("route=\"{}\",method=\"{}\"", route, method);
    for (size_t i = 0; i < kBuckets.size(); ++i)
      out += fmt::format("junheng_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, kBuckets[i],
                         h.counts[i]);
    out += fmt::format("junheng_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, h.count);
    out += fmt::format("junheng_http_request_duration_seconds_sum{{{}}} {}\n", labels, h.sum);
    out += fmt::format("junheng_http_request_duration_seconds_count{{{}}} {}\n", labels, h.count);
  }
  return out + gauges;
}

}  // namespace junheng::http
