// tests/http/request_bodies_test.cpp: decoding the sign-in and event bodies without
// a server (http/request_bodies.h). The API tests cover the same refusals over HTTP.
#include "http/request_bodies.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace junheng::http {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(RequestBodiesTest, SignInNeedsBothCredentials) {
  struct Case {
    std::string body;
    std::string field;  // empty: accepted
  };
  const Case cases[] = {
      {R"({"username":"township","password":"secret"})", ""},
      {R"({"username":"township"})", "password"},
      {R"({"username":"","password":"secret"})", "username"},
      {R"({"username":1,"password":"secret"})", "username"},
      {R"({"username":"a","password":"b","remember":true})", "remember"},
      {R"(["township","secret"])", "body"},
      {"not json", "body"},
  };
  for (const Case& c : cases) {
    auto decoded = DecodeSignIn(c.body);
    if (c.field.empty()) {
      ASSERT_TRUE(decoded.has_value()) << c.body << ": " << decoded.error().error.message;
      EXPECT_EQ(decoded->username, "township");
      EXPECT_EQ(decoded->password, "secret");
    } else {
      ASSERT_FALSE(decoded.has_value()) << c.body;
      EXPECT_EQ(decoded.error().field, c.field) << c.body;
      EXPECT_EQ(decoded.error().error.code, ErrorCode::kInvalidArgument) << c.body;
    }
  }
}

TEST(RequestBodiesTest, EventFormTakesFieldsAsExchangeText) {
  auto form = DecodeEventForm(
      R"({"type":"birth","date":"2025-12-20","birth_order":2,"weight_g":3200.0,"event_id":null,)"
      R"("child":{"name":"测试婴儿","sex":2,"phone":""}})");
  ASSERT_TRUE(form.has_value()) << form.error().error.message;
  EXPECT_THAT(form->event, ElementsAre(Pair(Field::kType, "birth"), Pair(Field::kDate, "2025-12-20"),
                                       Pair(Field::kBirthOrder, "2"), Pair(Field::kWeightG, "3200")));
  EXPECT_THAT(form->person, ElementsAre(Pair(Field::kName, "测试婴儿"), Pair(Field::kSex, "2")));
}

TEST(RequestBodiesTest, EventFormRefusesNamingTheField) {
  struct Case {
    std::string body;
    std::string field;
  };
  const Case cases[] = {
      {R"({"type":"death","colour":"red"})", "colour"},
      {R"({"type":"death","date":{"y":2025}})", "date"},
      {R"({"type":"death","maternal":[1]})", "maternal"},
      {R"({"type":"birth","birth_order":1.5})", "birth_order"},
      {R"({"type":"birth","child":{"name":"甲"},"person":{"name":"乙"}})", "child"},
      {R"({"type":"birth","child":"甲"})", "child"},
      {R"({"type":"birth","child":{}})", "child"},
      {R"({"type":"birth","child":{"name":"甲","eyes":"x"}})", "child.eyes"},
      {R"({"type":"birth","child":{"sex":true,"weight_g":1}})", "child.weight_g"},
      // Found by fuzz/http_body_fuzzer: a fraction beyond int64 was cast to int64,
      // which is undefined behaviour (UBSan: 1e+300 is outside the range of 'long').
      {R"({"type":"birth","weight_g":1e300})", "weight_g"},
      {R"({"type":"birth","weight_g":-1e300})", "weight_g"},
      {R"({"type":"birth","weight_g":9223372036854775808.0})", "weight_g"},
      {R"({"type":"birth","child":{"sex":-9.3e18}})", "child.sex"},
  };
  for (const Case& c : cases) {
    auto form = DecodeEventForm(c.body);
    ASSERT_FALSE(form.has_value()) << c.body;
    EXPECT_EQ(form.error().field, c.field) << c.body << ": " << form.error().error.message;
    EXPECT_EQ(form.error().error.code, ErrorCode::kInvalidArgument) << c.body;
  }
}

TEST(RequestBodiesTest, WholeFractionsWithinInt64AreNumbers) {
  struct Case {
    std::string value;
    std::string text;
  };
  const Case cases[] = {{"3.0", "3"}, {"-2.0", "-2"}, {"1e3", "1000"}, {"9007199254740992.0", "9007199254740992"},
                        {"-9223372036854775808.0", "-9223372036854775808"}};
  for (const Case& c : cases) {
    auto form = DecodeEventForm(R"({"weight_g":)" + c.value + "}");
    ASSERT_TRUE(form.has_value()) << c.value << ": " << form.error().error.message;
    EXPECT_THAT(form->event, ElementsAre(Pair(Field::kWeightG, c.text))) << c.value;
  }
}

}  // namespace
}  // namespace junheng::http
