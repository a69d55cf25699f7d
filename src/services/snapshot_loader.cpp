#include "services/snapshot_loader.h"

#include <fmt/format.h>

namespace junheng::services {
namespace {

// Applies one stored event, adding its person first if the snapshot lacks them.
Status ApplyStored(store::Store& store, analytics::Snapshot& snapshot, const store::StoredEvent& se) {
  if (snapshot.FindPerson(se.event.person_id) == analytics::kNone) {
    JH_ASSIGN_OR_RETURN(std::optional<Person> person, store.FindPerson(se.event.person_id));
    if (!person) {
      return Fail(ErrorCode::kInternal,
                  fmt::format("event {} (seq {}) refers to person {}, who is not in the store",
                              se.event.event_id, se.seq, se.event.person_id));
    }
    JH_RETURN_IF_ERROR(snapshot.AddPerson(*person));
  }
  JH_RETURN_IF_ERROR(snapshot.Apply(se.event));
  snapshot.set_applied_seq(se.seq);
  return {};
}

}  // namespace

Result<analytics::Snapshot> LoadSnapshot(store::Store& store, const LoadProgress& progress) {
  JH_ASSIGN_OR_RETURN(std::vector<Division> divisions, store.LoadDivisions());
  JH_ASSIGN_OR_RETURN(DivisionTree tree, DivisionTree::Build(std::move(divisions)));
  analytics::Snapshot snapshot(std::move(tree));
  int64_t persons = 0, events = 0;
  Status failed;
  JH_RETURN_IF_ERROR(store.ForEachPersonAsStored([&](const Person& p) {
    if (!failed) return;
    failed = snapshot.AddPerson(p);
    if (++persons % 500000 == 0 && progress.on_progress) progress.on_progress(persons, events);
  }));
  JH_RETURN_IF_ERROR(failed);
  JH_RETURN_IF_ERROR(store.ForEachEventAfter(0, [&](const store::StoredEvent& se) {
    if (!failed) return;
    failed = snapshot.Apply(se.event);
    snapshot.set_applied_seq(se.seq);
    if (++events % 500000 == 0 && progress.on_progress) progress.on_progress(persons, events);
  }));
  JH_RETURN_IF_ERROR(failed);
  if (progress.on_progress) progress.on_progress(persons, events);
  return snapshot;
}

Result<int64_t> CatchUp(store::Store& store, analytics::Snapshot& snapshot) {
  int64_t applied = 0;
  Status failed;
  JH_RETURN_IF_ERROR(store.ForEachEventAfter(snapshot.applied_seq(), [&](const store::StoredEvent& se) {
    if (!failed) return;
    failed = ApplyStored(store, snapshot, se);
    ++applied;
  }));
  JH_RETURN_IF_ERROR(failed);
  return applied;
}

}  // namespace junheng::services
