// demo/demo.h: a synthetic Linfen (临汾) built from real data. Start here.
//
// GenerateDemoCity makes a register-shaped city and hands it, record by record, to a
// Sink, so that `junheng demo` loads it through the same import path as real data.
// What it makes: the real division tree (17 counties, 158 townships, 2,326 villages);
// a base population on options.start (2015-01-01), each resident counted by an
// `enumerate` event in a real village of their county, back-cast from the 2020
// census so that the simulation meets each county's census total at 2020-11-01;
// then a day-by-day life course to options.today: births (WPP 2024 age pattern
// scaled to a Linfen TFR of ~1.7 in 2016 falling to ~1.0 by 2023, with parity
// and sex ratio at birth), deaths (WPP 2024 nmx), out-migration, in-migration from
// other provinces and moves between villages, each recorded by a department after a
// realistic delay. How: every person's hazards are constant within an abridged age
// group and a calendar year, so each life is simulated in continuous time by
// competing exponential clocks, one person at a time, and the year's events are
// sorted by date before they are emitted. Compact per-person state (36 bytes);
// names, ids and phones are made only when a record is emitted.
// The same options give byte-identical output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/division.h"
#include "core/error.h"
#include "core/record.h"

namespace junheng::demo {

struct DemoOptions {
  double scale = 1.0;  // multiplies every count; 0.01 gives ~40,000 people. > 0.
  uint64_t seed = 1;   // the same seed and options give the same city
  Date start = Date::FromDays(16436);  // 2015-01-01: the base population's day
  Date today;          // simulate days <= today; REQUIRES start <= today
  std::string data_dir;  // the project's data/ folder
};

// Receives the records in an order the importer can validate. A non-ok Status stops
// the generation and is returned by GenerateDemoCity.
class Sink {
 public:
  virtual ~Sink() = default;
  // Once, first: the whole division tree, parents before children.
  virtual Status OnDivisions(const std::vector<Division>& divisions) = 0;
  // A person always comes before any event about them, a mother and a father before
  // their children.
  virtual Status OnPerson(const Person& p) = 0;
  // Events in date order, then SameDayRank of core/record.h.
  virtual Status OnEvent(const Event& e) = 0;
  // After the base population ("base"), then after each calendar year ("2015", ...):
  // the caller commits one transaction per batch.
  virtual Status OnBatchEnd(std::string_view label) = 0;
};

// Figures of one calendar year, as emitted (unreported records are not counted).
struct YearStats {
  int year = 0;
  int64_t births = 0, deaths = 0, moves_in = 0, moves_out = 0, moves_within = 0;
  int64_t population_end = 0;  // simulated residents at the end of the year (or today)
};

// One county at the census moment 2020-11-01 00:00 (when the run reaches it).
struct CountyCheck {
  DivisionCode code;
  std::string name;
  int64_t simulated = 0;  // simulated residents
  double census = 0;      // census total × scale
};

struct DemoStats {
  int64_t persons = 0, events = 0, births = 0, deaths = 0, moves_in = 0, moves_out = 0,
          moves_within = 0;
  int64_t base_population = 0;
  int64_t unreported = 0;  // events that happened but are recorded after `today`
  std::vector<YearStats> years;
  std::vector<CountyCheck> census_check;  // empty if today < 2020-11-01
  // City residents at 2020-11-01 by census age group (0, 1-4, ..., 85+), [sex][group].
  std::vector<std::vector<int64_t>> census_age_sex;
};

// Builds the city and feeds it to `sink`. Fails with kInvalidArgument for a bad option
// (scale <= 0, today < start, start after 2020-11-01), kUnavailable when a data file is
// missing, or the first error the sink returns.
Result<DemoStats> GenerateDemoCity(const DemoOptions& options, Sink& sink);

// The same, with the generator on a second thread: `sink` is called on the
// calling thread, in the same order, while the next records are being made
// (the demo city's generation, ~11 s at full scale, then overlaps its import).
// Records cross in blocks of 4,096, copied once; when the sink fails, the
// generator stops at its next block and the sink's error is returned.
Result<DemoStats> GenerateDemoCityAlongside(const DemoOptions& options, Sink& sink);

}  // namespace junheng::demo

#include <memory>

namespace junheng::demo {

// A Sink that writes exchange-format CSV files divisions.csv, persons.csv and
// events.csv (UTF-8, header row, RFC 4180 quoting where needed) into `dir`, which is
// created if missing. Fails with kUnavailable when a file cannot be created; a write
// error is reported by the next call.
Result<std::unique_ptr<Sink>> OpenCsvSink(const std::string& dir);

}  // namespace junheng::demo
