// tests/core/citizen_id_test.cpp: GB 11643 citizen identity numbers (core/citizen_id.h).
#include "core/citizen_id.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace junheng {
namespace {

// The first 17 digits plus the check character the algorithm computes for them.
std::string WithCheck(std::string_view first17) {
  return std::string(first17) + CitizenIdCheckChar(first17);
}

TEST(CitizenIdTest, CheckCharMatchesTheStandardsWorkedExamples) {
  struct Case {
    std::string_view first17;
    char check;
  };
  const Case cases[] = {
      {"51310119820113001", '4'},  // GB 11643-1999, appendix
      {"37010119010203997", '3'},
      {"11010519491231002", 'X'},  // remainder 2 gives X
      {"00000000000000000", '1'},  // sum 0: remainder 0 gives 1
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CitizenIdCheckChar(c.first17), c.check) << "CitizenIdCheckChar(\"" << c.first17 << "\")";
  }
}

TEST(CitizenIdTest, AcceptsValidNumbersAndReadsBirthDateAndSex) {
  struct Case {
    std::string_view text;
    std::string_view number;  // normalised
    std::string_view birth_date;
    Sex sex;
  };
  const Case cases[] = {
      {"513101198201130014", "513101198201130014", "1982-01-13", Sex::kMale},    // 17th digit 1
      {"370101190102039973", "370101190102039973", "1901-02-03", Sex::kMale},    // 17th digit 7
      {"11010519491231002X", "11010519491231002X", "1949-12-31", Sex::kFemale},  // 17th digit 2
      {"11010519491231002x", "11010519491231002X", "1949-12-31", Sex::kFemale},  // x normalised
  };
  for (const Case& c : cases) {
    auto id = ParseCitizenId(c.text);
    ASSERT_TRUE(id.has_value()) << "ParseCitizenId(\"" << c.text << "\"): " << id.error().message;
    EXPECT_EQ(id->number, c.number) << c.text;
    EXPECT_EQ(id->birth_date.ToString(), c.birth_date) << c.text;
    EXPECT_EQ(static_cast<int>(id->sex), static_cast<int>(c.sex)) << c.text;
  }
}

TEST(CitizenIdTest, SexComesFromTheSeventeenthDigit) {
  // Same address and date, sequence 00d for every d: odd is male, even female.
  for (char d = '0'; d <= '9'; ++d) {
    const std::string first17 = std::string("1410021990010100") + d;
    const std::string text = WithCheck(first17);
    auto id = ParseCitizenId(text);
    ASSERT_TRUE(id.has_value()) << text << ": " << id.error().message;
    const Sex expected = (d - '0') % 2 == 1 ? Sex::kMale : Sex::kFemale;
    EXPECT_EQ(static_cast<int>(id->sex), static_cast<int>(expected)) << text;
  }
}

TEST(CitizenIdTest, RejectsWhatTheStandardRejects) {
  const std::string month13 = WithCheck("11010519491331002");
  const std::string february30 = WithCheck("11010519490230002");
  const std::string february29_common = WithCheck("11010519490229002");
  const std::string year_1700 = WithCheck("11010517000101002");
  struct Case {
    std::string text;
    std::string_view why;
    std::string_view message_has;  // a word the message must contain
  };
  const Case cases[] = {
      {"110105194912310021", "wrong check digit", "check"},
      {"513101198201130013", "wrong check digit", "check"},
      {"37010119010203997X", "X where 3 is due", "check"},
      {month13, "month 13 with a correct check digit", "birth date"},
      {february30, "30 February with a correct check digit", "birth date"},
      {february29_common, "29 February 1949 with a correct check digit", "birth date"},
      {year_1700, "year 1700 with a correct check digit", "birth date"},
      {"110105491231002", "15 digits: the old format", "15 digits"},
      {"11010519491231002", "17 characters", "18 characters"},
      {"11010519491231002X1", "19 characters", "18 characters"},
      {"", "empty", "18 characters"},
      {"1101051949A231002X", "a letter inside", "non-digit"},
      {"X10105194912310021", "X first", "non-digit"},
      {"11010519491231002Y", "Y as check character", "digit or X"},
      {"11010519491231002 ", "space as check character", "digit or X"},
  };
  for (const Case& c : cases) {
    auto id = ParseCitizenId(c.text);
    ASSERT_FALSE(id.has_value()) << c.why << ": ParseCitizenId(\"" << c.text << "\") accepted";
    EXPECT_EQ(id.error().code, ErrorCode::kInvalidArgument) << c.text;
    EXPECT_NE(id.error().message.find(c.message_has), std::string::npos)
        << c.why << " (\"" << c.text << "\"): message \"" << id.error().message << "\" lacks \""
        << c.message_has << "\"";
  }
}

TEST(CitizenIdTest, EveryWrongCheckCharacterIsRejected) {
  const std::string_view first17 = "14100219900101003";
  const char right = CitizenIdCheckChar(first17);
  for (char check : std::string_view("0123456789X")) {
    const std::string text = std::string(first17) + check;
    EXPECT_EQ(ParseCitizenId(text).has_value(), check == right) << text << " (right check: " << right << ")";
  }
}

TEST(CitizenIdTest, MaskKeepsAddressCodeAndLastFour) {
  struct Case {
    std::string_view number, masked;
  };
  const Case cases[] = {
      {"11010519491231002X", "110105********002X"},
      {"513101198201130014", "513101********0014"},
      {"123456789", "*********"},    // too short to show anything
      {"", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(MaskCitizenId(c.number), c.masked) << "MaskCitizenId(\"" << c.number << "\")";
  }
}

TEST(CitizenIdTest, MaskPhoneKeepsFirstThreeAndLastFour) {
  struct Case {
    std::string_view phone, masked;
  };
  const Case cases[] = {
      {"13812345678", "138****5678"},
      {"03572345678", "035****5678"},
      {"1234567", "*******"},  // too short to show anything
      {"", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(MaskPhone(c.phone), c.masked) << "MaskPhone(\"" << c.phone << "\")";
  }
}

}  // namespace
}  // namespace junheng
