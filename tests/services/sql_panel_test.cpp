// The SQL baseline (bench/sql/sql_panel.h) against the snapshot's TallyPanel:
// the same register, read once through services::LoadSnapshot and once by SQL
// on a read-only connection, must give the same Tally, field by field.
// The panel is plain SQL on SQLite, so the suites are Sqlite* and have no PostgreSQL twin.
#include "sql/sql_panel.h"

#include <sqlite3.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "analytics/panel.h"
#include "demo/demo.h"
#include "ingest/import_fixture.h"
#include "ingest/importer.h"
#include "services/demo_register.h"
#include "services/snapshot_loader.h"
#include "store/sqlite/sqlite_store.h"

namespace junheng {
namespace {

using analytics::Period;
using analytics::Tally;

Date D(int y, int m, int d) { return *Date::FromYmd(y, m, d); }
DivisionCode Code(const char* text) { return *DivisionCode::Parse(text); }

std::vector<Period> Years(int first, int last) {
  std::vector<Period> out;
  for (int y = first; y <= last; ++y) out.push_back({D(y, 1, 1), D(y + 1, 1, 1)});
  return out;
}
std::vector<Period> Split(Date from, Date to, analytics::PeriodSplit split) {
  return *analytics::SplitPeriods(from, to, split);
}

// Every field that differs, one line each (at most `limit`); empty when equal.
std::string Differences(const Tally& panel, const Tally& sql, size_t limit = 25) {
  std::vector<std::string> lines;
  auto check = [&](const std::string& field, auto a, auto b) {
    if (a != b) lines.push_back(fmt::format("  {}: panel {} sql {}", field, a, b));
  };
  const char* sexes[] = {"male", "female"};
  check("period.from", panel.period.from.ToString(), sql.period.from.ToString());
  check("period.to", panel.period.to.ToString(), sql.period.to.ToString());
  for (int s = 0; s < analytics::kSexes; ++s) {
    for (int a = 0; a < analytics::kAges; ++a) {
      check(fmt::format("person_days[{}][{}]", sexes[s], a), panel.person_days[s][a], sql.person_days[s][a]);
      check(fmt::format("deaths[{}][{}]", sexes[s], a), panel.deaths[s][a], sql.deaths[s][a]);
    }
    check(fmt::format("population_start[{}]", sexes[s]), panel.population_start[s], sql.population_start[s]);
    check(fmt::format("population_end[{}]", sexes[s]), panel.population_end[s], sql.population_end[s]);
    check(fmt::format("births[{}]", sexes[s]), panel.births[s], sql.births[s]);
  }
  for (int o = 0; o < 4; ++o) {
    check(fmt::format("births_by_order[{}]", o), panel.births_by_order[o], sql.births_by_order[o]);
    check(fmt::format("mother_age_count[{}]", o), panel.mother_age_count[o], sql.mother_age_count[o]);
    const double a = panel.mother_age_sum[o], b = sql.mother_age_sum[o];
    if (std::abs(a - b) > 1e-9 * std::max(std::abs(a), std::abs(b))) {
      lines.push_back(fmt::format("  mother_age_sum[{}]: panel {:.12f} sql {:.12f}", o, a, b));
    }
  }
  for (int a = 0; a < analytics::kAges; ++a) {
    check(fmt::format("births_by_mother_age[{}]", a), panel.births_by_mother_age[a], sql.births_by_mother_age[a]);
  }
  check("births_mother_unknown", panel.births_mother_unknown, sql.births_mother_unknown);
  check("deaths_under_28_days", panel.deaths_under_28_days, sql.deaths_under_28_days);
  check("deaths_under_1", panel.deaths_under_1, sql.deaths_under_1);
  check("deaths_under_5", panel.deaths_under_5, sql.deaths_under_5);
  check("maternal_deaths", panel.maternal_deaths, sql.maternal_deaths);
  check("in_migrants", panel.in_migrants, sql.in_migrants);
  check("out_migrants", panel.out_migrants, sql.out_migrants);
  check("in_internal", panel.in_internal, sql.in_internal);
  check("out_internal", panel.out_internal, sql.out_internal);
  check("delay_days.size()", panel.delay_days.size(), sql.delay_days.size());
  for (size_t i = 0; i < std::max(panel.delay_days.size(), sql.delay_days.size()); ++i) {
    const int64_t a = i < panel.delay_days.size() ? panel.delay_days[i] : 0;
    const int64_t b = i < sql.delay_days.size() ? sql.delay_days[i] : 0;
    check(fmt::format("delay_days[{}]", i), a, b);
  }
  check("village_months", panel.village_months, sql.village_months);
  check("village_months_reporting", panel.village_months_reporting, sql.village_months_reporting);
  if (lines.size() > limit) {
    const size_t more = lines.size() - limit;
    lines.resize(limit);
    lines.push_back(fmt::format("  ... and {} more", more));
  }
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// Runs both panels and expects every tally to be equal. Returns the tallies (of the
// snapshot) for further checks.
std::vector<Tally> ExpectSamePanels(const analytics::Snapshot& snapshot, sqlite3* db,
                                    const std::vector<DivisionCode>& units, const std::vector<Period>& periods,
                                    const std::string& label) {
  const auto t0 = std::chrono::steady_clock::now();
  auto panel = analytics::TallyPanel(snapshot, {units, periods, 0});
  const auto t1 = std::chrono::steady_clock::now();
  auto sql = SqlPanel(db, units, periods);
  const auto t2 = std::chrono::steady_clock::now();
  EXPECT_TRUE(panel.has_value()) << label << ": " << (panel ? "" : panel.error().message);
  EXPECT_TRUE(sql.has_value()) << label << ": " << (sql ? "" : sql.error().message);
  if (!panel || !sql) return {};
  EXPECT_EQ(panel->size(), units.size() * periods.size()) << label;
  EXPECT_EQ(sql->size(), panel->size()) << label;
  if (sql->size() != panel->size()) return *panel;
  int failures = 0;
  for (size_t i = 0; i < panel->size(); ++i) {
    const std::string diff = Differences((*panel)[i], (*sql)[i]);
    if (diff.empty()) continue;
    const Period& p = periods[i % periods.size()];
    ADD_FAILURE() << label << ": unit " << units[i / periods.size()].ToString() << ", period "
                  << p.from.ToString() << " to " << p.to.ToString() << " differs:\n"
                  << diff;
    if (++failures >= 5) {
      ADD_FAILURE() << label << ": stopping after 5 differing tallies";
      break;
    }
  }
  fmt::print("{}: {} units x {} periods, TallyPanel {:.3f} s, SqlPanel {:.3f} s\n", label, units.size(),
             periods.size(), std::chrono::duration<double>(t1 - t0).count(),
             std::chrono::duration<double>(t2 - t1).count());
  return *panel;
}

sqlite3* OpenReadOnly(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path << " read-only: " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return nullptr;
  }
  return db;
}

class SqlitePanelDemoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("jh_sql_panel_" + std::to_string(::getpid())));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    const std::string path = (*dir_ / "demo.db").string();
    auto store = store::OpenSqliteStore(path);
    ASSERT_TRUE(store.has_value()) << store.error().message;

