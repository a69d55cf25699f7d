// services/snapshot_loader.h: feeding the analytics snapshot from the store.
//
// LoadSnapshot reads the divisions, every person and the whole event log into a
// new Snapshot; CatchUp then applies what was committed since (events after the
// snapshot's applied_seq), fetching any person the snapshot has not seen. This
// is how a reader follows the log without rebuilding.
#pragma once

#include <functional>
#include <vector>

#include "analytics/snapshot.h"
#include "core/error.h"
#include "store/store.h"

namespace junheng::services {

struct LoadOptions {
  // Called now and then, from the applying thread, with what has been loaded so far.
  std::function<void(int64_t persons, int64_t events)> on_progress;
  // A second connection to the same register, or null (an in-memory SQLite store
  // has none: opening ":memory:" again gives another, empty one). With it, the persons and
  // the log are read on two threads, in alternate pieces (`piece_size` person
  // rowids or sequence numbers), while a third applies them in
  // order: SQLite decoding rows is the slowest step of a load, and this splits
  // it over two cores.
  store::Store* second = nullptr;
  int64_t piece_size = int64_t{1} << 15;
};

// Reads the divisions, the persons and the log up to its LastSeq() at the start.
// Reading the store and applying to the snapshot overlap on separate threads;
// `store` is used only by the calling thread, `options.second` only by another.
// Events committed after the start are left to CatchUp.
Result<analytics::Snapshot> LoadSnapshot(store::Store& store, const LoadOptions& options = {});

// Applies the events committed after snapshot.applied_seq(). Returns how many.
Result<int64_t> CatchUp(store::Store& store, analytics::Snapshot& snapshot);

// CatchUp in two steps, so that a reader of a shared snapshot waits only for the
// second: FetchNewEvents reads the store (the snapshot only read, under a shared
// lock), ApplyNewEvents changes the snapshot (under an exclusive one). Nothing
// else may apply events between the two.
struct NewEvents {
  std::vector<store::StoredEvent> events;  // after applied_seq, in log order (kVitals)
  std::vector<Person> persons;             // their persons the snapshot has not seen
};
Result<NewEvents> FetchNewEvents(store::Store& store, const analytics::Snapshot& snapshot);
Result<int64_t> ApplyNewEvents(const NewEvents& fetched, analytics::Snapshot& snapshot);

}  // namespace junheng::services
