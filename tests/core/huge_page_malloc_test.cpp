#include "core/huge_page_malloc.h"

#include <gtest/gtest.h>

namespace junheng {
namespace {

constexpr const char* kMadvise = "always [madvise] never";

TEST(HugePageMallocTest, AddsTheTunableOnce) {
  constexpr const char* kBoth = "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1";
  EXPECT_EQ(HugePageTunables(nullptr, nullptr, kMadvise), kBoth);
  EXPECT_EQ(HugePageTunables("", nullptr, "[always] madvise never"), kBoth);
  EXPECT_EQ(HugePageTunables("glibc.malloc.tcache_count=0", nullptr, kMadvise),
            std::string("glibc.malloc.tcache_count=0:") + kBoth);
  // Other tunables are kept, and the user's arena_max wins.
  EXPECT_EQ(HugePageTunables("glibc.malloc.arena_max=2", nullptr, kMadvise),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
  // Named already, by the first run or by the user (even as 0): never again.
  EXPECT_EQ(HugePageTunables("glibc.malloc.hugetlb=1", nullptr, kMadvise), std::nullopt);
  EXPECT_EQ(HugePageTunables("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=0", nullptr, kMadvise), std::nullopt);
}

TEST(HugePageMallocTest, StaysOffWhenAskedOrWhenTheKernelHasNone) {
  EXPECT_EQ(HugePageTunables(nullptr, "0", kMadvise), std::nullopt);
  EXPECT_EQ(HugePageTunables(nullptr, "1", kMadvise), "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1");
  EXPECT_EQ(HugePageTunables(nullptr, nullptr, "always madvise [never]"), std::nullopt);
  EXPECT_EQ(HugePageTunables(nullptr, nullptr, ""), std::nullopt);  // no such file: an old or odd kernel
}

}  // namespace
}  // namespace junheng
