// The bulk reads (FindPersons, EventsOfPersons, FindEvents) agree with the
// one-key reads, on either engine; and every one-key lookup inside a batch sees
// a row the batch has just written, though PostgreSQL buffers rows before
// sending them (pg_store_impl.h: RunLookup).
#include <algorithm>
#include <set>

#include "store_test_util.h"

namespace junheng::store {
namespace {

using testing::Code;
using testing::Day;
using testing::Info;
using testing::MustOpenStore;
using testing::SampleEnumerate;
using testing::SamplePerson;
using testing::TempDir;

class BulkReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = MustOpenStore(register_.target());
    ASSERT_NE(store_, nullptr);
  }
  TempDir dir_;
  junheng::testing::TestRegister register_{dir_.path()};
  std::unique_ptr<Store> store_;
};

Event Birth(int i, const std::string& child, const std::string& mother, int order) {
  Event e;
  e.event_id = fmt::format("B{:09d}", i);
  e.source = "health";
  e.type = EventType::kBirth;
  e.date = Day(2021, 5, 1).AddDays(i);
  e.recorded_at = Timestamp{1620000000 + i};
  e.person_id = child;
  e.division = Code(141002001001);
  e.mother_id = mother;
  e.birth_order = order;
  return e;
}

TEST_F(BulkReadTest, BulkReadsAnswerWhatOneKeyReadsAnswer) {
  // 12,000 persons (PostgreSQL asks in chunks of 5,000), and odd ids.
  constexpr int kPersons = 12000;
  testing::LoadSample(*store_, kPersons);
  Person odd = SamplePerson(kPersons + 1);
  odd.person_id = "P\"quote\\back,slash{}";
  Person mother = SamplePerson(kPersons + 2);  // even: female
  auto batch = store_->BeginBatch(Info("health"));
  ASSERT_TRUE(batch.has_value());
  ASSERT_TRUE((*batch)->InsertPerson(odd, "odd"));
  ASSERT_TRUE((*batch)->InsertPerson(mother, "mother"));
  Person child = SamplePerson(kPersons + 3);
  child.person_id = "P-child";
  ASSERT_TRUE((*batch)->InsertPerson(child, "child"));
  Event odd_event = SampleEnumerate(kPersons + 1, odd.person_id);
  odd_event.event_id = "E\"1\\";
  const Event birth = Birth(1, child.person_id, mother.person_id, 1);
  ASSERT_TRUE((*batch)->AppendEvent(odd_event, 77));
  ASSERT_TRUE((*batch)->AppendEvent(birth, 88));
  ASSERT_TRUE((*batch)->Commit({}));
  batch->reset();

  std::vector<std::string> ids;
  for (int i = 1; i <= kPersons + 2; i += 1) ids.push_back(SamplePerson(i).person_id);
  ids[kPersons] = odd.person_id;
  ids.push_back("P999999999");           // not in the register
  ids.push_back(SamplePerson(5).person_id);  // twice
  ids.push_back(child.person_id);
  std::set<std::string> found;
  ASSERT_TRUE(store_->FindPersons(ids, [&](const Person& p) {
    EXPECT_TRUE(found.insert(p.person_id).second) << p.person_id << " visited twice";
    auto one = store_->FindPerson(p.person_id);
    ASSERT_TRUE(one && *one);
    EXPECT_EQ(**one, p);
  }));
  EXPECT_EQ(found.size(), static_cast<size_t>(kPersons + 3));
  EXPECT_FALSE(found.contains("P999999999"));
  EXPECT_TRUE(found.contains(odd.person_id));

  // Events of persons: own events, and births of the mothers among them, each once, by seq.
  std::vector<StoredEvent> events;
  ASSERT_TRUE(store_->EventsOfPersons(ids, [&](const StoredEvent& e) { events.push_back(e); }));
  EXPECT_EQ(events.size(), static_cast<size_t>(kPersons + 2)) << "12,000 enumerations, the odd one, the birth";
  EXPECT_TRUE(std::is_sorted(events.begin(), events.end(),
                             [](const StoredEvent& a, const StoredEvent& b) { return a.seq <= b.seq; }));
  EXPECT_EQ(std::count_if(events.begin(), events.end(),
                          [](const StoredEvent& e) { return e.event.type == EventType::kBirth; }),
            1);
  // Only the mother asked for: her child's birth still comes.
  std::vector<StoredEvent> of_mother;
  ASSERT_TRUE(store_->EventsOfPersons(std::vector<std::string>{mother.person_id},
                                      [&](const StoredEvent& e) { of_mother.push_back(e); }));
  ASSERT_EQ(of_mother.size(), 1u);
  testing::ExpectSameEvent(of_mother[0].event, birth);

  std::vector<std::pair<std::string, std::string>> keys = {
      {"census", "E000000001"}, {"census", "E000011999"}, {"census", odd_event.event_id},
      {"health", birth.event_id}, {"census", "E000000001"}, {"nowhere", "E000000002"}, {"health", "E000000002"}};
  std::map<std::pair<std::string, std::string>, EventKey> answered;
  ASSERT_TRUE(store_->FindEvents(keys, [&](const std::pair<std::string, std::string>& key, const EventKey& k) {
    EXPECT_TRUE(answered.emplace(key, k).second) << key.second << " answered twice";
  }));
  ASSERT_EQ(answered.size(), 4u);
  for (const auto& [key, k] : answered) {
    auto one = store_->FindEvent(key.first, key.second);
    ASSERT_TRUE(one && *one) << key.second;
    EXPECT_EQ((*one)->seq, k.seq);
    EXPECT_EQ((*one)->content_hash, k.content_hash);
    EXPECT_EQ((*one)->person_id, k.person_id);
  }
  EXPECT_EQ(answered.at({"health", birth.event_id}).content_hash, 88u);
  EXPECT_EQ(answered.at({"census", odd_event.event_id}).person_id, odd.person_id);
}

