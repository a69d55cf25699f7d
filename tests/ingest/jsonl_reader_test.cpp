// tests/ingest/jsonl_reader_test.cpp: JSON Lines reading, value text, error rows.
#include "ingest/jsonl_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/read_all.h"

namespace junheng::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using testing::ReadResult;

ReadResult ReadAll(std::string content) { return testing::ReadAllRows(OpenJsonlReaderFromString(std::move(content))); }

TEST(JsonlReaderTest, ValuesBecomeText) {
  struct Case {
    std::string line;
    std::string expected;  // the value of "v"
  };
  const Case cases[] = {
      {R"({"v":"text"})", "text"},
      {R"({"v":1})", "1"},
      {R"({"v":-12})", "-12"},
      {R"({"v":2.5})", "2.5"},
      {R"({"v":1e3})", "1e3"},
      {R"({"v":true})", "1"},
      {R"({"v":false})", "0"},
      {R"({"v":null})", ""},
      {R"({"v":""})", ""},
      {R"({ "v" : "a\"b\\c\/d\n" })", "a\"b\\c/d\n"},
      {R"({"v":"\u5f20\u4f1f"})", "张伟"},
      {R"({"v":"\ud842\udfb7"})", "\xF0\xA0\xAE\xB7"},  // 𠮷, a surrogate pair
      {R"({"v":"临汾"})", "临汾"},
  };
  for (const Case& c : cases) {
    ReadResult r = ReadAll(c.line + "\n");
    ASSERT_EQ(r.rows.size(), 1u) << c.line;
    EXPECT_EQ(r.rows[0].error, "") << c.line;
    EXPECT_THAT(r.rows[0].values, ElementsAre(c.expected)) << c.line;
    EXPECT_EQ(r.rows[0].raw, c.line);
  }
}

TEST(JsonlReaderTest, MalformedLinesAreErrorRows) {
  struct Case {
    std::string line;
    std::string error;
  };
  const Case cases[] = {
      {R"({"v":{"x":1}})", "nested object or list"},
      {R"({"v":[1,2]})", "nested object or list"},
      {R"([1,2])", "not a JSON object"},
      {R"("text")", "not a JSON object"},
      {R"({"v":1,})", "not valid JSON"},
      {R"({"v":01})", "not valid JSON"},
      {R"({"v":tru})", "not valid JSON"},
      {R"({"v":"open})", "not valid JSON"},
      {R"({"v":1} x)", "text after the closing"},
      {R"({v:1})", "not valid JSON"},
      {R"({"v":1,"v":2})", "appears twice"},
      {R"({"v":"\ud800"})", "not valid JSON"},
      {"{\"v\":\"\xFF\"}", "not valid UTF-8"},
  };
  for (const Case& c : cases) {
    ReadResult r = ReadAll("{\"v\":\"first\"}\n" + c.line + "\n{\"v\":\"after\"}\n");
    ASSERT_EQ(r.rows.size(), 3u) << c.line;
    EXPECT_THAT(r.rows[1].error, HasSubstr(c.error)) << c.line;
    EXPECT_EQ(r.rows[1].line, 2) << c.line;
    EXPECT_EQ(r.rows[1].raw, c.line);
    EXPECT_EQ(r.rows[2].error, "") << c.line;
    EXPECT_EQ(r.rows[2].line, 3) << c.line;
    EXPECT_THAT(r.rows[2].values, ElementsAre("after")) << c.line;
  }
}

TEST(JsonlReaderTest, HeaderGrowsWithNewKeys) {
  auto reader = OpenJsonlReaderFromString(
      "\xEF\xBB\xBF{\"b\":1,\"a\":2}\r\n\n   \n{\"a\":3,\"c\":\"x\"}\n{\"c\":\"y\",\"b\":4}");
  ASSERT_TRUE(reader.has_value());
  RowReader& r = **reader;
  EXPECT_THAT(r.header(), ElementsAre("b", "a"));  // known before the first Next
  Row row;
  ASSERT_TRUE(r.Next(row));
  EXPECT_EQ(row.line, 1);
  EXPECT_EQ(row.raw, "{\"b\":1,\"a\":2}");
  EXPECT_THAT(row.values, ElementsAre("1", "2"));
  ASSERT_TRUE(r.Next(row));
  EXPECT_EQ(row.line, 4);
  EXPECT_THAT(r.header(), ElementsAre("b", "a", "c"));
  EXPECT_THAT(row.values, ElementsAre("", "3", "x"));
  ASSERT_TRUE(r.Next(row));
  EXPECT_EQ(row.line, 5);
  EXPECT_THAT(row.values, ElementsAre("4", "", "y"));
  EXPECT_FALSE(r.Next(row));
  EXPECT_EQ(r.bytes_read(), r.total_bytes());
}

TEST(JsonlReaderTest, EmptyInputHasNoRows) {
  for (std::string input : {"", "\n\n", "\xEF\xBB\xBF"}) {
    ReadResult r = ReadAll(input);
    EXPECT_TRUE(r.header.empty());
    EXPECT_TRUE(r.rows.empty());
  }
}

}  // namespace
}  // namespace junheng::ingest
