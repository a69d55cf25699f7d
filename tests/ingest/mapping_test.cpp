// tests/ingest/mapping_test.cpp: mapping files, binding, applying.
#include "ingest/mapping.h"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/row_reader.h"

namespace junheng::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The non-empty fields of one applied row, by name.
std::map<std::string, std::string> NonEmpty(const FieldValues& f) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < kFieldCount; ++i)
    if (!f[i].empty()) out.emplace(std::string(FieldName(static_cast<Field>(i))), std::string(f[i]));
  return out;
}

TEST(MappingTest, ExampleMappingReadsTheSampleExport) {
  auto mapping = Mapping::Load(JUNHENG_DATA_DIR "/mappings/public_security_hukou.toml");
  ASSERT_TRUE(mapping.has_value()) << mapping.error().message;
  EXPECT_EQ(mapping->kind(), RecordKind::kEvent);
  EXPECT_EQ(mapping->source(), "public_security");
  auto reader = OpenRowReader(JUNHENG_CASES_DIR "/ingest/public_security_hukou_sample.csv");
  ASSERT_TRUE(reader.has_value()) << reader.error().message;
  auto bound = mapping->Bind((*reader)->header());
  ASSERT_TRUE(bound.has_value()) << bound.error().message;
  EXPECT_THAT(bound->ignored_columns(), ElementsAre("民族", "登记机关"));

  using Fields = std::map<std::string, std::string>;
  const std::vector<Fields> expected = {
      {{"event_id", "GA2024000101"}, {"source", "public_security"}, {"type", "birth"},
       {"date", "2024-03-05"}, {"recorded_at", "2024-03-07T09:15:00"}, {"person_id", "P1410020000101"},
       {"division", "141002001001"}, {"mother_id", "P1410020000050"}, {"father_id", "P1410020000051"},
       {"citizen_id", "14100220240305002X"}, {"name", "张小雨"}, {"sex", "2"}, {"birth_date", "2024-03-05"}},
      {{"event_id", "GA2024000102"}, {"source", "public_security"}, {"type", "death"},
       {"date", "2024-04-11"}, {"recorded_at", "2024-04-12T14:30:00"}, {"person_id", "P1410020000023"},
       {"division", "141002003002"}, {"citizen_id", "141002193801220010"}, {"name", "王德顺"},
       {"sex", "1"}, {"birth_date", "1938-01-22"}},
      {{"event_id", "GA2024000103"}, {"source", "public_security"}, {"type", "move_in"},
       {"date", "2024-05-20"}, {"recorded_at", "2024-05-21T10:02:00"}, {"person_id", "P1410210000311"},
       {"division", "141021100201"}, {"other_place", "140105"}, {"citizen_id", "140105199508170043"},
       {"name", "李娜"}, {"sex", "2"}, {"birth_date", "1995-08-17"}},
      {{"event_id", "GA2024000104"}, {"source", "public_security"}, {"type", "move_out"},
       {"date", "2024-06-02"}, {"recorded_at", "2024-06-02T16:45:00"}, {"person_id", "P1410220000177"},
       {"division", "141022001003"}, {"other_place", "110105"}, {"citizen_id", "14102219880930003X"},
       {"name", "赵刚"}, {"sex", "1"}, {"birth_date", "1988-09-30"}},
      {{"event_id", "GA2024000105"}, {"source", "public_security"}, {"type", "move"},
       {"date", "2024-07-15"}, {"recorded_at", "2024-07-16T08:20:00"}, {"person_id", "P1410020000412"},
       {"division", "141081002004"}, {"citizen_id", "141002199001010063"}, {"name", "陈静"},
       {"sex", "2"}, {"birth_date", "1990-01-01"}},
      // An unknown code passes through, so validation names it.
      {{"event_id", "GA2024000106"}, {"source", "public_security"}, {"type", "户口注销"},
       {"date", "2024-08-01"}, {"recorded_at", "2024-08-01T11:00:00"}, {"person_id", "P1410020000500"},
       {"division", "141002001001"}, {"citizen_id", "141002197505050019"}, {"name", "刘洋"},
       {"sex", "1"}, {"birth_date", "1975-05-05"}},
  };
  Row row;
  FieldValues fields;
  size_t i = 0;
  while ((*reader)->Next(row)) {
    ASSERT_LT(i, expected.size());
    EXPECT_EQ(row.error, "") << row.raw;
    bound->Apply(row, fields);
    EXPECT_EQ(NonEmpty(fields), expected[i]) << "line " << row.line << ": " << row.raw;
    ++i;
  }
  EXPECT_EQ(i, expected.size());
}

