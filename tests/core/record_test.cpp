// tests/core/record_test.cpp: single-record validation of divisions, persons and
// events (core/record.h). Each rule is broken by one table row built from a valid
// base record, and the row's reasons must be exactly the ones expected.
#include "core/record.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace junheng {
namespace {

using Change = std::pair<Field, std::string>;

// The first 17 digits plus their check character.
std::string WithCheck(std::string_view first17) {
  return std::string(first17) + CitizenIdCheckChar(first17);
}

// A male born 1990-01-01 (17th digit 3).
const std::string kPersonCitizenId = WithCheck("14100219900101003");

Date D(std::string_view text) {
  auto d = Date::Parse(text);
  EXPECT_TRUE(d.has_value()) << "test setup: bad date " << text;
  return d.value_or(Date());
}

ParseOptions Options(std::string_view default_source = "") {
  return ParseOptions{D("2024-06-30"), default_source};
}

// One record's text, owned, with a readable dump for failure messages.
class Row {
 public:
  Row& Set(Field f, std::string v) {
    s_[static_cast<size_t>(f)] = std::move(v);
    return *this;
  }
  Row& Apply(const std::vector<Change>& changes) {
    for (const auto& [f, v] : changes) Set(f, v);
    return *this;
  }
  FieldValues View() const {
    FieldValues out;
    for (size_t i = 0; i < kFieldCount; ++i) out[i] = s_[i];
    return out;
  }
  std::string Describe() const {
    std::string out = "{";
    for (size_t i = 0; i < kFieldCount; ++i) {
      if (s_[i].empty()) continue;
      if (out.size() > 1) out += ", ";
      out += std::string(FieldName(static_cast<Field>(i))) + "=\"" + s_[i] + "\"";
    }
    return out + "}";
  }

 private:
  std::array<std::string, kFieldCount> s_;
};

std::string Describe(const std::vector<Change>& changes) {
  std::string out;
  for (const auto& [f, v] : changes) {
    if (!out.empty()) out += ", ";
    out += std::string(FieldName(f)) + "=\"" + v + "\"";
  }
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out = "[";
  for (const auto& s : v) out += (out.size() > 1 ? ", " : "") + s;
  return out + "]";
}

std::vector<std::string> Codes(const std::vector<Reason>& reasons) {
  std::vector<std::string> out;
  for (const Reason& r : reasons) out.push_back(r.code);
  std::sort(out.begin(), out.end());
  return out;
}

// Every reason names a real field, the one its code starts with (parent.self is
// reported on mother_id), and says something to a person.
void ExpectReasonsWellFormed(const std::vector<Reason>& reasons, const std::string& input) {
  for (const Reason& r : reasons) {
    EXPECT_TRUE(FieldFromName(r.field).has_value()) << r.code << ": unknown field " << r.field << " for " << input;
    const std::string prefix = r.code.substr(0, r.code.find('.'));
    const std::string expected_field = prefix == "parent" ? "mother_id" : prefix;
    EXPECT_EQ(r.field, expected_field) << r.code << " for " << input;
    EXPECT_FALSE(r.message.empty()) << r.code << " for " << input;
  }
}

void ExpectCodes(const std::vector<Reason>& reasons, std::vector<std::string> expected, std::string_view what,
                 const std::string& input) {
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Codes(reasons), expected) << what << "\n  input: " << input << "\n  got " << Join(Codes(reasons))
                                      << ", expected " << Join(expected);
  ExpectReasonsWellFormed(reasons, input);
}

// ---------------------------------------------------------------- divisions

Row ValidDivision() {
  Row r;
  r.Set(Field::kCode, "141002001001")
      .Set(Field::kName, "商会社区居委会")
      .Set(Field::kLevel, "5")
      .Set(Field::kParentCode, "141002001000")
      .Set(Field::kUrbanRural, "111");
  return r;
}

TEST(ParseDivisionTest, ValidDivisionsParse) {
  struct Case {
    std::vector<Change> changes;
  };
  const Case cases[] = {
      {{}},
      {{{Field::kUrbanRural, ""}}},
      {{{Field::kCode, "140000000000"}, {Field::kLevel, "1"}, {Field::kParentCode, ""}, {Field::kUrbanRural, ""}}},
      {{{Field::kCode, "141002000000"}, {Field::kLevel, "3"}, {Field::kParentCode, "141000000000"}}},
      {{{Field::kUrbanRural, "220"}}},
      {{{Field::kLevel, " 5 "}}},  // surrounding blanks are trimmed
  };
  for (const Case& c : cases) {
    Row row = ValidDivision();
    row.Apply(c.changes);
    auto parsed = ParseDivision(row.View());
    ExpectCodes(parsed.reasons, {}, "a valid division", row.Describe());
  }
  Row row = ValidDivision();
  auto parsed = ParseDivision(row.View());
  EXPECT_EQ(parsed.value.code.ToString(), "141002001001");
  EXPECT_EQ(parsed.value.name, "商会社区居委会");
  EXPECT_EQ(parsed.value.level, DivisionLevel::kVillage);
  EXPECT_EQ(parsed.value.parent.ToString(), "141002001000");
  EXPECT_EQ(parsed.value.urban_rural, "111");
}

TEST(ParseDivisionTest, EachRuleGivesItsReason) {
  struct Case {
    std::vector<Change> changes;
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {{{Field::kCode, ""}}, {"code.missing"}},
      {{{Field::kCode, "14100200100"}}, {"code.invalid"}},
      {{{Field::kCode, "000000000000"}}, {"code.invalid"}},
      {{{Field::kName, ""}}, {"name.missing"}},
      {{{Field::kName, "   "}}, {"name.missing"}},
      {{{Field::kLevel, ""}}, {"level.missing"}},
      {{{Field::kLevel, "6"}}, {"level.invalid"}},
      {{{Field::kLevel, "0"}}, {"level.invalid"}},
      {{{Field::kLevel, "village"}}, {"level.invalid"}},
      {{{Field::kLevel, "5.0"}}, {"level.invalid"}},
      {{{Field::kParentCode, "14100200100X"}}, {"parent_code.invalid"}},
      {{{Field::kUrbanRural, "999"}}, {"urban_rural.invalid"}},
      {{{Field::kUrbanRural, "11"}}, {"urban_rural.invalid"}},
      {{{Field::kLevel, "4"}}, {"level.mismatch"}},
      // Several rules at once: every reason, not just the first.
      {{{Field::kCode, ""}, {Field::kName, ""}, {Field::kLevel, "9"}, {Field::kParentCode, "x"},
        {Field::kUrbanRural, "000"}},
       {"code.missing", "name.missing", "level.invalid", "parent_code.invalid", "urban_rural.invalid"}},
  };
  for (const Case& c : cases) {
    Row row = ValidDivision();
    row.Apply(c.changes);
    auto parsed = ParseDivision(row.View());
    ExpectCodes(parsed.reasons, c.expected, Describe(c.changes), row.Describe());
    EXPECT_FALSE(parsed.ok()) << row.Describe();
  }
}

