// The person index: one lookup and many lookups at a time agree, and the
// allocator behind its arrays keeps their contents as they grow past a huge page.
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "analytics/huge_pages.h"
#include "analytics/person_index.h"

namespace junheng::analytics {
namespace {

TEST(PersonIndexTest, FindAllAgreesWithFindOverALargeIndex) {
  PersonIndex index;
  constexpr uint32_t kIds = 300000;  // a table of several huge pages
  for (uint32_t i = 0; i < kIds; ++i) ASSERT_TRUE(index.Add(fmt::format("P{:07}", i * 7)));
  EXPECT_FALSE(index.Add("P0000007")) << "an id already here is refused";

  std::vector<std::string> texts;
  for (uint32_t i = 0; i < 50000; ++i) texts.push_back(fmt::format("P{:07}", (i * 7919) % (kIds * 7)));
  texts.push_back("");                  // empty
  texts.push_back("P0000000");          // the first
  texts.push_back("P0000000");          // asked twice
  texts.push_back("P00000000");         // a longer id with the same start
  texts.push_back("Q0000007");          // a different first letter
  std::vector<std::string_view> ids(texts.begin(), texts.end());
  std::vector<uint32_t> found(ids.size(), 12345);
  index.FindAll(ids, found);
  size_t hits = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_EQ(found[i], index.Find(ids[i])) << ids[i];
    if (found[i] != PersonIndex::kMissing) {
      ++hits;
      EXPECT_EQ(index.IdOf(found[i]), ids[i]);
    }
  }
  // Every seventh number is an id: about a seventh of the questions find one.
  EXPECT_GT(hits, 50000u / 7 - 200);
  EXPECT_LT(hits, 50000u / 7 + 200);
  EXPECT_EQ(found[ids.size() - 4], 0u);
  EXPECT_EQ(found[ids.size() - 3], 0u);
  EXPECT_EQ(found[ids.size() - 2], PersonIndex::kMissing);
  EXPECT_EQ(found[ids.size() - 1], PersonIndex::kMissing);
}

TEST(PersonIndexTest, FindAllOnAnEmptyIndexFindsNothing) {
  PersonIndex index;
  std::vector<std::string_view> ids = {"A", "B"};
  std::vector<uint32_t> found(2, 0);
  index.FindAll(ids, found);
  EXPECT_EQ(found, (std::vector<uint32_t>{PersonIndex::kMissing, PersonIndex::kMissing}));
}

TEST(HugePagesTest, LargeArraysAreAlignedAndKeepTheirContentsAsTheyGrow) {
  HugeVector<uint64_t> v;
  for (uint64_t i = 0; i < 1000; ++i) v.push_back(i * i);  // small: the ordinary heap
  for (uint64_t i = 1000; i < 3000000; ++i) v.push_back(i * i);  // 24 MB, regrown several times
  EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data()) % kHugePage, 0u);
  for (uint64_t i = 0; i < v.size(); i += 9973) ASSERT_EQ(v[i], i * i);
  EXPECT_EQ(v.back(), uint64_t{2999999} * 2999999);
  v.resize(100);
  v.shrink_to_fit();  // back to the ordinary heap
  EXPECT_EQ(v[99], 99u * 99u);
  HugeVector<char> text(kHugePage + 1, 'x');  // just over one huge page: two are mapped
  text.back() = 'y';
  EXPECT_EQ(text[kHugePage - 1], 'x');
  EXPECT_EQ(text[kHugePage], 'y');
}

}  // namespace
}  // namespace junheng::analytics
