// The bulk reads' default: one key at a time, which an embedded store answers
// as fast as it answers them in bulk.
#include "store/store.h"

#include <algorithm>
#include <unordered_set>

namespace junheng::store {

Status Store::FindPersons(std::span<const std::string> person_ids, const std::function<void(const Person&)>& fn) {
  std::unordered_set<std::string_view> seen;
  for (const std::string& id : person_ids) {
    if (!seen.insert(id).second) continue;
    JH_ASSIGN_OR_RETURN(std::optional<Person> p, FindPerson(id));
    if (p) fn(*p);
  }
  return {};
}

Status Store::EventsOfPersons(std::span<const std::string> person_ids,
                              const std::function<void(const StoredEvent&)>& fn) {
  std::unordered_set<std::string_view> seen;
  std::vector<StoredEvent> all;
  for (const std::string& id : person_ids) {
    if (!seen.insert(id).second) continue;
    JH_ASSIGN_OR_RETURN(std::vector<StoredEvent> own, EventsOfPerson(id));
    JH_ASSIGN_OR_RETURN(std::vector<StoredEvent> births, BirthsOfMother(id));
    for (auto* part : {&own, &births}) std::move(part->begin(), part->end(), std::back_inserter(all));
  }
  VisitEachSeqOnce(all, fn);
  return {};
}

void VisitEachSeqOnce(std::vector<StoredEvent>& events, const std::function<void(const StoredEvent&)>& fn) {
  std::sort(events.begin(), events.end(), [](const StoredEvent& a, const StoredEvent& b) { return a.seq < b.seq; });
  int64_t last = 0;
  for (const StoredEvent& e : events) {
    if (e.seq == last) continue;  // e.g. a birth: of one of the persons, to another
    last = e.seq;
    fn(e);
  }
}

Status Store::FindEvents(std::span<const std::pair<std::string, std::string>> keys,
                         const std::function<void(const std::pair<std::string, std::string>& key,
                                                  const EventKey& found)>& fn) {
  std::unordered_set<std::string> seen;
  for (const auto& key : keys) {
    if (!seen.insert(EventKeyText(key.first, key.second)).second) continue;
    JH_ASSIGN_OR_RETURN(std::optional<EventKey> found, FindEvent(key.first, key.second));
    if (found) fn(key, *found);
  }
  return {};
}

}  // namespace junheng::store
