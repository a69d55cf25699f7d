// tests/ingest/csv_reader_test.cpp: RFC 4180 reading, error rows, line numbers.
#include "ingest/csv_reader.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/read_all.h"

#include "ingest/row_reader.h"

namespace junheng::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using testing::ReadResult;

ReadResult ReadAll(std::string content) { return testing::ReadAllRows(OpenCsvReaderFromString(std::move(content))); }

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out.push_back(c);
  }
  return out;
}

TEST(CsvReaderTest, ReadsWellFormedRows) {
  struct Case {
    std::string input;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> values;
    std::vector<int64_t> lines;
    std::vector<std::string> raws;
  };
  const Case cases[] = {
      {"a,b\n1,2\n", {"a", "b"}, {{"1", "2"}}, {2}, {"1,2"}},
      {"a,b\n1,2", {"a", "b"}, {{"1", "2"}}, {2}, {"1,2"}},                 // no final newline
      {"a,b\r\n1,2\r\n3,4\r\n", {"a", "b"}, {{"1", "2"}, {"3", "4"}}, {2, 3}, {"1,2", "3,4"}},
      {"\xEF\xBB\xBF" "a,b\n1,2\n", {"a", "b"}, {{"1", "2"}}, {2}, {"1,2"}},  // BOM
      {" a , b\t\n1,2\n", {"a", "b"}, {{"1", "2"}}, {2}, {"1,2"}},          // header trimmed
      {"a,b\n\n1,2\n\r\n  \n3,4\n\n", {"a", "b"}, {{"1", "2"}, {"3", "4"}}, {3, 6}, {"1,2", "3,4"}},
      {"a,b\n\"x,y\",2\n", {"a", "b"}, {{"x,y", "2"}}, {2}, {"\"x,y\",2"}},
      {"a,b\n\"say \"\"hi\"\"\",2\n", {"a", "b"}, {{"say \"hi\"", "2"}}, {2}, {"\"say \"\"hi\"\"\",2"}},
      {"a,b\n\"l1\nl2\",2\n3,4\n", {"a", "b"}, {{"l1\nl2", "2"}, {"3", "4"}}, {2, 4},
       {"\"l1\nl2\",2", "3,4"}},
      {"a,b\r\n\"l1\r\nl2\r\nl3\",2\r\n3,4\r\n", {"a", "b"}, {{"l1\r\nl2\r\nl3", "2"}, {"3", "4"}},
       {2, 5}, {"\"l1\r\nl2\r\nl3\",2", "3,4"}},
      {"a,b\n,\n1,\n", {"a", "b"}, {{"1", ""}}, {3}, {"1,"}},  // a row of only commas is skipped
      {"a,b\n\"\",\"\"\n", {"a", "b"}, {{"", ""}}, {2}, {"\"\",\"\""}},
      {"a,b\n\"1\",\"2\"", {"a", "b"}, {{"1", "2"}}, {2}, {"\"1\",\"2\""}},
      {"名,区划\n张伟,141002\n", {"名", "区划"}, {{"张伟", "141002"}}, {2}, {"张伟,141002"}},
      {"a,b\n1 ,x\ry\n", {"a", "b"}, {{"1 ", "x\ry"}}, {2}, {"1 ,x\ry"}},  // blanks and inner CR kept
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("input: " + Escape(c.input));
    ReadResult r = ReadAll(c.input);
    EXPECT_EQ(r.header, c.header);
    ASSERT_EQ(r.rows.size(), c.values.size());
    for (size_t i = 0; i < r.rows.size(); ++i) {
      EXPECT_EQ(r.rows[i].error, "") << "row " << i;
      EXPECT_EQ(r.rows[i].values, c.values[i]) << "row " << i;
      EXPECT_EQ(r.rows[i].line, c.lines[i]) << "row " << i;
      EXPECT_EQ(r.rows[i].raw, c.raws[i]) << "row " << i;
    }
  }
}

