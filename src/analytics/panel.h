// analytics/panel.h: scanning the snapshot into Tallies.
//
// One call computes the tallies of several units over several periods in one
// pass over each unit's divisions, spread over threads. Every number is exact:
// person-days are counted day by day in closed form (split at birthdays), never
// estimated from mid-period populations.
#pragma once

#include <span>
#include <vector>

#include "analytics/period.h"
#include "analytics/snapshot.h"
#include "analytics/tally.h"
#include "core/error.h"

namespace junheng::analytics {

struct PanelQuery {
  std::vector<DivisionCode> units;
  std::vector<Period> periods;  // sorted, non-overlapping; gaps allowed
  unsigned threads = 0;         // 0: one per hardware thread
};

// The tallies of every unit in every period, units × periods, row-major
// (result[u * periods.size() + p]). Fails with kNotFound for an unknown unit and
// kInvalidArgument for empty, unsorted or overlapping periods.
Result<std::vector<Tally>> TallyPanel(const Snapshot& snapshot, const PanelQuery& query);

// One unit, one period.
Result<Tally> TallyOne(const Snapshot& snapshot, DivisionCode unit, const Period& period);

// Residents of `unit` on day `on`, by sex and completed age (100 = 100+).
Result<std::array<ByAge, kSexes>> PointPopulation(const Snapshot& snapshot, DivisionCode unit, Date on);

}  // namespace junheng::analytics
