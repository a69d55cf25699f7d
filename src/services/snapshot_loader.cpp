#include "services/snapshot_loader.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include <algorithm>
#include <span>

#include <fmt/format.h>

namespace junheng::services {
namespace {

// Copies what the snapshot reads (store::Detail::kVitals) into a recycled
// record: a whole Person or Event is ten strings, and copying all of them was a
// large part of the reading thread's work.
void CopyVitals(const Person& from, Person& to) {
  to.person_id = from.person_id;
  to.mother_id = from.mother_id;
  to.sex = from.sex;
  to.birth_date = from.birth_date;
}
void CopyVitals(const store::StoredEvent& from, store::StoredEvent& to) {
  to.seq = from.seq;
  const Event& e = from.event;
  Event& t = to.event;
  t.event_id = e.event_id;
  t.person_id = e.person_id;
  t.mother_id = e.mother_id;
  t.type = e.type;
  t.date = e.date;
  t.recorded_at = e.recorded_at;
  t.division = e.division;
  t.birth_order = e.birth_order;
  t.plurality = e.plurality;
  t.maternal = e.maternal;
}

// A chunk of records on its way from a reading thread to the applying one.
// Records are copied into the chunk's existing elements (which keeps their
// strings' memory), so n_persons / n_events say how many are in use.
struct Chunk {
  std::vector<Person> persons;
  std::vector<store::StoredEvent> events;
  size_t n_persons = 0, n_events = 0;
  bool ends_part = false;  // the last chunk of the persons or of one window of the log
  template <typename T>
  static void Put(std::vector<T>& v, size_t& n, const T& x) {
    if (n == v.size()) v.emplace_back();
    CopyVitals(x, v[n++]);
  }
};
constexpr size_t kChunk = 4096;

// Chunks in flight, in one lane per reading thread. A reader waits when its lane
// holds kMaxChunks; the applier takes from the lane of the part it applies.
// Abort (after a failure anywhere) wakes everyone: Push then returns false and
// Pop nullopt, so that no thread waits for one that has stopped.
class Handover {
 public:
  explicit Handover(size_t lanes) : lanes_(lanes) {}
  bool Push(size_t lane, Chunk chunk) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return aborted_ || lanes_[lane].size() < kMaxChunks; });
    if (aborted_) return false;
    lanes_[lane].push_back(std::move(chunk));
    changed_.notify_all();
    return true;
  }
  std::optional<Chunk> Pop(size_t lane) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return aborted_ || !lanes_[lane].empty(); });
    if (aborted_) return std::nullopt;
    Chunk c = std::move(lanes_[lane].front());
    lanes_[lane].pop_front();
    changed_.notify_all();
    return c;
  }
  void Abort() {
    std::lock_guard lock(mu_);
    aborted_ = true;
    changed_.notify_all();
  }
  // Chunks come back empty for reuse: their memory is already mapped, and fresh
  // megabyte-sized allocations cost a page fault per 4 KiB on a virtual machine.
  void Recycle(Chunk chunk) {
    chunk.n_persons = chunk.n_events = 0;
    chunk.ends_part = false;
    std::lock_guard lock(mu_);
    free_.push_back(std::move(chunk));
  }
  Chunk TakeFree() {
    std::lock_guard lock(mu_);
    if (free_.empty()) return {};
    Chunk c = std::move(free_.back());
    free_.pop_back();
    return c;
  }

 private:
  static constexpr size_t kMaxChunks = 16;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::deque<Chunk>> lanes_;
  std::vector<Chunk> free_;
  bool aborted_ = false;
};

// What is read, in the order it is applied: the persons, then the log, each in
// pieces that the lanes take in turn. A piece is no larger than what a lane may
// hold (kMaxChunks chunks), so that one lane reads the next piece whole while
// the applier takes the other's.
struct Part {
  size_t lane;
  bool persons;
  store::Store::PersonPart piece;       // persons
  int64_t after_seq = 0, upto_seq = 0;  // events with after_seq < seq <= upto_seq
};

std::vector<Part> PlanParts(int64_t persons_bound, int64_t last_seq, int64_t window, size_t lanes) {
  std::vector<Part> parts;
  const int person_pieces =
      lanes == 1 ? 1 : static_cast<int>(std::max<int64_t>(2, (persons_bound + window - 1) / window));
  for (int k = 0; k < person_pieces; ++k) {
    parts.push_back({static_cast<size_t>(k) % lanes, true, {k, person_pieces, persons_bound}});
  }
  for (int64_t after = 0; after < last_seq; after += window) {
    parts.push_back({parts.size() % lanes, false, {}, after, std::min(last_seq, after + window)});
  }
  return parts;
}

// Reads the parts of one lane from one connection into chunks.
Status ReadLane(store::Store& store, std::span<const Part> parts, size_t lane, Handover& handover) {
  Chunk chunk = handover.TakeFree();
  bool stopped = false;  // the handover was aborted: skip the rest
  auto hand_over = [&](bool ends_part) {
    chunk.ends_part = ends_part;
    stopped = !handover.Push(lane, std::move(chunk));
    chunk = handover.TakeFree();
  };
  for (const Part& part : parts) {
    if (part.lane != lane) continue;
    Status read;
    if (part.persons) {
      read = store.ForEachPersonInPart([&](const Person& p) {
        if (stopped) return;
        Chunk::Put(chunk.persons, chunk.n_persons, p);
        if (chunk.n_persons == kChunk) hand_over(false);
      }, store::Detail::kVitals, part.piece);
    } else {
      read = store.ForEachEventBetween(part.after_seq, part.upto_seq, [&](const store::StoredEvent& se) {
        if (stopped) return;
        Chunk::Put(chunk.events, chunk.n_events, se);
        if (chunk.n_events == kChunk) hand_over(false);
      }, store::Detail::kVitals);
    }
    if (!read) {
      handover.Abort();
      return read;
    }
    if (!stopped) hand_over(true);
    if (stopped) return {};
  }
  return {};
}

}  // namespace

