// Importer::ImportFiles (ingest/import_files.cpp): several files in one batch.
#include <fmt/format.h>

#include "ingest/import_fixture.h"

namespace junheng::ingest::testing {
namespace {

// ImportFiles reads the events files on a second thread while the register
// is read and the persons file loads (import_files.cpp). What the report and
// the quarantine say must not show it: refusals and warnings in file order.
TEST_F(ImportTest, EventsFilesReadAlongsideThePersonsReportInFileOrder) {
  std::string persons = std::string("person_id,citizen_id,name,sex,birth_date,ethnicity,hukou_division,mother_id,"
                                    "father_id,household_id,phone,note\n");
  for (const char* row : {"W1,,李梅,2,1990-03-15,01,141002001001,,,H1,,x\n", "X9,,坏人,9,1990-03-15,01,,,,,,x\n",
                          "M1,,王强,1,1988-07-01,01,141002001001,,,H1,,x\n"})
    persons += row;
  std::string events1 = std::string(kEventsHeader);
  events1.insert(events1.size() - 1, ",memo");
  events1 += "e1,public_security,enumerate,2020-11-01,2020-11-01T10:00:00+08:00,W1,141002001001,,,,,,,,,,,m\n"
             "e2,public_security,enumerate,2020-13-01,2020-11-01T10:00:00+08:00,M1,141002001001,,,,,,,,,,,m\n";
  std::string events2 = std::string(kEventsHeader) +
                        "e3,public_security,enumerate,2020-11-01,2020-11-01T10:00:00+08:00,M1,141002001001,,,,,,,,,,\n"
                        "e4,public_security,teleport,2021-01-01,2021-01-01T10:00:00+08:00,W1,141002001001,,,,,,,,,,\n";
  // Events files first on the command line: persons are loaded first all the same.
  const std::vector<std::string> files = {Write("e1.csv", events1), Write("e2.csv", events2),
                                          Write("p.csv", persons)};
  Importer importer(*store_, Options("public_security"));
  auto r = importer.ImportFiles(files);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->counts.persons_loaded, 2);
  EXPECT_EQ(r->counts.events_loaded, 2);
  std::vector<std::string> rejected;
  for (const RejectedRow& row : r->rejected) rejected.push_back(fmt::format("{}:{} {}", row.file, row.line, row.key));
  EXPECT_EQ(rejected, (std::vector<std::string>{files[2] + ":3 X9", files[0] + ":3 e2", files[1] + ":3 e4"}));
  EXPECT_EQ(r->warnings, (std::vector<std::string>{files[2] + ": column \"note\" is not used",
                                                   files[0] + ": column \"memo\" is not used"}));
  auto quarantined = store_->ListQuarantine(r->batch_id);
  ASSERT_TRUE(quarantined.has_value()) << quarantined.error().message;
  std::vector<std::string> kept;
  for (const store::QuarantineRow& q : *quarantined) kept.push_back(fmt::format("{}:{} {}", q.file, q.line, q.record_key));
  EXPECT_EQ(kept, rejected);
}

}  // namespace
}  // namespace junheng::ingest::testing
