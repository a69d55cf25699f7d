// Divisions, persons and events through batches: store/store.h on either engine.
#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "store_test_util.h"

namespace junheng::store {
namespace {

using testing::Code;
using testing::Day;
using testing::Info;
using testing::MustOpenStore;
using testing::SampleDivisions;
using testing::SampleEnumerate;
using testing::SamplePerson;
using testing::TempDir;

class RegisterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = MustOpenStore(register_.target());
    ASSERT_NE(store_, nullptr);
  }
  std::unique_ptr<Batch> Begin() {
    auto batch = store_->BeginBatch(Info());
    EXPECT_TRUE(batch.has_value()) << batch.error().message;
    return batch ? std::move(*batch) : nullptr;
  }

  TempDir dir_;
  junheng::testing::TestRegister register_{dir_.path()};
  std::unique_ptr<Store> store_;
};

// What only SQLite's schema checks at once (pg_store.h says why PostgreSQL cannot).
class SqliteRegisterTest : public RegisterTest {};

TEST_F(RegisterTest, DivisionsLoadBackSortedAndRepeatsAreNoOps) {
  auto batch = Begin();
  std::vector<Division> divisions = SampleDivisions();
  // Children before parents: the parent is checked at commit.
  for (auto it = divisions.rbegin(); it != divisions.rend(); ++it) ASSERT_TRUE(batch->PutDivision(*it));
  for (const Division& d : divisions) ASSERT_TRUE(batch->PutDivision(d)) << "identical repeat";
  ASSERT_TRUE(batch->Commit({}));

  auto loaded = store_->LoadDivisions();
  ASSERT_TRUE(loaded.has_value());
  ASSERT_EQ(loaded->size(), divisions.size());
  for (size_t i = 0; i < divisions.size(); ++i) {
    EXPECT_EQ((*loaded)[i].code, divisions[i].code);
    EXPECT_EQ((*loaded)[i].name, divisions[i].name);
    EXPECT_EQ((*loaded)[i].level, divisions[i].level);
    EXPECT_EQ((*loaded)[i].parent, divisions[i].parent);
    EXPECT_EQ((*loaded)[i].urban_rural, divisions[i].urban_rural);
  }
}

TEST_F(RegisterTest, DivisionWithOtherContentIsAConflictNamingTheDifference) {
  testing::LoadSample(*store_, 0);
  Division base = SampleDivisions()[4];  // 141002001001 一社区, urban_rural 111
  struct Case {
    std::string what;
    std::function<void(Division&)> change;
    std::string mentions;
  };
  const Case cases[] = {
      {"name", [](Division& d) { d.name = "一村"; }, "name"},
      {"urban_rural", [](Division& d) { d.urban_rural = "220"; }, "urban_rural"},
      {"parent", [](Division& d) { d.parent = Code(141002000000); }, "parent_code"},
  };
  auto batch = Begin();
  for (const Case& c : cases) {
    Division d = base;
    c.change(d);
    auto status = batch->PutDivision(d);
    ASSERT_FALSE(status.has_value()) << c.what;
    EXPECT_EQ(status.error().code, ErrorCode::kConflict);
    EXPECT_NE(status.error().message.find(c.mentions), std::string::npos) << status.error().message;
    EXPECT_NE(status.error().message.find("141002001001"), std::string::npos);
  }
  EXPECT_TRUE(batch->PutDivision(base)) << "the batch is still usable";
}

TEST_F(RegisterTest, DivisionWithUnknownParentFailsAtCommit) {
  auto batch = Begin();
  ASSERT_TRUE(batch->PutDivision({Code(141002001003), "三社区", DivisionLevel::kVillage,
                                  Code(141002001000), "111"}));
  auto status = batch->Commit({});
  ASSERT_FALSE(status.has_value());
  batch.reset();
  EXPECT_EQ(store_->LoadDivisions()->size(), 0u);
}