Result<analytics::Snapshot> LoadSnapshot(store::Store& store, const LoadOptions& options) {
  JH_ASSIGN_OR_RETURN(std::vector<Division> divisions, store.LoadDivisions());
  JH_ASSIGN_OR_RETURN(DivisionTree tree, DivisionTree::Build(std::move(divisions)));
  analytics::Snapshot snapshot(std::move(tree));
  // The log's end first: every person of an event up to it is committed, so the
  // persons scan that follows sees them all.
  JH_ASSIGN_OR_RETURN(const int64_t last_seq, store.LastSeq());
  JH_ASSIGN_OR_RETURN(int64_t persons_bound, store.PersonsUpperBound());
  snapshot.Reserve(static_cast<size_t>(persons_bound), static_cast<size_t>(persons_bound) * 12);
  const size_t lanes = options.second ? 2 : 1;
  const std::vector<Part> parts =
      PlanParts(persons_bound, last_seq, std::max<int64_t>(1, options.piece_size), lanes);
  Handover handover(lanes);

  int64_t persons = 0, events = 0;
  Status applied;
  std::jthread applier([&] {
    std::vector<std::string_view> ids;
    std::vector<uint32_t> found;
    for (const Part& part : parts) {
      for (bool done = false; !done;) {
        std::optional<Chunk> chunk = handover.Pop(part.lane);
        if (!chunk) return;  // a reader failed
        if (chunk->n_persons > 0) {
          applied = snapshot.AddPersons(std::span<const Person>(chunk->persons).first(chunk->n_persons));
        }
        if (chunk->n_events > 0) {  // persons found together: their cache misses overlap
          ids.clear();
          for (size_t i = 0; i < chunk->n_events; ++i) ids.push_back(chunk->events[i].event.person_id);
          found.resize(ids.size());
          snapshot.FindPersons(ids, found);
        }
        for (size_t i = 0; applied && i < chunk->n_events; ++i) {
          if (i + 16 < chunk->n_events) snapshot.PrefetchPerson(found[i + 16]);
          if (i + 8 < chunk->n_events) snapshot.PrefetchStays(found[i + 8]);
          applied = snapshot.Apply(chunk->events[i].event, found[i]);
          if (applied) snapshot.set_applied_seq(chunk->events[i].seq);
        }
        if (!applied) {
          handover.Abort();
          return;
        }
        done = chunk->ends_part;
        const int64_t before = persons + events;
        persons += static_cast<int64_t>(chunk->n_persons);
        events += static_cast<int64_t>(chunk->n_events);
        handover.Recycle(std::move(*chunk));
        if (options.on_progress && before / 500000 != (persons + events) / 500000) {
          options.on_progress(persons, events);
        }
      }
    }
  });
  Status second_read;
  std::jthread second_reader;
  if (options.second) {
    second_reader = std::jthread([&] { second_read = ReadLane(*options.second, parts, 1, handover); });
  }
  const Status read = ReadLane(store, parts, 0, handover);
  if (second_reader.joinable()) second_reader.join();
  applier.join();
  JH_RETURN_IF_ERROR(read);
  JH_RETURN_IF_ERROR(second_read);
  JH_RETURN_IF_ERROR(applied);
  if (options.on_progress) options.on_progress(persons, events);
  snapshot.ShrinkToFit();
  return snapshot;
}

Result<NewEvents> FetchNewEvents(store::Store& store, const analytics::Snapshot& snapshot) {
  NewEvents out;
  JH_RETURN_IF_ERROR(store.ForEachEventAfter(snapshot.applied_seq(), [&](const store::StoredEvent& se) {
    out.events.push_back(se);
  }, store::Detail::kVitals));
  for (const store::StoredEvent& se : out.events) {
    const std::string& id = se.event.person_id;
    if (snapshot.FindPerson(id) != analytics::kNone) continue;
    if (std::any_of(out.persons.begin(), out.persons.end(), [&](const Person& p) { return p.person_id == id; }))
      continue;
    JH_ASSIGN_OR_RETURN(std::optional<Person> person, store.FindPerson(id));
    if (!person) {
      return Fail(ErrorCode::kInternal, fmt::format("event {} (seq {}) refers to person {}, who is not in the store",
                                                    se.event.event_id, se.seq, id));
    }
    out.persons.push_back(std::move(*person));
  }
  return out;
}

Result<int64_t> ApplyNewEvents(const NewEvents& fetched, analytics::Snapshot& snapshot) {
  for (const Person& p : fetched.persons)
    if (snapshot.FindPerson(p.person_id) == analytics::kNone) JH_RETURN_IF_ERROR(snapshot.AddPerson(p));
  int64_t applied = 0;
  for (const store::StoredEvent& se : fetched.events) {
    if (se.seq <= snapshot.applied_seq()) continue;
    JH_RETURN_IF_ERROR(snapshot.Apply(se.event));
    snapshot.set_applied_seq(se.seq);
    ++applied;
  }
  return applied;
}

Result<int64_t> CatchUp(store::Store& store, analytics::Snapshot& snapshot) {
  JH_ASSIGN_OR_RETURN(NewEvents fetched, FetchNewEvents(store, snapshot));
  return ApplyNewEvents(fetched, snapshot);
}

}  // namespace junheng::services
