// tests/ingest/normalize_test.cpp: name normalisation for record linkage.
#include "ingest/normalize.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace junheng::ingest {
namespace {

TEST(NormalizeNameTest, MakesSpellingsOfOneNameEqual) {
  ASSERT_TRUE(InitNameNormalizer().has_value()) << InitNameNormalizer().error().message;
  struct Case {
    std::string_view input, expected;
  };
  const Case cases[] = {
      {"臨汾", "临汾"},
      {"張偉", "张伟"},
      {"张伟", "张伟"},
      {"Ｌｉ", "LI"},
      {"Ｌｉ　Ｍｉｎｇ", "LIMING"},       // full-width letters and ideographic space
      {" 王  芳 ", "王芳"},
      {"王\t芳\n", "王芳"},
      {"li ming", "LIMING"},
      {"阿依古丽·买买提", "阿依古丽·买买提"},
      {"阿依古丽•买买提", "阿依古丽·买买提"},
      {"阿依古丽・买买提", "阿依古丽·买买提"},
      {"阿依古丽‧买买提", "阿依古丽·买买提"},
      {"阿依古丽･买买提", "阿依古丽·买买提"},
      {"阿依古丽\u2219买买提", "阿依古丽·买买提"},
      {"阿依古麗 · 買買提", "阿依古丽·买买提"},
      {"ＡＢＣ１２３", "ABC123"},
      {"", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NormalizeName(c.input), c.expected) << "input: \"" << c.input << "\"";
    EXPECT_EQ(NormalizeName(c.input), c.expected) << "input (cached): \"" << c.input << "\"";
  }
}

TEST(NormalizeTextTest, KeepsOneSpaceBetweenWords) {
  struct Case {
    std::string_view input, expected;
  };
  const Case cases[] = {
      {"  臨汾市　堯都區  解放路 ", "临汾市 尧都区 解放路"},
      {"Ｒｏｏｍ １", "Room 1"},
  };
  for (const Case& c : cases)
    EXPECT_EQ(NormalizeText(c.input), c.expected) << "input: \"" << c.input << "\"";
}

TEST(NormalizeNameTest, IsThreadSafe) {
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 2000; ++i) {
        if (NormalizeName("張偉") != "张伟") ++failures[t];
        if (NormalizeName("劉" + std::to_string(i)) != "刘" + std::to_string(i)) ++failures[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace junheng::ingest
