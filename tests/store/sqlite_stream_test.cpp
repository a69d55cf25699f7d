// A SQLite batch that streams its rows (BatchInfo::stream_rows) runs its
// inserts on a second thread once it has written a few thousand rows
// (store/sqlite/insert_pipeline.h). What it stores, what its reads see, and
// how a refused row ends it must be as for a batch that writes each row at once.
#include "store_test_util.h"

namespace junheng::store {
namespace {

using testing::Info;
using testing::MustOpen;
using testing::SampleDivisions;
using testing::SampleEnumerate;
using testing::SamplePerson;
using testing::TempDir;

BatchInfo Streaming() {
  BatchInfo info = Info();
  info.stream_rows = true;
  return info;
}

class SqliteStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = MustOpen(dir_.File("r.db"));
    ASSERT_NE(store_, nullptr);
    auto batch = store_->BeginBatch(Info());
    ASSERT_TRUE(batch.has_value());
    for (const Division& d : SampleDivisions()) ASSERT_TRUE((*batch)->PutDivision(d));
    ASSERT_TRUE((*batch)->Commit({}));
  }
  std::unique_ptr<Batch> Begin() {
    auto batch = store_->BeginBatch(Streaming());
    EXPECT_TRUE(batch.has_value()) << batch.error().message;
    return batch ? std::move(*batch) : nullptr;
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// Far more rows than are written before streaming starts and than fit the
// pipeline's blocks, so that the writer thread has run and the caller waited.
constexpr int kPersons = 30000;

TEST_F(SqliteStreamTest, StoresEveryRowInOrderWithGaplessNumbers) {
  auto batch = Begin();
  int64_t expected_seq = 1;
  for (int i = 1; i <= kPersons; ++i) {
    const Person p = SamplePerson(i);
    ASSERT_TRUE(batch->InsertPerson(p, p.name));
    auto seq = batch->AppendEvent(SampleEnumerate(i, p.person_id), static_cast<uint64_t>(i));
    ASSERT_TRUE(seq.has_value()) << seq.error().message;
    EXPECT_EQ(*seq, expected_seq++);
  }
  ASSERT_TRUE(batch->Commit({.persons_loaded = kPersons, .events_loaded = kPersons}));
  batch.reset();
  const Summary summary = *store_->GetSummary();
  EXPECT_EQ(summary.persons, kPersons);
  EXPECT_EQ(summary.events, kPersons);
  EXPECT_EQ(summary.max_seq, kPersons);
  int64_t seen = 0;
  ASSERT_TRUE(store_->ForEachEvent([&](const StoredEvent& e) {
    ++seen;
    EXPECT_EQ(e.seq, seen);
    testing::ExpectSameEvent(e.event, SampleEnumerate(static_cast<int>(seen), SamplePerson(static_cast<int>(seen)).person_id));
  }));
  EXPECT_EQ(seen, kPersons);
  auto last = store_->FindPerson(SamplePerson(kPersons).person_id);
  ASSERT_TRUE(last.has_value() && last->has_value());
  EXPECT_EQ(**last, SamplePerson(kPersons));
}

TEST_F(SqliteStreamTest, ReadsInTheBatchSeeItsRowsSoFar) {
  auto batch = Begin();
  for (int i = 1; i <= kPersons; ++i) {
    const Person p = SamplePerson(i);
    ASSERT_TRUE(batch->InsertPerson(p, p.name));
    ASSERT_TRUE(batch->AppendEvent(SampleEnumerate(i, p.person_id), 1).has_value());
    if (i % 7919 == 0) {  // now and then, with rows in the writer's hands
      auto found = store_->FindPerson(p.person_id);
      ASSERT_TRUE(found.has_value() && found->has_value()) << i;
      auto events = store_->EventsOfPerson(p.person_id);
      ASSERT_TRUE(events.has_value());
      EXPECT_EQ(events->size(), 1u) << i;
      EXPECT_EQ(*store_->LastSeq(), i);
    }
  }
  // The batch's own writes that are not streamed come in order too.
  ASSERT_TRUE(batch->AddQuarantine({.kind = RecordKind::kPerson, .raw = "x"}));
  EXPECT_EQ(store_->GetSummary()->events, kPersons);
}

TEST_F(SqliteStreamTest, ARefusedRowEndsTheBatchAndLeavesTheStoreAsBefore) {
  const Summary before = *store_->GetSummary();
  auto batch = Begin();
  Status status;
  int refused_at = 0;
  for (int i = 1; i <= kPersons && status; ++i) {
    // Person 20000 comes twice: the store refuses it, later than the call.
    const Person p = SamplePerson(i == 20001 ? 20000 : i);
    status = batch->InsertPerson(p, p.name);
    refused_at = i;
  }
  if (status) status = batch->Commit({});
  EXPECT_GT(refused_at, 20001) << "the repeat was refused by its own call: the rows were not streamed";
  ASSERT_FALSE(status.has_value()) << "the repeat was never reported";
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  EXPECT_NE(status.error().message.find(SamplePerson(20000).person_id), std::string::npos) << status.error().message;
  // Every later call says the same, and nothing commits.
  auto again = batch->AppendEvent(SampleEnumerate(1, SamplePerson(1).person_id), 1);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_FALSE(batch->Commit({}).has_value());
  batch.reset();
  const Summary after = *store_->GetSummary();
  EXPECT_EQ(after.persons, before.persons);
  EXPECT_EQ(after.events, before.events);
  EXPECT_EQ(after.batches, before.batches);
}

TEST_F(SqliteStreamTest, ABatchDroppedWhileTheWriterRunsRollsBack) {
  const Summary before = *store_->GetSummary();
  {
    auto batch = Begin();
    for (int i = 1; i <= kPersons; ++i) {
      const Person p = SamplePerson(i);
      ASSERT_TRUE(batch->InsertPerson(p, p.name));
    }
  }  // no Settle, no Commit: the writer may be in the middle of a block
  const Summary after = *store_->GetSummary();
  EXPECT_EQ(after.persons, before.persons);
  EXPECT_EQ(after.batches, before.batches);
  auto next = Begin();  // and the store takes the next batch
  const Person p = SamplePerson(1);
  ASSERT_TRUE(next->InsertPerson(p, p.name));
  ASSERT_TRUE(next->Commit({}));
  EXPECT_EQ(store_->GetSummary()->persons, 1);
}

// Events that follow each other are appended InsertPipeline::kEventsPerInsert
// to a statement. Every field must land in its own column of its own row, and
// a NULL in one statement must not stay NULL in the next (or the reverse).
Event FullEvent(int i) {
  Event e = SampleEnumerate(i, SamplePerson(1 + i % 50).person_id);
  if (i % 3 != 0) {
    e.type = EventType::kBirth;
    e.mother_id = SamplePerson(1 + (i + 1) % 50).person_id;
    e.birth_order = 1 + i % 4;
    e.plurality = 1 + i % 2;
    e.weight_g = 2500 + i % 1000;
    e.gestation_weeks = 30 + i % 12;
  }
  if (i % 5 == 0) e.father_id = SamplePerson(1 + (i + 2) % 50).person_id;
  if (i % 7 == 0) e.other_place = fmt::format("外地{}", i);
  if (i % 11 == 0) e.spouse_id = SamplePerson(1 + (i + 3) % 50).person_id;
  if (i % 13 == 0) e.cause = fmt::format("O{:02}", i % 100);
  e.maternal = i % 17 == 0 ? 1 : i % 19 == 0 ? 0 : -1;
  if (i % 23 == 0) e.division = DivisionCode();
  e.date = Date::FromDays(e.date.days() + i % 400);
  return e;
}

TEST_F(SqliteStreamTest, EventsInARowLandFieldForFieldInTheirOwnRows) {
  constexpr int kEvents = 10000;
  auto batch = Begin();
  for (int i = 1; i <= 50; ++i) {
    const Person p = SamplePerson(i);
    ASSERT_TRUE(batch->InsertPerson(p, p.name));
  }
  for (int i = 1; i <= kEvents; ++i) {
    auto seq = batch->AppendEvent(FullEvent(i), static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull);
    ASSERT_TRUE(seq.has_value()) << seq.error().message;
    ASSERT_EQ(*seq, i);
  }
  ASSERT_TRUE(batch->Commit({}));
  batch.reset();
  int64_t seen = 0;
  ASSERT_TRUE(store_->ForEachEvent([&](const StoredEvent& e) {
    ++seen;
    EXPECT_EQ(e.seq, seen);
    testing::ExpectSameEvent(e.event, FullEvent(static_cast<int>(seen)));
  }));
  EXPECT_EQ(seen, kEvents);
  // The content hash, all 64 bits, of a row in the middle of a statement.
  EXPECT_EQ(testing::RawQuery(dir_.File("r.db"), "SELECT content_hash FROM events WHERE seq = 5000"),
            std::to_string(static_cast<int64_t>(uint64_t{5000} * 0x9E3779B97F4A7C15ull)));
}

// A repeated key inside a run of events fails the statement of many rows;
// the rows are then run one by one, so the error names the very event.
TEST_F(SqliteStreamTest, ARepeatedEventKeyInARunOfEventsIsNamed) {
  const Summary before = *store_->GetSummary();
  auto batch = Begin();
  Status status;
  for (int i = 1; i <= 10000 && status; ++i) {
    Event e = SampleEnumerate(i == 7000 ? 6990 : i, fmt::format("P-of-{}", i));
    if (auto seq = batch->AppendEvent(e, 1); !seq) status = std::unexpected(seq.error());
  }
  if (status) status = batch->Commit({});
  ASSERT_FALSE(status.has_value()) << "the repeat was never reported";
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  EXPECT_NE(status.error().message.find("appending event census/E000006990 of person P-of-7000"), std::string::npos)
      << status.error().message;
  batch.reset();
  EXPECT_EQ(store_->GetSummary()->events, before.events);
}

// The log has no foreign key to divisions (schema version 4): the batch checks
// each event's division itself, before the row is queued, so even a streaming
// batch refuses an unknown one by its own call and goes on.
TEST_F(SqliteStreamTest, AnUnknownDivisionIsRefusedByItsOwnCallAndTheBatchGoesOn) {
  const DivisionCode unknown = testing::Code(141002009009);
  const Division added{unknown, "九社区", DivisionLevel::kVillage, testing::Code(141002001000), ""};
  {
    auto batch = Begin();
    for (int i = 1; i <= kPersons; ++i) {
      const Person p = SamplePerson(i);
      ASSERT_TRUE(batch->InsertPerson(p, p.name));
      ASSERT_TRUE(batch->AppendEvent(SampleEnumerate(i, p.person_id), 1).has_value());
    }
    Event e = SampleEnumerate(kPersons + 1, SamplePerson(1).person_id);
    e.division = unknown;
    auto refused = batch->AppendEvent(e, 1);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(refused.error().message,
              fmt::format("Division 141002009009 of event {}/{} is not in the register; load the division first.",
                          e.source, e.event_id));
    // A division the batch adds is known to it at once ...
    ASSERT_TRUE(batch->PutDivision(added));
    EXPECT_EQ(*batch->AppendEvent(e, 1), kPersons + 1);
  }  // ... and forgotten when the batch rolls back.
  auto batch = Begin();
  Event e = SampleEnumerate(1, "P1");
  e.division = unknown;
  auto refused = batch->AppendEvent(e, 1);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SqliteStreamTest, ASmallBatchWritesEachRowAtOnce) {
  // Below the streaming threshold a refusal comes from the call itself, as
  // without stream_rows.
  testing::LoadSample(*store_, 2);
  auto batch = Begin();
  auto person = batch->InsertPerson(SamplePerson(1), "k");
  ASSERT_FALSE(person.has_value());
  EXPECT_EQ(person.error().code, ErrorCode::kConflict);
}

}  // namespace
}  // namespace junheng::store
