// bench/sql/sql_panel.h: the plain-SQL baseline of analytics::TallyPanel.
//
// SqlPanel computes the same Tallies as TallyPanel (analytics/panel.h), but from
// the store's tables (divisions, persons, events) by SQL that SQLite executes:
// residence stays are rebuilt from each person's events with window functions,
// split into periods and at birthdays by joins, and every count is a GROUP BY.
// C++ only binds the units and periods and copies the aggregated rows into the
// Tally fields. It is the "what a demographer would write" reference that the
// benchmark times the snapshot against, and that tests/services/sql_panel_test
// checks the snapshot with, field by field.
//
// The connection may be read-only: the query tables (units, periods, days,
// years) are TEMP tables, created on the connection and dropped before return.
// Not thread safe on one connection; one statement runs at a time.
#pragma once

#include <vector>

#include "analytics/period.h"
#include "analytics/tally.h"
#include "core/division.h"
#include "core/error.h"

struct sqlite3;

// The tallies of every unit in every period, units × periods, row-major
// (result[u * periods.size() + p]), as TallyPanel. Fails with kNotFound for a unit
// that is not in the divisions table, kInvalidArgument for empty, unsorted or
// overlapping periods, and kInternal when SQLite fails.
junheng::Result<std::vector<junheng::analytics::Tally>> SqlPanel(
    sqlite3* db, const std::vector<junheng::DivisionCode>& units,
    const std::vector<junheng::analytics::Period>& periods);
