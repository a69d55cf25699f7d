#include "sql/sql_panel.h"

#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace {

using junheng::DivisionCode;
using junheng::Error;
using junheng::ErrorCode;
using junheng::Fail;
using junheng::Result;
using junheng::Status;
using junheng::analytics::Period;
using junheng::analytics::Tally;

// ---------------------------------------------------------------------------
// The query tables. Days are numbered from 1970-01-01 (unixepoch(date) / 86400),
// like core/date.h; a residence that has not ended ends on day 2147483647.
// ---------------------------------------------------------------------------

constexpr const char* kCreateQueryTables = R"sql(
DROP TABLE IF EXISTS temp.panel_units;
DROP TABLE IF EXISTS temp.panel_periods;
DROP TABLE IF EXISTS temp.panel_days;
DROP TABLE IF EXISTS temp.panel_years;
-- The units asked for: every division whose code lies in [first, last].
CREATE TEMP TABLE panel_units(u INTEGER PRIMARY KEY, first TEXT NOT NULL, last TEXT NOT NULL);
CREATE INDEX temp.panel_units_first ON panel_units(first);
-- The periods asked for: [from_date, to_date), sorted and not overlapping.
CREATE TEMP TABLE panel_periods(p INTEGER PRIMARY KEY, from_date TEXT NOT NULL, to_date TEXT NOT NULL,
                                from_day INTEGER NOT NULL, to_day INTEGER NOT NULL);
CREATE INDEX temp.panel_periods_from ON panel_periods(from_day);
-- Every day inside a period, with its period (days in gaps between periods are absent).
CREATE TEMP TABLE panel_days(day INTEGER PRIMARY KEY, p INTEGER NOT NULL);
-- The calendar years the periods touch, with the year before the first: the day of
-- 1 January and whether the year is a leap year, for this year and the next.
CREATE TEMP TABLE panel_years(y INTEGER PRIMARY KEY, jan1 INTEGER NOT NULL, leap INTEGER NOT NULL,
                              next_jan1 INTEGER NOT NULL, next_leap INTEGER NOT NULL);
CREATE INDEX temp.panel_years_jan1 ON panel_years(jan1);
)sql";

constexpr const char* kInsertUnit = "INSERT INTO panel_units(u, first, last) VALUES(?1, ?2, ?3)";
constexpr const char* kInsertPeriod =
    "INSERT INTO panel_periods(p, from_date, to_date, from_day, to_day) "
    "VALUES(?1, ?2, ?3, unixepoch(?2) / 86400, unixepoch(?3) / 86400)";

constexpr const char* kFillDaysAndYears = R"sql(
INSERT INTO panel_days(day, p)
WITH RECURSIVE d(day, p, to_day) AS (
  SELECT from_day, p, to_day FROM panel_periods
  UNION ALL
  SELECT day + 1, p, to_day FROM d WHERE day + 1 < to_day
)
SELECT day, p FROM d;

INSERT INTO panel_years(y, jan1, leap, next_jan1, next_leap)
WITH RECURSIVE year(y) AS (
  SELECT CAST(substr(min(from_date), 1, 4) AS INTEGER) - 1 FROM panel_periods
  UNION ALL
  SELECT y + 1 FROM year WHERE y < (SELECT CAST(substr(max(to_date), 1, 4) AS INTEGER) FROM panel_periods)
),
jan1(y, day) AS (
  SELECT y, unixepoch(printf('%04d-01-01', y)) / 86400 FROM year
  UNION ALL  -- two more years, for the next year's length
  SELECT y, unixepoch(printf('%04d-01-01', y)) / 86400
  FROM (SELECT max(y) + 1 AS y FROM year UNION ALL SELECT max(y) + 2 FROM year)
)
SELECT this.y, this.day, next.day - this.day = 366, next.day, after.day - next.day = 366
FROM jan1 this
JOIN jan1 next ON next.y = this.y + 1
JOIN jan1 after ON after.y = this.y + 2;
)sql";