// ---------------------------------------------------------------- persons

Row ValidPerson() {
  Row r;
  r.Set(Field::kPersonId, "P1")
      .Set(Field::kCitizenId, kPersonCitizenId)
      .Set(Field::kName, "张三")
      .Set(Field::kSex, "1")
      .Set(Field::kBirthDate, "1990-01-01")
      .Set(Field::kEthnicity, "01")
      .Set(Field::kHukouDivision, "141002001001")
      .Set(Field::kMotherId, "M1")
      .Set(Field::kFatherId, "F1")
      .Set(Field::kHouseholdId, "H1")
      .Set(Field::kPhone, "13812345678");
  return r;
}

TEST(ParsePersonTest, ValidPersonsParse) {
  struct Case {
    std::vector<Change> changes;
  };
  const Case cases[] = {
      {{}},
      // Only what is required.
      {{{Field::kCitizenId, ""}, {Field::kEthnicity, ""}, {Field::kHukouDivision, ""}, {Field::kMotherId, ""},
        {Field::kFatherId, ""}, {Field::kHouseholdId, ""}, {Field::kPhone, ""}}},
      // No person_id, but a citizen_id to link by.
      {{{Field::kPersonId, ""}}},
      {{{Field::kEthnicity, "56"}}},
      {{{Field::kEthnicity, "97"}}},
      {{{Field::kEthnicity, "98"}}},
      {{{Field::kHukouDivision, "110105000000"}}},  // outside the city, at any level
      {{{Field::kPhone, "+86 138-1234-5678"}}},
      {{{Field::kPhone, "0357-2345678"}}},
      {{{Field::kPhone, "1234567"}}},
      {{{Field::kPersonId, std::string(32, 'p')}}},
      {{{Field::kHouseholdId, std::string(64, 'h')}}},
      {{{Field::kBirthDate, "2024-06-30"}, {Field::kCitizenId, WithCheck("14100220240630003")}}},  // born today
      {{{Field::kCitizenId, WithCheck("11010519491231002").substr(0, 17) + "x"},
        {Field::kSex, "2"},
        {Field::kBirthDate, "1949-12-31"}}},  // lowercase x
  };
  for (const Case& c : cases) {
    Row row = ValidPerson();
    row.Apply(c.changes);
    auto parsed = ParsePerson(row.View(), Options());
    ExpectCodes(parsed.reasons, {}, "a valid person", row.Describe());
  }
}

TEST(ParsePersonTest, ParsedValuesAreTyped) {
  Row row = ValidPerson();
  row.Set(Field::kName, " 张三 ");
  auto parsed = ParsePerson(row.View(), Options());
  ASSERT_TRUE(parsed.ok()) << Join(Codes(parsed.reasons));
  const Person& p = parsed.value;
  EXPECT_EQ(p.person_id, "P1");
  EXPECT_EQ(p.citizen_id, kPersonCitizenId);
  EXPECT_EQ(p.name, "张三");
  EXPECT_EQ(p.sex, Sex::kMale);
  EXPECT_EQ(p.birth_date, D("1990-01-01"));
  EXPECT_EQ(p.ethnicity, "01");
  EXPECT_EQ(p.hukou_division.ToString(), "141002001001");
  EXPECT_EQ(p.mother_id, "M1");
  EXPECT_EQ(p.father_id, "F1");
  EXPECT_EQ(p.household_id, "H1");
  EXPECT_EQ(p.phone, "13812345678");

  Row lower = ValidPerson();
  lower.Set(Field::kCitizenId, "11010519491231002x").Set(Field::kSex, "2").Set(Field::kBirthDate, "1949-12-31");
  auto normalised = ParsePerson(lower.View(), Options());
  ASSERT_TRUE(normalised.ok()) << Join(Codes(normalised.reasons));
  EXPECT_EQ(normalised.value.citizen_id, "11010519491231002X") << "a final x is upper-cased";
}

TEST(ParsePersonTest, EachRuleGivesItsReason) {
  struct Case {
    std::vector<Change> changes;
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {{{Field::kPersonId, std::string(33, 'p')}}, {"person_id.too_long"}},
      {{{Field::kName, ""}}, {"name.missing"}},
      {{{Field::kSex, ""}}, {"sex.missing"}},
      {{{Field::kSex, "3"}}, {"sex.invalid"}},
      {{{Field::kSex, "M"}}, {"sex.invalid"}},
      {{{Field::kSex, "0"}}, {"sex.invalid"}},
      {{{Field::kBirthDate, ""}}, {"birth_date.missing"}},
      {{{Field::kBirthDate, "1990-02-30"}}, {"birth_date.invalid"}},
      {{{Field::kBirthDate, "1990/01/01"}}, {"birth_date.invalid"}},
      {{{Field::kBirthDate, "2024-07-01"}, {Field::kCitizenId, WithCheck("14100220240701003")}},
       {"birth_date.future"}},
      {{{Field::kCitizenId, kPersonCitizenId.substr(0, 17) + (kPersonCitizenId[17] == '0' ? "1" : "0")}},
       {"citizen_id.invalid"}},
      {{{Field::kCitizenId, "141002900101003"}}, {"citizen_id.invalid"}},  // 15 digits
      {{{Field::kBirthDate, "1990-01-02"}}, {"citizen_id.birth_date_mismatch"}},
      {{{Field::kSex, "2"}}, {"citizen_id.sex_mismatch"}},
      {{{Field::kPersonId, ""}, {Field::kCitizenId, ""}}, {"person_id.missing"}},
      {{{Field::kEthnicity, "57"}}, {"ethnicity.invalid"}},
      {{{Field::kEthnicity, "00"}}, {"ethnicity.invalid"}},
      {{{Field::kEthnicity, "1"}}, {"ethnicity.invalid"}},
      {{{Field::kEthnicity, "Han"}}, {"ethnicity.invalid"}},
      {{{Field::kEthnicity, "99"}}, {"ethnicity.invalid"}},
      {{{Field::kHukouDivision, "1410020010"}}, {"hukou_division.invalid"}},
      {{{Field::kMotherId, std::string(33, 'm')}}, {"mother_id.too_long"}},
      {{{Field::kFatherId, std::string(33, 'f')}}, {"father_id.too_long"}},
      {{{Field::kHouseholdId, std::string(65, 'h')}}, {"household_id.too_long"}},
      {{{Field::kMotherId, "P1"}}, {"parent.self"}},
      {{{Field::kFatherId, "P1"}}, {"parent.self"}},
      {{{Field::kPhone, "12345"}}, {"phone.invalid"}},        // too few digits
      {{{Field::kPhone, "1234567890123456"}}, {"phone.invalid"}},  // too many
      {{{Field::kPhone, "138-1234-567a"}}, {"phone.invalid"}},
      {{{Field::kPhone, "138+12345678"}}, {"phone.invalid"}},  // + only at the start
      // Several rules at once: every reason, not just the first.
      {{{Field::kPersonId, std::string(40, 'p')},
        {Field::kName, ""},
        {Field::kSex, "9"},
        {Field::kBirthDate, "1990-13-01"},
        {Field::kCitizenId, "12345"},
        {Field::kEthnicity, "77"},
        {Field::kHukouDivision, "abc"},
        {Field::kHouseholdId, std::string(70, 'h')},
        {Field::kPhone, "phone"}},
       {"person_id.too_long", "name.missing", "sex.invalid", "birth_date.invalid", "citizen_id.invalid",
        "ethnicity.invalid", "hukou_division.invalid", "household_id.too_long", "phone.invalid"}},
      {{{Field::kBirthDate, "1991-01-01"}, {Field::kSex, "2"}},
       {"citizen_id.birth_date_mismatch", "citizen_id.sex_mismatch"}},
  };
  for (const Case& c : cases) {
    Row row = ValidPerson();
    row.Apply(c.changes);
    auto parsed = ParsePerson(row.View(), Options());
    ExpectCodes(parsed.reasons, c.expected, Describe(c.changes), row.Describe());
  }
}