TEST_F(RegisterTest, PersonsRoundTripAndAreFoundByEveryKey) {
  Person full = SamplePerson(7);
  full.citizen_id = "11010519491231002X";
  full.mother_id = "P000000002";
  full.father_id = "P000000003";
  full.phone = "13800000000";
  Person sparse;  // every optional field empty
  sparse.person_id = "P000000008";
  sparse.name = "李四";
  sparse.sex = Sex::kMale;
  sparse.birth_date = Day(2024, 2, 29);
  Person twin = sparse;  // same name key, birth date and sex
  twin.person_id = "P000000009";

  auto batch = Begin();
  ASSERT_TRUE(batch->InsertPerson(full, "zhang7"));
  ASSERT_TRUE(batch->InsertPerson(sparse, "lisi"));
  ASSERT_TRUE(batch->InsertPerson(twin, "lisi"));
  // Reads inside the open batch see its writes.
  EXPECT_TRUE(store_->FindPerson("P000000008")->has_value());
  ASSERT_TRUE(batch->Commit({.persons_loaded = 3}));

  for (const Person& p : {full, sparse, twin}) {
    auto found = store_->FindPerson(p.person_id);
    ASSERT_TRUE(found.has_value() && found->has_value()) << p.person_id;
    EXPECT_EQ(**found, p);
  }
  EXPECT_FALSE(store_->FindPerson("P999999999")->has_value());
  EXPECT_EQ(*store_->FindByCitizenId("11010519491231002X"), std::vector<std::string>{"P000000007"});
  EXPECT_TRUE(store_->FindByCitizenId("")->empty()) << "empty citizen ids are not a key";
  EXPECT_EQ(*store_->FindByNameKey("lisi", Day(2024, 2, 29), Sex::kMale),
            (std::vector<std::string>{"P000000008", "P000000009"}));
  EXPECT_TRUE(store_->FindByNameKey("lisi", Day(2024, 2, 29), Sex::kFemale)->empty());
  EXPECT_TRUE(store_->FindByNameKey("lisi", Day(2024, 3, 1), Sex::kMale)->empty());

  std::vector<std::string> visited;
  ASSERT_TRUE(store_->ForEachPerson([&](const Person& p) { visited.push_back(p.person_id); }));
  EXPECT_EQ(visited, (std::vector<std::string>{"P000000007", "P000000008", "P000000009"}));

  // The scan a snapshot load uses: storage order, vital fields only.
  std::vector<Person> vitals;
  ASSERT_TRUE(store_->ForEachPersonAsStored([&](const Person& p) { vitals.push_back(p); }, store::Detail::kVitals));
  ASSERT_EQ(vitals.size(), 3u);
  for (const Person& p : vitals) {
    auto full = store_->FindPerson(p.person_id);
    ASSERT_TRUE(full && *full);
    EXPECT_EQ(p.sex, (*full)->sex);
    EXPECT_EQ(p.birth_date, (*full)->birth_date);
    EXPECT_EQ(p.mother_id, (*full)->mother_id);
    EXPECT_TRUE(p.name.empty() && p.citizen_id.empty() && p.phone.empty()) << "not read at kVitals";
  }
  EXPECT_GE(*store_->PersonsUpperBound(), 3);
}

// A loader reads the persons in pieces on several connections: the pieces of
// one bound hold every person exactly once, also one stored after the bound was read.
TEST_F(RegisterTest, PersonPiecesHoldEveryPersonOnce) {
  auto batch = Begin();
  for (int i = 1; i <= 300; ++i) {
    Person p = SamplePerson(i);
    // Several counties, so that PostgreSQL spreads them over its partitions.
    p.hukou_division = *DivisionCode::Parse(fmt::format("1410{:02}001001", 21 + i % 13));
    ASSERT_TRUE(batch->InsertPerson(p, p.name));
  }
  ASSERT_TRUE(batch->Commit({}));
  auto bound = store_->PersonsUpperBound();
  ASSERT_TRUE(bound);
  // One more person after the bound was read.
  batch.reset();
  batch = Begin();
  ASSERT_NE(batch, nullptr);
  ASSERT_TRUE(batch->InsertPerson(SamplePerson(301), "late"));
  ASSERT_TRUE(batch->Commit({}));
  for (int parts : {1, 2, 3}) {
    std::map<std::string, int> seen;
    std::vector<size_t> sizes;
    for (int part = 0; part < parts; ++part) {
      size_t n = 0;
      ASSERT_TRUE(store_->ForEachPersonInPart([&](const Person& p) {
        ++seen[p.person_id];
        ++n;
      }, Detail::kVitals, {part, parts, *bound}));
      sizes.push_back(n);
    }
    ASSERT_EQ(seen.size(), 301u) << parts << " pieces";
    for (const auto& [id, times] : seen) EXPECT_EQ(times, 1) << id << " in " << parts << " pieces";
    if (parts > 1) {
      EXPECT_GT(*std::min_element(sizes.begin(), sizes.end()), 0u) << "no piece is empty";
    }
  }
}

