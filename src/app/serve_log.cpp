#include "app/serve_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>

#include "app/context.h"

namespace junheng::app {
namespace {

// Appends to a file opened by name; Reopen swaps in a fresh handle on the same
// name, keeping the old one if the name cannot be opened (a log line says so).
class ReopeningFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReopeningFileSink(std::string path) : path_(std::move(path)) {}
  ~ReopeningFileSink() override {
    if (file_ != nullptr) std::fclose(file_);
  }

  // An empty string, or why the file cannot be opened.
  std::string Open() {
    std::FILE* fresh = OpenAppending(path_);
    if (fresh == nullptr) return std::strerror(errno);
    std::lock_guard lock(mutex_);
    if (file_ != nullptr) std::fclose(file_);
    file_ = fresh;
    return {};
  }
  const std::string& path() const { return path_; }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);  // a line is on disk (in the page cache) before the next request
  }
  void flush_() override { std::fflush(file_); }

 private:
  // Mode 0640: request lines name users and addresses.
  static std::FILE* OpenAppending(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) return nullptr;
    std::FILE* f = ::fdopen(fd, "a");
    if (f == nullptr) ::close(fd);
    return f;
  }

  std::string path_;
  std::FILE* file_ = nullptr;
};

std::shared_ptr<ReopeningFileSink> g_file_sink;

}  // namespace

void SetUpServeLog(const ServeLogOptions& options) {
  std::shared_ptr<spdlog::logger> logger;
  if (options.file.empty()) {
    logger = std::make_shared<spdlog::logger>("junheng", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  } else {
    auto sink = std::make_shared<ReopeningFileSink>(options.file);
    if (const std::string why = sink->Open(); !why.empty())
      throw CommandError(fmt::format("cannot open the log file {} for appending: {}", options.file, why));
    g_file_sink = sink;
    logger = std::make_shared<spdlog::logger>("junheng", sink);
  }
  logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":%v})", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(options.level));
  spdlog::set_default_logger(logger);
}

void ReopenServeLog() {
  if (!g_file_sink) {
    spdlog::info(R"({"event":"sighup","detail":"logging to standard error; nothing to reopen"})");
    return;
  }
  if (const std::string why = g_file_sink->Open(); !why.empty()) {
    spdlog::error(nlohmann::json{{"event", "log_reopen_failed"}, {"file", g_file_sink->path()}, {"why", why},
                                 {"detail", "still writing to the file opened before"}}
                      .dump());
    return;
  }
  spdlog::info(nlohmann::json{{"event", "log_reopened"}, {"file", g_file_sink->path()}}.dump());
}

}  // namespace junheng::app
