// tests/core/division_test.cpp: division codes and the division tree (core/division.h).
#include "core/division.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace junheng {
namespace {

// Real codes from data/linfen-divisions.csv.
constexpr std::string_view kProvince = "140000000000";  // 山西省
constexpr std::string_view kCity = "141000000000";      // 临汾市
constexpr std::string_view kCounty = "141002000000";    // 尧都区
constexpr std::string_view kTownship = "141002001000";  // 解放路街道
constexpr std::string_view kVillage = "141002001001";   // 商会社区居委会
constexpr std::string_view kSiblingTownship = "141002002000";  // 鼓楼西街街道
constexpr std::string_view kSiblingVillage = "141002002001";

DivisionCode C(std::string_view text) {
  auto c = DivisionCode::Parse(text);
  EXPECT_TRUE(c.has_value()) << "test setup: bad code " << text;
  return c.value_or(DivisionCode());
}

std::string LevelName(DivisionLevel l) { return std::to_string(static_cast<int>(l)); }

TEST(DivisionCodeTest, ParseAcceptsTwelveDigitsWithAProvince) {
  struct Case {
    std::string_view text;
    bool valid;
  };
  const Case cases[] = {
      {"140000000000", true},
      {"141002001001", true},
      {"990000000000", true},
      {"010000000000", true},   // province 01: no such province today, but the form is right
      {"14100200100", false},   // 11 digits
      {"1410020010011", false}, // 13 digits
      {"14100200100A", false},  // a letter
      {"14100200l001", false},
      {"000000000000", false},  // no province part
      {"001002001001", false},  // province 00
      {"", false},
      {"141002 01001", false},
      {"-41002001001", false},
      {"+41002001001", false},
      {"１41002001001", false},  // a full-width digit (multi-byte)
  };
  for (const Case& c : cases) {
    auto code = DivisionCode::Parse(c.text);
    EXPECT_EQ(code.has_value(), c.valid) << "DivisionCode::Parse(\"" << c.text << "\")";
    if (code) {
      EXPECT_EQ(code->ToString(), c.text) << c.text;
      EXPECT_FALSE(code->empty()) << c.text;
    } else {
      EXPECT_EQ(code.error().code, ErrorCode::kInvalidArgument) << c.text;
    }
  }
}

TEST(DivisionCodeTest, LevelFollowsTheZeroPadding) {
  struct Case {
    std::string_view code;
    DivisionLevel level;
  };
  const Case cases[] = {
      {kProvince, DivisionLevel::kProvince}, {kCity, DivisionLevel::kCity},
      {kCounty, DivisionLevel::kCounty},     {kTownship, DivisionLevel::kTownship},
      {kVillage, DivisionLevel::kVillage},   {"141002100000", DivisionLevel::kTownship},
      {"141002001200", DivisionLevel::kVillage},  // village 200: trailing zeros are not padding
      {"141002010000", DivisionLevel::kTownship}, {"141100000000", DivisionLevel::kCity},
      {"141010000000", DivisionLevel::kCounty},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(LevelName(C(c.code).level()), LevelName(c.level)) << c.code;
  }
}

TEST(DivisionCodeTest, ParentChainClimbsOneLevelAtATime) {
  const std::string_view chain[] = {kVillage, kTownship, kCounty, kCity, kProvince};
  for (size_t i = 0; i + 1 < std::size(chain); ++i) {
    EXPECT_EQ(C(chain[i]).parent().ToString(), chain[i + 1]) << "parent of " << chain[i];
  }
  EXPECT_TRUE(C(kProvince).parent().empty()) << "a province has no parent";
  EXPECT_TRUE(DivisionCode().empty());
}

TEST(DivisionCodeTest, AncestorAtEachLevel) {
  struct Case {
    std::string_view code;
    DivisionLevel level;
    std::string_view ancestor;
  };
  const Case cases[] = {
      {kVillage, DivisionLevel::kVillage, kVillage},
      {kVillage, DivisionLevel::kTownship, kTownship},
      {kVillage, DivisionLevel::kCounty, kCounty},
      {kVillage, DivisionLevel::kCity, kCity},
      {kVillage, DivisionLevel::kProvince, kProvince},
      {kTownship, DivisionLevel::kCounty, kCounty},
      {kCounty, DivisionLevel::kProvince, kProvince},
      // Asking for a lower level than the code's own gives the code itself.
      {kCounty, DivisionLevel::kVillage, kCounty},
      {kProvince, DivisionLevel::kTownship, kProvince},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(C(c.code).AncestorAt(c.level).ToString(), c.ancestor)
        << c.code << ".AncestorAt(" << LevelName(c.level) << ")";
  }
}

TEST(DivisionCodeTest, ContainsIsThePrefixTest) {
  struct Case {
    std::string_view outer, inner;
    bool contains;
  };
  const Case cases[] = {
      {kTownship, kVillage, true},
      {kCounty, kVillage, true},
      {kCity, kVillage, true},
      {kProvince, kVillage, true},
      {kVillage, kVillage, true},  // a unit contains itself
      {kCounty, kTownship, true},
      {kSiblingTownship, kVillage, false},
      {kTownship, kSiblingVillage, false},
      {kVillage, kTownship, false},  // the small does not contain the large
      {kCounty, kCity, false},
      {kVillage, kSiblingVillage, false},
      {"141003000000", kVillage, false},  // another county
      {"141100000000", kVillage, false},  // another city
      {"150000000000", kVillage, false},  // another province
      {kCity, "141099999999", true},      // the last code inside the city
      {kCity, "141100000000", false},     // the first code after it
  };
  for (const Case& c : cases) {
    EXPECT_EQ(C(c.outer).Contains(C(c.inner)), c.contains) << c.outer << ".Contains(" << c.inner << ")";
  }
}

TEST(DivisionCodeTest, RangeCoversExactlyTheUnitsInside) {
  struct Case {
    std::string_view code;
    uint64_t first, last;
  };
  const Case cases[] = {
      {kProvince, 140000000000ULL, 149999999999ULL}, {kCity, 141000000000ULL, 141099999999ULL},
      {kCounty, 141002000000ULL, 141002999999ULL},   {kTownship, 141002001000ULL, 141002001999ULL},
      {kVillage, 141002001001ULL, 141002001001ULL},
  };
  for (const Case& c : cases) {
    const DivisionCode code = C(c.code);
    EXPECT_EQ(code.RangeFirst(), c.first) << c.code;
    EXPECT_EQ(code.RangeLast(), c.last) << c.code;
  }
}

TEST(DivisionCodeTest, CountyPartAndValue) {
  EXPECT_EQ(C(kVillage).CountyPart(), "141002");
  EXPECT_EQ(C(kCity).CountyPart(), "141000");
  EXPECT_EQ(C(kVillage).value(), 141002001001ULL);
  EXPECT_EQ(DivisionCode::FromValue(141002001001ULL), C(kVillage));
  EXPECT_LT(C(kCounty), C(kTownship));
}

// Reads data/linfen-divisions.csv: code,name,level,parent_code,urban_rural (no quoting).
std::vector<Division> ReadDivisionsCsv(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<Division> out;
  std::string line;
  std::getline(in, line);  // header
  EXPECT_EQ(line, "code,name,level,parent_code,urban_rural") << path;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    if (!line.empty() && line.back() == ',') f.push_back("");
    if (f.size() != 5) {
      ADD_FAILURE() << path << ":" << line_no << " has " << f.size() << " fields: " << line;
      continue;
    }
    Division d;
    auto code = DivisionCode::Parse(f[0]);
    if (!code) {
      ADD_FAILURE() << path << ":" << line_no << ": " << code.error().message;
      continue;
    }
    d.code = *code;
    d.name = f[1];
    d.level = static_cast<DivisionLevel>(std::stoi(f[2]));
    if (!f[3].empty()) {
      auto parent = DivisionCode::Parse(f[3]);
      if (!parent) {
        ADD_FAILURE() << path << ":" << line_no << ": " << parent.error().message;
        continue;
      }
      d.parent = *parent;
    }
    d.urban_rural = f[4];
    out.push_back(std::move(d));
  }
  return out;
}

