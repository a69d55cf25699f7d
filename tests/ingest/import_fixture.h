// A small register for importer tests, on the engine the test process runs on
// (support/test_store.h): two counties, three villages, and helpers that write
// exchange-format files and import them.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "core/citizen_id.h"
#include "ingest/importer.h"
#include "store/open.h"
#include "support/test_store.h"

namespace junheng::ingest::testing {

inline constexpr char kV1[] = "141002001001";  // A社区, 尧都区
inline constexpr char kV2[] = "141002001002";  // B社区, 尧都区
inline constexpr char kV3[] = "141021100200";  // C村, 曲沃县

inline constexpr char kDivisionsCsv[] =
    "code,name,level,parent_code,urban_rural\n"
    "140000000000,山西省,1,,\n"
    "141000000000,临汾市,2,140000000000,\n"
    "141002000000,尧都区,3,141000000000,\n"
    "141002001000,解放路街道,4,141002000000,\n"
    "141002001001,A社区,5,141002001000,111\n"
    "141002001002,B社区,5,141002001000,111\n"
    "141021000000,曲沃县,3,141000000000,\n"
    "141021100000,乐昌镇,4,141021000000,\n"
    "141021100200,C村,5,141021100000,220\n";

inline constexpr char kPersonsHeader[] =
    "person_id,citizen_id,name,sex,birth_date,ethnicity,hukou_division,mother_id,father_id,household_id,phone\n";
inline constexpr char kEventsHeader[] =
    "event_id,source,type,date,recorded_at,person_id,division,other_place,mother_id,father_id,birth_order,"
    "plurality,weight_g,gestation_weeks,spouse_id,cause,maternal\n";

// A valid citizen id for a birth date "YYYYMMDD" and a 3-digit sequence (odd: male).
inline std::string MakeCitizenId(const std::string& ymd, const std::string& seq, const std::string& area = "141002") {
  const std::string first17 = area + ymd + seq;
  return first17 + CitizenIdCheckChar(first17);
}

// One events row; fields not given stay empty.
struct Ev {
  std::string id, type, date, person, division;
  std::string source = "public_security";
  std::string recorded;  // default: the event date, 10:00 Shanghai
  std::string other, mother, father, order, spouse, cause, maternal;
  std::string Csv() const {
    const std::string rec = recorded.empty() ? date + "T10:00:00+08:00" : recorded;
    return id + "," + source + "," + type + "," + date + "," + rec + "," + person + "," + division + "," + other +
           "," + mother + "," + father + "," + order + ",,,," + spouse + "," + cause + "," + maternal + "\n";
  }
};

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("jh_import_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    register_ = std::make_unique<junheng::testing::TestRegister>(dir_);
    db_ = register_->target();
    auto store = store::OpenStore(db_);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
    ImportOptions o = Options("");
    o.kind = RecordKind::kDivision;
    auto r = ImportText("divisions.csv", kDivisionsCsv, o);
    ASSERT_EQ(r.counts.divisions_loaded, 9);
  }
  void TearDown() override {
    store_.reset();
    register_.reset();
    std::filesystem::remove_all(dir_);
  }
  ImportOptions Options(std::string source) const {
    ImportOptions o;
    o.source = std::move(source);
    o.today = *Date::Parse("2026-11-28");
    o.now = *ParseTimestamp("2026-11-28T10:00:00+08:00");
    o.register_reads = reads_;
    return o;
  }
  std::string Write(const std::string& name, const std::string& content) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  ImportReport ImportText(const std::string& name, const std::string& content, const ImportOptions& o) {
    Importer importer(*store_, o);
    auto r = importer.ImportFiles({Write(name, content)});
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r ? *r : ImportReport{};
  }
  ImportReport ImportPersons(const std::string& rows, const std::string& source = "public_security") {
    return ImportText("persons.csv", std::string(kPersonsHeader) + rows, Options(source));
  }
  ImportReport ImportEvents(const std::vector<Ev>& rows, const std::string& source = "public_security") {
    std::string csv = kEventsHeader;
    for (const Ev& e : rows) csv += e.Csv();
    return ImportText("events.csv", csv, Options(source));
  }
  // Reason codes of the quarantined row for `key`.
  std::vector<std::string> ReasonsOf(const ImportReport& r, const std::string& key) const {
    std::vector<std::string> out;
    for (const auto& row : r.rejected)
      if (row.key == key)
        for (const auto& reason : row.reasons) out.push_back(reason.code);
    return out;
  }
  store::Summary Summary() { return *store_->GetSummary(); }

  std::filesystem::path dir_;
  std::unique_ptr<junheng::testing::TestRegister> register_;
  std::string db_;  // the register's target: a file path (SQLite) or a URI (PostgreSQL)
  std::unique_ptr<store::Store> store_;
  ImportOptions::RegisterReads reads_ = ImportOptions::RegisterReads::kAuto;
};

// An ImportTest run twice: with the register preloaded, and with the importer
// asking the store about the records it reads (Importer::Prefetch). Both must
// give the same outcome. Use TEST_P, and INSTANTIATE_READS(Suite) once.
class BothReadsTest : public ImportTest, public ::testing::WithParamInterface<ImportOptions::RegisterReads> {
 protected:
  void SetUp() override {
    reads_ = GetParam();
    ImportTest::SetUp();
  }
};
inline std::string ReadsName(const ::testing::TestParamInfo<ImportOptions::RegisterReads>& info) {
  return info.param == ImportOptions::RegisterReads::kPreload ? "Preloaded" : "PerRecord";
}
#define INSTANTIATE_READS(suite)                                                                    \
  INSTANTIATE_TEST_SUITE_P(Reads, suite,                                                            \
                           ::testing::Values(::junheng::ingest::ImportOptions::RegisterReads::kPreload, \
                                             ::junheng::ingest::ImportOptions::RegisterReads::kPerRecord), \
                           ::junheng::ingest::testing::ReadsName)

// Persons used across tests: a woman born 1990, a man born 1988, a girl born 2016.
inline std::string BasePersons() {
  return "W1," + MakeCitizenId("19900315", "002") + ",李梅,2,1990-03-15,01,141002001001,,,H1,13912345678\n" +
         "M1," + MakeCitizenId("19880701", "011") + ",王强,1,1988-07-01,01,141002001001,,,H1,\n" +
         "G1,,王小花,2,2016-02-29,01,,W1,M1,H1,\n";
}

}  // namespace junheng::ingest::testing