// ---------------------------------------------------------------- events

// A valid event of each type, recorded the day after it happened.
Row ValidEvent(EventType type) {
  Row r;
  r.Set(Field::kEventId, "E1")
      .Set(Field::kSource, "health")
      .Set(Field::kType, std::string(EventTypeName(type)))
      .Set(Field::kDate, "2024-03-01")
      .Set(Field::kRecordedAt, "2024-03-02T10:00:00+08:00")
      .Set(Field::kPersonId, "P1")
      .Set(Field::kDivision, "141002001001");
  switch (type) {
    case EventType::kBirth:
      r.Set(Field::kMotherId, "M1")
          .Set(Field::kFatherId, "F1")
          .Set(Field::kBirthOrder, "1")
          .Set(Field::kPlurality, "1")
          .Set(Field::kWeightG, "3200")
          .Set(Field::kGestationWeeks, "39");
      break;
    case EventType::kDeath:
      r.Set(Field::kCause, "I21.9").Set(Field::kMaternal, "0");
      break;
    case EventType::kMoveIn:
      r.Set(Field::kOtherPlace, "110105");
      break;
    case EventType::kMoveOut:
      r.Set(Field::kOtherPlace, "USA");
      break;
    case EventType::kMarriage:
    case EventType::kDivorce:
      r.Set(Field::kSpouseId, "P2").Set(Field::kDivision, "141002000000");  // registered at the county
      break;
    default:
      break;
  }
  return r;
}

constexpr EventType kAllTypes[] = {EventType::kEnumerate, EventType::kBirth,   EventType::kDeath,
                                   EventType::kMoveIn,    EventType::kMoveOut, EventType::kMove,
                                   EventType::kMarriage,  EventType::kDivorce};

TEST(ParseEventTest, ValidEventsOfEveryTypeParse) {
  for (EventType type : kAllTypes) {
    Row row = ValidEvent(type);
    auto parsed = ParseEvent(row.View(), Options());
    ExpectCodes(parsed.reasons, {}, EventTypeName(type), row.Describe());
    EXPECT_EQ(parsed.value.type, type) << row.Describe();
    EXPECT_EQ(parsed.value.event_id, "E1") << row.Describe();
    EXPECT_EQ(parsed.value.person_id, "P1") << row.Describe();
    EXPECT_EQ(parsed.value.date, D("2024-03-01")) << row.Describe();
    EXPECT_EQ(parsed.value.recorded_at.ToUtcString(), "2024-03-02T02:00:00Z") << row.Describe();
    EXPECT_TRUE(parsed.value.link.empty()) << row.Describe();
  }
}

TEST(ParseEventTest, OptionalFieldsMayStayEmpty) {
  struct Case {
    EventType type;
    std::vector<Change> changes;
  };
  const Case cases[] = {
      {EventType::kBirth,
       {{Field::kMotherId, ""}, {Field::kFatherId, ""}, {Field::kPlurality, ""}, {Field::kWeightG, ""},
        {Field::kGestationWeeks, ""}}},
      {EventType::kDeath, {{Field::kCause, ""}, {Field::kMaternal, ""}}},
      {EventType::kMoveIn, {{Field::kOtherPlace, ""}}},
      {EventType::kMoveOut, {{Field::kOtherPlace, "141002"}}},
      {EventType::kBirth, {{Field::kBirthOrder, "30"}, {Field::kPlurality, "9"}, {Field::kWeightG, "200"},
                           {Field::kWeightG, "8000"}, {Field::kGestationWeeks, "18"}}},
      {EventType::kBirth, {{Field::kGestationWeeks, "48"}, {Field::kWeightG, "200"}}},
      {EventType::kDeath, {{Field::kCause, "O72"}, {Field::kMaternal, "1"}}},
      {EventType::kDeath, {{Field::kCause, "I21.91"}}},
      {EventType::kEnumerate, {{Field::kEventId, std::string(64, 'e')}, {Field::kSource, "census"}}},
      {EventType::kMove, {{Field::kDate, "2024-06-30"}, {Field::kRecordedAt, "2024-06-30T09:00:00+08:00"}}},
      {EventType::kEnumerate, {{Field::kRecordedAt, "2024-03-01"}}},  // bare date on the event day
      // Linkage fields on an event with a person_id are ignored, whatever they say.
      {EventType::kEnumerate, {{Field::kCitizenId, "garbage"}, {Field::kSex, "9"}}},
  };
  for (const Case& c : cases) {
    Row row = ValidEvent(c.type);
    row.Apply(c.changes);
    auto parsed = ParseEvent(row.View(), Options());
    ExpectCodes(parsed.reasons, {}, EventTypeName(c.type), row.Describe());
  }
}