TEST_F(RegisterTest, EventsRoundTripWithEveryField) {
  testing::LoadSample(*store_, 3);
  Event birth;
  birth.event_id = "B-1";
  birth.source = "health";
  birth.type = EventType::kBirth;
  birth.date = Day(2024, 3, 1);
  birth.recorded_at = Timestamp{1709280000 + 3723};
  birth.person_id = "P000000003";
  birth.division = Code(141002001002);
  birth.mother_id = "P000000002";
  birth.father_id = "P000000001";
  birth.birth_order = 2;
  birth.plurality = 1;
  birth.weight_g = 3250;
  birth.gestation_weeks = 39;
  Event death;
  death.event_id = "D-1";
  death.source = "civil_affairs";
  death.type = EventType::kDeath;
  death.date = Day(2024, 5, 2);
  death.recorded_at = Timestamp{1714608000};
  death.person_id = "P000000002";
  death.division = Code(141002001001);
  death.cause = "O72.1";
  death.maternal = 1;
  Event move_out;
  move_out.event_id = "M-1";
  move_out.source = "public_security";
  move_out.type = EventType::kMoveOut;
  move_out.date = Day(2024, 6, 1);
  move_out.recorded_at = Timestamp{1717200000};
  move_out.person_id = "P000000001";
  move_out.division = Code(141002001001);
  move_out.other_place = "140105";
  move_out.maternal = 0;

  auto batch = Begin();
  EXPECT_EQ(*batch->AppendEvent(birth, 11), 4);
  EXPECT_EQ(*batch->AppendEvent(death, ~uint64_t{0}), 5);
  EXPECT_EQ(*batch->AppendEvent(move_out, 13), 6);
  ASSERT_TRUE(batch->Commit({.events_loaded = 3}));

  auto births = store_->BirthsOfMother("P000000002");
  ASSERT_TRUE(births.has_value());
  ASSERT_EQ(births->size(), 1u);
  EXPECT_EQ((*births)[0].seq, 4);
  EXPECT_EQ((*births)[0].batch_id, 2);
  testing::ExpectSameEvent((*births)[0].event, birth);
  auto of_mother = store_->EventsOfPerson("P000000002");
  ASSERT_EQ(of_mother->size(), 2u);
  testing::ExpectSameEvent((*of_mother)[1].event, death);
  testing::ExpectSameEvent(store_->EventsOfPerson("P000000001")->back().event, move_out);

  auto key = store_->FindEvent("civil_affairs", "D-1");
  ASSERT_TRUE(key.has_value() && key->has_value());
  EXPECT_EQ((*key)->seq, 5);
  EXPECT_EQ((*key)->content_hash, ~uint64_t{0}) << "all 64 bits survive";
  EXPECT_EQ((*key)->person_id, "P000000002");
  EXPECT_FALSE(store_->FindEvent("health", "D-1")->has_value());

  // Following the log after seq 4, as a snapshot does: only the vital fields.
  std::vector<StoredEvent> after;
  ASSERT_TRUE(store_->ForEachEventAfter(4, [&](const StoredEvent& e) { after.push_back(e); }, Detail::kVitals));
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].seq, 5);
  EXPECT_EQ(after[0].event.event_id, "D-1");
  EXPECT_EQ(after[0].event.type, EventType::kDeath);
  EXPECT_EQ(after[0].event.date, death.date);
  EXPECT_EQ(after[0].event.recorded_at, death.recorded_at);
  EXPECT_EQ(after[0].event.person_id, death.person_id);
  EXPECT_EQ(after[0].event.division, death.division);
  EXPECT_EQ(after[0].event.maternal, 1);
  EXPECT_EQ(after[0].event.cause, "") << "not read at kVitals";
  EXPECT_EQ(after[0].event.source, "") << "not read at kVitals";
  EXPECT_EQ(after[1].event.other_place, "") << "not read at kVitals";
  EXPECT_EQ(after[1].event.maternal, 0);

  auto summary = store_->GetSummary();
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->events, 6);
  EXPECT_EQ(summary->first_event_date, Day(2020, 11, 1));
  EXPECT_EQ(summary->last_event_date, Day(2024, 6, 1));
  EXPECT_EQ(summary->events_by_type,
            (std::vector<std::pair<std::string, int64_t>>{
                {"birth", 1}, {"death", 1}, {"enumerate", 3}, {"move_out", 1}}));
}

