// /healthz, /metrics, /api/v1/openapi.json and /api/v1/audit.
#include <httplib.h>
#include <unistd.h>

#include <fstream>

#include <fmt/format.h>

#include "http/json_body.h"
#include "http/metrics.h"
#include "http/openapi.h"
#include "http/views.h"

namespace junheng::http {
namespace {

int64_t ResidentBytes() {
  std::ifstream in("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

Outcome Health(Call& call) {
  auto counts = call.context().live.Read([](const analytics::Snapshot& s) {
    return std::make_pair(s.applied_seq(), s.person_count());
  });
  return Json(200, nlohmann::json{{"status", "ok"}, {"applied_seq", counts.first}, {"persons", counts.second}}.dump());
}

Outcome MetricsText(Call& call) {
  ServerContext& ctx = call.context();
  auto counts = ctx.live.Read([](const analytics::Snapshot& s) { return std::make_pair(s.applied_seq(), s.person_count()); });
  std::string gauges;
  auto gauge = [&](const char* name, const char* help, const char* type, auto value) {
    gauges += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
  };
  gauge("junheng_snapshot_applied_seq", "Last event sequence number applied to the live snapshot.", "gauge",
        counts.first);
  gauge("junheng_snapshot_persons", "Persons in the live snapshot.", "gauge", counts.second);
  gauge("junheng_snapshot_follow_failures_total", "Times following the event log failed.", "counter",
        ctx.live.follow_failures());
  if (ctx.cache) {
    const auto stats = ctx.cache->stats();
    gauge("junheng_result_cache_hits_total", "Indicator answers served from the cache.", "counter", stats.hits);
    gauge("junheng_result_cache_misses_total", "Indicator answers computed.", "counter", stats.misses);
  }
  gauge("process_resident_memory_bytes", "Resident memory of the server process.", "gauge", ResidentBytes());
  Reply r;
  r.body = ctx.metrics ? ctx.metrics->Render(gauges) : gauges;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return r;
}

Outcome OpenApi(Call&) { return Json(200, std::string(OpenApiDocument())); }

Outcome GetAudit(Call& call) {
  if (auto ok = call.Require(call.permissions().manage_users, "read the audit log"); !ok) return Refuse(ok.error());
  auto after = call.QueryInt("after", 0, 0, int64_t{1} << 62);
  if (!after) return std::unexpected(HttpError(after.error(), "after"));
  auto limit = call.QueryInt("limit", 100, 1, 1000);
  if (!limit) return std::unexpected(HttpError(limit.error(), "limit"));
  auto rows = call.context().audit.List(*after, *limit);
  if (!rows) return Refuse(rows.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : *rows) {
    out.push_back({{"id", r.id}, {"at", r.at.ToUtcString()}, {"actor", r.entry.actor}, {"role", r.entry.role},
                   {"action", r.entry.action}, {"target", r.entry.target}, {"division", r.entry.division},
                   {"outcome", r.entry.outcome}, {"detail", nlohmann::json::parse(r.entry.detail_json, nullptr, false)},
                   {"request_id", r.entry.request_id}, {"ip", r.entry.ip}, {"hash", r.hash}});
  }
  return Json(200, nlohmann::json{{"rows", std::move(out)}}.dump());
}

}  // namespace

void AddSystemRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/healthz", false, 0, Health});
  routes.push_back({"GET", "/metrics", false, 0, MetricsText});
  routes.push_back({"GET", "/api/v1/openapi.json", false, 0, OpenApi});
  routes.push_back({"GET", "/api/v1/audit", true, 0, GetAudit});
}

}  // namespace junheng::http