constexpr const char* kDropQueryTables = R"sql(
DROP TABLE IF EXISTS temp.panel_units;
DROP TABLE IF EXISTS temp.panel_periods;
DROP TABLE IF EXISTS temp.panel_days;
DROP TABLE IF EXISTS temp.panel_years;
)sql";

// ---------------------------------------------------------------------------
// The tallies. Each statement returns rows
//   (u, p, measure, sex, k, n, x)
// where measure names a Tally field, sex is 0 male / 1 female (persons.sex − 1),
// k an index into the field (age, birth order, delay), n a count and x a sum of
// reals. Ages are completed years: a person born on m-d is one year older from
// the first day whose 'MM-DD' is not before m-d, which puts the birthday of
// someone born on 29 February on 1 March in common years (spec/indicators.md).
// ---------------------------------------------------------------------------

// Residence: exposure, populations at the start and the end, migration.
constexpr const char* kResidenceSql = R"sql(
WITH
-- 1. The events that change where a person lives, as the register replays a life:
--    by date, then the order of events on one day (core/record.cpp SameDayRank),
--    then log order.
residence_events AS (
  SELECT person_id, seq, type, division,
         unixepoch(date) / 86400 AS day,
         CASE type WHEN 'birth' THEN 0 WHEN 'enumerate' THEN 1 WHEN 'move_in' THEN 2
                   WHEN 'move' THEN 3 WHEN 'move_out' THEN 6 ELSE 7 END AS day_rank,
         type IN ('enumerate', 'birth', 'move_in', 'move') AS enters
  FROM events
  WHERE type IN ('enumerate', 'birth', 'move_in', 'move', 'move_out', 'death')
),
-- 2. Each of them with its neighbours in the person's life.
steps AS (
  SELECT *,
         LAG(enters, 1, 0) OVER life AS was_resident,
         LEAD(day) OVER life AS next_day,
         LEAD(type) OVER life AS next_type,
         LEAD(division) OVER life AS next_division
  FROM residence_events
  WINDOW life AS (PARTITION BY person_id ORDER BY day, day_rank, seq)
),
-- 3. Stays [from_day, to_day) in one division. An entering event opens one (an
--    entry while already resident is a move); the next residence event closes it:
--    a death, a move_out, or an entry elsewhere (then the stay ends by a move).
--    An exit while not resident closes nothing. The origin of a stay entered by a
--    move is the division of the person's previous stay.
stays AS (
  SELECT person_id, division,
         day AS from_day,
         coalesce(next_day, 2147483647) AS to_day,
         CASE WHEN was_resident OR type = 'move' THEN 'move' ELSE type END AS entry,
         CASE WHEN next_type IS NULL THEN 'open'
              WHEN next_type IN ('death', 'move_out') THEN next_type
              ELSE 'move' END AS exit,
         LAG(division) OVER (PARTITION BY person_id ORDER BY day, day_rank, seq) AS origin,
         next_division
  FROM steps
  WHERE enters
),
-- 4. The stays in each unit that can touch the periods, with the person's sex and
--    birthday: birth_doy is the day of a common year (0 = 1 January; 29 February
--    counts as 1 March), one later in a leap year if the birthday is after February.
unit_stays AS MATERIALIZED (
  SELECT u.u, u.first, u.last, s.from_day, s.to_day, s.entry, s.exit, s.origin, s.next_division,
         pe.sex - 1 AS sex,
         CAST(substr(pe.birth_date, 1, 4) AS INTEGER) AS birth_year,
         unixepoch('1970' || substr(pe.birth_date, 5)) / 86400 AS birth_doy,
         substr(pe.birth_date, 6, 2) > '02' AS after_feb
  FROM stays s
  JOIN panel_units u ON s.division BETWEEN u.first AND u.last
  JOIN persons pe ON pe.person_id = s.person_id
  WHERE s.from_day < (SELECT max(to_day) FROM panel_periods)
    AND s.to_day >= (SELECT min(from_day) FROM panel_periods)
),
-- 5. Each stay cut at the period bounds: its days [lo, hi) inside one period.
pieces AS (
  SELECT s.u, pr.p, s.sex, s.birth_year, s.birth_doy, s.after_feb,
         max(s.from_day, pr.from_day) AS lo, min(s.to_day, pr.to_day) AS hi
  FROM unit_stays s
  JOIN panel_periods pr ON pr.from_day < s.to_day AND pr.to_day > s.from_day
),
-- 6. ... and at birthdays: from the birthday in year y to the one in y + 1 the person
--    is aged y − birth_year. Only years with 1 January in [lo − 730, hi) can have
--    such an interval overlapping [lo, hi).
exposure AS (
  SELECT pc.u, pc.p, pc.sex, yr.y - pc.birth_year AS age,
         min(pc.hi, yr.next_jan1 + pc.birth_doy + (yr.next_leap AND pc.after_feb))
           - max(pc.lo, yr.jan1 + pc.birth_doy + (yr.leap AND pc.after_feb)) AS days
  FROM pieces pc
  JOIN panel_years yr ON yr.jan1 BETWEEN pc.lo - 730 AND pc.hi - 1
)
-- Person-days by sex and completed age (0 for days before birth, 100 = 100+).
SELECT u, p, 'person_days' AS measure, sex, min(max(age, 0), 100) AS k, sum(days) AS n, NULL AS x
FROM exposure WHERE days > 0
GROUP BY u, p, sex, k
UNION ALL
-- Residents on the first day of the period.
SELECT s.u, pr.p, 'population_start', s.sex, NULL, count(*), NULL
FROM unit_stays s JOIN panel_periods pr ON pr.from_day >= s.from_day AND pr.from_day < s.to_day
GROUP BY s.u, pr.p, s.sex
UNION ALL
-- Residents on the last day of the period.
SELECT s.u, pr.p, 'population_end', s.sex, NULL, count(*), NULL
FROM unit_stays s JOIN panel_periods pr ON pr.to_day - 1 >= s.from_day AND pr.to_day - 1 < s.to_day
GROUP BY s.u, pr.p, s.sex
UNION ALL
-- In-migrants: entered by move_in, or by a move from outside the unit (internal
-- when from a known division of the city).
SELECT s.u, d.p, 'in_migrants', NULL, NULL, count(*), NULL
FROM unit_stays s JOIN panel_days d ON d.day = s.from_day
WHERE s.entry = 'move_in'
   OR (s.entry = 'move' AND (s.origin IS NULL OR s.origin NOT BETWEEN s.first AND s.last))
