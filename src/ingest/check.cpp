#include "ingest/check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "ingest/life.h"

namespace junheng::ingest {
namespace {

constexpr size_t kMaxProblems = 1000;

LifeEvent ToLifeEvent(const Event& e) { return LifeEvent{e.date, e.type, e.division, e.maternal}; }

}  // namespace

Result<CheckReport> CheckRegister(store::Store& store) {
  CheckReport report;
  auto problem = [&](std::string text) {
    if (report.problems.size() < kMaxProblems) report.problems.push_back(std::move(text));
  };
  std::unordered_set<uint64_t> divisions;
  JH_ASSIGN_OR_RETURN(const std::vector<Division> division_list, store.LoadDivisions());
  for (const Division& d : division_list) divisions.insert(d.code.value());
  std::unordered_map<std::string, LifeState> people;
  JH_RETURN_IF_ERROR(store.ForEachPerson([&](const Person& p) {
    LifeState s;
    s.birth_days = p.birth_date.days();
    s.sex = p.sex;
    s.births_known = true;
    people.emplace(p.person_id, s);
    ++report.persons;
  }));
  std::unordered_set<std::string> replay;         // persons whose events arrived out of order
  std::unordered_set<std::string> replay_mothers;
  int64_t expected_seq = 1;
  std::map<std::string_view, int64_t> by_type;  // what the store's summary must say
  std::optional<Date> first_date, last_date;
  JH_RETURN_IF_ERROR(store.ForEachEvent([&](const store::StoredEvent& se) {
    ++report.events;
    const Event& e = se.event;
    ++by_type[EventTypeName(e.type)];
    if (!first_date || e.date < *first_date) first_date = e.date;
    if (!last_date || *last_date < e.date) last_date = e.date;
    if (se.seq != expected_seq)
      problem(fmt::format("the event log jumps from #{} to #{}", expected_seq - 1, se.seq));
    expected_seq = se.seq + 1;
    if (!e.division.empty() && !divisions.contains(e.division.value()))
      problem(fmt::format("event #{} ({} {}) names division {}, which is not in the register", se.seq, e.source,
                          e.event_id, e.division.ToString()));
    auto it = people.find(e.person_id);
    if (it == people.end()) {
      problem(fmt::format("event #{} ({} {}) names person {}, who is not in the register", se.seq, e.source,
                          e.event_id, e.person_id));
      return;
    }
    const LifeEvent le = ToLifeEvent(e);
    if (!ComesLast(it->second, le)) {
      replay.insert(e.person_id);
    } else if (auto why = Step(it->second, le, e.person_id)) {
      problem(fmt::format("event #{} ({} {}): {}", se.seq, e.source, e.event_id, why->message));
    }
    if (e.type == EventType::kBirth && !e.mother_id.empty()) {
      auto m = people.find(e.mother_id);
      if (m == people.end()) return;
      if (e.date.days() < m->second.last_birth_days) {
        replay_mothers.insert(e.mother_id);
      } else if (auto why = StepBirthAsMother(m->second, e.date, e.birth_order, e.mother_id)) {
        problem(fmt::format("event #{} ({} {}): {}", se.seq, e.source, e.event_id, why->message));
      }
    }
  }));
  for (const std::string& id : replay) {
    JH_ASSIGN_OR_RETURN(std::vector<store::StoredEvent> events, store.EventsOfPerson(id));
    std::vector<LifeEvent> life;
    for (const auto& se : events) life.push_back(ToLifeEvent(se.event));
    SortLife(life);
    LifeState s;
    s.birth_days = people[id].birth_days;
    s.sex = people[id].sex;
    for (const LifeEvent& le : life)
      if (auto why = Step(s, le, id)) {
        problem(fmt::format("person {}: {}", id, why->message));
        break;
      }
  }
  for (const std::string& id : replay_mothers) {
    JH_ASSIGN_OR_RETURN(std::vector<store::StoredEvent> births, store.BirthsOfMother(id));
    std::vector<std::pair<int32_t, int>> all;
    for (const auto& b : births) all.emplace_back(b.event.date.days(), b.event.birth_order);
    std::stable_sort(all.begin(), all.end());
    LifeState s;
    for (const auto& [d, order] : all)
      if (auto why = StepBirthAsMother(s, Date::FromDays(d), order, id)) {
        problem(fmt::format("mother {}: {}", id, why->message));
        break;
      }
  }
  JH_ASSIGN_OR_RETURN(store::Summary summary, store.GetSummary());
  if (summary.persons != report.persons)
    problem(fmt::format("the store counts {} persons but the scan saw {}", summary.persons, report.persons));
  if (summary.events != report.events)
    problem(fmt::format("the store counts {} events but the scan saw {}", summary.events, report.events));
  const std::vector<std::pair<std::string, int64_t>> scanned(by_type.begin(), by_type.end());
  if (summary.events_by_type != scanned) {
    auto list = [](const std::vector<std::pair<std::string, int64_t>>& counts) {
      std::vector<std::string> parts;
      for (const auto& [type, n] : counts) parts.push_back(fmt::format("{} {}", type, n));
      return parts.empty() ? std::string("none") : fmt::format("{}", fmt::join(parts, ", "));
    };
    problem(fmt::format("the store counts events by type as {} but the scan saw {}", list(summary.events_by_type),
                        list(scanned)));
  }
  if (summary.first_event_date != first_date || summary.last_event_date != last_date) {
    auto span = [](const std::optional<Date>& a, const std::optional<Date>& b) {
      return a && b ? fmt::format("{} to {}", a->ToString(), b->ToString()) : std::string("no dates");
    };
    problem(fmt::format("the store gives the events' dates as {} but the scan saw {}",
                        span(summary.first_event_date, summary.last_event_date), span(first_date, last_date)));
  }
  if (summary.max_seq != report.events)
    problem(fmt::format("the last sequence number is {} but there are {} events", summary.max_seq, report.events));
  return report;
}

}  // namespace junheng::ingest
