// Data quality and the review work lists: GET /api/v1/quality, /quarantine,
// /conflicts, /reviews, and resolving a conflict or a review row.
#include <httplib.h>

#include <fmt/format.h>

#include "http/json_body.h"
#include "http/views.h"
#include "services/stats.h"

namespace junheng::http {
namespace {

// The leading digits every code inside `d` shares ("141002" for a county).
std::string CodePrefix(DivisionCode d) {
  static constexpr size_t kDigits[] = {0, 2, 4, 6, 9, 12};
  return d.ToString().substr(0, kDigits[static_cast<int>(d.level())]);
}

// Conflicts and linkage reviews carry no division: only a reviewer whose
// jurisdiction is the whole city may see them.
Status RequireCityReviewer(Call& call) {
  JH_RETURN_IF_ERROR(call.Require(call.permissions().review, "review rejected and conflicting records"));
  return call.Require(call.user().division.level() <= DivisionLevel::kCity,
                      "review conflicts (they are kept for the whole city)");
}

nlohmann::json ReasonsJson(const std::vector<Reason>& reasons) {
  nlohmann::json out = nlohmann::json::array();
  for (const Reason& r : reasons) out.push_back({{"code", r.code}, {"field", r.field}, {"message", r.message}});
  return out;
}


nlohmann::json ValueJson(const analytics::Value& v) {
  return v.value ? nlohmann::json(*v.value) : nlohmann::json(nullptr);
}

Outcome GetQuality(Call& call) {
  auto division = call.QueryDivision("division");
  if (!division) return std::unexpected(HttpError(division.error(), "division"));
  auto from = call.QueryDate("from");
  if (!from) return std::unexpected(HttpError(from.error(), "from"));
  auto to = call.QueryDate("to");
  if (!to) return std::unexpected(HttpError(to.error(), "to"));
  if (auto ok = call.RequireInside(*division, "read data quality"); !ok) return Refuse(ok.error());
  const std::vector<std::string> columns = {"registered", "delay_median", "share_within_30d", "completeness"};
  services::StatsRequest per_child{*division, true, *from, *to, analytics::PeriodSplit::kWhole, columns};
  services::StatsRequest per_month{*division, false, *from, *to, analytics::PeriodSplit::kMonth, {"completeness"}};
  auto tables = call.context().live.Read([&](const analytics::Snapshot& s) {
    return std::make_pair(services::ComputeStats(s, per_child), services::ComputeStats(s, per_month));
  });
  if (!tables.first) return Refuse(tables.first.error());
  if (!tables.second) return Refuse(tables.second.error());
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : tables.first->rows) {
    nlohmann::json j = {{"division", row.division.ToString()}, {"name", row.name}};
    for (size_t i = 0; i < columns.size(); ++i) j[columns[i]] = ValueJson(row.values[i]);
    rows.push_back(std::move(j));
  }
  nlohmann::json months = nlohmann::json::array();
  for (const auto& row : tables.second->rows) {
    const analytics::Value& v = row.values[0];
    months.push_back({{"month", row.period.from.ToString().substr(0, 7)},
                      {"completeness", ValueJson(v)},
                      {"reporting", v.numerator ? nlohmann::json(*v.numerator) : nlohmann::json(nullptr)},
                      {"villages", v.denominator ? nlohmann::json(*v.denominator) : nlohmann::json(nullptr)}});
  }
  auto counts = call.context().pool.Read(
      [&](store::Store& s) { return s.CountQuarantineByReason(CodePrefix(*division)); });
  if (!counts) return Refuse(counts.error());
  nlohmann::json rejected = nlohmann::json::array();
  for (const auto& c : *counts) rejected.push_back({{"code", c.code}, {"source", c.source}, {"count", c.count}});
  return Json(200, nlohmann::json{{"division", DivisionJson(call.context(), *division)},
                                  {"rows", std::move(rows)},
                                  {"months", std::move(months)},
                                  {"rejected_by_reason", std::move(rejected)}}
                       .dump());
}

Outcome GetQuarantine(Call& call) {
  if (auto ok = call.Require(call.permissions().review, "review rejected records"); !ok) return Refuse(ok.error());
  auto limit = call.QueryInt("limit", 50, 1, 500);
  if (!limit) return std::unexpected(HttpError(limit.error(), "limit"));
  auto offset = call.QueryInt("offset", 0, 0, int64_t{1} << 40);
  if (!offset) return std::unexpected(HttpError(offset.error(), "offset"));
  store::QuarantineQuery q;
  q.division_prefix = call.user().division.level() <= DivisionLevel::kCity ? "" : CodePrefix(call.user().division);
  q.limit = *limit + 1;
  q.offset = *offset;
  auto rows = call.context().pool.Read([&](store::Store& s) { return s.ListQuarantine(q); });
  if (!rows) return Refuse(rows.error());
  const bool more = static_cast<int64_t>(rows->size()) > *limit;
  if (more) rows->pop_back();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : *rows)
    out.push_back({{"id", r.id}, {"batch_id", r.batch_id}, {"kind", RecordKindName(r.kind)}, {"source", r.source},
                   {"file", r.file}, {"line", r.line}, {"record_key", r.record_key}, {"division", r.division},
                   {"raw", r.raw}, {"reasons", ReasonsJson(r.reasons)}});
  return Json(200, nlohmann::json{{"rows", std::move(out)}, {"has_more", more}, {"offset", *offset}}.dump());
}