GROUP BY s.u, d.p
UNION ALL
SELECT s.u, d.p, 'in_internal', NULL, NULL, count(*), NULL
FROM unit_stays s JOIN panel_days d ON d.day = s.from_day
WHERE s.entry = 'move' AND s.origin NOT BETWEEN s.first AND s.last
GROUP BY s.u, d.p
UNION ALL
-- Out-migrants: left by move_out, or by a move to outside the unit (internal).
SELECT s.u, d.p, 'out_migrants', NULL, NULL, count(*), NULL
FROM unit_stays s JOIN panel_days d ON d.day = s.to_day
WHERE s.exit = 'move_out' OR (s.exit = 'move' AND s.next_division NOT BETWEEN s.first AND s.last)
GROUP BY s.u, d.p
UNION ALL
SELECT s.u, d.p, 'out_internal', NULL, NULL, count(*), NULL
FROM unit_stays s JOIN panel_days d ON d.day = s.to_day
WHERE s.exit = 'move' AND s.next_division NOT BETWEEN s.first AND s.last
GROUP BY s.u, d.p
)sql";

// Live births: by the child's sex, by order, by the mother's age.
constexpr const char* kBirthsSql = R"sql(
WITH
-- Births registered in the unit (the event's division) with a date in the period.
-- mother_birth is NULL when the mother is not in the register.
births AS MATERIALIZED (
  SELECT u.u, d.p, child.sex - 1 AS sex,
         CASE WHEN coalesce(e.birth_order, 0) <= 0 THEN 0
              WHEN e.birth_order >= 3 THEN 3
              ELSE e.birth_order END AS birth_order,
         d.day, e.date, mother.birth_date AS mother_birth
  FROM events e
  JOIN panel_days d ON d.day = unixepoch(e.date) / 86400
  JOIN panel_units u ON e.division BETWEEN u.first AND u.last
  JOIN persons child ON child.person_id = e.person_id
  LEFT JOIN persons mother ON mother.person_id = e.mother_id
  WHERE e.type = 'birth'
),
-- The mother's age in completed years on the day of the birth ...
mother_ages AS (
  SELECT u, p, birth_order, day, mother_birth,
         CAST(substr(date, 1, 4) AS INTEGER) - CAST(substr(mother_birth, 1, 4) AS INTEGER)
           - (substr(date, 6) < substr(mother_birth, 6)) AS age
  FROM births
  WHERE mother_birth IS NOT NULL
),
-- ... and her exact age: completed years plus the elapsed share of the year from her
-- last birthday to her next (a 29 February birthday is 1 March in common years,
-- which is how unixepoch() reads 'YYYY-02-29').
exact_ages AS (
  SELECT u, p, birth_order, age,
         age + CAST(day - last_birthday AS REAL) / (next_birthday - last_birthday) AS exact_age
  FROM (SELECT *,
          unixepoch(printf('%04d', CAST(substr(mother_birth, 1, 4) AS INTEGER) + age)
                    || substr(mother_birth, 5)) / 86400 AS last_birthday,
          unixepoch(printf('%04d', CAST(substr(mother_birth, 1, 4) AS INTEGER) + age + 1)
                    || substr(mother_birth, 5)) / 86400 AS next_birthday
        FROM mother_ages)
)
SELECT u, p, 'births' AS measure, sex, NULL AS k, count(*) AS n, NULL AS x
FROM births GROUP BY u, p, sex
UNION ALL
SELECT u, p, 'births_by_order', NULL, birth_order, count(*), NULL
FROM births GROUP BY u, p, birth_order
UNION ALL
SELECT u, p, 'births_mother_unknown', NULL, NULL, count(*), NULL
FROM births WHERE mother_birth IS NULL GROUP BY u, p
UNION ALL
SELECT u, p, 'births_by_mother_age', NULL, min(max(age, 0), 100) AS k, count(*), NULL
FROM mother_ages GROUP BY u, p, k
UNION ALL
-- Mothers' exact ages summed: k = 0 over all births with a known mother, k = 1, 2, 3
-- (3 and more) by birth order.
SELECT u, p, 'mother_age', NULL, 0, count(*), sum(exact_age)
FROM exact_ages GROUP BY u, p
UNION ALL
SELECT u, p, 'mother_age', NULL, birth_order, count(*), sum(exact_age)
FROM exact_ages WHERE birth_order > 0 GROUP BY u, p, birth_order
)sql";