    ASSERT_TRUE(BuildDemoRegister(**store, 0.01));
    auto snapshot = services::LoadSnapshot(**store);
    ASSERT_TRUE(snapshot.has_value()) << snapshot.error().message;
    snapshot_ = new analytics::Snapshot(std::move(*snapshot));
    store_ = store->release();
    db_ = OpenReadOnly(path);
  }
  static void TearDownTestSuite() {
    sqlite3_close(db_);
    db_ = nullptr;
    delete snapshot_;
    snapshot_ = nullptr;
    delete store_;
    store_ = nullptr;
    if (dir_) std::filesystem::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (snapshot_ == nullptr || db_ == nullptr) GTEST_SKIP() << "the demo register could not be built";
  }
  static std::vector<DivisionCode> AtLevel(DivisionLevel level) {
    std::vector<DivisionCode> out;
    for (const Division* d : snapshot_->tree().AtLevel(level)) out.push_back(d->code);
    return out;
  }

  static inline std::filesystem::path* dir_ = nullptr;
  static inline store::Store* store_ = nullptr;
  static inline analytics::Snapshot* snapshot_ = nullptr;
  static inline sqlite3* db_ = nullptr;
};

TEST_F(SqlitePanelDemoTest, EveryCountyEveryYear) {
  const auto counties = AtLevel(DivisionLevel::kCounty);
  ASSERT_EQ(counties.size(), 17u);
  const auto tallies = ExpectSamePanels(*snapshot_, db_, counties, Years(2015, 2025), "counties x years");
  // Not equal by being empty: every kind of count is there.
  Tally all;
  for (const Tally& t : tallies) all.Merge(t);
  EXPECT_GT(all.population_start[0] + all.population_start[1], 300000);
  EXPECT_GT(all.births_total(), 1000);
  EXPECT_GT(all.deaths_total(), 1000);
  EXPECT_GT(all.deaths_under_1, 0);
  EXPECT_GT(all.in_migrants, 0);
  EXPECT_GT(all.out_internal, 0);
  EXPECT_GT(all.in_internal, 0);
  EXPECT_GT(all.mother_age_count[3], 0);
  EXPECT_GT(all.registered(), 10000);
  EXPECT_GT(all.village_months_reporting, 0);
  EXPECT_LT(all.village_months_reporting, all.village_months);
}

