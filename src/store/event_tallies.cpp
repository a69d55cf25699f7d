#include "store/event_tallies.h"

#include <algorithm>

namespace junheng::store {

void AddTally(Summary& summary, std::string_view type, int64_t events, Date first, Date last) {
  if (events <= 0) return;
  auto& by_type = summary.events_by_type;
  auto it = std::lower_bound(by_type.begin(), by_type.end(), type,
                             [](const std::pair<std::string, int64_t>& entry, std::string_view t) { return entry.first < t; });
  if (it == by_type.end() || it->first != type) it = by_type.emplace(it, std::string(type), 0);
  it->second += events;
  summary.events += events;
  if (!summary.first_event_date || first < *summary.first_event_date) summary.first_event_date = first;
  if (!summary.last_event_date || *summary.last_event_date < last) summary.last_event_date = last;
}

}  // namespace junheng::store