// Deaths: by sex and age at death, infant, child and maternal deaths.
constexpr const char* kDeathsSql = R"sql(
WITH
-- Deaths registered in the unit (the event's division) with a date in the period,
-- with the exact age on the day of death (in completed years, and in days).
deaths AS MATERIALIZED (
  SELECT u.u, d.p, pe.sex - 1 AS sex,
         max(0, CAST(substr(e.date, 1, 4) AS INTEGER) - CAST(substr(pe.birth_date, 1, 4) AS INTEGER)
                  - (substr(e.date, 6) < substr(pe.birth_date, 6))) AS age,
         d.day - unixepoch(pe.birth_date) / 86400 AS age_days,
         coalesce(e.maternal, 0) = 1 AS maternal
  FROM events e
  JOIN panel_days d ON d.day = unixepoch(e.date) / 86400
  JOIN panel_units u ON e.division BETWEEN u.first AND u.last
  JOIN persons pe ON pe.person_id = e.person_id
  WHERE e.type = 'death'
)
SELECT u, p, 'deaths' AS measure, sex, min(age, 100) AS k, count(*) AS n, NULL AS x
FROM deaths GROUP BY u, p, sex, k
UNION ALL
SELECT u, p, 'deaths_under_28_days', NULL, NULL, count(*), NULL FROM deaths WHERE age_days < 28 GROUP BY u, p
UNION ALL
SELECT u, p, 'deaths_under_1', NULL, NULL, count(*), NULL FROM deaths WHERE age < 1 GROUP BY u, p
UNION ALL
SELECT u, p, 'deaths_under_5', NULL, NULL, count(*), NULL FROM deaths WHERE age < 5 GROUP BY u, p
UNION ALL
SELECT u, p, 'maternal_deaths', NULL, NULL, count(*), NULL FROM deaths WHERE maternal GROUP BY u, p
)sql";