// The summary's counts by type and span of dates are kept as batches commit
// (SQLite: event_tallies), not scanned: they must add up across batches, and a
// commit that fails and is tried again must not count its events twice.
TEST_F(SqliteRegisterTest, SummaryAddsUpBatchesAndACommitTriedAgainCountsOnce) {
  testing::LoadSample(*store_, 3);  // three enumerations on 2020-11-01
  auto batch = Begin();
  Event death = SampleEnumerate(50, "P000000002");
  death.type = EventType::kDeath;
  death.date = Day(2023, 3, 4);
  ASSERT_TRUE(batch->AppendEvent(death, 1));
  Event early = SampleEnumerate(51, "P000000003");
  early.date = Day(2015, 1, 1);
  ASSERT_TRUE(batch->AppendEvent(early, 1));
  // A village whose township is missing: the commit fails, the batch stays open.
  ASSERT_TRUE(batch->PutDivision({Code(141002002001), "新村", DivisionLevel::kVillage, Code(141002002000), ""}));
  ASSERT_FALSE(batch->Commit({}).has_value());
  ASSERT_TRUE(batch->PutDivision({Code(141002002000), "新街道", DivisionLevel::kTownship, Code(141002000000), ""}));
  ASSERT_TRUE(batch->Commit({}));
  batch.reset();
  const Summary summary = *store_->GetSummary();
  EXPECT_EQ(summary.events, 5);
  EXPECT_EQ(summary.events_by_type,
            (std::vector<std::pair<std::string, int64_t>>{{"death", 1}, {"enumerate", 4}}));
  EXPECT_EQ(summary.first_event_date, Day(2015, 1, 1));
  EXPECT_EQ(summary.last_event_date, Day(2023, 3, 4));
  // A batch rolled back adds nothing.
  {
    auto dropped = Begin();
    ASSERT_TRUE(dropped->AppendEvent(SampleEnumerate(60, "P000000001"), 1));
  }
  EXPECT_EQ(store_->GetSummary()->events_by_type, summary.events_by_type);
}

// A broken REQUIRES of Batch (a person or an event key that is not new) never
// reaches the register. SQLite refuses the call itself (SqliteRegisterTest
// below); PostgreSQL sends rows in bulk, so the refusal may come with the next
// read or at Commit, and then ends the batch. Either way: kConflict, and the
// store is as before.
TEST_F(RegisterTest, ARepeatedPersonOrEventKeyNeverReachesTheRegister) {
  testing::LoadSample(*store_, 2);
  const Summary before = *store_->GetSummary();
  struct Case {
    const char* what;
    std::function<Status(Batch&)> write;
  };
  const Case cases[] = {
      {"a person stored before", [](Batch& b) { return b.InsertPerson(SamplePerson(1), "k"); }},
      {"a person twice in one batch",
       [](Batch& b) -> Status {
         JH_RETURN_IF_ERROR(b.InsertPerson(SamplePerson(7), "k"));
         return b.InsertPerson(SamplePerson(7), "k");
       }},
      {"an event key stored before",
       [](Batch& b) -> Status {
         JH_RETURN_IF_ERROR(b.AppendEvent(SampleEnumerate(1, "P000000001"), 1));  // as in the sample
         return {};
       }},
  };
  for (const Case& c : cases) {
    auto batch = Begin();
    Status status = c.write(*batch);
    if (status) status = batch->Commit({});
    ASSERT_FALSE(status.has_value()) << c.what;
    EXPECT_EQ(status.error().code, ErrorCode::kConflict) << c.what << ": " << status.error().message;
    batch.reset();
    const Summary after = *store_->GetSummary();
    EXPECT_EQ(after.persons, before.persons) << c.what;
    EXPECT_EQ(after.max_seq, before.max_seq) << c.what;
    EXPECT_EQ(after.batches, before.batches) << c.what;
  }
}

