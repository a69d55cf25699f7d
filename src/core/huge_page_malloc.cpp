#include "core/huge_page_malloc.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace junheng {

std::optional<std::string> HugePageTunables(const char* tunables, const char* junheng_huge_pages,
                                            const std::string& kernel_setting) {
  static constexpr std::string_view kTunable = "glibc.malloc.hugetlb";
  std::string out = tunables == nullptr ? "" : tunables;
  if (out.find(kTunable) != std::string::npos) return std::nullopt;
  if (junheng_huge_pages != nullptr && std::string_view(junheng_huge_pages) == "0") return std::nullopt;
  // "always [madvise] never": the bracket marks the setting in force.
  if (kernel_setting.empty() || kernel_setting.find("[never]") != std::string::npos) return std::nullopt;
  if (!out.empty()) out += ':';
  out += kTunable;
  out += "=1";
  // A thread's own arena lives in heaps of its own that the tunable does not
  // put on huge pages (a streaming import's writer thread faulted in 14,000
  // small pages): all threads share the main arena, unless the user says else.
  if (out.find("glibc.malloc.arena_max") == std::string::npos) out += ":glibc.malloc.arena_max=1";
  return out;
}

void RerunWithHugePageMalloc(char** argv) {
  std::string kernel;
  std::getline(std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled"), kernel);
  const char* now = std::getenv("GLIBC_TUNABLES");
  const std::optional<std::string> tunables = HugePageTunables(now, std::getenv("JUNHENG_HUGE_PAGES"), kernel);
  if (!tunables) return;
  const std::string before = now == nullptr ? "" : now;
  if (setenv("GLIBC_TUNABLES", tunables->c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Could not run again (no /proc, say): go on with ordinary pages, and do not
  // hand the tunable to programs this one may start.
  if (now == nullptr) {
    unsetenv("GLIBC_TUNABLES");
  } else {
    setenv("GLIBC_TUNABLES", before.c_str(), 1);
  }
}

}  // namespace junheng
