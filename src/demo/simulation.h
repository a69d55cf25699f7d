// demo/simulation.h: the city's state and its life-course simulation (internal to
// demo; the front door is demo.h).
//
// State is one 36-byte PersonState per person ever created (~5 million at full
// scale), indexed by an int32; person i gets person_id "LF" + (i + 1) as 9 digits.
// Base-population persons are sorted by birth date, so a mother's index is below her
// children's. A calendar year is simulated person by person into PendingEvents, which
// the emitter (demo.cpp) sorts by date and turns into records.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"
#include "demo/demo.h"
#include "demo/inputs.h"
#include "demo/population_model.h"
#include "demo/random.h"

namespace junheng::demo {

struct Village {
  DivisionCode code;
  uint16_t county = 0;     // index into Inputs::counties
  bool community = false;  // 居委会 (village code 001-199): urban
};

enum PersonFlag : uint8_t {
  kResident = 1,   // lives in the city now
  kReported = 2,   // its entry record was emitted (so others may refer to it)
  kInMigrant = 4,  // entered by move_in: hukou and id from the place of origin
};

struct PersonState {
  int32_t birth = 0;        // birth date, days since 1970-01-01
  int32_t mother = -1;      // person index or -1
  int32_t father = -1;
  int32_t partner = -1;     // a man or woman of the same household (the children's father)
  int32_t last_day = 0;     // day of the latest entry or move: later non-death events come after it
  int32_t last_birth = -100000;  // day of her latest live birth
  int32_t household = 0;    // household number
  uint16_t village = 0;     // current (or last) village index
  uint16_t hukou = 0;       // village index of the hukou (Linfen-born)
  uint8_t sex = 1;          // 1 male, 2 female
  uint8_t parity = 0;       // live births so far (including those not in the register)
  uint8_t origin = 0;       // address-code index of the citizen id
  uint8_t flags = 0;
};
static_assert(sizeof(PersonState) == 36);

// One event of the year being simulated, before it becomes an exchange-format record.
struct PendingEvent {
  int32_t day = 0;
  int32_t person = 0;
  uint16_t village = 0;  // the event's division (see the spec's `division`)
  EventType type = EventType::kEnumerate;
  uint8_t birth_order = 0;
  uint8_t plurality = 0;
  uint8_t maternal = 0;  // deaths: 1 for a maternal death
};

class Simulation {
 public:
  // REQUIRES: options validated by GenerateDemoCity; inputs outlive the Simulation.
  Simulation(const DemoOptions& options, const Inputs& inputs);

  // Builds the base population on options.start (persons sorted by birth date, mothers
  // and partners linked, parities drawn).
  void BuildBase();
  // Simulates [first_day, last_day] of one calendar year into `out` (cleared first), in
  // the order events were drawn. Updates census counts when the census day is inside.
  void SimulateYear(int32_t first_day, int32_t last_day, std::vector<PendingEvent>& out);

  std::vector<PersonState>& persons() { return persons_; }
  const std::vector<Village>& villages() const { return villages_; }
  const std::vector<std::string>& address_codes() const { return address_codes_; }
  int64_t base_size() const { return base_size_; }
  int64_t residents() const { return residents_; }
  const std::vector<int64_t>& census_by_county() const { return census_county_; }
  const std::vector<std::vector<int64_t>>& census_age_sex() const { return census_age_sex_; }
  bool census_counted() const { return census_counted_; }

 private:
  int SampleVillage(int county);
  void LinkHouseholds();
  void DrawParities();
  void AddInMigrants(int32_t first_day, int32_t last_day, std::vector<PendingEvent>& out);
  void SimulatePerson(int32_t i, int32_t first_day, int32_t last_day, std::vector<PendingEvent>& out);
  void CountAtCensus(const PersonState& p);

  const DemoOptions& options_;
  const Inputs& inputs_;
  PopulationModel model_;
  Rng rng_;
  std::vector<Village> villages_;
  std::vector<std::vector<double>> county_cum_;       // cumulative village weights by county
  std::vector<std::vector<uint16_t>> county_villages_;
  std::vector<double> destination_cum_;
  std::vector<double> in_age_cum_;
  std::vector<std::string> address_codes_;  // 0..16 the counties, then other provinces
  int first_outside_ = 0;                   // first address index outside Shanxi
  std::vector<PersonState> persons_;
  int64_t base_size_ = 0;
  int64_t residents_ = 0;
  int32_t census_day_ = 0;
  bool census_counted_ = false;
  std::vector<int64_t> census_county_;
  std::vector<std::vector<int64_t>> census_age_sex_;
};

}  // namespace junheng::demo
