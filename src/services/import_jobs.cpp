#include "services/import_jobs.h"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace junheng::services {
namespace {

constexpr size_t kKeptJobs = 200;

// The file name without folders or control characters, at most 100 bytes.
std::string SafeFileName(std::string_view name) {
  if (auto slash = name.find_last_of("/\\"); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  for (char c : name)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  while (!out.empty() && out.front() == '.') out.erase(out.begin());
  if (out.size() > 100) out = out.substr(out.size() - 100);
  return out.empty() ? "upload.csv" : out;
}

}  // namespace

std::string_view ImportStatusName(ImportJob::Status s) {
  switch (s) {
    case ImportJob::Status::kQueued: return "queued";
    case ImportJob::Status::kRunning: return "running";
    case ImportJob::Status::kDone: return "done";
    case ImportJob::Status::kFailed: return "failed";
  }
  return "failed";
}

ImportJobs::ImportJobs(StorePool& pool, LiveRegister& live, const Clock& clock, std::string folder)
    : pool_(pool), live_(live), clock_(clock), folder_(std::move(folder)) {
  worker_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

ImportJobs::~ImportJobs() {
  worker_.request_stop();
  cv_.notify_all();
}

Result<int64_t> ImportJobs::Start(ImportRequest request, Date today) {
  if (!IsKnownSource(request.source))
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("source: 未知的数据来源 '{}' / unknown source; use one of {}", request.source,
                            fmt::join(KnownSources(), ", ")));
  if (request.content.empty())
    return Fail(ErrorCode::kInvalidArgument, "file: 文件是空的 / the file is empty");
  std::unique_lock lock(mutex_);
  const int64_t id = next_id_++;
  lock.unlock();
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(folder_) / fmt::format("{}-{}", clock_.Now().seconds, id);
  const fs::path path = dir / SafeFileName(request.file_name);
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::ofstream out(path, std::ios::binary);
  out.write(request.content.data(), static_cast<std::streamsize>(request.content.size()));
  out.close();
  if (ec || !out)
    return Fail(ErrorCode::kUnavailable, fmt::format("cannot save the uploaded file to {}", path.string()));
  lock.lock();
  ImportJob job;
  job.id = id;
  job.source = request.source;
  job.file_name = path.filename().string();
  job.user = std::move(request.user);
  job.started_at = clock_.Now();
  jobs_[id] = std::move(job);
  while (jobs_.size() > kKeptJobs && jobs_.begin()->second.status >= ImportJob::Status::kDone)
    jobs_.erase(jobs_.begin());
  queue_.push_back(Queued{id, path.string(), request.source, today});
  lock.unlock();
  cv_.notify_all();
  return id;
}

std::optional<ImportJob> ImportJobs::Get(int64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

std::vector<ImportJob> ImportJobs::List(size_t limit) const {
  std::lock_guard lock(mutex_);
  std::vector<ImportJob> out;
  for (auto it = jobs_.rbegin(); it != jobs_.rend() && out.size() < limit; ++it) out.push_back(it->second);
  return out;
}

void ImportJobs::Run(std::stop_token stop) {
  while (true) {
    Queued next;
    {
      std::unique_lock lock(mutex_);
      if (!cv_.wait(lock, stop, [&] { return !queue_.empty(); })) return;
      next = std::move(queue_.front());
      queue_.pop_front();
      jobs_[next.id].status = ImportJob::Status::kRunning;
    }
    Import(next);
    live_.Notify();
  }
}

void ImportJobs::Import(const Queued& q) {
  ingest::ImportOptions options;
  options.source = q.source;
  options.today = q.today;
  options.now = clock_.Now();
  options.progress = [&](int64_t done, int64_t total) {
    std::lock_guard lock(mutex_);
    jobs_[q.id].done = done;
    jobs_[q.id].total = total;
  };
  auto report = pool_.Write([&](store::Store& store) {
    ingest::Importer importer(store, options);
    return importer.ImportFiles({q.path});
  });
  std::lock_guard lock(mutex_);
  ImportJob& job = jobs_[q.id];
  if (report) {
    // The report names the file as the user named it; the kept copy's path is
    // in the job folder and in the quarantine rows.
    const std::string name = std::filesystem::path(q.path).filename().string();
    for (auto& f : report->files) f = name;
    for (auto& r : report->rejected) r.file = name;
    for (auto& r : report->conflicts) r.file = name;
    for (auto& r : report->review) r.file = name;
    job.status = ImportJob::Status::kDone;
    job.done = job.total = report->counts.persons_loaded + report->counts.events_loaded +
                           report->counts.duplicates + report->counts.conflicts + report->counts.rejected +
                           report->counts.review;
    job.report = std::move(*report);
  } else {
    job.status = ImportJob::Status::kFailed;
    job.error = report.error();
  }
}

}  // namespace junheng::services
