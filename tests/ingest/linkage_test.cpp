// Record linkage: rows without a person_id find their person, or wait for review.
#include <gmock/gmock.h>

#include "ingest/import_fixture.h"
#include "ingest/linkage.h"

namespace junheng::ingest::testing {
namespace {

class LinkageTest : public ImportTest {
 protected:
  void SetUp() override {
    ImportTest::SetUp();
    ASSERT_EQ(ImportPersons(BasePersons() +
                            // Two men with the same name, birth date and sex: ambiguous by name.
                            "T1,,刘洋,1,1992-02-02,01,,,,,\n"
                            "T2,,刘洋,1,1992-02-02,01,,,,,\n").counts.persons_loaded, 5);
    ASSERT_EQ(ImportEvents({{.id = "e1", .type = "enumerate", .date = "2015-01-01", .person = "W1", .division = kV1},
                            {.id = "e2", .type = "enumerate", .date = "2015-01-01", .person = "M1", .division = kV1}})
                  .counts.events_loaded, 2);
  }
  // An events file with linkage columns instead of person_id.
  ImportReport ImportLinked(const std::string& rows) {
    const std::string header =
        "event_id,type,date,recorded_at,division,citizen_id,name,sex,birth_date,other_place\n";
    return ImportText("linked.csv", header + rows, Options("civil_affairs"));
  }
};

TEST_F(LinkageTest, MatchesByCitizenId) {
  const std::string id = MakeCitizenId("19900315", "002");
  auto r = ImportLinked("L1,move,2020-01-01,2020-01-02T09:00:00+08:00,141002001002," + id + ",,,,\n");
  EXPECT_EQ(r.counts.events_loaded, 1) << FormatSummary(r);
  EXPECT_EQ(store_->EventsOfPerson("W1")->size(), 2u);
}

TEST_F(LinkageTest, MatchesByNormalisedNameBirthDateAndSex) {
  // Traditional characters with a full-width space: 王強 → 王强.
  auto r = ImportLinked("L2,move,2020-01-01,2020-01-02T09:00:00+08:00,141002001002,,王　強,1,1988-07-01,\n");
  EXPECT_EQ(r.counts.events_loaded, 1) << FormatSummary(r);
  EXPECT_EQ(store_->EventsOfPerson("M1")->size(), 2u);
}

TEST_F(LinkageTest, AmbiguousOrMissingMatchesWaitForReview) {
  auto r = ImportLinked(
      "L3,move,2020-01-01,2020-01-02T09:00:00+08:00,141002001002,,刘洋,1,1992-02-02,\n"
      "L4,move,2020-01-01,2020-01-02T09:00:00+08:00,141002001002,,陈无名,1,1992-02-02,\n");
  EXPECT_EQ(r.counts.events_loaded, 0);
  EXPECT_EQ(r.counts.review, 2);
  auto reviews = *store_->ListReviews(r.batch_id);
  ASSERT_EQ(reviews.size(), 2u);
  EXPECT_THAT(reviews[0].candidates, ::testing::UnorderedElementsAre("T1", "T2"));
  EXPECT_TRUE(reviews[1].candidates.empty());
  EXPECT_EQ(reviews[1].line, 3);
}

TEST_F(LinkageTest, CitizenIdThatContradictsTheNameMatchIsNotMerged) {
  const std::string other = MakeCitizenId("19880701", "031");  // not M1's number
  auto link = LinkPerson(*store_, LinkKey{other, "王强", Sex::kMale, *Date::Parse("1988-07-01")});
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->status, LinkStatus::kAmbiguous);
  EXPECT_THAT(link->candidates, ::testing::ElementsAre("M1"));
}

TEST_F(LinkageTest, PersonRowWithoutPersonIdIsLinkedByCitizenId) {
  // The same person as W1, sent by another department without our person_id.
  auto same = ImportPersons("," + MakeCitizenId("19900315", "002") + ",李梅,2,1990-03-15,01,141002001001,,,H1,13912345678\n",
                            "medical_insurance");
  EXPECT_EQ(same.counts.duplicates, 1) << FormatSummary(same);
  auto unknown = ImportPersons("," + MakeCitizenId("19950101", "004") + ",孙丽,2,1995-01-01,01,,,,,\n",
                               "medical_insurance");
  EXPECT_EQ(unknown.counts.review, 1);
  // A new person_id carrying a citizen id that already belongs to someone.
  auto dup = ImportPersons("W1B," + MakeCitizenId("19900315", "002") + ",李梅,2,1990-03-15,01,,,,,\n");
  EXPECT_EQ(dup.counts.review, 1);
  EXPECT_FALSE(store_->FindPerson("W1B")->has_value());
}

}  // namespace
}  // namespace junheng::ingest::testing
