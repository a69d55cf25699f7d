// analytics/snapshot.h: the register as a read model in memory. Start here.
//
// The Snapshot holds, for every person, sex, birth date and mother, and for every
// division the stays of residents there (a stay is a residence interval [from,
// to) in one division, with how it began and ended; stored as two columns,
// StayCore and StayLinks), the births and deaths registered there and the dates
// and delays of every record received. Divisions
// are stored in code order, and codes are hierarchical, so every city, county,
// township or village is one contiguous range of divisions (RangeOf).
//
// It is fed by its caller, which owns the I/O: persons with AddPerson and events
// with Apply, at start from the whole store and then each committed event as it
// is committed. Apply is incremental (no rebuild) and accepts events in any date
// order, because a late record can land before events already applied: the
// person's stays are replayed with the new event in its place. The caller applies
// each event once (it follows the log's sequence number, see applied_seq).
//
// Memory: about 90 bytes per person on the demo city (bench/analytics_bench.cpp).
// Thread safety: const methods may run concurrently with each other, not with
// AddPerson or Apply.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analytics/person_index.h"
#include "core/citizen_id.h"
#include "core/date.h"
#include "core/division.h"
#include "core/error.h"
#include "core/record.h"

namespace junheng::analytics {

inline constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
inline constexpr int32_t kOpenEnd = std::numeric_limits<int32_t>::max();

// How a stay began and how it ended.
// kUnknown: an exit arrived for a person not resident then (a record of their
// entry has not arrived yet); the stay is empty, [date, date), and keeps the exit
// so that a replay with the entry, when it comes, gives the full stay.
enum class Entry : uint8_t { kEnumerate, kBirth, kMoveIn, kMove, kUnknown };
enum class Exit : uint8_t { kOpen, kDeath, kMoveOut, kMove };

// A residence interval [from, to) of one person in one division (days since
// 1970-01-01; to == kOpenEnd while the person still lives there). The day of
// entry counts, the day of leaving does not (spec/indicators.md, Exposure).
// A stay with from == to is empty (e.g. born and died the same day) and adds no days.
struct Stay {
  int32_t from = 0;
  int32_t to = kOpenEnd;
  int32_t birth = 0;            // the person's birth date, copied here for scans
  uint32_t person = kNone;
  uint32_t next_division = kNone;  // the person's next stay, or kNone
  uint32_t next_slot = kNone;
  uint32_t origin = kNone;      // entry == kMove: the division moved from
  Sex sex = Sex::kUnknown;
  Entry entry = Entry::kEnumerate;
  Exit exit = Exit::kOpen;
  bool dead_slot = false;       // a freed slot, reused by the next stay stored here
};
static_assert(sizeof(Stay) == 32);

// A live birth registered in a division.
struct BirthRecord {
  int32_t date = 0;
  uint32_t mother = kNone;  // the mother's person index, kNone when not in the register
  int32_t mother_birth = 0; // her birth date (days), copied so that a scan need not look her up
  Sex sex = Sex::kUnknown;  // the child's
  uint8_t order = 0;        // birth_order, 0 unknown, capped at 255
  uint8_t plurality = 0;
};

// A death registered in a division.
struct DeathRecord {
  int32_t date = 0;
  int32_t birth = 0;
  Sex sex = Sex::kUnknown;
  bool maternal = false;
};

// A Stay is stored in two columns: what a scan reads for every stay (16 bytes)
// and the links it reads only for moves, so that a scan streams half the memory.
struct StayCore {
  int32_t from = 0, to = kOpenEnd, birth = 0;
  Sex sex = Sex::kUnknown;
  Entry entry = Entry::kEnumerate;
  Exit exit = Exit::kOpen;
  bool dead_slot = false;
};
static_assert(sizeof(StayCore) == 16);
struct StayLinks {
  uint32_t person = kNone, next_division = kNone, next_slot = kNone, origin = kNone;
};

// Everything the snapshot keeps for one division, in columns.
struct DivisionData {
  std::vector<StayCore> stays;       // slot i: stays[i] with stay_links[i]
  std::vector<StayLinks> stay_links;
  Stay stay(uint32_t slot) const {
    const StayCore& c = stays[slot];
    const StayLinks& l = stay_links[slot];
    return {c.from, c.to, c.birth, l.person, l.next_division, l.next_slot, l.origin, c.sex, c.entry, c.exit,
            c.dead_slot};
  }
  void set_stay(uint32_t slot, const Stay& s) {
    stays[slot] = {s.from, s.to, s.birth, s.sex, s.entry, s.exit, s.dead_slot};
    stay_links[slot] = {s.person, s.next_division, s.next_slot, s.origin};
  }
  uint32_t add_stay(const Stay& s) {
    stays.emplace_back();
    stay_links.emplace_back();
    set_stay(static_cast<uint32_t>(stays.size() - 1), s);
    return static_cast<uint32_t>(stays.size() - 1);
  }
  std::vector<uint32_t> free_slots;  // dead stays, reused before the vector grows
  std::vector<BirthRecord> births;
  std::vector<DeathRecord> deaths;
  // Events other than `enumerate` registered here: event date and registration
  // delay in days (recorded_at's Shanghai date − date, at least 0).
  std::vector<int32_t> record_dates;
  std::vector<uint16_t> record_delays;
  // Bit m set: some record (any type) was received here in month m, counted
  // from kFirstMonth by its recorded_at's Shanghai date.
  std::vector<uint64_t> months_received;
};

// Months are numbered year * 12 + (month − 1); bitsets start at this one.
inline constexpr int32_t kFirstMonth = 1970 * 12;

class Snapshot {
 public:
  // Divisions are fixed for the snapshot's life: adding divisions to the store
  // means building a new snapshot.
  explicit Snapshot(DivisionTree divisions);
  Snapshot(Snapshot&&) noexcept = default;
  Snapshot& operator=(Snapshot&&) noexcept = default;

