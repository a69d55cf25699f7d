// ingest/life.h: the "possible life" rules, as one state machine.
//
// Every person's events, ordered by (date, SameDayRank, log order), must form a
// possible life: nothing before birth, nothing after death or leaving, entry
// (enumerate, birth, move_in) only while not resident, move, move_out and death
// only while resident. A leaving event may name another division than the one
// the register knows (a move in between is not reported yet): it still ends
// the residence, because dropping a death would bias every death rate. LifeState is the
// summary of a life so far; Step applies one more event to it. The importer uses
// Step on the summary when an event comes after everything known about the
// person (the common case) and replays the whole life through Step when a late
// record lands in the middle, so both paths apply the very same rules.
#pragma once

#include <climits>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/division.h"
#include "core/record.h"

namespace junheng::ingest {

enum class Residence : uint8_t { kNotEntered, kResident, kLeft, kDead };

struct LifeState {
  int32_t birth_days = 0;  // Date::days() of the birth date
  Sex sex = Sex::kUnknown;
  Residence residence = Residence::kNotEntered;
  uint64_t division = 0;   // DivisionCode::value() while resident (or at exit)
  int32_t last_days = INT32_MIN;  // the latest event, by (date, rank)
  int8_t last_rank = -1;
  int32_t exit_days = INT32_MIN;  // date of death or of leaving
  int32_t events = 0;
  // As a mother: live births in the register, and the latest one.
  bool births_known = false;  // false until the mother's births were read from the store
  bool needs_replay = false;  // the summary missed out-of-order records: rebuild from the store
  int16_t births = 0;
  int16_t last_birth_order = 0;
  int32_t last_birth_days = INT32_MIN;
  uint64_t person_hash = 0;   // ContentHash of the person record, 0 until read
};

// One event as the life rules see it.
struct LifeEvent {
  Date date;
  EventType type = EventType::kEnumerate;
  DivisionCode division;
  int8_t maternal = -1;
};

// True when `e` sorts at or after everything in `s` (the fast path applies).
inline bool ComesLast(const LifeState& s, const LifeEvent& e) {
  const int rank = SameDayRank(e.type);
  return e.date.days() > s.last_days || (e.date.days() == s.last_days && rank >= s.last_rank);
}

// Applies `e` to `s` if it is possible; otherwise returns why not and leaves `s`
// as it was. `person_id` is only used in messages.
std::optional<Reason> Step(LifeState& s, const LifeEvent& e, std::string_view person_id);

// Birth-order rule for a mother: a birth on `date` with `order` is possible when
// it follows her latest registered birth in both date and order (twins share a
// date and take consecutive orders). Strictly increasing orders from 1 up also
// leave room for every earlier birth in the register. Updates `s` when possible.
std::optional<Reason> StepBirthAsMother(LifeState& s, Date date, int order, std::string_view mother_id);

// Sorts a life by (date, rank), keeping the given order for ties.
void SortLife(std::vector<LifeEvent>& events);

}  // namespace junheng::ingest