// Registration delay: events other than enumerate registered in the unit with a
// date in the period, by days from the date to recorded_at's date in Shanghai
// (UTC+8), at least 0.
constexpr const char* kDelaysSql = R"sql(
SELECT u.u, d.p, 'delay_days' AS measure, NULL AS sex,
       min(max(unixepoch(e.recorded_at, '+8 hours') / 86400 - d.day, 0), 65535) AS k,
       count(*) AS n, NULL AS x
FROM events e
JOIN panel_days d ON d.day = unixepoch(e.date) / 86400
JOIN panel_units u ON e.division BETWEEN u.first AND u.last
WHERE e.type <> 'enumerate'
GROUP BY u.u, d.p, k
)sql";

// Reporting completeness: every village (level 5) of the unit in every calendar
// month the period touches, and those months in which the village received any
// record, by recorded_at's month in Shanghai.
constexpr const char* kReportingSql = R"sql(
WITH RECURSIVE
-- Months are numbered year * 12 + month − 1.
period_months(p, m, last_m) AS (
  SELECT p,
         CAST(substr(from_date, 1, 4) AS INTEGER) * 12 + CAST(substr(from_date, 6, 2) AS INTEGER) - 1,
         CAST(substr(date(to_date, '-1 day'), 1, 4) AS INTEGER) * 12
           + CAST(substr(date(to_date, '-1 day'), 6, 2) AS INTEGER) - 1
  FROM panel_periods
  UNION ALL
  SELECT p, m + 1, last_m FROM period_months WHERE m < last_m
),
villages AS (
  SELECT u.u, v.code
  FROM panel_units u JOIN divisions v ON v.code BETWEEN u.first AND u.last
  WHERE v.level = 5
),
received AS MATERIALIZED (
  SELECT DISTINCT division,
         CAST(strftime('%Y', recorded_at, '+8 hours') AS INTEGER) * 12
           + CAST(strftime('%m', recorded_at, '+8 hours') AS INTEGER) - 1 AS m
  FROM events
  WHERE division IN (SELECT code FROM villages)
)
SELECT v.u, pm.p, 'village_months' AS measure, NULL AS sex, NULL AS k, count(*) AS n, NULL AS x
FROM villages v CROSS JOIN period_months pm
GROUP BY v.u, pm.p
UNION ALL
SELECT v.u, pm.p, 'village_months_reporting', NULL, NULL, count(*), NULL
FROM villages v CROSS JOIN period_months pm
JOIN received r ON r.division = v.code AND r.m = pm.m
GROUP BY v.u, pm.p
)sql";

// ---------------------------------------------------------------------------

std::unexpected<Error> SqlFail(sqlite3* db, std::string_view what) {
  return Fail(ErrorCode::kInternal, fmt::format("SQL panel: {} failed: {}", what, sqlite3_errmsg(db)));
}

