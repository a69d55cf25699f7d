#include "demo/csv_sink.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "demo_sinks.h"

namespace junheng::demo {
namespace {

TEST(CsvSinkTest, QuotesOnlyWhatNeedsQuoting) {
  struct Case { std::string_view in, out; };
  const Case cases[] = {{"abc", "abc"}, {"a,b", "\"a,b\""}, {"say \"hi\"", "\"say \"\"hi\"\"\""},
                        {"two\nlines", "\"two\nlines\""}, {"", ""}, {"王芳", "王芳"}};
  for (const Case& c : cases) {
    std::string out;
    AppendCsvField(out, c.in);
    EXPECT_EQ(out, c.out) << c.in;
  }
}

TEST(CsvSinkTest, WritesTheThreeFilesWithHeaders) {
  const std::string dir = (std::filesystem::temp_directory_path() / "junheng_demo_csv_test").string();
  std::filesystem::remove_all(dir);
  auto sink = OpenCsvSink(dir);
  ASSERT_TRUE(sink.has_value()) << sink.error().message;
  auto stats = GenerateDemoCity(TestOptions(0.001), **sink);
  ASSERT_TRUE(stats.has_value()) << stats.error().message;
  sink->reset();
  const auto lines = [&](const std::string& name) {
    std::ifstream in(dir + "/" + name);
    std::string first, line;
    std::getline(in, first);
    int64_t n = 0;
    while (std::getline(in, line)) ++n;
    return std::make_pair(first, n);
  };
  EXPECT_EQ(lines("divisions.csv").first, "code,name,level,parent_code,urban_rural\r");
  EXPECT_EQ(lines("divisions.csv").second, 2503);
  EXPECT_EQ(lines("persons.csv").second, stats->persons);
  EXPECT_EQ(lines("events.csv").second, stats->events);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace junheng::demo