TEST(CsvReaderTest, MalformedRowsAreErrorRowsAndReadingGoesOn) {
  struct Case {
    std::string input;
    std::string error;  // expected substring of the first row's error
    int64_t next_line;  // line of the good row after it (0: none)
  };
  const Case cases[] = {
      {"a,b,c\n1,2,3,4\n5,6,7\n", "has 4 fields, the header has 3", 3},
      {"a,b,c\n1,2\n5,6,7\n", "has 2 fields, the header has 3", 3},
      {"a,b,c\n1,x\"y,3\n5,6,7\n", "Field 2 contains a quote", 3},
      {"a,b,c\n1,\"x\"y,3\n5,6,7\n", "Field 2 has text after its closing quote", 3},
      {"a,b,c\n1,2,\xFF\xFE\n5,6,7\n", "not valid UTF-8", 3},
      {"a,b,c\n1,2,\xC0\x80\n5,6,7\n", "not valid UTF-8", 3},  // overlong
      {"a,b,c\n1,2,\"open\n5,6,7\n", "never closed", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("input: " + Escape(c.input));
    ReadResult r = ReadAll(c.input);
    ASSERT_GE(r.rows.size(), 1u);
    EXPECT_THAT(r.rows[0].error, HasSubstr(c.error));
    EXPECT_EQ(r.rows[0].line, 2);
    EXPECT_EQ(r.rows[0].values.size(), 3u);
    if (c.next_line != 0) {
      ASSERT_EQ(r.rows.size(), 2u);
      EXPECT_EQ(r.rows[1].error, "");
      EXPECT_EQ(r.rows[1].line, c.next_line);
      EXPECT_THAT(r.rows[1].values, ElementsAre("5", "6", "7"));
    } else {
      EXPECT_EQ(r.rows.size(), 1u);
    }
  }
}

TEST(CsvReaderTest, MissingCellsAreEmpty) {
  ReadResult r = ReadAll("a,b,c\n1\n");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_THAT(r.rows[0].values, ElementsAre("1", "", ""));
}

TEST(CsvReaderTest, RejectsBadHeaders) {
  struct Case {
    std::string input;
    std::string error;
  };
  const Case cases[] = {
      {"", "is empty"},
      {"\n\n", "is empty"},
      {"a,b,a\n1,2,3\n", "names the column \"a\" twice"},
      {"a, b ,b\n", "names the column \"b\" twice"},
      {"\"a,b\n", "malformed"},
      {"a,\xFF\n", "not valid UTF-8"},
  };
  for (const Case& c : cases) {
    auto reader = OpenCsvReaderFromString(c.input, "upload.csv");
    ASSERT_FALSE(reader.has_value()) << "input: " << Escape(c.input);
    EXPECT_EQ(reader.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(reader.error().message, HasSubstr(c.error)) << "input: " << Escape(c.input);
  }
}

TEST(CsvReaderTest, ReadsALargeFileFromDiskWithProgress) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("csv_reader_test_" + std::to_string(::getpid()) + ".csv");
  constexpr int kRows = 200'000;
  {
    std::ofstream out(path, std::ios::binary);
    out << "event_id,type,date,note\r\n";
    for (int i = 0; i < kRows; ++i) {
      out << "E" << i << ",birth,2024-01-0" << (i % 9 + 1) << ",";
      if (i % 1000 == 0) out << "\"multi\r\nline\"";
      else out << "n" << i;
      out << "\r\n";
    }
  }
  auto reader = OpenRowReader(path.string());
  ASSERT_TRUE(reader.has_value()) << reader.error().message;
  EXPECT_EQ((*reader)->bytes_read() > 0, true);
  Row row;
  int count = 0;
  int64_t expected_line = 2;
  while ((*reader)->Next(row)) {
    ASSERT_EQ(row.error, "") << "line " << row.line;
    ASSERT_EQ(row.line, expected_line) << "row " << count;
    ASSERT_EQ(row.values[0], "E" + std::to_string(count));
    expected_line += (count % 1000 == 0) ? 2 : 1;
    ++count;
  }
  EXPECT_EQ(count, kRows);
  EXPECT_EQ((*reader)->bytes_read(), (*reader)->total_bytes());
  EXPECT_EQ((*reader)->total_bytes(), static_cast<int64_t>(std::filesystem::file_size(path)));
  std::filesystem::remove(path);
}

TEST(RowReaderTest, ChoosesTheFormat) {
  const auto dir = std::filesystem::temp_directory_path();
  struct Case {
    std::string name;
    std::string content;
    std::vector<std::string> header;
  };
  const Case cases[] = {
      {"f.csv", "{a},b\n1,2\n", {"{a}", "b"}},          // extension wins over content
      {"f.jsonl", "{\"a\":1,\"b\":2}\n", {"a", "b"}},
      {"f.ndjson", "{\"a\":1}\n", {"a"}},
      {"f.txt", "\xEF\xBB\xBF  \n{\"x\":1}\n", {"x"}},  // content: '{' → JSON Lines
      {"f.txt", "x,y\n1,2\n", {"x", "y"}},
  };
  for (const Case& c : cases) {
    const auto path = dir / ("row_reader_test_" + std::to_string(::getpid()) + "_" + c.name);
    { std::ofstream(path, std::ios::binary) << c.content; }
    auto reader = OpenRowReader(path.string());
    ASSERT_TRUE(reader.has_value()) << c.name << ": " << reader.error().message;
    EXPECT_EQ((*reader)->header(), c.header) << c.name << ": " << Escape(c.content);
    std::filesystem::remove(path);
  }
  auto missing = OpenRowReader((dir / "no_such_file_junheng.csv").string());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto bad = OpenRowReaderFromString("a\n", "xlsx");
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.error().message, HasSubstr("xlsx"));
}

TEST(RowReaderTest, DetectsTheKind) {
  struct Case {
    std::vector<std::string> header;
    std::optional<RecordKind> kind;
    std::string error;
  };
  const Case cases[] = {
      {{"event_id", "source", "type", "date"}, RecordKind::kEvent, ""},
      {{"person_id", "name", "birth_date"}, RecordKind::kPerson, ""},
      {{"citizen_id", "birth_date"}, RecordKind::kPerson, ""},
      {{"code", "name", "level", "parent_code"}, RecordKind::kDivision, ""},
      {{"event_id", "date"}, std::nullopt, "lacks the column type"},
      {{"person_id", "name"}, std::nullopt, "lacks the column birth_date"},
      {{"code", "name"}, std::nullopt, "lacks the column level"},
      {{"姓名", "性别"}, std::nullopt, "no known kind"},
  };
  for (const Case& c : cases) {
    auto kind = DetectKind(c.header);
    const std::string trace = ::testing::PrintToString(c.header);
    if (c.kind) {
      ASSERT_TRUE(kind.has_value()) << trace << ": " << kind.error().message;
      EXPECT_EQ(*kind, *c.kind) << trace;
    } else {
      ASSERT_FALSE(kind.has_value()) << trace;
      EXPECT_THAT(kind.error().message, HasSubstr(c.error)) << trace;
    }
  }
}

}  // namespace
}  // namespace junheng::ingest