  // Adds a person. Fails with kConflict if the person_id is already here, and
  // with kInvalidArgument for a sex other than male or female.
  Status AddPerson(const Person& person);

  // AddPerson for each, in order, stopping at the first failure: the same
  // result, with the index lookups of several persons overlapped (a bulk load).
  Status AddPersons(std::span<const Person> persons);

  // Applies one committed event. Fails with kNotFound when its person or
  // division is unknown (the snapshot is then unchanged).
  Status Apply(const Event& event);
  // The same, for an event whose person index was found beforehand with
  // FindPersons (PersonIndex::kMissing when the person is not here).
  Status Apply(const Event& event, uint32_t person);
  // Start loading what Apply(event, person) reads first, so that a bulk load
  // overlaps the cache misses of several events: PrefetchPerson some events
  // ahead, then PrefetchStays (which reads what PrefetchPerson loaded) nearer.
  void PrefetchPerson(uint32_t person) const {
    if (person < first_stay_.size()) __builtin_prefetch(&first_stay_[person]);
  }
  void PrefetchStays(uint32_t person) const {
    if (person >= first_stay_.size()) return;
    const StayRef ref = first_stay_[person];
    if (ref.division == kNone) return;
    const DivisionData& d = data_[ref.division];
    __builtin_prefetch(&d.stay_links[ref.slot]);
    __builtin_prefetch(&d.stays[ref.slot]);
  }

  // Room for this many persons (and bytes of person_id text), to load without regrowing.
  void Reserve(size_t persons, size_t id_bytes);
  // Returns the spare capacity of every column; call after a bulk load. Uses a
  // second thread.
  void ShrinkToFit();

  // The log position of the last event the caller applied; kept for the caller.
  int64_t applied_seq() const { return applied_seq_; }
  void set_applied_seq(int64_t seq) { applied_seq_ = seq; }

