#include "ingest/pending_events.h"

#include <gtest/gtest.h>

#include <string>

namespace junheng::ingest {
namespace {

Event Birth() {
  Event e;
  e.event_id = "B000000001";
  e.source = "health";
  e.type = EventType::kBirth;
  e.date = *Date::Parse("2021-03-04");
  e.recorded_at = Timestamp{1614830400};
  e.person_id = "LF000000009";
  e.division = DivisionCode::FromValue(141002001001);
  e.mother_id = "LF000000001";
  e.father_id = "LF000000002";
  e.birth_order = 2;
  e.plurality = 1;
  e.weight_g = 3250;
  e.gestation_weeks = 39;
  e.maternal = -1;
  return e;
}

TEST(PendingEventsTest, GivesBackEveryFieldAndTheRowAsAdded) {
  PendingEvents pending;
  Event a = Birth();
  Event b;
  b.event_id = "D-" + std::string(300, 'x');  // longer than one length byte says
  b.source = "civil_affairs";
  b.type = EventType::kDeath;
  b.date = *Date::Parse("2022-12-31");
  b.recorded_at = Timestamp{-5};
  b.division = DivisionCode::FromValue(141000000000);
  b.cause = "心脏病";
  b.spouse_id = "S1";
  b.other_place = "北京市";
  b.maternal = 1;
  b.link = LinkKey{"141002199001011234", "王小红", Sex::kFemale, *Date::Parse("1990-01-01")};  // no person_id
  const std::string huge_row(600000, 'r');  // a row larger than a quarter of a block
  pending.Add(a, 0, 2, "B000000001,health,birth,...");
  pending.Add(b, 3, 17, huge_row);
  for (int i = 0; i < 20000; ++i) pending.Add(a, 1, 100 + i, "row");  // several blocks
  ASSERT_EQ(pending.size(), 20002u);

  Event got = b;  // decoding overwrites what was there, including the link
  PendingEvents::Origin o = pending.Get(0, got);
  EXPECT_EQ(got, a);
  EXPECT_EQ(o.file, 0u);
  EXPECT_EQ(o.line, 2);
  EXPECT_EQ(o.raw, "B000000001,health,birth,...");
  o = pending.Get(1, got);
  EXPECT_EQ(got, b);
  EXPECT_EQ(o.file, 3u);
  EXPECT_EQ(o.line, 17);
  EXPECT_EQ(o.raw, huge_row);
  o = pending.Get(20001, got);
  EXPECT_EQ(got, a);
  EXPECT_EQ(o.line, 100 + 19999);
  EXPECT_EQ(o.raw, "row");
}

TEST(PendingEventsTest, OrderKeyIsDateThenSameDayRank) {
  PendingEvents pending;
  Event birth = Birth(), death = Birth();
  death.type = EventType::kDeath;
  Event next_day = Birth();
  next_day.date = *Date::Parse("2021-03-05");
  pending.Add(death, 0, 1, "");
  pending.Add(birth, 0, 2, "");
  pending.Add(next_day, 0, 3, "");
  EXPECT_LT(pending.OrderKey(1), pending.OrderKey(0));  // a birth before a death on one day
  EXPECT_LT(pending.OrderKey(0), pending.OrderKey(2));
  EXPECT_EQ(pending.OrderKey(1), int64_t{birth.date.days()} * 16 + SameDayRank(EventType::kBirth));
}

}  // namespace
}  // namespace junheng::ingest
