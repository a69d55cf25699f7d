#include "ingest/life.h"

#include <fmt/format.h>

#include <algorithm>

namespace junheng::ingest {
namespace {

Reason Why(std::string code, std::string message) {
  return Reason{std::move(code), "", std::move(message)};
}

std::string DayText(int32_t days) { return Date::FromDays(days).ToString(); }

}  // namespace

std::optional<Reason> Step(LifeState& s, const LifeEvent& e, std::string_view pid) {
  const int32_t d = e.date.days();
  const std::string_view type = EventTypeName(e.type);
  if (d < s.birth_days)
    return Why("life.before_birth", fmt::format("{} of {} on {} is before their birth on {}", type, pid,
                                                e.date.ToString(), DayText(s.birth_days)));
  if (s.residence == Residence::kDead)
    return Why("life.after_death", fmt::format("{} of {} on {} comes after their death on {}", type, pid,
                                               e.date.ToString(), DayText(s.exit_days)));
  if (e.type == EventType::kBirth && (s.events > 0 || d != s.birth_days))
    return Why(s.events > 0 ? "life.birth_not_first" : "life.birth_date_mismatch",
               s.events > 0 ? fmt::format("{} already has events before this birth", pid)
                            : fmt::format("birth of {} is dated {} but the person was born on {}", pid,
                                          e.date.ToString(), DayText(s.birth_days)));
  const bool resident = s.residence == Residence::kResident;
  switch (e.type) {
    case EventType::kEnumerate:
    case EventType::kBirth:
    case EventType::kMoveIn:
      if (resident)
        return Why("life.enter_while_resident",
                   fmt::format("{} on {} but {} is already resident in {}", type, e.date.ToString(), pid,
                               DivisionCode::FromValue(s.division).ToString()));
      s.residence = Residence::kResident;
      s.division = e.division.value();
      break;
    case EventType::kMove:
      if (!resident)
        return Why("life.not_resident",
                   fmt::format("move on {} but {} is not resident in the city then", e.date.ToString(), pid));
      if (s.division == e.division.value())
        return Why("life.move_same_division",
                   fmt::format("move on {} to {}, where {} already lives", e.date.ToString(),
                               e.division.ToString(), pid));
      s.division = e.division.value();
      break;
    case EventType::kMoveOut:
    case EventType::kDeath:
      if (!resident)
        return Why("life.not_resident",
                   fmt::format("{} on {} but {} is not resident in the city then", type, e.date.ToString(), pid));
      // The division may differ from the one the register knows: the move in
      // between is then not reported yet. The event still ends the residence
      // (a death must not be lost), and it counts where its row says (spec).
      if (e.type == EventType::kDeath && e.maternal == 1) {
        const int age = AgeInYears(Date::FromDays(s.birth_days), e.date);
        if (s.sex != Sex::kFemale)
          return Why("death.maternal_not_female", fmt::format("a maternal death must be of a woman; {} is not", pid));
        if (age < 10 || age > 60)
          return Why("death.maternal_age",
                     fmt::format("a maternal death must be of a woman aged 10–60; {} was {}", pid, age));
      }
      s.residence = e.type == EventType::kDeath ? Residence::kDead : Residence::kLeft;
      s.exit_days = d;
      s.division = e.division.value();
      break;
    case EventType::kMarriage:
    case EventType::kDivorce:
      break;  // alive and born is all a marriage needs; where it was registered is free
  }
  ++s.events;
  const int rank = SameDayRank(e.type);
  if (d > s.last_days || (d == s.last_days && rank > s.last_rank)) {
    s.last_days = d;
    s.last_rank = static_cast<int8_t>(rank);
  }
  return std::nullopt;
}

std::optional<Reason> StepBirthAsMother(LifeState& s, Date date, int order, std::string_view mother_id) {
  const int32_t d = date.days();
  if (d < s.last_birth_days || order <= s.last_birth_order)
    return Reason{"birth_order.inconsistent", "birth_order",
                  fmt::format("birth order {} on {} does not follow {}'s registered birth of order {} on {}",
                              order, date.ToString(), mother_id, s.last_birth_order,
                              DayText(s.last_birth_days))};
  ++s.births;
  s.last_birth_order = static_cast<int16_t>(order);
  s.last_birth_days = d;
  return std::nullopt;
}

void SortLife(std::vector<LifeEvent>& events) {
  std::stable_sort(events.begin(), events.end(), [](const LifeEvent& a, const LifeEvent& b) {
    if (a.date != b.date) return a.date < b.date;
    return SameDayRank(a.type) < SameDayRank(b.type);
  });
}

}  // namespace junheng::ingest
