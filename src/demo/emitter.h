// demo/emitter.h: turns simulated state into exchange-format records for a Sink
// (internal to demo).
//
// It decides what a department would have recorded by `today`: each event gets a
// registration delay, and an event recorded after today is held back (the last weeks
// of the register are incomplete, as in reality). A person whose entry was held back
// is not emitted, and neither is anything about them nor a birth to her.
#pragma once

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "demo/demo.h"
#include "demo/simulation.h"

namespace junheng::demo {

class Emitter {
 public:
  Emitter(const DemoOptions& options, Simulation& sim, Sink& sink, DemoStats& stats);

  // Every base person (in index order: oldest first), then their enumerate events.
  Status EmitBase();
  // Sorts the year's events by date, then SameDayRank, then drawing order, and emits.
  Status EmitYear(std::vector<PendingEvent>& events, YearStats& year);

 private:
  Person MakePerson(int32_t i);
  std::string CitizenId(const PersonState& p, int32_t i);
  // Delay in days from event to record, and the Shanghai office time of the record.
  int32_t Delay(EventType type, HashRng& rng) const;
  Timestamp OfficeTime(int32_t day, HashRng& rng) const;
  std::string NextId(char prefix, int64_t& counter) const;
  static std::string DeathCause(int age, int sex, bool maternal, HashRng& rng);
  static std::string Destination(HashRng& rng);

  const DemoOptions& options_;
  Simulation& sim_;
  Sink& sink_;
  DemoStats& stats_;
  const int32_t today_;
  Event event_;    // reused
  Person person_;  // reused
  // Next citizen-id sequence per (address code, birth date): [male, female].
  std::unordered_map<uint64_t, std::array<uint16_t, 2>> id_seq_;
  int64_t n_enumerate_ = 0, n_birth_ = 0, n_death_ = 0, n_in_ = 0, n_out_ = 0, n_move_ = 0;
  std::vector<uint64_t> keys_;
};

}  // namespace junheng::demo