Status Exec(sqlite3* db, const char* sql, std::string_view what) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return SqlFail(db, what);
  return {};
}

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  sqlite3_stmt* get() const { return stmt_; }
  explicit operator bool() const { return stmt_ != nullptr; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

std::string Code(uint64_t value) { return fmt::format("{:012d}", value); }

// Adds one result row to its tally.
Status Put(Tally& t, std::string_view measure, int sex, int k, int64_t n, double x) {
  auto age = [&](int a) -> size_t { return static_cast<size_t>(std::clamp(a, 0, junheng::analytics::kOpenAge)); };
  const size_t s = sex == 0 ? 0 : 1;
  if (measure == "person_days") t.person_days[s][age(k)] += n;
  else if (measure == "population_start") t.population_start[s] += n;
  else if (measure == "population_end") t.population_end[s] += n;
  else if (measure == "births") t.births[s] += n;
  else if (measure == "births_by_order") t.births_by_order[std::clamp(k, 0, 3)] += n;
  else if (measure == "births_by_mother_age") t.births_by_mother_age[age(k)] += n;
  else if (measure == "births_mother_unknown") t.births_mother_unknown += n;
  else if (measure == "mother_age") {
    t.mother_age_count[std::clamp(k, 0, 3)] += n;
    t.mother_age_sum[std::clamp(k, 0, 3)] += x;
  } else if (measure == "deaths") t.deaths[s][age(k)] += n;
  else if (measure == "deaths_under_28_days") t.deaths_under_28_days += n;
  else if (measure == "deaths_under_1") t.deaths_under_1 += n;
  else if (measure == "deaths_under_5") t.deaths_under_5 += n;
  else if (measure == "maternal_deaths") t.maternal_deaths += n;
  else if (measure == "in_migrants") t.in_migrants += n;
  else if (measure == "out_migrants") t.out_migrants += n;
  else if (measure == "in_internal") t.in_internal += n;
  else if (measure == "out_internal") t.out_internal += n;
  else if (measure == "delay_days") {
    const size_t delay = static_cast<size_t>(std::max(k, 0));
    if (t.delay_days.size() <= delay) t.delay_days.resize(delay + 1, 0);
    t.delay_days[delay] += n;
  } else if (measure == "village_months") t.village_months += n;
  else if (measure == "village_months_reporting") t.village_months_reporting += n;
  else return Fail(ErrorCode::kInternal, fmt::format("SQL panel: unknown measure {}", measure));
  return {};
}

// Runs one tally statement and adds its rows to the tallies.
Status Collect(sqlite3* db, const char* sql, std::string_view what, size_t n_periods, std::vector<Tally>& out) {
  Stmt stmt(db, sql);
  if (!stmt) return SqlFail(db, fmt::format("preparing the {} query", what));
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    sqlite3_stmt* s = stmt.get();
    const int64_t u = sqlite3_column_int64(s, 0), p = sqlite3_column_int64(s, 1);
    const auto* measure = reinterpret_cast<const char*>(sqlite3_column_text(s, 2));
    const int sex = sqlite3_column_int(s, 3), k = sqlite3_column_int(s, 4);
    const int64_t n = sqlite3_column_int64(s, 5);
    const double x = sqlite3_column_double(s, 6);
    const size_t index = static_cast<size_t>(u) * n_periods + static_cast<size_t>(p);
    if (u < 0 || p < 0 || static_cast<size_t>(p) >= n_periods || index >= out.size() || measure == nullptr) {
      return Fail(ErrorCode::kInternal, fmt::format("SQL panel: the {} query returned a bad row", what));
    }
    JH_RETURN_IF_ERROR(Put(out[index], measure, sex, k, n, x));
  }
  if (rc != SQLITE_DONE) return SqlFail(db, fmt::format("running the {} query", what));
  return {};
}

Status CheckPeriods(const std::vector<Period>& periods) {
  if (periods.empty()) return Fail(ErrorCode::kInvalidArgument, "no period was given");
  for (size_t i = 0; i < periods.size(); ++i) {
    if (periods[i].from >= periods[i].to) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("period {} to {} is empty", periods[i].from.ToString(),
                                                           periods[i].to.ToString()));
    }
    if (i > 0 && periods[i].from < periods[i - 1].to) {
      return Fail(ErrorCode::kInvalidArgument, "periods must be in date order and must not overlap");
    }
  }
  if (periods.front().from.year() < 1801 || periods.back().to.year() > 2299) {
    return Fail(ErrorCode::kInvalidArgument, "periods must lie between 1801 and 2299");
  }
  return {};
}

