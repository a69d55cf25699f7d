// fuzz/fuzz_check.h: what the fuzz targets share.
//
// A target asserts properties of what it parsed, not only that parsing returns.
// FUZZ_CHECK prints the property and the file:line, then aborts: libFuzzer saves
// the input as a crash file and scripts/fuzz.sh fails.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(cond, detail)                                                                  \
  do {                                                                                            \
    if (!(cond)) ::junheng::fuzz::CheckFailed(#cond, __FILE__, __LINE__, (detail));              \
  } while (0)

namespace junheng::fuzz {

[[noreturn]] inline void CheckFailed(const char* what, const char* file, int line, std::string_view detail) {
  std::fprintf(stderr, "\nFUZZ_CHECK failed at %s:%d: %s\n  %.*s\n", file, line, what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Splits `text` at the first line that is exactly `separator` (e.g. "%%"):
// the part before and the part after. Without one, everything is `first`.
inline void SplitAtLine(std::string_view text, std::string_view separator, std::string_view& first,
                        std::string_view& second) {
  const std::string marker = "\n" + std::string(separator) + "\n";
  const size_t at = text.find(marker);
  if (at == std::string_view::npos) {
    first = text;
    second = {};
    return;
  }
  first = text.substr(0, at + 1);
  second = text.substr(at + marker.size());
}

}  // namespace junheng::fuzz