TEST_F(BulkReadTest, EveryLookupInsideABatchSeesTheRowJustWritten) {
  testing::LoadSample(*store_, 4);
  auto begin = [&] {
    auto batch = store_->BeginBatch(Info("health"));
    EXPECT_TRUE(batch.has_value());
    return std::move(*batch);
  };
  // Each lookup is the first read after its row was written, in a batch of its own.
  Person p = SamplePerson(10);
  p.citizen_id = "110105194912310021";
  {
    auto batch = begin();
    ASSERT_TRUE(batch->InsertPerson(p, "key10"));
    EXPECT_EQ(*store_->FindByCitizenId(p.citizen_id), std::vector<std::string>{p.person_id});
  }
  {
    auto batch = begin();
    ASSERT_TRUE(batch->InsertPerson(p, "key10"));
    EXPECT_EQ(*store_->FindByNameKey("key10", p.birth_date, p.sex), std::vector<std::string>{p.person_id});
  }
  {
    auto batch = begin();
    ASSERT_TRUE(batch->InsertPerson(p, "key10"));
    EXPECT_TRUE(store_->FindPerson(p.person_id)->has_value());
  }
  const Event birth = Birth(2, SamplePerson(3).person_id, SamplePerson(4).person_id, 1);
  {
    auto batch = begin();
    ASSERT_TRUE(batch->AppendEvent(birth, 5));
    EXPECT_EQ(store_->BirthsOfMother(SamplePerson(4).person_id)->size(), 1u);
  }
  {
    auto batch = begin();
    ASSERT_TRUE(batch->AppendEvent(birth, 5));
    EXPECT_EQ(store_->EventsOfPerson(SamplePerson(3).person_id)->size(), 2u) << "enumeration and birth";
  }
  {
    auto batch = begin();
    ASSERT_TRUE(batch->AppendEvent(birth, 5));
    auto key = store_->FindEvent("health", birth.event_id);
    ASSERT_TRUE(key && *key);
    EXPECT_EQ((*key)->content_hash, 5u);
  }
  {
    auto batch = begin();
    ASSERT_TRUE(batch->InsertPerson(p, "key10"));
    ASSERT_TRUE(batch->AppendEvent(birth, 5));
    std::vector<std::string> seen;
    ASSERT_TRUE(store_->FindPersons(std::vector<std::string>{p.person_id},
                                    [&](const Person& q) { seen.push_back(q.person_id); }));
    EXPECT_EQ(seen, std::vector<std::string>{p.person_id});
    int births = 0;
    ASSERT_TRUE(store_->EventsOfPersons(std::vector<std::string>{SamplePerson(4).person_id},
                                        [&](const StoredEvent& e) { births += e.event.type == EventType::kBirth; }));
    EXPECT_EQ(births, 1);
    int keys = 0;
    ASSERT_TRUE(store_->FindEvents(std::vector<std::pair<std::string, std::string>>{{"health", birth.event_id}},
                                   [&](const auto&, const EventKey&) { ++keys; }));
    EXPECT_EQ(keys, 1);
  }
  // All rolled back.
  EXPECT_FALSE(store_->FindPerson(p.person_id)->has_value());
  EXPECT_FALSE(store_->FindEvent("health", birth.event_id)->has_value());
}

}  // namespace
}  // namespace junheng::store