  // --- reading ----------------------------------------------------------------
  const DivisionTree& tree() const { return tree_; }
  // Divisions are indexed by their position in tree().all() (code order).
  std::span<const DivisionData> divisions() const { return data_; }
  // The positions [first, last) of `unit` and everything inside it; empty
  // (first == last) when the unit is unknown.
  struct Range { uint32_t first = 0, last = 0; };
  Range RangeOf(DivisionCode unit) const;
  // The position of a known division, kNone otherwise.
  uint32_t IndexOf(DivisionCode code) const;

  size_t person_count() const { return sex_.size(); }
  // The earliest and latest birth dates of the persons here (both 1970-01-01 when none).
  Date first_birth() const { return Date::FromDays(first_birth_); }
  Date last_birth() const { return Date::FromDays(last_birth_); }
  Sex sex(uint32_t person) const { return sex_[person]; }
  Date birth_date(uint32_t person) const { return Date::FromDays(birth_[person]); }
  uint32_t mother(uint32_t person) const { return mother_[person]; }
  uint32_t FindPerson(std::string_view person_id) const { return ids_.Find(person_id); }
  // out[i] = FindPerson(ids[i]), many at a time (see PersonIndex::FindAll).
  void FindPersons(std::span<const std::string_view> ids, std::span<uint32_t> out) const { ids_.FindAll(ids, out); }
  std::string_view person_id(uint32_t person) const { return ids_.IdOf(person); }
  // The person's stays in date order.
  std::vector<Stay> StaysOf(uint32_t person) const;
  // Where the person lives or last lived: the division (position in tree().all())
  // and the stay; nullopt when the person has no stay (e.g. only an exit so far).
  struct Residence { uint32_t division = kNone; Stay stay; };
  std::optional<Residence> LastResidence(uint32_t person) const;

  struct Counts {
    size_t persons = 0, stays = 0, dead_slots = 0, births = 0, deaths = 0, records = 0;
    size_t pending_mothers = 0;  // births whose mother_id is not (yet) a person here
    size_t bytes = 0;            // heap memory held, approximately
  };
  Counts GetCounts() const;

 private:
  struct StayRef { uint32_t division = kNone, slot = kNone; };
  uint32_t FindWithHint(std::string_view person_id);
  // AddPerson with the mother's index when already found (kMissing: look her up).
  Status AddPerson(const Person& person, uint32_t mother);
  Status ApplyResidence(uint32_t person, EventType type, int32_t date, uint32_t division);
  // The common case of ApplyResidence, an event after the person's last one; false
  // (and nothing changed) when the event falls inside the life and needs a replay.
  bool AppendResidence(uint32_t person, EventType type, int32_t date, uint32_t division);
  StayRef StoreStay(uint32_t division, const Stay& stay);
  void FreeStay(StayRef ref);
  void AddRecord(uint32_t division, const Event& event);
  uint32_t ResolveMother(const std::string& mother_id, uint32_t division, size_t slot);

  DivisionTree tree_;
  std::vector<DivisionData> data_;
  std::unordered_map<uint64_t, uint32_t> index_of_code_;
  // Person columns, indexed by person index (order of AddPerson).
  PersonIndex ids_;
  // Read at random, one element per event: in huge pages (analytics/huge_pages.h).
  HugeVector<Sex> sex_;
  HugeVector<int32_t> birth_;
  HugeVector<uint32_t> mother_;
  HugeVector<StayRef> first_stay_;
  // person_id of a mother not yet here → her children's BirthRecords (division, slot).
  std::unordered_map<std::string, std::vector<StayRef>> pending_mothers_;
  std::unordered_map<std::string, std::vector<uint32_t>> pending_person_mothers_;
  int64_t applied_seq_ = 0;
  uint32_t hint_ = 0;  // the person the last Apply was about
  int32_t first_birth_ = 0, last_birth_ = 0;
};

}  // namespace junheng::analytics
