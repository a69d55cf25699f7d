#include "services/snapshot_loader.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include <algorithm>

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

// A chunk of records on its way from the reading thread to the applying one.
// Records are copied into the chunk's existing elements (which keeps their
// strings' memory), so n_persons / n_events say how many are in use.
struct Chunk {
  std::vector<Person> persons;
  std::vector<store::StoredEvent> events;
  size_t n_persons = 0, n_events = 0;
  template <typename T>
  static void Put(std::vector<T>& v, size_t& n, const T& x) {
    if (n == v.size()) v.emplace_back();
    CopyVitals(x, v[n++]);
  }
};
constexpr size_t kChunk = 4096;

// A bounded queue: the reader waits when the applier is kMaxChunks behind.
class ChunkQueue {
 public:
  void Push(Chunk chunk) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return chunks_.size() < kMaxChunks; });
    chunks_.push_back(std::move(chunk));
    ready_.notify_one();
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    ready_.notify_one();
  }
  // Chunks come back empty for reuse: their memory is already mapped, and fresh
  // megabyte-sized allocations cost a page fault per 4 KiB on a virtual machine.
  void Recycle(Chunk chunk) {
    chunk.n_persons = chunk.n_events = 0;
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
  // The next chunk, or nullopt once closed and empty.
  std::optional<Chunk> Pop() {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return !chunks_.empty() || closed_; });
    if (chunks_.empty()) return std::nullopt;
    Chunk c = std::move(chunks_.front());
    chunks_.pop_front();
    room_.notify_one();
    return c;
  }

 private:
  static constexpr size_t kMaxChunks = 8;
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<Chunk> chunks_;
  std::vector<Chunk> free_;
  bool closed_ = false;
};

}  // namespace

Result<analytics::Snapshot> LoadSnapshot(store::Store& store, const LoadProgress& progress) {
  JH_ASSIGN_OR_RETURN(std::vector<Division> divisions, store.LoadDivisions());
  JH_ASSIGN_OR_RETURN(DivisionTree tree, DivisionTree::Build(std::move(divisions)));
  analytics::Snapshot snapshot(std::move(tree));
  JH_ASSIGN_OR_RETURN(int64_t persons_bound, store.PersonsUpperBound());
  snapshot.Reserve(static_cast<size_t>(persons_bound), static_cast<size_t>(persons_bound) * 12);
  // Two threads: this one reads the store (SQLite decodes the rows) while the
  // other applies them to the snapshot; they hand over chunks of records.
  ChunkQueue queue;
  int64_t persons = 0, events = 0;
  Status applied;
  std::jthread applier([&] {
    while (std::optional<Chunk> chunk = queue.Pop()) {
      if (!applied) continue;  // drain after a failure so that the reader never blocks
      for (size_t i = 0; applied && i < chunk->n_persons; ++i) applied = snapshot.AddPerson(chunk->persons[i]);
      for (size_t i = 0; applied && i < chunk->n_events; ++i) {
        applied = snapshot.Apply(chunk->events[i].event);
        if (applied) snapshot.set_applied_seq(chunk->events[i].seq);
      }
      const int64_t before = persons + events;
      persons += static_cast<int64_t>(chunk->n_persons);
      events += static_cast<int64_t>(chunk->n_events);
      queue.Recycle(std::move(*chunk));
      if (progress.on_progress && before / 500000 != (persons + events) / 500000) {
        progress.on_progress(persons, events);
      }
    }
  });
  Chunk chunk;
  bool events_phase = false;
  auto hand_over = [&] {
    queue.Push(std::move(chunk));
    chunk = queue.TakeFree();
    if (events_phase) {
      chunk.events.reserve(kChunk);
    } else {
      chunk.persons.reserve(kChunk);
    }
  };
  chunk.persons.reserve(kChunk);
  Status read = store.ForEachPersonAsStored([&](const Person& p) {
    Chunk::Put(chunk.persons, chunk.n_persons, p);
    if (chunk.n_persons == kChunk) hand_over();
  }, store::Detail::kVitals);
  if (read) {
    hand_over();
    events_phase = true;
    chunk = Chunk{};
    chunk.events.reserve(kChunk);
    read = store.ForEachEventAfter(0, [&](const store::StoredEvent& se) {
      Chunk::Put(chunk.events, chunk.n_events, se);
      if (chunk.n_events == kChunk) hand_over();
    }, store::Detail::kVitals);
  }
  hand_over();
  queue.Close();
  applier.join();
  JH_RETURN_IF_ERROR(read);
  JH_RETURN_IF_ERROR(applied);
  if (progress.on_progress) progress.on_progress(persons, events);
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
