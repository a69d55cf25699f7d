// Divisions, persons and events through batches: store/store.h on SQLite.
#include <sqlite3.h>

#include "store_test_util.h"

namespace junheng::store {
namespace {

using testing::Code;
using testing::Day;
using testing::Info;
using testing::MustOpen;
using testing::SampleDivisions;
using testing::SampleEnumerate;
using testing::SamplePerson;
using testing::TempDir;

class SqliteRegisterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = MustOpen(dir_.File("register.db"));
    ASSERT_NE(store_, nullptr);
  }
  std::unique_ptr<Batch> Begin() {
    auto batch = store_->BeginBatch(Info());
    EXPECT_TRUE(batch.has_value()) << batch.error().message;
    return batch ? std::move(*batch) : nullptr;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteRegisterTest, DivisionsLoadBackSortedAndRepeatsAreNoOps) {
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

TEST_F(SqliteRegisterTest, DivisionWithOtherContentIsAConflictNamingTheDifference) {
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

TEST_F(SqliteRegisterTest, DivisionWithUnknownParentFailsAtCommit) {
  auto batch = Begin();
  ASSERT_TRUE(batch->PutDivision({Code(141002001003), "三社区", DivisionLevel::kVillage,
                                  Code(141002001000), "111"}));
  auto status = batch->Commit({});
  ASSERT_FALSE(status.has_value());
  batch.reset();
  EXPECT_EQ(store_->LoadDivisions()->size(), 0u);
}

TEST_F(SqliteRegisterTest, PersonsRoundTripAndAreFoundByEveryKey) {
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
  auto again = batch->InsertPerson(full, "zhang7");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
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

TEST_F(SqliteRegisterTest, EventsRoundTripWithEveryField) {
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

TEST_F(SqliteRegisterTest, DuplicateEventKeyIsAConflictAndLeavesNoGap) {
  testing::LoadSample(*store_, 2);
  auto batch = Begin();
  Event e = SampleEnumerate(1, "P000000001");  // same (source, event_id) as in the sample
  auto seq = batch->AppendEvent(e, 1);
  ASSERT_FALSE(seq.has_value());
  EXPECT_EQ(seq.error().code, ErrorCode::kConflict);
  e.event_id = "E-new";
  EXPECT_EQ(*batch->AppendEvent(e, 1), 3) << "the failed append used no number";
}

TEST_F(SqliteRegisterTest, ForeignKeysAreEnforced) {
  testing::LoadSample(*store_, 1);
  struct Case {
    std::string what;
    std::string person_id;
    uint64_t division;
  };
  const Case cases[] = {
      {"unknown person", "P404", 141002001001},
      {"unknown division", "P000000001", 141002009009},
  };
  auto batch = Begin();
  int i = 100;
  for (const Case& c : cases) {
    Event e = SampleEnumerate(++i, c.person_id);
    e.division = Code(c.division);
    auto seq = batch->AppendEvent(e, 1);
    ASSERT_FALSE(seq.has_value()) << c.what;
    EXPECT_EQ(seq.error().code, ErrorCode::kInvalidArgument) << c.what << ": " << seq.error().message;
  }
  EXPECT_EQ(*batch->AppendEvent(SampleEnumerate(200, "P000000001"), 1), 2);
}

TEST_F(SqliteRegisterTest, SequenceIsGaplessAcrossBatchesAndBatchIdsCount) {
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

TEST_F(SqliteRegisterTest, BatchDestroyedWithoutCommitLeavesTheStoreAsBefore) {
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

TEST_F(SqliteRegisterTest, CommittedBatchRefusesMoreWrites) {
  auto batch = Begin();
  ASSERT_TRUE(batch->Commit({}));
  auto status = batch->PutDivision(SampleDivisions()[0]);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(batch->Commit({}).has_value());
}

TEST_F(SqliteRegisterTest, EventLogIsAppendOnly) {
  testing::LoadSample(*store_, 2);
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("register.db").c_str(), &db), SQLITE_OK);
  for (const char* sql : {"UPDATE events SET cause = 'X' WHERE seq = 1", "DELETE FROM events WHERE seq = 2",
                          "DELETE FROM events"}) {
    char* message = nullptr;
    EXPECT_NE(sqlite3_exec(db, sql, nullptr, nullptr, &message), SQLITE_OK) << sql;
    EXPECT_NE(std::string(message ? message : "").find("append-only"), std::string::npos) << sql;
    sqlite3_free(message);
  }
  sqlite3_close(db);
  store_ = MustOpen(dir_.File("register.db"));
  EXPECT_EQ(store_->GetSummary()->events, 2);
}

TEST_F(SqliteRegisterTest, QuarantineConflictsAndReviewsRoundTrip) {
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

}  // namespace
}  // namespace junheng::store
