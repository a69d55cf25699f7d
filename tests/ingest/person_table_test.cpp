#include "ingest/person_table.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>
#include <random>

namespace junheng::ingest {
namespace {

LifeState Born(int32_t days) {
  LifeState s;
  s.birth_days = days;
  return s;
}

TEST(PersonTableTest, FindsWhatWasAddedAndNothingElse) {
  PersonTable t;
  EXPECT_EQ(t.Find("LF000000001"), nullptr);
  t["LF000000001"] = Born(100);
  t["LF000000002"] = std::nullopt;  // known not to be in the register
  ASSERT_NE(t.Find("LF000000001"), nullptr);
  EXPECT_EQ((*t.Find("LF000000001"))->birth_days, 100);
  ASSERT_NE(t.Find("LF000000002"), nullptr);
  EXPECT_FALSE(t.Find("LF000000002")->has_value());
  EXPECT_EQ(t.Find("LF000000003"), nullptr);
  EXPECT_EQ(t.Find("LF00000000"), nullptr);  // a prefix is another id
  EXPECT_EQ(t.size(), 2u);
}

TEST(PersonTableTest, EmplaceKeepsAnEntryThatIsThere) {
  PersonTable t;
  t.Emplace("a", Born(1));
  t.Emplace("a", Born(2));
  t["b"] = std::nullopt;
  t.Emplace("b", Born(3));  // an entry, though empty: kept as it is
  EXPECT_EQ((*t.Find("a"))->birth_days, 1);
  EXPECT_FALSE(t.Find("b")->has_value());
  EXPECT_EQ(t.size(), 2u);
}

// Entries keep their addresses while the table grows past many rehashes and
// chunks, and every id maps to its own entry, as in a std::map.
TEST(PersonTableTest, EntriesStayPutAndAgreeWithAMapAcrossGrowth) {
  PersonTable t;
  std::map<std::string, int32_t> want;
  std::vector<std::pair<std::string, PersonTable::Entry*>> addresses;
  std::mt19937 rng(7);
  for (int i = 0; i < 50000; ++i) {
    // Ids of different lengths, some longer than std::string keeps inline.
    std::string id = i % 3 == 0 ? fmt::format("LF{:09}", rng() % 100000)
                                : fmt::format("long-person-id-from-a-department-{}", rng() % 100000);
    PersonTable::Entry& e = t[id];
    if (!want.contains(id)) {
      want[id] = i;
      e = Born(i);
      addresses.emplace_back(id, &e);
    }
  }
  EXPECT_EQ(t.size(), want.size());
  for (const auto& [id, days] : want) {
    PersonTable::Entry* e = t.Find(id);
    ASSERT_NE(e, nullptr) << id;
    EXPECT_EQ((*e)->birth_days, days) << id;
  }
  for (const auto& [id, address] : addresses) EXPECT_EQ(t.Find(id), address) << id;
  t.Clear();
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.Find(addresses.front().first), nullptr);
  t.Reserve(1000);
  t["x"] = Born(9);
  EXPECT_EQ((*t.Find("x"))->birth_days, 9);
}

}  // namespace
}  // namespace junheng::ingest
