// Two writers on one register (two servers, or a server and `junheng import`):
// an importer that knows the whole register in memory must notice, when its
// next batch begins, that someone else has committed since, and ask the store
// again instead of trusting what it knew. Otherwise a row another writer has
// just loaded would be appended a second time (on PostgreSQL nothing but this
// check catches a repeat in another county).
#include "ingest/import_fixture.h"
#include "store/open.h"

namespace junheng::ingest::testing {
namespace {

TEST_F(ImportTest, AnImporterSeesWhatAnotherWriterCommittedBetweenItsBatches) {
  // This importer starts on a register without persons, so it knows it completely.
  Importer mine(*store_, Options("public_security"));
  auto persons = mine.ImportFiles({Write("persons.csv", std::string(kPersonsHeader) + BasePersons())});
  ASSERT_TRUE(persons.has_value()) << persons.error().message;
  ASSERT_EQ(persons->counts.persons_loaded, 3);

  // Another process loads two events.
  const std::vector<Ev> rows = {
      {.id = "x1", .type = "enumerate", .date = "2020-11-01", .person = "W1", .division = kV1},
      {.id = "x2", .type = "enumerate", .date = "2020-11-01", .person = "M1", .division = kV3},
  };
  std::string csv = kEventsHeader;
  for (const Ev& e : rows) csv += e.Csv();
  const std::string events = Write("events.csv", csv);
  {
    auto other_store = store::OpenStore(db_);
    ASSERT_TRUE(other_store.has_value()) << other_store.error().message;
    Importer other(**other_store, Options("public_security"));
    auto r = other.ImportFiles({events});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    ASSERT_EQ(r->counts.events_loaded, 2);
  }

  // The first importer sends the same file: duplicates, nothing appended twice.
  auto again = mine.ImportFiles({events});
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->counts.events_loaded, 0);
  EXPECT_EQ(again->counts.duplicates, 2);
  EXPECT_EQ(Summary().events, 2);
  EXPECT_EQ(Summary().max_seq, 2);
}

}  // namespace
}  // namespace junheng::ingest::testing