TEST(DivisionTreeTest, BuildsTheLinfenTreeFromTheDataFile) {
  auto divisions = ReadDivisionsCsv(JUNHENG_DATA_DIR "/linfen-divisions.csv");
  ASSERT_EQ(divisions.size(), 2503u);
  auto tree = DivisionTree::Build(std::move(divisions));
  ASSERT_TRUE(tree.has_value()) << tree.error().message;
  EXPECT_EQ(tree->size(), 2503u);

  struct Case {
    DivisionLevel level;
    size_t count;
  };
  const Case cases[] = {{DivisionLevel::kProvince, 1},  {DivisionLevel::kCity, 1},
                        {DivisionLevel::kCounty, 17},   {DivisionLevel::kTownship, 158},
                        {DivisionLevel::kVillage, 2326}};
  for (const Case& c : cases) {
    const auto at = tree->AtLevel(c.level);
    EXPECT_EQ(at.size(), c.count) << "divisions at level " << LevelName(c.level);
    for (size_t i = 1; i < at.size(); ++i) {
      EXPECT_LT(at[i - 1]->code, at[i]->code) << "AtLevel(" << LevelName(c.level) << ") not sorted at " << i;
    }
  }

  for (size_t i = 1; i < tree->all().size(); ++i) {
    ASSERT_LT(tree->all()[i - 1].code, tree->all()[i].code) << "all() not sorted at " << i;
  }

  // Every village's ancestors are in the tree, each one level up, and are its parent chain.
  int villages = 0;
  for (const Division* v : tree->AtLevel(DivisionLevel::kVillage)) {
    ++villages;
    DivisionCode code = v->code;
    EXPECT_EQ(v->parent, code.parent()) << "village " << code.ToString() << " " << v->name;
    for (int level = 4; level >= 1; --level) {
      const DivisionCode ancestor = v->code.AncestorAt(static_cast<DivisionLevel>(level));
      const Division* a = tree->Find(ancestor);
      ASSERT_NE(a, nullptr) << "village " << v->code.ToString() << " has no ancestor " << ancestor.ToString();
      EXPECT_EQ(static_cast<int>(a->level), level) << ancestor.ToString();
      EXPECT_TRUE(a->code.Contains(v->code)) << ancestor.ToString() << " / " << v->code.ToString();
    }
  }
  EXPECT_EQ(villages, 2326);

  const Division* yaodu = tree->Find(C(kCounty));
  ASSERT_NE(yaodu, nullptr);
  EXPECT_EQ(yaodu->name, "尧都区");
  EXPECT_EQ(yaodu->parent, C(kCity));
  EXPECT_TRUE(tree->Has(C(kVillage)));
  EXPECT_FALSE(tree->Has(C("141002001999")));
  EXPECT_FALSE(tree->Has(DivisionCode()));
  EXPECT_EQ(tree->Find(C("150000000000")), nullptr);

  EXPECT_EQ(tree->Children(C(kCity)).size(), 17u) << "counties of 临汾市";
  EXPECT_EQ(tree->Children(C(kTownship)).size(), 6u) << "communities of 解放路街道";
  EXPECT_TRUE(tree->Children(C(kVillage)).empty());
  for (const Division* child : tree->Children(C(kCounty))) {
    EXPECT_EQ(child->level, DivisionLevel::kTownship) << child->code.ToString();
    EXPECT_TRUE(C(kCounty).Contains(child->code)) << child->code.ToString();
  }
}