TEST_F(SqliteRegisterTest, ARepeatedKeyIsRefusedAtOnceAndTheBatchGoesOn) {
  testing::LoadSample(*store_, 2);
  auto batch = Begin();
  auto person = batch->InsertPerson(SamplePerson(1), "k");
  ASSERT_FALSE(person.has_value());
  EXPECT_EQ(person.error().code, ErrorCode::kConflict);
  Event e = SampleEnumerate(1, "P000000001");  // same (source, event_id) as in the sample
  auto seq = batch->AppendEvent(e, 1);
  ASSERT_FALSE(seq.has_value());
  EXPECT_EQ(seq.error().code, ErrorCode::kConflict);
  e.event_id = "E-new";
  EXPECT_EQ(*batch->AppendEvent(e, 1), 3) << "the failed append used no number";
}

TEST_F(RegisterTest, AnEventInAnUnknownDivisionIsRefusedAtOnce) {
  testing::LoadSample(*store_, 1);
  auto batch = Begin();
  Event e = SampleEnumerate(101, "P000000001");
  e.division = Code(141002009009);
  auto seq = batch->AppendEvent(e, 1);
  ASSERT_FALSE(seq.has_value());
  EXPECT_EQ(seq.error().code, ErrorCode::kInvalidArgument) << seq.error().message;
  EXPECT_EQ(*batch->AppendEvent(SampleEnumerate(200, "P000000001"), 1), 2) << "the batch goes on";
  // A division added in the batch is known to it at once.
  ASSERT_TRUE(batch->PutDivision({Code(141002009009), "九社区", DivisionLevel::kVillage, Code(141002001000), ""}));
  EXPECT_EQ(*batch->AppendEvent(e, 1), 3);
  ASSERT_TRUE(batch->Commit({}));
  EXPECT_EQ(store_->EventsOfPerson("P000000001")->size(), 3u);
}

// The person is the writer's REQUIRES on both engines: neither log has a
// foreign key to persons (SQLite's went in schema version 4), so the store
// takes such an event, and `junheng check` is what names it (cli_test).
TEST_F(RegisterTest, AnEventOfAnUnknownPersonIsTheWritersToRefuse) {
  testing::LoadSample(*store_, 1);
  auto batch = Begin();
  auto seq = batch->AppendEvent(SampleEnumerate(101, "P404"), 1);
  ASSERT_TRUE(seq.has_value()) << seq.error().message;
  EXPECT_EQ(*seq, 2);
  ASSERT_TRUE(batch->Commit({}));
  EXPECT_EQ(store_->EventsOfPerson("P404")->size(), 1u);
}

TEST_F(RegisterTest, SequenceIsGaplessAcrossBatchesAndBatchIdsCount) {
  testing::LoadSample(*store_, 5, 1);
  testing::LoadSample(*store_, 5, 6);
  testing::LoadSample(*store_, 5, 11);
  std::vector<int64_t> seqs, batches;
  ASSERT_TRUE(store_->ForEachEvent([&](const StoredEvent& e) {
    seqs.push_back(e.seq);
    batches.push_back(e.batch_id);
  }));
  ASSERT_EQ(seqs.size(), 15u);
  for (size_t i = 0; i < seqs.size(); ++i) {
    EXPECT_EQ(seqs[i], static_cast<int64_t>(i) + 1);
    EXPECT_EQ(batches[i], static_cast<int64_t>(i / 5) + 1);
  }
  auto listed = store_->ListBatches();
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[2].id, 3);
  EXPECT_EQ((*listed)[2].counts.events_loaded, 5);
  EXPECT_EQ((*listed)[2].info.files, (std::vector<std::string>{"persons.csv", "events.csv"}));
  EXPECT_EQ((*listed)[2].info.started_at, Timestamp{1700000000});
  EXPECT_GT((*listed)[2].finished_at, Timestamp{1700000000});
}

TEST_F(RegisterTest, BatchDestroyedWithoutCommitLeavesTheStoreAsBefore) {
  testing::LoadSample(*store_, 4);
  Summary before = *store_->GetSummary();
  {
    auto batch = Begin();
    EXPECT_EQ(batch->id(), 2);
    ASSERT_TRUE(batch->PutDivision({Code(141002001003), "三社区", DivisionLevel::kVillage,
                                    Code(141002001000), "111"}));
    for (int i = 10; i < 20; ++i) {
      ASSERT_TRUE(batch->InsertPerson(SamplePerson(i), "k"));
      ASSERT_TRUE(batch->AppendEvent(SampleEnumerate(i, SamplePerson(i).person_id), 1));
    }
    ASSERT_TRUE(batch->AddQuarantine({.kind = RecordKind::kPerson, .raw = "x"}));
    EXPECT_EQ(store_->GetSummary()->max_seq, 14) << "the batch sees its own writes";
    EXPECT_FALSE(store_->BeginBatch(Info()).has_value()) << "one batch at a time";
  }
  Summary after = *store_->GetSummary();
  EXPECT_EQ(after.divisions, before.divisions);
  EXPECT_EQ(after.persons, before.persons);
  EXPECT_EQ(after.events, before.events);
  EXPECT_EQ(after.max_seq, before.max_seq);
  EXPECT_EQ(after.batches, before.batches);
  EXPECT_EQ(after.quarantined, 0);
  auto next = Begin();
  EXPECT_EQ(next->id(), 2) << "the rolled-back batch id is reused";
  EXPECT_EQ(*next->AppendEvent(SampleEnumerate(50, "P000000001"), 1), 5);
}

