// POST /api/v1/imports and GET /imports, /imports/{id}: department files
// imported in the background (services/import_jobs.h), followed by polling.
#include <httplib.h>

#include <fmt/format.h>

#include "http/json_body.h"
#include "http/views.h"
#include "ingest/importer.h"

namespace junheng::http {
namespace {

nlohmann::json JobJson(const services::ImportJob& job) {
  nlohmann::json j = {{"id", job.id},
                      {"status", services::ImportStatusName(job.status)},
                      {"source", job.source},
                      {"file_name", job.file_name},
                      {"user", job.user},
                      {"started_at", job.started_at.ToUtcString()},
                      {"progress", {{"done", job.done}, {"total", job.total}}},
                      {"report", nullptr},
                      {"error", nullptr}};
  if (job.report) j["report"] = nlohmann::json::parse(ingest::ToJson(*job.report));
  if (job.error) j["error"] = {{"code", ErrorCodeName(job.error->code)}, {"message", job.error->message}};
  return j;
}

// Whether the user may follow a job: their own, or any job for a city administrator.
bool MayFollow(const Call& call, const services::ImportJob& job) {
  return job.user == call.user().username || call.permissions().manage_users;
}

Outcome PostImport(Call& call) {
  const services::Permissions p = call.permissions();
  if (auto ok = call.Require(p.import_files, "import files"); !ok) return Refuse(ok.error());
  auto source = call.RequiredQuery("source");
  if (!source) return std::unexpected(HttpError(source.error(), "source"));
  if (call.user().role == services::Role::kDataFeeder && *source != call.user().source) {
    call.Audit("forbidden", "import", call.user().division.ToString(), "denied",
               nlohmann::json{{"source", *source}}.dump());
    return Refuse(ErrorCode::kPermissionDenied,
                  fmt::format("source: 您只能导入本部门（{}）的数据 / you may import only your own source, {}",
                              call.user().source, call.user().source),
                  "source");
  }
  services::ImportRequest request;
  request.source = *source;
  request.file_name = call.Query("filename").value_or("upload.csv");
  request.content = call.request().body;
  request.user = call.user().username;
  auto id = call.context().imports.Start(std::move(request), call.context().today());
  if (!id) {
    const std::string field = id.error().message.rfind("source", 0) == 0 ? "source" : "file";
    return std::unexpected(HttpError(id.error(), field));
  }
  call.Audit("import", fmt::format("job {}", *id), call.user().division.ToString(), "ok",
             nlohmann::json{{"source", *source}, {"file_name", call.Query("filename").value_or("")},
                            {"bytes", call.request().body.size()}}
                 .dump());
  return Json(202, nlohmann::json{{"id", *id}, {"status", "queued"}}.dump());
}

Outcome GetImport(Call& call) {
  auto parsed = call.PathId("id");
  if (!parsed) return std::unexpected(HttpError(parsed.error(), "id"));
  const int64_t id = *parsed;
  auto job = call.context().imports.Get(id);
  if (!job || !MayFollow(call, *job))
    return Refuse(ErrorCode::kNotFound, fmt::format("没有导入任务 {} / no import job {}", id, id));
  return Json(200, JobJson(*job).dump());
}

Outcome ListImports(Call& call) {
  if (auto ok = call.Require(call.permissions().import_files, "import files"); !ok) return Refuse(ok.error());
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& job : call.context().imports.List(50)) {
    if (!MayFollow(call, job)) continue;
    nlohmann::json j = JobJson(job);
    if (j["report"].is_object()) j["report"] = {{"batch_id", j["report"]["batch_id"]}, {"counts", j["report"]["counts"]}};
    jobs.push_back(std::move(j));
  }
  return Json(200, nlohmann::json{{"jobs", std::move(jobs)}}.dump());
}

}  // namespace

void AddImportRoutes(std::vector<Route>& routes) {
  routes.push_back({"POST", "/api/v1/imports", true, size_t{256} << 20, PostImport});
  routes.push_back({"GET", "/api/v1/imports", true, 0, ListImports});
  routes.push_back({"GET", "/api/v1/imports/{id}", true, 0, GetImport});
}

}  // namespace junheng::http