TEST(ParseEventTest, TypedValuesOfABirthAndADeath) {
  auto birth = ParseEvent(ValidEvent(EventType::kBirth).View(), Options());
  ASSERT_TRUE(birth.ok()) << Join(Codes(birth.reasons));
  EXPECT_EQ(birth.value.mother_id, "M1");
  EXPECT_EQ(birth.value.father_id, "F1");
  EXPECT_EQ(birth.value.birth_order, 1);
  EXPECT_EQ(birth.value.plurality, 1);
  EXPECT_EQ(birth.value.weight_g, 3200);
  EXPECT_EQ(birth.value.gestation_weeks, 39);
  EXPECT_EQ(birth.value.maternal, -1);
  EXPECT_EQ(birth.value.division.ToString(), "141002001001");

  auto death = ParseEvent(ValidEvent(EventType::kDeath).View(), Options());
  ASSERT_TRUE(death.ok()) << Join(Codes(death.reasons));
  EXPECT_EQ(death.value.cause, "I21.9");
  EXPECT_EQ(death.value.maternal, 0);
  EXPECT_EQ(death.value.birth_order, 0);

  auto move_out = ParseEvent(ValidEvent(EventType::kMoveOut).View(), Options());
  ASSERT_TRUE(move_out.ok()) << Join(Codes(move_out.reasons));
  EXPECT_EQ(move_out.value.other_place, "USA");

  auto marriage = ParseEvent(ValidEvent(EventType::kMarriage).View(), Options());
  ASSERT_TRUE(marriage.ok()) << Join(Codes(marriage.reasons));
  EXPECT_EQ(marriage.value.spouse_id, "P2");
}