Division Div(std::string_view code, DivisionLevel level, std::string_view parent) {
  Division d;
  d.code = C(code);
  d.name = std::string("unit ") + std::string(code);
  d.level = level;
  if (!parent.empty()) d.parent = C(parent);
  return d;
}

std::vector<Division> SmallTree() {
  return {Div(kProvince, DivisionLevel::kProvince, ""),
          Div(kCity, DivisionLevel::kCity, kProvince),
          Div(kCounty, DivisionLevel::kCounty, kCity),
          Div(kTownship, DivisionLevel::kTownship, kCounty),
          Div(kSiblingTownship, DivisionLevel::kTownship, kCounty),
          Div(kVillage, DivisionLevel::kVillage, kTownship),
          Div(kSiblingVillage, DivisionLevel::kVillage, kSiblingTownship)};
}

TEST(DivisionTreeTest, BuildRejectsInconsistentLists) {
  struct Case {
    std::string_view name;
    std::vector<Division> extra;  // added to SmallTree()
  };
  const Case cases[] = {
      {"duplicate code", {Div(kVillage, DivisionLevel::kVillage, kTownship)}},
      {"missing parent", {Div("141002003001", DivisionLevel::kVillage, "141002003000")}},
      {"level disagrees with the code (village code, township level)",
       {Div("141002001002", DivisionLevel::kTownship, kCounty)}},
      {"level disagrees with the code (county code, village level)",
       {Div("141003000000", DivisionLevel::kVillage, kCity)}},
      {"parent does not contain the unit", {Div("141002001002", DivisionLevel::kVillage, kSiblingTownship)}},
      {"parent is below the unit", {Div("141002003000", DivisionLevel::kTownship, kVillage)}},
      {"parent is a level above the unit's own parent (village under a county)",
       {Div("141002001002", DivisionLevel::kVillage, kCounty)}},
      {"parent is the unit itself", {Div("141002001002", DivisionLevel::kVillage, "141002001002")}},
  };
  {
    auto ok = DivisionTree::Build(SmallTree());
    ASSERT_TRUE(ok.has_value()) << "the base list must build: " << ok.error().message;
    EXPECT_EQ(ok->size(), SmallTree().size());
  }
  for (const Case& c : cases) {
    std::vector<Division> list = SmallTree();
    list.insert(list.end(), c.extra.begin(), c.extra.end());
    auto tree = DivisionTree::Build(std::move(list));
    ASSERT_FALSE(tree.has_value()) << c.name << ": Build accepted the list";
    EXPECT_EQ(tree.error().code, ErrorCode::kInvalidArgument) << c.name;
    EXPECT_NE(tree.error().message.find(c.extra.front().code.ToString()), std::string::npos)
        << c.name << ": the message should name the offending code: " << tree.error().message;
  }
}

TEST(DivisionTreeTest, BuildAcceptsAnyOrderAndSortsByCode) {
  std::vector<Division> list = SmallTree();
  std::reverse(list.begin(), list.end());
  auto tree = DivisionTree::Build(std::move(list));
  ASSERT_TRUE(tree.has_value()) << tree.error().message;
  ASSERT_EQ(tree->all().size(), 7u);
  EXPECT_EQ(tree->all().front().code, C(kProvince));
  EXPECT_EQ(tree->all().back().code, C(kSiblingVillage));
  const Division* v = tree->Find(C(kVillage));
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->name, std::string("unit ") + std::string(kVillage));
}

}  // namespace
}  // namespace junheng
