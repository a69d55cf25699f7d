// ingest/check.h: `junheng check`, the register's self-examination.
//
// Verifies what the importer promises: the event log's sequence numbers run
// 1, 2, 3, ... without a gap; every event's person and division exist (the log
// has no foreign keys: its writers check them); every person's events
// form a possible life (ingest/life.h) and every mother's births have increasing
// orders; the store's counts agree with what the scan saw. Reads the whole store
// once in log order, keeping a compact summary per person, and re-reads only the
// persons whose records arrived out of date order.
#pragma once

#include <string>
#include <vector>

#include "store/store.h"

namespace junheng::ingest {

struct CheckReport {
  int64_t persons = 0;
  int64_t events = 0;
  std::vector<std::string> problems;  // one sentence each; empty when all is well
  bool ok() const { return problems.empty(); }
};

Result<CheckReport> CheckRegister(store::Store& store);

}  // namespace junheng::ingest