TEST(ParseEventTest, EachRuleGivesItsReason) {
  struct Case {
    EventType type;
    std::vector<Change> changes;
    std::vector<std::string> expected;
    std::string_view default_source = "";
  };
  const std::string valid_id = kPersonCitizenId;  // male, born 1990-01-01
  const Case cases[] = {
      {EventType::kEnumerate, {{Field::kEventId, ""}}, {"event_id.missing"}},
      {EventType::kEnumerate, {{Field::kEventId, std::string(65, 'e')}}, {"event_id.too_long"}},
      {EventType::kEnumerate, {{Field::kSource, ""}}, {"source.missing"}},
      {EventType::kEnumerate, {{Field::kSource, "police"}}, {"source.unknown"}},
      {EventType::kEnumerate, {{Field::kSource, "Health"}}, {"source.unknown"}},
      {EventType::kEnumerate, {{Field::kSource, "civil_affairs"}}, {"source.mismatch"}, "health"},
      {EventType::kEnumerate, {{Field::kSource, ""}}, {"source.unknown"}, "police"},
      {EventType::kEnumerate, {{Field::kType, ""}}, {"type.missing"}},
      {EventType::kEnumerate, {{Field::kType, "born"}}, {"type.unknown"}},
      {EventType::kEnumerate, {{Field::kType, "Birth"}}, {"type.unknown"}},
      {EventType::kEnumerate, {{Field::kDate, ""}}, {"date.missing"}},
      {EventType::kEnumerate, {{Field::kDate, "2024-02-30"}}, {"date.invalid"}},
      {EventType::kEnumerate, {{Field::kDate, "2024-03-01T10:00"}}, {"date.invalid"}},
      {EventType::kEnumerate,
       {{Field::kDate, "2024-07-01"}, {Field::kRecordedAt, "2024-07-01T09:00:00+08:00"}},
       {"date.future", "recorded_at.future"}},
      {EventType::kEnumerate, {{Field::kRecordedAt, "2024-07-01T09:00:00+08:00"}}, {"recorded_at.future"}},
      {EventType::kEnumerate, {{Field::kRecordedAt, ""}}, {"recorded_at.missing"}},
      {EventType::kEnumerate, {{Field::kRecordedAt, "2024-03-02 25:00"}}, {"recorded_at.invalid"}},
      {EventType::kEnumerate, {{Field::kRecordedAt, "yesterday"}}, {"recorded_at.invalid"}},
      {EventType::kEnumerate, {{Field::kRecordedAt, "2024-02-29T23:00:00+08:00"}}, {"recorded_at.before_event"}},
      // 15:59:59Z is 23:59:59 of 29 February in Shanghai.
      {EventType::kEnumerate, {{Field::kRecordedAt, "2024-02-29T15:59:59Z"}}, {"recorded_at.before_event"}},
      // 00:30 on 1 March at UTC+9 is still 29 February in Shanghai.
      {EventType::kEnumerate, {{Field::kRecordedAt, "2024-03-01T00:30:00+09:00"}}, {"recorded_at.before_event"}},
      {EventType::kEnumerate, {{Field::kPersonId, std::string(33, 'p')}}, {"person_id.too_long"}},
      // Linkage: no person_id, so the linkage keys are read and checked.
      {EventType::kEnumerate, {{Field::kPersonId, ""}}, {"person_id.missing"}},
      {EventType::kEnumerate,
       {{Field::kPersonId, ""}, {Field::kName, "张三"}, {Field::kBirthDate, "1990-01-01"}},
       {"person_id.missing"}},  // name and birth date but no sex
      {EventType::kEnumerate,
       {{Field::kPersonId, ""}, {Field::kCitizenId, valid_id}, {Field::kSex, "3"}},
       {"sex.invalid"}},
      {EventType::kEnumerate,
       {{Field::kPersonId, ""}, {Field::kCitizenId, valid_id}, {Field::kBirthDate, "1990-02-30"}},
       {"birth_date.invalid"}},
      {EventType::kEnumerate,
       {{Field::kPersonId, ""}, {Field::kCitizenId, valid_id.substr(0, 17) + (valid_id[17] == '0' ? "1" : "0")}},
       {"citizen_id.invalid", "person_id.missing"}},
      {EventType::kEnumerate,
       {{Field::kPersonId, ""}, {Field::kCitizenId, valid_id}, {Field::kBirthDate, "1990-01-02"}},
       {"citizen_id.birth_date_mismatch"}},
      {EventType::kEnumerate,
       {{Field::kPersonId, ""}, {Field::kCitizenId, valid_id}, {Field::kSex, "2"}},
       {"citizen_id.sex_mismatch"}},
      {EventType::kEnumerate, {{Field::kDivision, ""}}, {"division.missing"}},
      {EventType::kEnumerate, {{Field::kDivision, "14100200100"}}, {"division.invalid"}},
      {EventType::kEnumerate, {{Field::kDivision, "141002001000"}}, {"division.not_village"}},
      {EventType::kBirth, {{Field::kDivision, "141002000000"}}, {"division.not_village"}},
      {EventType::kDeath, {{Field::kDivision, "141000000000"}}, {"division.not_village"}},
      {EventType::kMoveIn, {{Field::kDivision, "141002001000"}}, {"division.not_village"}},
      {EventType::kMoveOut, {{Field::kDivision, "141002001000"}}, {"division.not_village"}},
      {EventType::kMove, {{Field::kDivision, "141002001000"}}, {"division.not_village"}},
      {EventType::kMoveIn, {{Field::kOtherPlace, "11010"}}, {"other_place.invalid"}},
      {EventType::kMoveIn, {{Field::kOtherPlace, "usa"}}, {"other_place.invalid"}},
      {EventType::kMoveOut, {{Field::kOtherPlace, "11010A"}}, {"other_place.invalid"}},
      {EventType::kMoveOut, {{Field::kOtherPlace, "110105000000"}}, {"other_place.invalid"}},
      {EventType::kBirth, {{Field::kMotherId, std::string(33, 'm')}}, {"mother_id.too_long"}},
      {EventType::kBirth, {{Field::kFatherId, std::string(33, 'f')}}, {"father_id.too_long"}},
      {EventType::kBirth, {{Field::kBirthOrder, ""}}, {"birth_order.missing"}},
      {EventType::kBirth, {{Field::kBirthOrder, "0"}}, {"birth_order.invalid"}},
      {EventType::kBirth, {{Field::kBirthOrder, "31"}}, {"birth_order.invalid"}},
      {EventType::kBirth, {{Field::kBirthOrder, "-1"}}, {"birth_order.invalid"}},
      {EventType::kBirth, {{Field::kBirthOrder, "1.5"}}, {"birth_order.invalid"}},
      {EventType::kBirth, {{Field::kBirthOrder, "first"}}, {"birth_order.invalid"}},
      {EventType::kBirth, {{Field::kBirthOrder, "99999999999"}}, {"birth_order.invalid"}},
      {EventType::kBirth, {{Field::kPlurality, "0"}}, {"plurality.invalid"}},
      {EventType::kBirth, {{Field::kPlurality, "10"}}, {"plurality.invalid"}},
      {EventType::kBirth, {{Field::kWeightG, "199"}}, {"weight_g.invalid"}},
      {EventType::kBirth, {{Field::kWeightG, "8001"}}, {"weight_g.invalid"}},
      {EventType::kBirth, {{Field::kWeightG, "3.2kg"}}, {"weight_g.invalid"}},
      {EventType::kBirth, {{Field::kGestationWeeks, "17"}}, {"gestation_weeks.invalid"}},
      {EventType::kBirth, {{Field::kGestationWeeks, "49"}}, {"gestation_weeks.invalid"}},
      {EventType::kBirth, {{Field::kMotherId, "P1"}}, {"parent.self"}},
      {EventType::kBirth, {{Field::kFatherId, "P1"}}, {"parent.self"}},
      {EventType::kMarriage, {{Field::kSpouseId, ""}}, {"spouse_id.missing"}},
      {EventType::kDivorce, {{Field::kSpouseId, ""}}, {"spouse_id.missing"}},
      {EventType::kMarriage, {{Field::kSpouseId, std::string(33, 's')}}, {"spouse_id.too_long"}},
      {EventType::kMarriage, {{Field::kSpouseId, "P1"}}, {"spouse_id.self"}},
      {EventType::kDivorce, {{Field::kSpouseId, "P1"}}, {"spouse_id.self"}},
      {EventType::kDeath, {{Field::kCause, "i21"}}, {"cause.invalid"}},
      {EventType::kDeath, {{Field::kCause, "I2"}}, {"cause.invalid"}},
      {EventType::kDeath, {{Field::kCause, "I21."}}, {"cause.invalid"}},
      {EventType::kDeath, {{Field::kCause, "I21.123"}}, {"cause.invalid"}},
      {EventType::kDeath, {{Field::kCause, "I219"}}, {"cause.invalid"}},
      {EventType::kDeath, {{Field::kCause, "121"}}, {"cause.invalid"}},
      {EventType::kDeath, {{Field::kCause, "myocardial infarction"}}, {"cause.invalid"}},
      {EventType::kDeath, {{Field::kMaternal, "2"}}, {"maternal.invalid"}},
      {EventType::kDeath, {{Field::kMaternal, "yes"}}, {"maternal.invalid"}},
      // Several rules at once: every reason, not just the first.
      {EventType::kBirth,
       {{Field::kEventId, ""},
        {Field::kSource, "police"},
        {Field::kDate, "2024-02-30"},
        {Field::kRecordedAt, "soon"},
        {Field::kDivision, "x"},
        {Field::kOtherPlace, "USA"},
        {Field::kBirthOrder, "0"},
        {Field::kWeightG, "1"},
        {Field::kSpouseId, "P2"},
        {Field::kCause, "I21"},
        {Field::kMaternal, "1"}},
       {"event_id.missing", "source.unknown", "date.invalid", "recorded_at.invalid", "division.invalid",
        "other_place.not_applicable", "birth_order.invalid", "weight_g.invalid", "spouse_id.not_applicable",
        "cause.not_applicable", "maternal.not_applicable"}},
      {EventType::kDeath,
       {{Field::kDate, "2024-07-02"},
        {Field::kRecordedAt, "2024-07-01T12:00:00+08:00"},
        {Field::kDivision, "141002001000"},
        {Field::kCause, "XYZ"},
        {Field::kMaternal, "maybe"},
        {Field::kBirthOrder, "2"}},
       {"date.future", "recorded_at.future", "recorded_at.before_event", "division.not_village", "cause.invalid",
        "maternal.invalid", "birth_order.not_applicable"}},
  };
  for (const Case& c : cases) {
    Row row = ValidEvent(c.type);
    row.Apply(c.changes);
    auto parsed = ParseEvent(row.View(), Options(c.default_source));
    ExpectCodes(parsed.reasons, c.expected,
                std::string(EventTypeName(c.type)) + " with " + Describe(c.changes) + ", default_source \"" +
                    std::string(c.default_source) + "\"",
                row.Describe());
  }
}

