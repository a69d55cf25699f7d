// Divisions, indicators, pyramid, life table and the county map: the read side
// of the dashboard, computed from the live snapshot (services/stats.h), so the
// numbers and names are those of `junheng stats`.
#include <httplib.h>

#include <fstream>

#include <fmt/format.h>

#include "analytics/period.h"
#include "http/json_body.h"
#include "http/views.h"
#include "services/stats.h"

namespace junheng::http {
namespace {

// from, to and the division, checked against the user's jurisdiction.
struct Scope {
  DivisionCode division;
  Date from, to;
};

HttpResult<Scope> ReadScope(Call& call) {
  Scope s;
  auto division = call.QueryDivision("division");
  if (!division) return std::unexpected(HttpError(division.error(), "division"));
  s.division = *division;
  auto from = call.QueryDate("from");
  if (!from) return std::unexpected(HttpError(from.error(), "from"));
  auto to = call.QueryDate("to");
  if (!to) return std::unexpected(HttpError(to.error(), "to"));
  if (*to <= *from)
    return Refuse(ErrorCode::kInvalidArgument, "to: 结束日期须晚于开始日期 / to must be after from (it is the day after the period)",
                  "to");
  s.from = *from;
  s.to = *to;
  if (auto ok = call.RequireInside(s.division, "read indicators"); !ok) return Refuse(ok.error());
  return s;
}

// The answer kept for `key` at the current snapshot, or computed now.
Result<std::shared_ptr<const std::string>> Cached(Call& call, const std::string& key,
                                                  const services::ResultCache::Compute& compute) {
  if (call.context().cache) return call.context().cache->Get(key, call.user().username, compute);
  return call.context().live.Read([&](const analytics::Snapshot& s) -> Result<std::shared_ptr<const std::string>> {
    JH_ASSIGN_OR_RETURN(std::string value, compute(s));
    return std::make_shared<const std::string>(std::move(value));
  });
}

// The division named by the path's {code}, inside the user's jurisdiction:
// `answer` builds the reply from it and the snapshot.
Outcome WithPathDivision(Call& call, const std::function<Outcome(const analytics::Snapshot&, const Division&)>& answer) {
  auto code = DivisionCode::Parse(call.Path("code"));
  if (!code) return Refuse(ErrorCode::kInvalidArgument, "code: 不是12位区划代码 / not a 12-digit division code", "code");
  if (auto ok = call.RequireInside(*code, "read a division"); !ok) return Refuse(ok.error());
  return call.context().live.Read([&](const analytics::Snapshot& s) -> Outcome {
    const Division* d = s.tree().Find(*code);
    if (!d) return Refuse(ErrorCode::kNotFound, fmt::format("没有区划 {} / no division {}", call.Path("code"), call.Path("code")));
    return answer(s, *d);
  });
}

Outcome GetDivision(Call& call) {
  return WithPathDivision(call, [](const analytics::Snapshot& s, const Division& d) -> Outcome {
    nlohmann::json path = nlohmann::json::array();
    for (DivisionCode c = d.code; !c.empty(); c = c.parent()) {
      const Division* at = s.tree().Find(c);
      if (!at) break;
      path.insert(path.begin(), DivisionJson(*at));
    }
    nlohmann::json out = DivisionJson(d);
    out["parent_code"] = d.code.parent().empty() ? nlohmann::json(nullptr) : nlohmann::json(d.code.parent().ToString());
    out["path"] = std::move(path);
    return Json(200, out.dump());
  });
}

Outcome GetChildren(Call& call) {
  return WithPathDivision(call, [](const analytics::Snapshot& s, const Division& d) -> Outcome {
    nlohmann::json children = nlohmann::json::array();
    for (const Division* c : s.tree().Children(d.code)) children.push_back(DivisionJson(*c));
    return Json(200, nlohmann::json{{"division", DivisionJson(d)}, {"children", std::move(children)}}.dump());
  });
}

Outcome GetIndicators(Call& call) {
  auto scope = ReadScope(call);
  if (!scope) return std::unexpected(scope.error());
  services::StatsRequest request;
  request.division = scope->division;
  request.from = scope->from;
  request.to = scope->to;
  const std::string by = call.Query("by").value_or("whole");
  auto split = analytics::ParsePeriodSplit(by);
  if (!split)
    return Refuse(ErrorCode::kInvalidArgument, "by: 应为 whole、year、quarter 或 month / must be whole, year, quarter or month", "by");
  request.split = *split;
  auto children = call.QueryBool("children", false);
  if (!children) return std::unexpected(HttpError(children.error(), "children"));
  request.children = *children;
  if (auto list = call.Query("indicators"); list && !list->empty()) {
    for (size_t at = 0; at <= list->size();) {
      size_t end = list->find(',', at);
      if (end == std::string::npos) end = list->size();
      if (end > at) request.indicators.push_back(list->substr(at, end - at));
      at = end + 1;
    }
  }
  const std::string format = call.Query("format").value_or("json");
  if (format != "json" && format != "csv")
    return Refuse(ErrorCode::kInvalidArgument, "format: 应为 json 或 csv / must be json or csv", "format");
  const bool csv = format == "csv";
  auto answer = Cached(call, fmt::format("indicators|{}|{}|{}|{}|{}|{}|{}", request.division.ToString(),
                                         request.from.ToString(), request.to.ToString(), by, request.children,
                                         fmt::join(request.indicators, ","), format),
                       [&](const analytics::Snapshot& s) -> Result<std::string> {
                         JH_ASSIGN_OR_RETURN(auto table, services::ComputeStats(s, request));
                         return csv ? services::StatsCsv(table) : services::StatsJson(table);
                       });
  if (!answer) return Refuse(answer.error());
  if (csv) {
    call.Audit("export", "indicators", scope->division.ToString(), "ok",
               nlohmann::json{{"from", scope->from.ToString()}, {"to", scope->to.ToString()}, {"by", by}}.dump());
    Reply r;
    r.body = **answer;
    r.content_type = "text/csv; charset=utf-8";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"indicators.csv\"");
    return r;
  }
  return Json(200, **answer);
}

Outcome GetPyramid(Call& call) {
  auto scope = ReadScope(call);
  if (!scope) return std::unexpected(scope.error());
  std::optional<Date> on;
  if (auto d = call.OptionalDate("on")) {
    if (!*d) return std::unexpected(HttpError(d->error(), "on"));
    on = **d;
  }
  auto answer = Cached(call,
                       fmt::format("pyramid|{}|{}|{}|{}", scope->division.ToString(), scope->from.ToString(),
                                   scope->to.ToString(), on ? on->ToString() : ""),
                       [&](const analytics::Snapshot& s) -> Result<std::string> {
                         JH_ASSIGN_OR_RETURN(auto rows,
                                             services::ComputePyramid(s, scope->division, scope->from, scope->to, on));
                         nlohmann::json out = nlohmann::json::array();
                         for (const auto& r : rows) out.push_back({{"age", r.age}, {"male", r.male}, {"female", r.female}});
                         return nlohmann::json{{"division", scope->division.ToString()}, {"rows", std::move(out)}}.dump();
                       });
  if (!answer) return Refuse(answer.error());
  return Json(200, **answer);
}

Outcome GetLifeTable(Call& call) {
  auto scope = ReadScope(call);
  if (!scope) return std::unexpected(scope.error());
  const std::string sex_text = call.Query("sex").value_or("both");
  std::optional<Sex> sex;
  if (sex_text == "m") sex = Sex::kMale;
  else if (sex_text == "f") sex = Sex::kFemale;
  else if (sex_text != "both")
    return Refuse(ErrorCode::kInvalidArgument, "sex: 应为 m、f 或 both / must be m, f or both", "sex");
  auto rows = call.context().live.Read([&](const analytics::Snapshot& s) {
    return services::ComputeLifeTable(s, scope->division, scope->from, scope->to, sex);
  });
  if (!rows) return Refuse(rows.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : *rows)
    out.push_back({{"age", r.age}, {"n", r.width}, {"mx", r.mx}, {"ax", r.ax}, {"qx", r.qx}, {"lx", r.lx},
                   {"dx", r.dx}, {"Lx", r.Lx}, {"Tx", r.Tx}, {"ex", r.ex}});
  return Json(200, nlohmann::json{{"division", scope->division.ToString()}, {"sex", sex_text}, {"rows", std::move(out)}}
                       .dump());
}

Outcome GetCountyMap(Call& call) {
  static const std::string geojson = [&] {
    std::ifstream in(call.context().data_dir + "/linfen-counties.geojson", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  if (geojson.empty())
    return Refuse(ErrorCode::kUnavailable, "the county map (data/linfen-counties.geojson) is missing");
  Reply r;
  r.body = geojson;
  r.content_type = "application/geo+json; charset=utf-8";
  return r;
}

}  // namespace

void AddDivisionRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/divisions/{code}", true, 0, GetDivision});
  routes.push_back({"GET", "/api/v1/divisions/{code}/children", true, 0, GetChildren});
  routes.push_back({"GET", "/api/v1/geo/counties", true, 0, GetCountyMap});
}

void AddIndicatorRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/indicators", true, 0, GetIndicators});
  routes.push_back({"GET", "/api/v1/pyramid", true, 0, GetPyramid});
  routes.push_back({"GET", "/api/v1/lifetable", true, 0, GetLifeTable});
}

}  // namespace junheng::http
