// store/event_tallies.h: the log's count of events by type and its span of
// dates, kept as batches commit instead of counted by scanning the log.
//
// Each engine has an event_tallies table (type, events, first_date, last_date)
// that a batch adds its own tallies to just before it commits; the log is
// append-only, so the table stays exact and the register's summary reads a few
// rows where it scanned millions (4 s for the demo city). A batch keeps its
// tallies here until then, and a summary made inside the batch adds them too.
// `junheng check` counts the log again and compares.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/date.h"
#include "core/record.h"
#include "store/store.h"

namespace junheng::store {

// Adds `events` events of `type` dated `first` to `last` to `summary`: to
// events, to events_by_type (kept sorted by type name) and to the span of dates.
void AddTally(Summary& summary, std::string_view type, int64_t events, Date first, Date last);

class EventTallies {
 public:
  void Add(EventType type, Date date) {
    Tally& t = tallies_[static_cast<size_t>(type)];
    if (t.events++ == 0 || date < t.first) t.first = date;
    if (t.events == 1 || t.last < date) t.last = date;
  }
  // Calls fn(type name, events, first, last) for each type with events.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t i = 0; i < tallies_.size(); ++i)
      if (tallies_[i].events > 0)
        fn(EventTypeName(static_cast<EventType>(i)), tallies_[i].events, tallies_[i].first, tallies_[i].last);
  }
  void AddTo(Summary& summary) const {
    ForEach([&](std::string_view type, int64_t n, Date first, Date last) { AddTally(summary, type, n, first, last); });
  }
  void Clear() { tallies_ = {}; }

 private:
  struct Tally {
    int64_t events = 0;
    Date first, last;
  };
  std::array<Tally, static_cast<size_t>(EventType::kDivorce) + 1> tallies_{};  // by EventType
};

}  // namespace junheng::store