TEST(ParseEventTest, FieldsThatDoNotApplyToTheTypeAreRejected) {
  // A plausible value for every type-specific field.
  const std::vector<Change> specific = {
      {Field::kOtherPlace, "110105"}, {Field::kMotherId, "M1"},     {Field::kFatherId, "F1"},
      {Field::kBirthOrder, "1"},      {Field::kPlurality, "1"},     {Field::kWeightG, "3200"},
      {Field::kGestationWeeks, "39"}, {Field::kSpouseId, "P2"},     {Field::kCause, "I21"},
      {Field::kMaternal, "0"}};
  auto applies = [](EventType t, Field f) {
    switch (f) {
      case Field::kOtherPlace: return t == EventType::kMoveIn || t == EventType::kMoveOut;
      case Field::kSpouseId: return t == EventType::kMarriage || t == EventType::kDivorce;
      case Field::kCause:
      case Field::kMaternal: return t == EventType::kDeath;
      default: return t == EventType::kBirth;  // the birth fields
    }
  };
  int rows = 0;
  for (EventType type : kAllTypes) {
    for (const Change& change : specific) {
      if (applies(type, change.first)) continue;
      ++rows;
      Row row = ValidEvent(type);
      row.Set(change.first, change.second);
      auto parsed = ParseEvent(row.View(), Options());
      ExpectCodes(parsed.reasons, {std::string(FieldName(change.first)) + ".not_applicable"},
                  std::string(EventTypeName(type)) + " with " + Describe({change}), row.Describe());
    }
  }
  EXPECT_EQ(rows, 8 * 10 - (2 + 6 + 2 + 2));  // every type × field pair that does not apply
}

TEST(ParseEventTest, RecordedAtComparesInShanghaiTime) {
  struct Case {
    std::string_view recorded_at;
    bool ok;
  };
  // The event happened on 2024-03-01.
  const Case cases[] = {
      {"2024-02-29T17:00:00Z", true},        // earlier UTC date, but 01:00 on 1 March in Shanghai
      {"2024-02-29T16:00:00Z", true},        // 00:00 in Shanghai
      {"2024-02-29T15:59:59Z", false},       // 23:59:59 on 29 February in Shanghai
      {"2024-03-01", true},                  // bare date: 00:00 in Shanghai
      {"2024-03-01T00:00:00", true},         // no offset: Shanghai
      {"2024-03-01T00:00:00Z", true},
      {"2024-02-29T23:59:59", false},
      {"2024-02-29T10:00:00-08:00", true},   // 18:00Z, 02:00 on 1 March in Shanghai
      {"2024-03-01T07:59:59+09:00", true},   // 22:59:59Z on 29 February = 06:59:59 on 1 March Shanghai
      {"2024-03-01T00:59:59+09:00", false},  // 15:59:59Z on 29 February
  };
  for (const Case& c : cases) {
    Row row = ValidEvent(EventType::kEnumerate);
    row.Set(Field::kRecordedAt, std::string(c.recorded_at));
    auto parsed = ParseEvent(row.View(), Options());
    ExpectCodes(parsed.reasons, c.ok ? std::vector<std::string>{} : std::vector<std::string>{"recorded_at.before_event"},
                "recorded_at " + std::string(c.recorded_at) + " for an event on 2024-03-01", row.Describe());
  }
}

TEST(ParseEventTest, NothingHappensAfterToday) {
  struct Case {
    std::string_view date;
    bool future;
  };
  const Case cases[] = {{"2024-06-29", false}, {"2024-06-30", false}, {"2024-07-01", true}, {"2099-01-01", true}};
  for (const Case& c : cases) {
    Row row = ValidEvent(EventType::kMove);
    row.Set(Field::kDate, std::string(c.date)).Set(Field::kRecordedAt, std::string(c.date) + "T23:00:00+08:00");
    auto parsed = ParseEvent(row.View(), Options());  // today is 2024-06-30
    // Recorded the same day, so a future event is also recorded in the future.
    ExpectCodes(parsed.reasons,
                c.future ? std::vector<std::string>{"date.future", "recorded_at.future"} : std::vector<std::string>{},
                "event date " + std::string(c.date) + " with today 2024-06-30", row.Describe());

    Row person = ValidPerson();
    person.Set(Field::kCitizenId, "").Set(Field::kBirthDate, std::string(c.date));
    auto p = ParsePerson(person.View(), Options());
    ExpectCodes(p.reasons, c.future ? std::vector<std::string>{"birth_date.future"} : std::vector<std::string>{},
                "birth date " + std::string(c.date) + " with today 2024-06-30", person.Describe());
  }
}

TEST(ParseEventTest, EventWithoutPersonIdIsLinkedByItsKeys) {
  struct Case {
    std::string_view why;
    std::vector<Change> changes;
    bool ok;
  };
  const Case cases[] = {
      {"valid citizen_id", {{Field::kPersonId, ""}, {Field::kCitizenId, kPersonCitizenId}}, true},
      {"citizen_id agreeing with name, sex and birth_date",
       {{Field::kPersonId, ""},
        {Field::kCitizenId, kPersonCitizenId},
        {Field::kName, "张三"},
        {Field::kSex, "1"},
        {Field::kBirthDate, "1990-01-01"}},
       true},
      {"name, sex and birth_date",
       {{Field::kPersonId, ""}, {Field::kName, "张三"}, {Field::kSex, "1"}, {Field::kBirthDate, "1990-01-01"}},
       true},
      {"neither person_id nor citizen_id", {{Field::kPersonId, ""}}, false},
      {"only a name", {{Field::kPersonId, ""}, {Field::kName, "张三"}}, false},
      {"name and sex without birth_date", {{Field::kPersonId, ""}, {Field::kName, "张三"}, {Field::kSex, "1"}}, false},
      {"sex and birth_date without name", {{Field::kPersonId, ""}, {Field::kSex, "1"}, {Field::kBirthDate, "1990-01-01"}},
       false},
  };
  for (const Case& c : cases) {
    Row row = ValidEvent(EventType::kMoveIn);
    row.Apply(c.changes);
    auto parsed = ParseEvent(row.View(), Options());
    ExpectCodes(parsed.reasons, c.ok ? std::vector<std::string>{} : std::vector<std::string>{"person_id.missing"},
                c.why, row.Describe());
    if (c.ok) {
      EXPECT_TRUE(parsed.value.person_id.empty()) << c.why;
      EXPECT_FALSE(parsed.value.link.empty()) << c.why;
    }
  }

  Row row = ValidEvent(EventType::kMoveIn);
  row.Set(Field::kPersonId, "")
      .Set(Field::kCitizenId, "11010519491231002x")
      .Set(Field::kName, "李四")
      .Set(Field::kSex, "2")
      .Set(Field::kBirthDate, "1949-12-31");
  auto parsed = ParseEvent(row.View(), Options());
  ASSERT_TRUE(parsed.ok()) << row.Describe() << ": " << Join(Codes(parsed.reasons));
  const LinkKey& link = parsed.value.link;
  EXPECT_EQ(link.citizen_id, "11010519491231002X");
  EXPECT_EQ(link.name, "李四");
  EXPECT_EQ(link.sex, Sex::kFemale);
  ASSERT_TRUE(link.birth_date.has_value());
  EXPECT_EQ(*link.birth_date, D("1949-12-31"));
}