TEST_F(RegisterTest, CommittedBatchRefusesMoreWrites) {
  auto batch = Begin();
  ASSERT_TRUE(batch->Commit({}));
  auto status = batch->PutDivision(SampleDivisions()[0]);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(batch->Commit({}).has_value());
}

TEST_F(RegisterTest, EventLogIsAppendOnly) {
  testing::LoadSample(*store_, 2);
  store_.reset();
  std::vector<std::string> statements = {"UPDATE events SET cause = 'X' WHERE seq = 1",
                                         "DELETE FROM events WHERE seq = 2", "DELETE FROM events"};
  if (junheng::testing::OnPostgres()) statements.push_back("TRUNCATE events");
  for (const std::string& sql : statements) {
    const std::string error = testing::RawExec(register_.target(), sql);
    EXPECT_NE(error.find("append-only"), std::string::npos) << sql << ": " << error;
  }
  store_ = MustOpenStore(register_.target());
  EXPECT_EQ(store_->GetSummary()->events, 2);
}

TEST_F(RegisterTest, QuarantineConflictsAndReviewsRoundTrip) {
  testing::LoadSample(*store_, 1);
  QuarantineRow q{.kind = RecordKind::kPerson, .source = "public_security", .file = "persons.csv",
                  .line = 42, .record_key = "P7", .raw = "P7,,张三,3,1990-13-01",
                  .reasons = {{"sex.invalid", "sex", "性别必须是 1 或 2。"},
                              {"birth_date.invalid", "birth_date", "Month 13 does not exist; \"quoted\"."},
                              {"citizen_id.missing", "", ""}}};
  QuarantineRow no_reasons{.kind = RecordKind::kDivision, .raw = "141002"};
  ConflictRow c{.kind = RecordKind::kEvent, .source = "health", .file = "births.jsonl", .line = 3,
                .record_key = "B-1", .existing_seq = 1, .raw = "{\"event_id\":\"B-1\"}",
                .message = "weight_g 3250 vs 3300"};
  ConflictRow resolved{.kind = RecordKind::kDivision, .record_key = "141002001001", .raw = "r",
                       .message = "name differs", .status = "resolved"};
  ReviewRow r{.kind = RecordKind::kEvent, .source = "education", .file = "pupils.csv", .line = 9,
              .raw = "王五,2015-09-01", .candidates = {"P000000001", "P000000002"},
              .message = "two persons share this name and birth date"};
  ReviewRow nobody{.raw = "x", .message = "no person matched"};

  auto batch = Begin();
  const int64_t id = batch->id();
  for (const QuarantineRow& row : {q, no_reasons}) ASSERT_TRUE(batch->AddQuarantine(row));
  for (const ConflictRow& row : {c, resolved}) ASSERT_TRUE(batch->AddConflict(row));
  for (const ReviewRow& row : {r, nobody}) ASSERT_TRUE(batch->AddReview(row));
  ASSERT_TRUE(batch->Commit({.conflicts = 2, .rejected = 2, .review = 2}));

  auto qs = *store_->ListQuarantine(0);
  ASSERT_EQ(qs.size(), 2u);
  EXPECT_EQ(qs[0].batch_id, id);
  EXPECT_GT(qs[0].id, 0);
  EXPECT_EQ(qs[0].kind, q.kind);
  EXPECT_EQ(qs[0].source, q.source);
  EXPECT_EQ(qs[0].file, q.file);
  EXPECT_EQ(qs[0].line, q.line);
  EXPECT_EQ(qs[0].record_key, q.record_key);
  EXPECT_EQ(qs[0].raw, q.raw);
  EXPECT_EQ(qs[0].reasons, q.reasons);
  EXPECT_TRUE(qs[1].reasons.empty());
  EXPECT_EQ(qs[1].kind, RecordKind::kDivision);
  EXPECT_EQ(store_->ListQuarantine(id)->size(), 2u);
  EXPECT_TRUE(store_->ListQuarantine(id - 1)->empty());

  auto cs = *store_->ListConflicts(id);
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].kind, c.kind);
  EXPECT_EQ(cs[0].file, c.file);
  EXPECT_EQ(cs[0].line, c.line);
  EXPECT_EQ(cs[0].record_key, c.record_key);
  EXPECT_EQ(cs[0].existing_seq, 1);
  EXPECT_EQ(cs[0].raw, c.raw);
  EXPECT_EQ(cs[0].message, c.message);
  EXPECT_EQ(cs[0].status, "open");
  EXPECT_EQ(cs[1].status, "resolved");
  EXPECT_EQ(cs[1].existing_seq, 0);

  auto rs = *store_->ListReviews(0);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].candidates, r.candidates);
  EXPECT_EQ(rs[0].source, r.source);
  EXPECT_EQ(rs[0].line, r.line);
  EXPECT_EQ(rs[0].raw, r.raw);
  EXPECT_EQ(rs[0].message, r.message);
  EXPECT_TRUE(rs[1].candidates.empty());

  auto summary = *store_->GetSummary();
  EXPECT_EQ(summary.quarantined, 2);
  EXPECT_EQ(summary.open_conflicts, 1);
  EXPECT_EQ(summary.open_reviews, 2);
}