TEST_F(SqlitePanelDemoTest, CityQuarters2020) {
  ExpectSamePanels(*snapshot_, db_, {Code("141000000000")},
                   Split(D(2020, 1, 1), D(2021, 1, 1), analytics::PeriodSplit::kQuarter), "city x quarters 2020");
}

TEST_F(SqlitePanelDemoTest, TownshipsMonths2021) {
  const auto townships = AtLevel(DivisionLevel::kTownship);
  ASSERT_GT(townships.size(), 40u);
  std::vector<DivisionCode> some;
  for (size_t i = 0; i < townships.size(); i += 20) some.push_back(townships[i]);
  ExpectSamePanels(*snapshot_, db_, some, Split(D(2021, 1, 1), D(2022, 1, 1), analytics::PeriodSplit::kMonth),
                   "townships x months 2021");
}

// Long periods (birthdays split over many years), gaps between periods, periods not on
// month bounds, and units that contain each other in one query.
TEST_F(SqlitePanelDemoTest, LongAndIrregularPeriods) {
  ExpectSamePanels(*snapshot_, db_, AtLevel(DivisionLevel::kCounty), {{D(2015, 1, 1), D(2026, 1, 1)}},
                   "counties x 2015-2025 as one period");
  const std::vector<Period> irregular = {{D(2015, 1, 1), D(2015, 1, 2)},   {D(2016, 2, 15), D(2016, 3, 15)},
                                         {D(2017, 6, 10), D(2019, 2, 28)}, {D(2020, 2, 29), D(2020, 3, 1)},
                                         {D(2021, 1, 1), D(2024, 3, 2)},   {D(2025, 12, 31), D(2026, 1, 1)}};
  const auto villages = AtLevel(DivisionLevel::kVillage);
  ExpectSamePanels(*snapshot_, db_,
                   {Code("141000000000"), Code("141002000000"), AtLevel(DivisionLevel::kTownship)[3], villages[0],
                    villages[100], villages[1000]},
                   irregular, "nested units x irregular periods");
}

TEST_F(SqlitePanelDemoTest, FailsLikeTheSnapshot) {
  auto unknown = SqlPanel(db_, {Code("141099000000")}, Years(2020, 2020));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  auto overlapping = SqlPanel(db_, {Code("141000000000")},
                              {{D(2020, 1, 1), D(2020, 7, 1)}, {D(2020, 6, 1), D(2021, 1, 1)}});
  ASSERT_FALSE(overlapping.has_value());
  EXPECT_EQ(overlapping.error().code, ErrorCode::kInvalidArgument);
  auto empty = SqlPanel(db_, {Code("141000000000")}, {{D(2020, 1, 1), D(2020, 1, 1)}});
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  // The connection is usable again after a failure.
  EXPECT_TRUE(SqlPanel(db_, {Code("141002000000")}, Years(2020, 2020)).has_value());
}

// ---------------------------------------------------------------------------
// A handful of lives, each built for one rule.
// ---------------------------------------------------------------------------

using ingest::testing::Ev;
using ingest::testing::kV1;
using ingest::testing::kV2;
using ingest::testing::kV3;