TEST(ParseEventTest, DefaultSourceFillsInAndMustAgree) {
  struct Case {
    std::string_view row_source, default_source;
    std::string_view source;  // what the event gets
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {"health", "", "health", {}},
      {"", "health", "health", {}},                           // filled in from the import
      {"health", "health", "health", {}},                     // agrees
      {"civil_affairs", "health", "civil_affairs", {"source.mismatch"}},
      {"", "", "", {"source.missing"}},
      {"", "police", "police", {"source.unknown"}},            // an unknown default is reported too
      {"police", "health", "police", {"source.unknown"}},      // unknown wins over mismatch
      {" health ", "health", "health", {}},                   // trimmed before comparing
  };
  for (const Case& c : cases) {
    Row row = ValidEvent(EventType::kEnumerate);
    row.Set(Field::kSource, std::string(c.row_source));
    auto parsed = ParseEvent(row.View(), Options(c.default_source));
    ExpectCodes(parsed.reasons, c.expected,
                "source \"" + std::string(c.row_source) + "\", default_source \"" + std::string(c.default_source) + "\"",
                row.Describe());
    EXPECT_EQ(parsed.value.source, c.source) << row.Describe() << " default " << c.default_source;
  }
}

// ---------------------------------------------------------------- hashes and round trips

Event ValidEventValue(EventType type) {
  auto parsed = ParseEvent(ValidEvent(type).View(), Options());
  EXPECT_TRUE(parsed.ok()) << Join(Codes(parsed.reasons));
  return parsed.value;
}

TEST(ContentHashTest, EqualEventsHashEqualAndAnyFieldChangesTheHash) {
  const Event base = ValidEventValue(EventType::kBirth);
  Event copy = base;
  EXPECT_EQ(ContentHash(copy), ContentHash(base));
  EXPECT_EQ(ContentHash(ValidEventValue(EventType::kBirth)), ContentHash(base)) << "parsing twice";

  struct Case {
    std::string_view field;
    std::function<void(Event&)> change;
  };
  const Case cases[] = {
      {"event_id", [](Event& e) { e.event_id = "E2"; }},
      {"source", [](Event& e) { e.source = "civil_affairs"; }},
      {"type", [](Event& e) { e.type = EventType::kEnumerate; }},
      {"date", [](Event& e) { e.date = e.date.AddDays(1); }},
      {"recorded_at", [](Event& e) { e.recorded_at.seconds += 1; }},
      {"person_id", [](Event& e) { e.person_id = "P9"; }},
      {"division", [](Event& e) { e.division = DivisionCode::FromValue(141002001002ULL); }},
      {"other_place", [](Event& e) { e.other_place = "USA"; }},
      {"mother_id", [](Event& e) { e.mother_id = "M2"; }},
      {"father_id", [](Event& e) { e.father_id = "F2"; }},
      {"birth_order", [](Event& e) { e.birth_order = 2; }},
      {"plurality", [](Event& e) { e.plurality = 2; }},
      {"weight_g", [](Event& e) { e.weight_g = 3201; }},
      {"gestation_weeks", [](Event& e) { e.gestation_weeks = 40; }},
      {"spouse_id", [](Event& e) { e.spouse_id = "P2"; }},
      {"cause", [](Event& e) { e.cause = "I21"; }},
      {"maternal", [](Event& e) { e.maternal = 0; }},
      // Field boundaries count: moving a character from one field to the next is a change.
      {"mother_id/father_id boundary", [](Event& e) { e.mother_id = "M1F"; e.father_id = "1"; }},
  };
  for (const Case& c : cases) {
    Event changed = base;
    c.change(changed);
    EXPECT_NE(ContentHash(changed), ContentHash(base)) << "changing " << c.field;
  }
  EXPECT_LT(ContentHash(base), 1ULL << 63) << "fits a signed 64-bit SQL integer";

  Event linked = base;
  linked.link.name = "张三";
  EXPECT_EQ(ContentHash(linked), ContentHash(base)) << "the linkage key is not content";
}

TEST(ContentHashTest, EqualPersonsHashEqualAndAnyFieldChangesTheHash) {
  auto parsed = ParsePerson(ValidPerson().View(), Options());
  ASSERT_TRUE(parsed.ok()) << Join(Codes(parsed.reasons));
  const Person base = parsed.value;
  EXPECT_EQ(ContentHash(Person(base)), ContentHash(base));

  struct Case {
    std::string_view field;
    std::function<void(Person&)> change;
  };
  const Case cases[] = {
      {"person_id", [](Person& p) { p.person_id = "P2"; }},
      {"citizen_id", [](Person& p) { p.citizen_id = ""; }},
      {"name", [](Person& p) { p.name = "李四"; }},
      {"sex", [](Person& p) { p.sex = Sex::kFemale; }},
      {"birth_date", [](Person& p) { p.birth_date = p.birth_date.AddDays(1); }},
      {"ethnicity", [](Person& p) { p.ethnicity = "02"; }},
      {"hukou_division", [](Person& p) { p.hukou_division = DivisionCode(); }},
      {"mother_id", [](Person& p) { p.mother_id = "M2"; }},
      {"father_id", [](Person& p) { p.father_id = "F2"; }},
      {"household_id", [](Person& p) { p.household_id = "H2"; }},
      {"phone", [](Person& p) { p.phone = "13812345679"; }},
  };
  for (const Case& c : cases) {
    Person changed = base;
    c.change(changed);
    EXPECT_NE(ContentHash(changed), ContentHash(base)) << "changing " << c.field;
  }
}