Status Run(sqlite3* db, const std::vector<DivisionCode>& units, const std::vector<Period>& periods,
           std::vector<Tally>& out) {
  {
    Stmt known(db, "SELECT 1 FROM divisions WHERE code = ?1");
    if (!known) return SqlFail(db, "preparing the division lookup");
    for (DivisionCode unit : units) {
      const std::string code = Code(unit.value());
      sqlite3_reset(known.get());
      sqlite3_bind_text(known.get(), 1, code.c_str(), -1, SQLITE_TRANSIENT);
      const int rc = sqlite3_step(known.get());
      if (rc == SQLITE_DONE) {
        return Fail(ErrorCode::kNotFound,
                    fmt::format("division {} is not in the register's division list", unit.ToString()));
      }
      if (rc != SQLITE_ROW) return SqlFail(db, "looking up a division");
    }
  }
  JH_RETURN_IF_ERROR(Exec(db, kCreateQueryTables, "creating the query tables"));
  {
    Stmt insert(db, kInsertUnit);
    if (!insert) return SqlFail(db, "preparing the unit insert");
    for (size_t u = 0; u < units.size(); ++u) {
      const std::string first = Code(units[u].RangeFirst()), last = Code(units[u].RangeLast());
      sqlite3_reset(insert.get());
      sqlite3_bind_int64(insert.get(), 1, static_cast<int64_t>(u));
      sqlite3_bind_text(insert.get(), 2, first.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert.get(), 3, last.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(insert.get()) != SQLITE_DONE) return SqlFail(db, "inserting a unit");
    }
  }
  {
    Stmt insert(db, kInsertPeriod);
    if (!insert) return SqlFail(db, "preparing the period insert");
    for (size_t p = 0; p < periods.size(); ++p) {
      const std::string from = periods[p].from.ToString(), to = periods[p].to.ToString();
      sqlite3_reset(insert.get());
      sqlite3_bind_int64(insert.get(), 1, static_cast<int64_t>(p));
      sqlite3_bind_text(insert.get(), 2, from.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert.get(), 3, to.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(insert.get()) != SQLITE_DONE) return SqlFail(db, "inserting a period");
    }
  }
  JH_RETURN_IF_ERROR(Exec(db, kFillDaysAndYears, "filling the day and year tables"));

  const size_t n = periods.size();
  JH_RETURN_IF_ERROR(Collect(db, kResidenceSql, "residence", n, out));
  JH_RETURN_IF_ERROR(Collect(db, kBirthsSql, "births", n, out));
  JH_RETURN_IF_ERROR(Collect(db, kDeathsSql, "deaths", n, out));
  JH_RETURN_IF_ERROR(Collect(db, kDelaysSql, "registration delay", n, out));
  JH_RETURN_IF_ERROR(Collect(db, kReportingSql, "reporting", n, out));
  return {};
}

}  // namespace

Result<std::vector<Tally>> SqlPanel(sqlite3* db, const std::vector<DivisionCode>& units,
                                    const std::vector<Period>& periods) {
  JH_RETURN_IF_ERROR(CheckPeriods(periods));
  std::vector<Tally> out(units.size() * periods.size());
  for (size_t u = 0; u < units.size(); ++u) {
    for (size_t p = 0; p < periods.size(); ++p) out[u * periods.size() + p].period = periods[p];
  }
  // One read transaction (a savepoint, so that it nests in the caller's): every
  // statement sees the same register.
  JH_RETURN_IF_ERROR(Exec(db, "SAVEPOINT sql_panel", "starting the read transaction"));
  Status status = Run(db, units, periods, out);
  (void)sqlite3_exec(db, kDropQueryTables, nullptr, nullptr, nullptr);
  if (sqlite3_exec(db, "RELEASE sql_panel", nullptr, nullptr, nullptr) != SQLITE_OK && status) {
    status = SqlFail(db, "ending the read transaction");
  }
  if (!status) return std::unexpected(status.error());
  return out;
}