class SqlitePanelHandBuiltTest : public ingest::testing::ImportTest {
 protected:
  void SetUp() override {
    ImportTest::SetUp();
    if (HasFatalFailure()) return;
    // W1 (woman, 1990-03-15), M1 (man, 1988-07-01), G1 (girl born 2016-02-29, mother W1).
    auto persons = ImportPersons(ingest::testing::BasePersons() +
                                 "W2,,赵芳,2,1992-02-29,01,,,,H2,\n"      // a mother with a 29 February birthday
                                 "P4,,钱进,1,1970-05-20,01,,,,H3,\n"      // moves in, out, and in again
                                 "P5,,孙丽,2,1985-12-31,01,,,,H4,\n"      // a maternal death
                                 "K1,,王小宝,1,2019-11-02,01,,W1,M1,H1,\n"  // dies aged 18 days
                                 "C1,,赵一,1,2020-02-28,01,,W2,,H2,\n"
                                 "C2,,赵二,2,2021-03-01,01,,W2,,H2,\n"
                                 "X1,,周外,1,2020-03-01,01,,OUT1,,H5,\n");  // mother not in the register
    ASSERT_EQ(persons.counts.rejected, 0) << ingest::FormatSummary(persons);
    ASSERT_EQ(persons.counts.persons_loaded, 10);
    auto events = ImportEvents({
        {.id = "e1", .type = "enumerate", .date = "2015-01-01", .person = "W1", .division = kV1},
        {.id = "e2", .type = "enumerate", .date = "2015-01-01", .person = "M1", .division = kV1},
        {.id = "e3", .type = "enumerate", .date = "2015-01-01", .person = "W2", .division = kV3},
        {.id = "e4", .type = "enumerate", .date = "2015-01-01", .person = "P5", .division = kV3},
        // A 29 February birth, registered three weeks late.
        {.id = "e5", .type = "birth", .date = "2016-02-29", .person = "G1", .division = kV1,
         .recorded = "2016-03-21T09:00:00+08:00", .mother = "W1", .father = "M1", .order = "1"},
        // A move inside the township (V1 → V2): migration only for the villages.
        {.id = "e6", .type = "move", .date = "2018-05-05", .person = "W1", .division = kV2},
        // In, out (registered where the person was not living), and in again elsewhere.
        {.id = "e7", .type = "move_in", .date = "2019-04-10", .person = "P4", .division = kV2},
        {.id = "e8", .type = "move_out", .date = "2021-09-30", .person = "P4", .division = kV1,
         .recorded = "2021-12-01T10:00:00+08:00"},
        {.id = "e9", .type = "move_in", .date = "2022-03-01", .person = "P4", .division = kV3},
        // A neonatal death, registered at 04:00 in Shanghai on 1 December (30 November UTC).
        {.id = "e10", .type = "birth", .date = "2019-11-02", .person = "K1", .division = kV2, .mother = "W1",
         .father = "M1", .order = "2"},
        {.id = "e11", .type = "death", .date = "2019-11-20", .person = "K1", .division = kV2,
         .recorded = "2019-11-30T20:00:00Z"},
        // A mother born on 29 February: the day before her birthday in a leap year, and
        // her birthday (1 March) in a common year.
        {.id = "e12", .type = "birth", .date = "2020-02-28", .person = "C1", .division = kV3, .mother = "W2",
         .order = "1"},
        {.id = "e13", .type = "birth", .date = "2021-03-01", .person = "C2", .division = kV3, .mother = "W2",
         .order = "2"},
        {.id = "e14", .type = "birth", .date = "2020-03-01", .person = "X1", .division = kV3, .mother = "OUT1",
         .order = "4"},
        // A move mid-year to the other county, then a death on his 35th birthday.
        {.id = "e15", .type = "move", .date = "2020-06-15", .person = "M1", .division = kV3},
        {.id = "e16", .type = "death", .date = "2023-07-01", .person = "M1", .division = kV3},
        {.id = "e17", .type = "death", .date = "2022-02-28", .person = "P5", .division = kV3, .maternal = "1"},
        {.id = "e18", .type = "marriage", .date = "2019-10-01", .person = "W2", .division = kV3, .spouse = "P4"},
        // Born on 29 February, dies on 1 March of a common year: her 9th birthday.
        {.id = "e19", .type = "death", .date = "2025-03-01", .person = "G1", .division = kV1,
         .recorded = "2025-02-28T17:00:00Z", .maternal = "0"},
    });
    ASSERT_EQ(events.counts.rejected, 0) << ingest::FormatSummary(events);
    ASSERT_EQ(events.counts.events_loaded, 19);

    auto snapshot = services::LoadSnapshot(*store_);
    ASSERT_TRUE(snapshot.has_value()) << snapshot.error().message;
    snapshot_ = std::make_unique<analytics::Snapshot>(std::move(*snapshot));
    conn_ = OpenReadOnly(db_);  // db_: the fixture's database file
    ASSERT_NE(conn_, nullptr);
  }
  void TearDown() override {
    sqlite3_close(conn_);
    conn_ = nullptr;
    ImportTest::TearDown();
  }