TEST(MappingTest, FormatsAndValuesPassThroughWhatTheyDoNotKnow) {
  auto mapping = Mapping::Parse(R"(
kind = "persons"
[columns]
person_id = "id"
sex = "xb"
birth_date = "csrq"
[values.sex]
"M" = "1"
[formats]
birth_date = "%d.%m.%Y"
[constants]
ethnicity = "01"
)", "test.toml");
  ASSERT_TRUE(mapping.has_value()) << mapping.error().message;
  auto bound = mapping->Bind({"xb", "extra", "csrq", "id"});
  ASSERT_TRUE(bound.has_value()) << bound.error().message;
  EXPECT_THAT(bound->ignored_columns(), ElementsAre("extra"));
  struct Case {
    std::vector<std::string> values;  // xb, extra, csrq, id
    std::string sex, birth_date;
  };
  const Case cases[] = {
      {{"M", "", "5.3.2024", "p1"}, "1", "2024-03-05"},
      {{"X", "", "31.12.1999", "p1"}, "X", "1999-12-31"},
      {{"M", "", "2024-03-05", "p1"}, "1", "2024-03-05"},  // not the pattern: unchanged
      {{"M", "", "32.1.2024", "p1"}, "1", "32.1.2024"},    // out of range: unchanged
      {{"", "", "", "p1"}, "", ""},
      {{"M"}, "1", ""},                                    // a short row
  };
  Row row;
  FieldValues f;
  for (const Case& c : cases) {
    row.values = c.values;
    bound->Apply(row, f);
    const std::string trace = ::testing::PrintToString(c.values);
    EXPECT_EQ(f[static_cast<size_t>(Field::kSex)], c.sex) << trace;
    EXPECT_EQ(f[static_cast<size_t>(Field::kBirthDate)], c.birth_date) << trace;
    EXPECT_EQ(f[static_cast<size_t>(Field::kEthnicity)], "01") << trace;
    EXPECT_EQ(f[static_cast<size_t>(Field::kSource)], "") << trace;
  }
}