template <typename Row>
nlohmann::json ResolutionJson(const Row& r) {
  return {{"status", r.status},
          {"resolved_by", r.resolved_by},
          {"resolution_note", r.resolution_note},
          {"resolved_at", r.resolved_at ? nlohmann::json(r.resolved_at->ToUtcString()) : nlohmann::json(nullptr)}};
}

HttpResult<std::string> StatusFilter(Call& call) {
  const std::string status = call.Query("status").value_or("open");
  if (status != "open" && status != "resolved" && status != "all")
    return Refuse(ErrorCode::kInvalidArgument, "status: 应为 open、resolved 或 all / must be open, resolved or all",
                  "status");
  return status;
}

// GET /conflicts or /reviews: the rows `list` reads, with `status`, each as
// `row_json` plus who resolved it.
template <typename Row>
Outcome ListReviewWork(Call& call, Result<std::vector<Row>> (store::Store::*list)(int64_t),
                       nlohmann::json (*row_json)(const Row&)) {
  if (auto ok = RequireCityReviewer(call); !ok) return Refuse(ok.error());
  auto status = StatusFilter(call);
  if (!status) return std::unexpected(status.error());
  auto rows = call.context().pool.Read([&](store::Store& s) { return (s.*list)(0); });
  if (!rows) return Refuse(rows.error());
  nlohmann::json out = nlohmann::json::array();
  for (const Row& r : *rows) {
    if (*status != "all" && r.status != *status) continue;
    nlohmann::json j = {{"id", r.id}, {"batch_id", r.batch_id}, {"kind", RecordKindName(r.kind)},
                        {"source", r.source}, {"file", r.file}, {"line", r.line}, {"raw", r.raw},
                        {"message", r.message}};
    j.update(row_json(r));
    j.update(ResolutionJson(r));
    out.push_back(std::move(j));
  }
  return Json(200, nlohmann::json{{"rows", std::move(out)}}.dump());
}

nlohmann::json ConflictJson(const store::ConflictRow& r) {
  return {{"record_key", r.record_key}, {"existing_seq", r.existing_seq}};
}
nlohmann::json ReviewJson(const store::ReviewRow& r) { return {{"candidates", r.candidates}}; }

Outcome GetConflicts(Call& call) { return ListReviewWork(call, &store::Store::ListConflicts, ConflictJson); }
Outcome GetReviews(Call& call) { return ListReviewWork(call, &store::Store::ListReviews, ReviewJson); }

// POST .../{id}/resolve {"note": "..."}
template <Status (store::Store::*Resolve)(int64_t, std::string_view, std::string_view)>
Outcome PostResolve(Call& call) {
  if (auto ok = RequireCityReviewer(call); !ok) return Refuse(ok.error());
  auto id = call.PathId("id");
  if (!id) return std::unexpected(HttpError(id.error(), "id"));
  auto body = ParseObject(call.request().body.empty() ? "{}" : call.request().body);
  if (!body) return std::unexpected(body.error());
  if (auto ok = OnlyKeys(*body, {"note"}); !ok) return std::unexpected(ok.error());
  auto note = StringMember(*body, "note");
  if (!note) return std::unexpected(note.error());
  if (!*note || (*note)->empty())
    return Refuse(ErrorCode::kInvalidArgument, "note: 请说明处理结果 / say how it was resolved", "note");
  auto done = call.context().pool.Write(
      [&](store::Store& s) { return (s.*Resolve)(*id, **note, call.user().username); });
  if (!done) return Refuse(done.error());
  call.Audit("resolve", fmt::format("{} {}", call.request().path.find("conflicts") != std::string::npos ? "conflict" : "review", *id),
             call.user().division.ToString(), "ok", nlohmann::json{{"note", **note}}.dump());
  return Json(200, nlohmann::json{{"id", *id}, {"status", "resolved"}}.dump());
}

}  // namespace

void AddReviewRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/quality", true, 0, GetQuality});
  routes.push_back({"GET", "/api/v1/quarantine", true, 0, GetQuarantine});
  routes.push_back({"GET", "/api/v1/conflicts", true, 0, GetConflicts});
  routes.push_back({"POST", "/api/v1/conflicts/{id}/resolve", true, 4096, PostResolve<&store::Store::ResolveConflict>});
  routes.push_back({"GET", "/api/v1/reviews", true, 0, GetReviews});
  routes.push_back({"POST", "/api/v1/reviews/{id}/resolve", true, 4096, PostResolve<&store::Store::ResolveReview>});
}

}  // namespace junheng::http