  static std::vector<DivisionCode> Units() {
    return {Code("141000000000"), Code("141002000000"), Code("141021000000"), Code("141002001000"),
            Code("141021100000"), Code(kV1),           Code(kV2),           Code(kV3)};
  }
  // The tally of `unit` in the period starting on `from`.
  static const Tally& Find(const std::vector<Tally>& tallies, const std::vector<Period>& periods,
                           const char* unit, Date from) {
    const auto units = Units();
    const size_t u = std::find(units.begin(), units.end(), Code(unit)) - units.begin();
    size_t p = 0;
    while (p + 1 < periods.size() && periods[p].from != from) ++p;
    return tallies.at(u * periods.size() + p);
  }

  std::unique_ptr<analytics::Snapshot> snapshot_;
  sqlite3* conn_ = nullptr;  // read-only, for SqlPanel
};

TEST_F(SqlitePanelHandBuiltTest, SameTalliesAsTheSnapshot) {
  const auto years = Years(2015, 2025);
  const auto t = ExpectSamePanels(*snapshot_, conn_, Units(), years, "hand-built x years");
  ASSERT_EQ(t.size(), Units().size() * years.size());

  // A few numbers worked out by hand, so that "equal" also means "right".
  // G1 in V1 in 2021: 4 years old until her birthday on 1 March, then 5.
  const Tally& g1 = Find(t, years, kV1, D(2021, 1, 1));
  EXPECT_EQ(g1.person_days[1][4], 59);
  EXPECT_EQ(g1.person_days[1][5], 306);
  // 2024 is a leap year: her birthday is 29 February (31 + 28 days at 7).
  const Tally& g1_2024 = Find(t, years, kV1, D(2024, 1, 1));
  EXPECT_EQ(g1_2024.person_days[1][7], 59);
  EXPECT_EQ(g1_2024.person_days[1][8], 307);
  // She dies on 1 March 2025, her 9th birthday in a common year: aged 9, and the day
  // of death is not lived.
  const Tally& g1_2025 = Find(t, years, kV1, D(2025, 1, 1));
  EXPECT_EQ(g1_2025.deaths[1][9], 1);
  EXPECT_EQ(g1_2025.person_days[1][8], 59);
  EXPECT_EQ(g1_2025.person_days[1][9], 0);
  // M1 moves from 尧都区 to 曲沃县 on 2020-06-15: out of one county, into the other,
  // neither for the city.
  const Tally& yaodu_2020 = Find(t, years, "141002000000", D(2020, 1, 1));
  const Tally& quwo_2020 = Find(t, years, "141021000000", D(2020, 1, 1));
  const Tally& city_2020 = Find(t, years, "141000000000", D(2020, 1, 1));
  EXPECT_EQ(yaodu_2020.out_migrants, 1);
  EXPECT_EQ(yaodu_2020.out_internal, 1);
  EXPECT_EQ(quwo_2020.in_migrants, 1);
  EXPECT_EQ(quwo_2020.in_internal, 1);
  EXPECT_EQ(city_2020.in_migrants + city_2020.out_migrants, 0);
  EXPECT_EQ(quwo_2020.person_days[0][31] + quwo_2020.person_days[0][32], 366 - 166);  // from 15 June
  // He dies on his 35th birthday: aged 35, no day lived at 35.
  const Tally& quwo_2023 = Find(t, years, "141021000000", D(2023, 1, 1));
  EXPECT_EQ(quwo_2023.deaths[0][35], 1);
  EXPECT_EQ(quwo_2023.person_days[0][34], 181);
  EXPECT_EQ(quwo_2023.person_days[0][35], 0);
  // W1's move V1 → V2 in 2018 counts for the villages only.
  EXPECT_EQ(Find(t, years, kV1, D(2018, 1, 1)).out_migrants, 1);
  EXPECT_EQ(Find(t, years, kV2, D(2018, 1, 1)).in_migrants, 1);
  EXPECT_EQ(Find(t, years, "141002001000", D(2018, 1, 1)).out_migrants, 0);
  // P4 left from V2 (his move_out names V1): the out-migrant is V2's.
  EXPECT_EQ(Find(t, years, kV2, D(2021, 1, 1)).out_migrants, 1);
  EXPECT_EQ(Find(t, years, kV1, D(2021, 1, 1)).out_migrants, 0);
  // W2's births: aged 27 on 2020-02-28 (her birthday is the next day), 29 on 2021-03-01.
  const Tally& quwo_2021 = Find(t, years, "141021000000", D(2021, 1, 1));
  EXPECT_EQ(quwo_2020.births_by_mother_age[27], 1);
  EXPECT_EQ(quwo_2020.births_mother_unknown, 1);
  EXPECT_EQ(quwo_2020.mother_age_count[0], 1);
  EXPECT_NEAR(quwo_2020.mother_age_sum[0], 27 + 364.0 / 365.0, 1e-12);  // 2019-03-01 to 2020-02-29
  EXPECT_EQ(quwo_2021.births_by_mother_age[29], 1);
  EXPECT_DOUBLE_EQ(quwo_2021.mother_age_sum[2], 29.0);
  // K1 died aged 18 days; P5 a maternal death.
  const Tally& v2_2019 = Find(t, years, kV2, D(2019, 1, 1));
  EXPECT_EQ(v2_2019.deaths_under_28_days, 1);
  EXPECT_EQ(v2_2019.deaths_under_1, 1);
  EXPECT_EQ(Find(t, years, kV3, D(2022, 1, 1)).maternal_deaths, 1);
  // G1's birth was registered 21 days late.
  const Tally& v1_2016 = Find(t, years, kV1, D(2016, 1, 1));
  ASSERT_EQ(v1_2016.delay_days.size(), 22u);
  EXPECT_EQ(v1_2016.delay_days[21], 1);
}