// More rows than the PostgreSQL batch buffers (it sends them before each read),
// read back inside and after the batch, with scans whose visitor reads the
// store again (a scan streams through a cursor; the visitor's reads join it).
TEST_F(RegisterTest, ALargeBatchReadsItsOwnWritesAndScansStream) {
  constexpr int kRows = 25000;
  testing::LoadSample(*store_, 0);
  auto batch = Begin();
  for (int i = 1; i <= kRows; ++i) {
    Person p = SamplePerson(i);
    p.citizen_id = fmt::format("C{}", i);
    ASSERT_TRUE(batch->InsertPerson(p, p.name));
    ASSERT_TRUE(batch->AppendEvent(SampleEnumerate(i, p.person_id), 1));
    if (i == kRows / 2 + 7) {
      EXPECT_EQ(*store_->FindByCitizenId("C3"), std::vector<std::string>{"P000000003"});
      EXPECT_EQ(store_->EventsOfPerson(p.person_id)->size(), 1u);
      EXPECT_EQ(store_->GetSummary()->max_seq, i);
      EXPECT_EQ(*store_->PersonsUpperBound(), i);
    }
  }
  ASSERT_TRUE(batch->Commit({.persons_loaded = kRows, .events_loaded = kRows}));
  batch.reset();

  int64_t expected_seq = 0, looked_up = 0;
  ASSERT_TRUE(store_->ForEachEventAfter(0, [&](const StoredEvent& e) {
    ++expected_seq;
    ASSERT_EQ(e.seq, expected_seq);
    if (e.seq % 5000 == 0) {  // back into the store from inside the scan
      auto person = store_->FindPerson(e.event.person_id);
      ASSERT_TRUE(person && *person) << e.event.person_id;
      ++looked_up;
    }
  }, Detail::kVitals));
  EXPECT_EQ(expected_seq, kRows);
  EXPECT_EQ(looked_up, kRows / 5000);
  int64_t persons = 0;
  ASSERT_TRUE(store_->ForEachPersonAsStored([&](const Person&) { ++persons; }, Detail::kFull));
  EXPECT_EQ(persons, kRows);
  std::vector<StoredEvent> tail;
  ASSERT_TRUE(store_->ForEachEventAfter(kRows - 2, [&](const StoredEvent& e) { tail.push_back(e); }));
  ASSERT_EQ(tail.size(), 2u);
  testing::ExpectSameEvent(tail[1].event, SampleEnumerate(kRows, SamplePerson(kRows).person_id));
  EXPECT_EQ(*store_->PersonsUpperBound(), kRows);
}

