// A quarantined row keeps its division when the row had a well-formed one, so
// a county's staff can be shown the rejected rows of their own county.
#include <map>

#include "ingest/import_fixture.h"

namespace junheng::ingest::testing {
namespace {

TEST_F(ImportTest, QuarantinedRowsKeepAWellFormedDivision) {
  ImportPersons(BasePersons() +
                "P1,141002199001010000,坏号,1,1990-01-01,01,141021100200,,,,\n"  // bad citizen id
                "P2,141002199001010000,坏号,1,1990-01-01,01,1410,,,,\n");         // and a short code
  ImportEvents({
      {.id = "unknown_person", .type = "move_in", .date = "2020-01-01", .person = "NOBODY", .division = kV2,
       .other = "140100"},                                                              // a register rule
      {.id = "bad_date", .type = "move_in", .date = "2020-13-01", .person = "W1", .division = kV3},  // parsing
      {.id = "bad_division", .type = "move_in", .date = "2020-13-01", .person = "W1", .division = "x"},
  });
  auto rows = store_->ListQuarantine(0);
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  std::map<std::string, std::string> division_of;
  for (const store::QuarantineRow& r : *rows) division_of[r.record_key] = r.division;
  const std::map<std::string, std::string> want = {
      {"P1", kV3}, {"P2", ""}, {"unknown_person", kV2}, {"bad_date", kV3}, {"bad_division", ""}};
  EXPECT_EQ(division_of, want);

  auto county = store_->ListQuarantine(store::QuarantineQuery{.division_prefix = "141021"});
  ASSERT_TRUE(county.has_value());
  EXPECT_EQ(county->size(), 2u);  // P1 and bad_date
}

}  // namespace
}  // namespace junheng::ingest::testing