TEST(MappingTest, RejectsBadMappingFiles) {
  struct Case {
    std::string toml;
    std::string error;
  };
  const Case cases[] = {
      {"[columns]\nevent_idd = \"x\"\n", "\"event_idd\", which is not a field"},
      {"[columns]\nevent_id = \"x\"\n[values.typ]\n\"a\" = \"b\"\n", "\"typ\", which is not a field"},
      {"[columns]\nevent_id = \"x\"\n[formats]\ndat = \"%Y\"\n", "\"dat\", which is not a field"},
      {"[columns]\nevent_id = \"x\"\n[constants]\nsorce = \"x\"\n", "\"sorce\", which is not a field"},
      {"[columns]\nevent_id = \"x\"\n[formats]\ndate = \"%Y%q\"\n", "%q"},
      {"[columns]\nevent_id = \"x\"\n[formats]\ndate = \"%Y%m\"\n", "must contain %Y, %m and %d"},
      {"kind = \"people\"\n[columns]\nevent_id = \"x\"\n", "kind must be"},
      {"source = \"police\"\n[columns]\nevent_id = \"x\"\n", "source must be one of"},
      {"[columns]\nevent_id = \"x\"\n[constants]\nevent_id = \"y\"\n", "both a column and a constant"},
      {"[columns]\nevent_id = [1]\n", "must be text"},
      {"[colums]\nevent_id = \"x\"\n", "unknown entry \"colums\""},
      {"kind = \"events\"\n", "maps no column"},
      {"[columns\n", "not valid TOML at line 1"},
  };
  for (const Case& c : cases) {
    auto mapping = Mapping::Parse(c.toml, "dept.toml");
    ASSERT_FALSE(mapping.has_value()) << c.toml;
    EXPECT_EQ(mapping.error().code, ErrorCode::kInvalidArgument) << c.toml;
    EXPECT_THAT(mapping.error().message, HasSubstr(c.error)) << c.toml;
    EXPECT_THAT(mapping.error().message, HasSubstr("dept.toml")) << c.toml;
  }
  auto missing = Mapping::Load("/nonexistent/junheng_mapping.toml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_THAT(missing.error().message, HasSubstr("/nonexistent/junheng_mapping.toml"));
}

TEST(MappingTest, BindNamesAMissingColumn) {
  auto mapping = Mapping::Parse("[columns]\nevent_id = \"事件编号\"\ntype = \"变动类型\"\n", "gaj.toml");
  ASSERT_TRUE(mapping.has_value());
  auto bound = mapping->Bind({"事件编号", "类型"});
  ASSERT_FALSE(bound.has_value());
  EXPECT_THAT(bound.error().message, HasSubstr("no column \"变动类型\""));
  EXPECT_THAT(bound.error().message, HasSubstr("gaj.toml"));
  // Lenient binding for JSON Lines: the missing column yields empty values.
  auto lenient = mapping->Bind({"事件编号"}, /*require_all_columns=*/false);
  ASSERT_TRUE(lenient.has_value());
  EXPECT_EQ(lenient->header_size(), 1u);
}

TEST(MappingTest, IdentityMapsExchangeColumnsAndIgnoresOthers) {
  const Mapping identity = Mapping::Identity(RecordKind::kEvent);
  EXPECT_EQ(identity.kind(), RecordKind::kEvent);
  auto bound = identity.Bind({"event_id", "备注", "type", "date"});
  ASSERT_TRUE(bound.has_value());
  EXPECT_THAT(bound->ignored_columns(), ElementsAre("备注"));
  Row row;
  row.values = {"E1", "note", "birth", "2024-01-02"};
  FieldValues f;
  bound->Apply(row, f);
  EXPECT_EQ(f[static_cast<size_t>(Field::kEventId)], "E1");
  EXPECT_EQ(f[static_cast<size_t>(Field::kType)], "birth");
  EXPECT_EQ(f[static_cast<size_t>(Field::kDate)], "2024-01-02");
  EXPECT_EQ(f[static_cast<size_t>(Field::kSource)], "");
}

TEST(ReformatDateTest, RewritesMatchingValues) {
  struct Case {
    std::string pattern, value, expected;  // expected "" = no match
  };
  const Case cases[] = {
      {"%Y%m%d", "20240305", "2024-03-05"},
      {"%Y%m%d", "2024035", "2024-03-05"},
      {"%Y%m%d", "202403051", ""},
      {"%Y/%m/%d %H:%M", "2024/3/7 9:05", "2024-03-07T09:05:00"},
      {"%Y/%m/%d %H:%M", "2024/03/07", ""},
      {"%Y-%m-%dT%H:%M:%S", "2024-03-07T24:00:00", ""},
      {"%Y年%m月%d日", "2024年3月5日", "2024-03-05"},
      {"%d/%m/%Y", "05/13/2024", ""},
  };
  for (const Case& c : cases) {
    auto m = Mapping::Parse("[columns]\ndate = \"d\"\n[formats]\ndate = \"" + c.pattern + "\"\n", "t");
    ASSERT_TRUE(m.has_value()) << c.pattern << ": " << m.error().message;
    auto b = m->Bind({"d"});
    ASSERT_TRUE(b.has_value());
    Row row;
    row.values = {c.value};
    FieldValues f;
    b->Apply(row, f);
    const std::string want = c.expected.empty() ? c.value : c.expected;
    EXPECT_EQ(f[static_cast<size_t>(Field::kDate)], want) << c.pattern << " on " << c.value;
  }
}

}  // namespace
}  // namespace junheng::ingest