// The writer protocol of pg_store.h, on both engines: writers in several
// processes (here: connections in threads) take turns, the log stays gapless,
// and a reader that follows it by seq never sees seq n + 1 before n.
TEST_F(RegisterTest, SeveralWritersTakeTurnsAndAFollowerNeverSkipsASeq) {
  constexpr int kWriters = 2, kBatches = 8, kEvents = 40;
  constexpr int64_t kTotal = 2 + kWriters * kBatches * kEvents;
  testing::LoadSample(*store_, 2);
  std::vector<std::string> failures(kWriters + 1);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto store = OpenStore(register_.target());
      if (!store) return void(failures[w] = store.error().message);
      for (int b = 0; b < kBatches; ++b) {
        auto batch = (*store)->BeginBatch(Info());
        if (!batch) return void(failures[w] = batch.error().message);
        for (int i = 0; i < kEvents; ++i) {
          Event e = SampleEnumerate(i, "P000000001");
          e.event_id = fmt::format("W{}-{}-{}", w, b, i);
          if (auto seq = (*batch)->AppendEvent(e, 1); !seq) return void(failures[w] = seq.error().message);
        }
        if (auto s = (*batch)->Commit({}); !s) return void(failures[w] = s.error().message);
      }
    });
  }
  // The follower: what it has seen is always 1..last without a hole.
  threads.emplace_back([&] {
    auto store = OpenStore(register_.target());
    if (!store) return void(failures[kWriters] = store.error().message);
    int64_t last = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (last < kTotal && std::chrono::steady_clock::now() < deadline) {
      auto s = (*store)->ForEachEventAfter(last, [&](const StoredEvent& e) {
        if (e.seq != last + 1 && failures[kWriters].empty()) {
          failures[kWriters] = fmt::format("after seq {} the follower saw seq {}", last, e.seq);
        }
        last = e.seq;
      }, Detail::kVitals);
      if (!s) return void(failures[kWriters] = s.error().message);
    }
    if (last != kTotal && failures[kWriters].empty()) {
      failures[kWriters] = fmt::format("the follower reached seq {} of {}", last, kTotal);
    }
  });
  for (std::thread& t : threads) t.join();
  for (const std::string& f : failures) EXPECT_EQ(f, "");
  // Each batch holds one run of consecutive seqs.
  std::map<int64_t, std::pair<int64_t, int64_t>> runs;  // batch id -> first, last seq
  ASSERT_TRUE(store_->ForEachEvent([&](const StoredEvent& e) {
    auto [it, fresh] = runs.try_emplace(e.batch_id, e.seq, e.seq);
    if (!fresh) {
      EXPECT_EQ(e.seq, it->second.second + 1) << "batch " << e.batch_id;
      it->second.second = e.seq;
    }
  }));
  EXPECT_EQ(runs.size(), 1u + kWriters * kBatches);
  EXPECT_EQ(store_->GetSummary()->max_seq, kTotal);
}

// Row text as a file held it, bytes that are not UTF-8 and NUL included, comes
// back exactly from quarantine, conflicts and the review queue.
TEST_F(RegisterTest, BookkeepingRowsKeepEveryByteOfTheRow) {
  testing::LoadSample(*store_, 1);
  const std::string raw = std::string("P9,\xff\xfe,张三") + '\0' + ",\t\\N\n\\x41";
  auto batch = Begin();
  ASSERT_TRUE(batch->AddQuarantine({.kind = RecordKind::kPerson, .source = "health", .file = "a.csv", .line = 3,
                                    .record_key = "P9", .raw = raw,
                                    .reasons = {{"row.malformed", "", "not UTF-8"}}}));
  ASSERT_TRUE(batch->AddConflict({.kind = RecordKind::kEvent, .record_key = "E1", .raw = raw, .message = "m"}));
  ASSERT_TRUE(batch->AddReview({.kind = RecordKind::kEvent, .raw = raw, .candidates = {"P000000001"}, .message = "r"}));
  ASSERT_TRUE(batch->Commit({}));
  auto q = store_->ListQuarantine(0);
  ASSERT_TRUE(q.has_value()) << q.error().message;
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].raw, raw);
  EXPECT_EQ((*q)[0].reasons.size(), 1u);
  EXPECT_EQ((*q)[0].reasons[0].code, "row.malformed");
  EXPECT_EQ((*store_->ListConflicts(0))[0].raw, raw);
  EXPECT_EQ((*store_->ListReviews(0))[0].raw, raw);
}

}  // namespace
}  // namespace junheng::store