TEST_F(SqlitePanelHandBuiltTest, MonthsAndIrregularPeriods) {
  const auto months = Split(D(2016, 1, 1), D(2026, 1, 1), analytics::PeriodSplit::kMonth);
  const auto t = ExpectSamePanels(*snapshot_, conn_, Units(), months, "hand-built x months");
  ASSERT_FALSE(t.empty());
  // K1's death was recorded at 04:00 on 1 December in Shanghai: V2 reported in December.
  EXPECT_EQ(Find(t, months, kV2, D(2019, 12, 1)).village_months_reporting, 1);
  EXPECT_EQ(Find(t, months, kV2, D(2019, 10, 1)).village_months_reporting, 0);
  // G1's death, recorded at 01:00 on 1 March in Shanghai (28 February UTC), the day of
  // the death: no delay.
  const Tally& v1_march = Find(t, months, kV1, D(2025, 3, 1));
  ASSERT_EQ(v1_march.delay_days.size(), 1u);
  EXPECT_EQ(Find(t, months, kV1, D(2025, 2, 1)).village_months_reporting, 0);
  EXPECT_EQ(v1_march.village_months_reporting, 1);

  ExpectSamePanels(*snapshot_, conn_, Units(), {{D(2010, 1, 1), D(2030, 1, 1)}}, "hand-built x 2010-2029");
  ExpectSamePanels(*snapshot_, conn_, Units(),
                   {{D(2016, 2, 28), D(2016, 3, 2)},
                    {D(2019, 11, 20), D(2019, 11, 21)},
                    {D(2020, 6, 14), D(2021, 9, 30)},
                    {D(2021, 9, 30), D(2023, 7, 2)},
                    {D(2025, 2, 28), D(2025, 3, 2)}},
                   "hand-built x irregular periods");
}

}  // namespace
}  // namespace junheng
