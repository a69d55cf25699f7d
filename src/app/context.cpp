#include "app/context.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "core/huge_page_malloc.h"
#include "store/open.h"

namespace junheng::app {
namespace {
std::string g_data_dir;
}

void SetDataDir(std::string dir) { g_data_dir = std::move(dir); }

namespace {
char** g_argv = nullptr;
}  // namespace

void KeepCommandLine(char** argv) { g_argv = argv; }

void RunOnHugePages() {
  if (g_argv != nullptr) RerunWithHugePageMalloc(g_argv);
}

std::string DataDir() {
  if (!g_data_dir.empty()) return g_data_dir;
  if (const char* env = std::getenv("JUNHENG_DATA_DIR"); env && *env) return env;
  return JUNHENG_DATA_DIR;
}

Timestamp Now() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp{std::chrono::duration_cast<std::chrono::seconds>(now).count()};
}

Date Today() {
  if (const char* env = std::getenv("JUNHENG_TODAY"); env && *env) {
    auto d = Date::Parse(env);
    if (!d) throw CommandError(fmt::format("JUNHENG_TODAY: {}", d.error().message));
    return *d;
  }
  return Now().ShanghaiDate();
}

std::unique_ptr<store::Store> OpenStore(const std::string& db, bool create) {
  if (!create && !store::IsPostgresTarget(db) && !std::filesystem::exists(db))
    throw CommandError(fmt::format("there is no database at {}; create one with `junheng init --db {}`", db, db));
  return OrDie(store::OpenStore(db, store::OpenOptions{.create_if_missing = create}));
}

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

void DrawProgress(std::string_view label, int64_t done, int64_t total) {
  constexpr int kWidth = 30;
  const double f = total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 0.0;
  const int filled = static_cast<int>(f * kWidth);
  fmt::print(stderr, "\r[{}{}] {:3.0f}%  {}", std::string(static_cast<size_t>(filled), '='),
             std::string(static_cast<size_t>(kWidth - filled), ' '), f * 100, label);
  if (total > 0 && done >= total) fmt::print(stderr, "\n");
  std::fflush(stderr);
}

}  // namespace junheng::app