TEST(RoundTripTest, EventToFieldsAndBackGivesTheSameEvent) {
  std::vector<std::pair<std::string, Row>> rows;
  for (EventType type : kAllTypes) rows.emplace_back(std::string(EventTypeName(type)), ValidEvent(type));
  {
    Row linked = ValidEvent(EventType::kMoveIn);
    linked.Set(Field::kPersonId, "")
        .Set(Field::kCitizenId, kPersonCitizenId)
        .Set(Field::kName, "张三")
        .Set(Field::kSex, "1")
        .Set(Field::kBirthDate, "1990-01-01");
    rows.emplace_back("move_in linked by citizen_id", linked);
    Row sparse = ValidEvent(EventType::kBirth);
    sparse.Set(Field::kPlurality, "").Set(Field::kWeightG, "").Set(Field::kMotherId, "");
    rows.emplace_back("birth with empty optional fields", sparse);
    Row maternal = ValidEvent(EventType::kDeath);
    maternal.Set(Field::kMaternal, "1").Set(Field::kCause, "O72");
    rows.emplace_back("maternal death", maternal);
    Row death_blank = ValidEvent(EventType::kDeath);
    death_blank.Set(Field::kMaternal, "").Set(Field::kCause, "");
    rows.emplace_back("death without cause", death_blank);
  }
  for (const auto& [name, row] : rows) {
    auto first = ParseEvent(row.View(), Options());
    ASSERT_TRUE(first.ok()) << name << " " << row.Describe() << ": " << Join(Codes(first.reasons));
    std::array<std::string, kFieldCount> storage;
    const FieldValues fields = ToFields(first.value, storage);
    auto second = ParseEvent(fields, Options());
    EXPECT_TRUE(second.ok()) << name << ": " << Join(Codes(second.reasons));
    EXPECT_TRUE(second.value == first.value) << name << ": the event changed in the round trip; fields were "
                                             << storage[static_cast<size_t>(Field::kRecordedAt)];
    EXPECT_EQ(ContentHash(second.value), ContentHash(first.value)) << name;
  }
}

TEST(RoundTripTest, PersonToFieldsAndBackGivesTheSamePerson) {
  struct Case {
    std::string_view why;
    std::vector<Change> changes;
  };
  const Case cases[] = {
      {"full record", {}},
      {"only required fields",
       {{Field::kCitizenId, ""}, {Field::kEthnicity, ""}, {Field::kHukouDivision, ""}, {Field::kMotherId, ""},
        {Field::kFatherId, ""}, {Field::kHouseholdId, ""}, {Field::kPhone, ""}}},
      {"no person_id", {{Field::kPersonId, ""}}},
      {"lowercase x",
       {{Field::kCitizenId, "11010519491231002x"}, {Field::kSex, "2"}, {Field::kBirthDate, "1949-12-31"}}},
  };
  for (const Case& c : cases) {
    Row row = ValidPerson();
    row.Apply(c.changes);
    auto first = ParsePerson(row.View(), Options());
    ASSERT_TRUE(first.ok()) << c.why << " " << row.Describe() << ": " << Join(Codes(first.reasons));
    std::array<std::string, kFieldCount> storage;
    auto second = ParsePerson(ToFields(first.value, storage), Options());
    EXPECT_TRUE(second.ok()) << c.why << ": " << Join(Codes(second.reasons));
    EXPECT_TRUE(second.value == first.value) << c.why << ": the person changed in the round trip";
  }
}

// ---------------------------------------------------------------- names and tables

TEST(RecordNamesTest, FieldAndTypeNamesRoundTrip) {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < kFieldCount; ++i) {
    const Field f = static_cast<Field>(i);
    const std::string_view name = FieldName(f);
    EXPECT_FALSE(name.empty()) << "field " << i;
    EXPECT_TRUE(seen.insert(name).second) << "duplicate field name " << name;
    auto back = FieldFromName(name);
    ASSERT_TRUE(back.has_value()) << name;
    EXPECT_EQ(static_cast<size_t>(*back), i) << name;
  }
  EXPECT_FALSE(FieldFromName("Name").has_value());
  EXPECT_FALSE(FieldFromName("").has_value());
  EXPECT_EQ(FieldName(Field::kBirthOrder), "birth_order");
  EXPECT_EQ(FieldName(Field::kHukouDivision), "hukou_division");

  for (EventType t : kAllTypes) {
    auto back = EventTypeFromName(EventTypeName(t));
    ASSERT_TRUE(back.has_value()) << EventTypeName(t);
    EXPECT_EQ(*back, t) << EventTypeName(t);
  }
  EXPECT_EQ(EventTypeName(EventType::kMoveIn), "move_in");
  EXPECT_FALSE(EventTypeFromName("moveIn").has_value());

  for (std::string_view s : {"public_security", "civil_affairs", "health", "education", "medical_insurance",
                             "social_security", "manual", "census"})
    EXPECT_TRUE(IsKnownSource(s)) << s;
  EXPECT_EQ(KnownSources().size(), 8u);
  EXPECT_FALSE(IsKnownSource("police"));
  EXPECT_FALSE(IsKnownSource(""));
}

TEST(RecordNamesTest, SameDayOrderPutsBirthFirstAndDeathLast) {
  for (EventType t : kAllTypes) {
    if (t != EventType::kBirth) {
      EXPECT_LT(SameDayRank(EventType::kBirth), SameDayRank(t)) << EventTypeName(t);
    }
    if (t != EventType::kDeath) {
      EXPECT_LT(SameDayRank(t), SameDayRank(EventType::kDeath)) << EventTypeName(t);
    }
  }
  EXPECT_LT(SameDayRank(EventType::kMoveIn), SameDayRank(EventType::kMoveOut));
  EXPECT_TRUE(IsEntry(EventType::kEnumerate) && IsEntry(EventType::kBirth) && IsEntry(EventType::kMoveIn));
  EXPECT_FALSE(IsEntry(EventType::kMove) || IsEntry(EventType::kDeath) || IsEntry(EventType::kMarriage));
  EXPECT_TRUE(IsExit(EventType::kDeath) && IsExit(EventType::kMoveOut));
  EXPECT_FALSE(IsExit(EventType::kMove) || IsExit(EventType::kDivorce));
}

TEST(RecordNamesTest, ColumnsFollowTheSpec) {
  struct Case {
    RecordKind kind;
    std::vector<std::string_view> columns;
  };
  const Case cases[] = {
      {RecordKind::kDivision, {"code", "name", "level", "parent_code", "urban_rural"}},
      {RecordKind::kPerson,
       {"person_id", "citizen_id", "name", "sex", "birth_date", "ethnicity", "hukou_division", "mother_id",
        "father_id", "household_id", "phone"}},
      {RecordKind::kEvent,
       {"event_id", "source", "type", "date", "recorded_at", "person_id", "division", "other_place", "mother_id",
        "father_id", "birth_order", "plurality", "weight_g", "gestation_weeks", "spouse_id", "cause", "maternal"}},
  };
  for (const Case& c : cases) {
    std::vector<std::string_view> got;
    for (Field f : ColumnsOf(c.kind)) got.push_back(FieldName(f));
    EXPECT_EQ(got, c.columns) << RecordKindName(c.kind);
  }
  EXPECT_EQ(RecordKindName(RecordKind::kPerson), "persons");
}

}  // namespace
}  // namespace junheng
