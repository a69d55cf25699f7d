#include "analytics/snapshot.h"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

namespace junheng::analytics {
namespace {

// One residence step of a person's life, rebuilt from the stays for a replay.
struct Step {
  int32_t date;
  int rank;        // SameDayRank of the type: order of events on one day
  EventType type;  // enumerate, birth, move_in, move, move_out or death
  uint32_t division;
};

Entry EntryOf(EventType t) {
  switch (t) {
    case EventType::kBirth: return Entry::kBirth;
    case EventType::kMoveIn: return Entry::kMoveIn;
    case EventType::kMove: return Entry::kMove;
    default: return Entry::kEnumerate;
  }
}

EventType TypeOf(Entry e) {
  switch (e) {
    case Entry::kBirth: return EventType::kBirth;
    case Entry::kMoveIn: return EventType::kMoveIn;
    case Entry::kMove: return EventType::kMove;
    case Entry::kEnumerate:
    case Entry::kUnknown: break;
  }
  return EventType::kEnumerate;
}

bool IsResidence(EventType t) {
  return IsEntry(t) || IsExit(t) || t == EventType::kMove;
}

// Replays a life: the stays that the steps (sorted) produce. The importer only
// commits possible lives, but their records may arrive in any order; the replay
// is defined for every order: an entry while resident moves the person, and an
// exit while not resident is kept as an empty stay with Entry::kUnknown.
void Replay(const std::vector<Step>& steps, const Stay& person, std::vector<Stay>& out) {
  out.clear();
  bool resident = false;
  for (const Step& s : steps) {
    const bool entering = IsEntry(s.type) || s.type == EventType::kMove;
    if (entering) {
      if (resident) {
        out.back().to = s.date;
        out.back().exit = Exit::kMove;
      }
      Stay stay = person;
      stay.from = s.date;
      stay.to = kOpenEnd;
      stay.entry = resident || s.type == EventType::kMove ? Entry::kMove : EntryOf(s.type);
      stay.exit = Exit::kOpen;
      stay.next_division = s.division;  // holds the stay's own division until linked
      out.push_back(stay);
      resident = true;
    } else {  // death or move_out
      if (!resident) {
        Stay stay = person;
        stay.from = s.date;
        stay.entry = Entry::kUnknown;
        stay.next_division = s.division;
        out.push_back(stay);
      }
      out.back().to = s.date;
      out.back().exit = s.type == EventType::kDeath ? Exit::kDeath : Exit::kMoveOut;
      resident = false;
    }
  }
}

}  // namespace

Snapshot::Snapshot(DivisionTree divisions) : tree_(std::move(divisions)) {
  data_.resize(tree_.size());
  index_of_code_.reserve(tree_.size());
  for (uint32_t i = 0; i < tree_.size(); ++i) index_of_code_[tree_.all()[i].code.value()] = i;
}

uint32_t Snapshot::IndexOf(DivisionCode code) const {
  auto it = index_of_code_.find(code.value());
  return it == index_of_code_.end() ? kNone : it->second;
}

Snapshot::Range Snapshot::RangeOf(DivisionCode unit) const {
  if (IndexOf(unit) == kNone) return {};
  const auto& all = tree_.all();
  auto first = std::lower_bound(all.begin(), all.end(), unit.RangeFirst(),
                                [](const Division& d, uint64_t v) { return d.code.value() < v; });
  auto last = std::upper_bound(first, all.end(), unit.RangeLast(),
                               [](uint64_t v, const Division& d) { return v < d.code.value(); });
  return {static_cast<uint32_t>(first - all.begin()), static_cast<uint32_t>(last - all.begin())};
}

Status Snapshot::AddPerson(const Person& person) { return AddPerson(person, PersonIndex::kMissing); }

Status Snapshot::AddPersons(std::span<const Person> persons) {
  // Mothers already here, found together; one in this batch or not yet here
  // stays kMissing and is looked up when her child is added.
  std::vector<std::string_view> mother_ids;
  std::vector<size_t> with_mother;
  for (size_t i = 0; i < persons.size(); ++i) {
    if (persons[i].mother_id.empty()) continue;
    mother_ids.push_back(persons[i].mother_id);
    with_mother.push_back(i);
  }
  std::vector<uint32_t> found(mother_ids.size());
  ids_.FindAll(mother_ids, found);
  std::vector<uint32_t> mothers(persons.size(), PersonIndex::kMissing);
  for (size_t k = 0; k < with_mother.size(); ++k) mothers[with_mother[k]] = found[k];
  constexpr size_t kAhead = 16;
  for (size_t i = 0; i < persons.size(); ++i) {
    if (i + kAhead < persons.size()) ids_.Prefetch(persons[i + kAhead].person_id);
    JH_RETURN_IF_ERROR(AddPerson(persons[i], mothers[i]));
  }
  return {};
}

Status Snapshot::AddPerson(const Person& person, uint32_t found_mother) {
  if (person.sex != Sex::kMale && person.sex != Sex::kFemale) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("person {} has no sex 1 or 2; the snapshot cannot place them",
                            person.person_id));
  }
  if (!ids_.Add(person.person_id)) {
    return Fail(ErrorCode::kConflict,
                fmt::format("person {} was added to the snapshot twice", person.person_id));
  }
  const uint32_t index = static_cast<uint32_t>(sex_.size());
  sex_.push_back(person.sex);
  birth_.push_back(person.birth_date.days());
  if (index == 0 || person.birth_date.days() < first_birth_) first_birth_ = person.birth_date.days();
  if (index == 0 || person.birth_date.days() > last_birth_) last_birth_ = person.birth_date.days();
  first_stay_.push_back({});
  uint32_t mother = kNone;
  if (!person.mother_id.empty()) {
    mother = found_mother != PersonIndex::kMissing ? found_mother : ids_.Find(person.mother_id);
    if (mother == PersonIndex::kMissing) {
      mother = kNone;
      pending_person_mothers_[person.mother_id].push_back(index);
    }
  }
  mother_.push_back(mother);
  // Children and births that were waiting for this person as their mother.
  if (!pending_person_mothers_.empty()) {
    if (auto it = pending_person_mothers_.find(person.person_id); it != pending_person_mothers_.end()) {
      for (uint32_t child : it->second) mother_[child] = index;
      pending_person_mothers_.erase(it);
    }
  }
  if (!pending_mothers_.empty()) {
    if (auto it = pending_mothers_.find(person.person_id); it != pending_mothers_.end()) {
      for (StayRef ref : it->second) {
        BirthRecord& b = data_[ref.division].births[ref.slot];
        b.mother = index;
        b.mother_birth = birth_[index];
      }
      pending_mothers_.erase(it);
    }
  }
  return {};
}

uint32_t Snapshot::FindWithHint(std::string_view person_id) {
  // Logs often hold runs of events for consecutive persons (a census load, a
  // department's file sorted by person): try the one after the last found first.
  if (hint_ + 1 < ids_.size() && ids_.IdOf(hint_ + 1) == person_id) return ++hint_;
  const uint32_t found = ids_.Find(person_id);
  if (found != PersonIndex::kMissing) hint_ = found;
  return found;
}

Status Snapshot::Apply(const Event& event) { return Apply(event, FindWithHint(event.person_id)); }

Status Snapshot::Apply(const Event& event, uint32_t person) {
  if (person == PersonIndex::kMissing) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("event {} refers to person {}, who is not in the snapshot",
                            event.event_id, event.person_id));
  }
  const uint32_t division = IndexOf(event.division);
  if (division == kNone) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("event {} refers to division {}, which is not in the snapshot",
                            event.event_id, event.division.ToString()));
  }
  const int32_t date = event.date.days();
  if (IsResidence(event.type)) JH_RETURN_IF_ERROR(ApplyResidence(person, event.type, date, division));

  DivisionData& d = data_[division];
  if (event.type == EventType::kBirth) {
    BirthRecord b;
    b.date = date;
    b.sex = sex_[person];
    b.order = static_cast<uint8_t>(std::clamp(event.birth_order, 0, 255));
    b.plurality = static_cast<uint8_t>(std::clamp(event.plurality, 0, 255));
    d.births.push_back(b);
    const uint32_t mother = ResolveMother(event.mother_id, division, d.births.size() - 1);
    d.births.back().mother = mother;
    if (mother != kNone) d.births.back().mother_birth = birth_[mother];
  } else if (event.type == EventType::kDeath) {
    d.deaths.push_back({date, birth_[person], sex_[person], event.maternal == 1});
  }
  AddRecord(division, event);
  return {};
}

uint32_t Snapshot::ResolveMother(const std::string& mother_id, uint32_t division, size_t slot) {
  if (mother_id.empty()) return kNone;
  const uint32_t mother = ids_.Find(mother_id);
  if (mother != PersonIndex::kMissing) return mother;
  pending_mothers_[mother_id].push_back({division, static_cast<uint32_t>(slot)});
  return kNone;
}

void Snapshot::AddRecord(uint32_t division, const Event& event) {
  DivisionData& d = data_[division];
  const Date received = event.recorded_at.ShanghaiDate();
  if (event.type != EventType::kEnumerate) {
    d.record_dates.push_back(event.date.days());
    d.record_delays.push_back(static_cast<uint16_t>(std::clamp(received - event.date, 0, 65535)));
  }
  int year, month_of_year, day;
  received.ToYmd(year, month_of_year, day);
  const int32_t month = year * 12 + month_of_year - 1 - kFirstMonth;
  if (month < 0) return;
  const size_t word = static_cast<size_t>(month) / 64;
  if (d.months_received.size() <= word) d.months_received.resize(word + 1, 0);
  d.months_received[word] |= uint64_t{1} << (month % 64);
}

void Snapshot::Reserve(size_t persons, size_t id_bytes) {
  ids_.Reserve(persons, id_bytes);
  sex_.reserve(persons);
  birth_.reserve(persons);
  mother_.reserve(persons);
  first_stay_.reserve(persons);
}

void Snapshot::ShrinkToFit() {
  // Copying hundreds of megabytes into fresh pages: the divisions are split
  // between this thread and another, which also takes the person columns.
  auto shrink_divisions = [this](size_t first, size_t last) {
    for (size_t i = first; i < last; ++i) {
      DivisionData& d = data_[i];
      d.stays.shrink_to_fit();
      d.stay_links.shrink_to_fit();
      d.free_slots.shrink_to_fit();
      d.births.shrink_to_fit();
      d.deaths.shrink_to_fit();
      d.record_dates.shrink_to_fit();
      d.record_delays.shrink_to_fit();
    }
  };
  const size_t half = data_.size() / 2;
  std::jthread other([&] {
    ids_.ShrinkToFit();
    sex_.shrink_to_fit();
    birth_.shrink_to_fit();
    mother_.shrink_to_fit();
    first_stay_.shrink_to_fit();
    shrink_divisions(half, data_.size());
  });
  shrink_divisions(0, half);
}

std::vector<Stay> Snapshot::StaysOf(uint32_t person) const {
  std::vector<Stay> out;
  for (StayRef ref = first_stay_[person]; ref.division != kNone;) {
    const Stay s = data_[ref.division].stay(ref.slot);
    out.push_back(s);
    ref = {s.next_division, s.next_slot};
  }
  return out;
}

std::optional<Snapshot::Residence> Snapshot::LastResidence(uint32_t person) const {
  std::optional<Residence> last;
  for (StayRef ref = first_stay_[person]; ref.division != kNone;) {
    const Stay s = data_[ref.division].stay(ref.slot);
    last = Residence{ref.division, s};
    ref = {s.next_division, s.next_slot};
  }
  return last;
}

bool Snapshot::AppendResidence(uint32_t person, EventType type, int32_t date, uint32_t division) {
  // The last stay, and the last step of the life it ends.
  StayRef last;
  for (StayRef ref = first_stay_[person]; ref.division != kNone;) {
    last = ref;
    const StayLinks& l = data_[ref.division].stay_links[ref.slot];
    ref = {l.next_division, l.next_slot};
  }
  Stay proto;
  proto.birth = birth_[person];
  proto.person = person;
  proto.sex = sex_[person];
  proto.from = date;
  const bool exit = IsExit(type);
  if (last.division == kNone) {  // the first event of the person's life
    proto.entry = exit ? Entry::kUnknown : type == EventType::kMove ? Entry::kMove : EntryOf(type);
    if (exit) {
      proto.to = date;
      proto.exit = type == EventType::kDeath ? Exit::kDeath : Exit::kMoveOut;
    }
    const StayRef ref = StoreStay(division, proto);
    first_stay_[person] = ref;
    return true;
  }
  StayCore& tail = data_[last.division].stays[last.slot];
  const bool resident = tail.exit == Exit::kOpen;
  const int32_t last_date = resident ? tail.from : tail.to;
  const int last_rank = resident ? SameDayRank(TypeOf(tail.entry))
                                 : SameDayRank(tail.exit == Exit::kDeath ? EventType::kDeath : EventType::kMoveOut);
  if (resident && tail.entry == Entry::kUnknown) return false;  // cannot happen; let Replay decide
  if (date < last_date || (date == last_date && SameDayRank(type) < last_rank)) return false;
  // The event comes after everything known: the same result as Replay, without it.
  if (exit) {
    if (resident) {
      tail.to = date;
      tail.exit = type == EventType::kDeath ? Exit::kDeath : Exit::kMoveOut;
      return true;
    }
    proto.entry = Entry::kUnknown;
    proto.to = date;
    proto.exit = type == EventType::kDeath ? Exit::kDeath : Exit::kMoveOut;
  } else {
    proto.entry = resident || type == EventType::kMove ? Entry::kMove : EntryOf(type);
    if (proto.entry == Entry::kMove) proto.origin = last.division;
    if (resident) {
      tail.to = date;
      tail.exit = Exit::kMove;
    }
  }
  const StayRef ref = StoreStay(division, proto);  // may move `tail`'s vector: look it up again
  StayLinks& previous = data_[last.division].stay_links[last.slot];
  previous.next_division = ref.division;
  previous.next_slot = ref.slot;
  return true;
}

Status Snapshot::ApplyResidence(uint32_t person, EventType type, int32_t date, uint32_t division) {
  // Most events come after everything known of the person's life.
  if (AppendResidence(person, type, date, division)) return {};
  // Otherwise the person's life so far, as steps, with the new event in its place.
  // Scratch vectors, reused: Apply runs millions of times while loading.
  static thread_local std::vector<StayRef> old_refs, refs;
  static thread_local std::vector<Step> steps;
  static thread_local std::vector<Stay> stays;
  static thread_local std::vector<uint32_t> where;
  old_refs.clear();
  steps.clear();
  for (StayRef ref = first_stay_[person]; ref.division != kNone;) {
    const Stay s = data_[ref.division].stay(ref.slot);
    old_refs.push_back(ref);
    if (s.entry != Entry::kUnknown) {
      steps.push_back({s.from, SameDayRank(TypeOf(s.entry)), TypeOf(s.entry), ref.division});
    }
    if (s.exit == Exit::kDeath || s.exit == Exit::kMoveOut) {
      const EventType t = s.exit == Exit::kDeath ? EventType::kDeath : EventType::kMoveOut;
      steps.push_back({s.to, SameDayRank(t), t, ref.division});
    }
    ref = {s.next_division, s.next_slot};
  }
  const Step added{date, SameDayRank(type), type, division};
  auto at = std::upper_bound(steps.begin(), steps.end(), added, [](const Step& a, const Step& b) {
    return a.date != b.date ? a.date < b.date : a.rank < b.rank;
  });
  steps.insert(at, added);

  Stay proto;
  proto.birth = birth_[person];
  proto.person = person;
  proto.sex = sex_[person];
  Replay(steps, proto, stays);
  // Replay left each stay's own division in next_division; origins point at the
  // previous stay's division.
  where.resize(stays.size());
  for (size_t i = 0; i < stays.size(); ++i) where[i] = stays[i].next_division;
  for (size_t i = 0; i < stays.size(); ++i) {
    stays[i].origin = stays[i].entry == Entry::kMove && i > 0 ? where[i - 1] : kNone;
  }

  // Store them: a stay in the same division as the old one at that position
  // overwrites it in place (the common case: a death closes the open stay);
  // the others are freed and stored anew.
  refs.assign(stays.size(), StayRef{});
  for (size_t i = 0; i < stays.size(); ++i) {
    if (i < old_refs.size() && old_refs[i].division == where[i]) {
      refs[i] = old_refs[i];
    } else {
      if (i < old_refs.size()) FreeStay(old_refs[i]);
      refs[i] = StoreStay(where[i], stays[i]);
    }
  }
  for (size_t i = stays.size(); i < old_refs.size(); ++i) FreeStay(old_refs[i]);
  for (size_t i = 0; i < stays.size(); ++i) {
    const StayRef next = i + 1 < stays.size() ? refs[i + 1] : StayRef{};
    stays[i].next_division = next.division;
    stays[i].next_slot = next.slot;
    data_[refs[i].division].set_stay(refs[i].slot, stays[i]);
  }
  first_stay_[person] = stays.empty() ? StayRef{} : refs[0];
  return {};
}

Snapshot::StayRef Snapshot::StoreStay(uint32_t division, const Stay& stay) {
  DivisionData& d = data_[division];
  if (!d.free_slots.empty()) {
    const uint32_t slot = d.free_slots.back();
    d.free_slots.pop_back();
    d.set_stay(slot, stay);
    return {division, slot};
  }
  return {division, d.add_stay(stay)};
}

void Snapshot::FreeStay(StayRef ref) {
  Stay s;
  s.from = s.to = 0;  // empty: scans add nothing for it
  s.dead_slot = true;
  data_[ref.division].set_stay(ref.slot, s);
  data_[ref.division].free_slots.push_back(ref.slot);
}

Snapshot::Counts Snapshot::GetCounts() const {
  Counts c;
  c.persons = sex_.size();
  c.bytes = ids_.bytes() + sex_.capacity() * sizeof(Sex) + birth_.capacity() * sizeof(int32_t) +
            mother_.capacity() * sizeof(uint32_t) + first_stay_.capacity() * sizeof(StayRef) +
            data_.capacity() * sizeof(DivisionData);
  for (const DivisionData& d : data_) {
    c.stays += d.stays.size() - d.free_slots.size();
    c.dead_slots += d.free_slots.size();
    c.births += d.births.size();
    c.deaths += d.deaths.size();
    c.records += d.record_dates.size();
    c.bytes += d.stays.capacity() * sizeof(StayCore) + d.stay_links.capacity() * sizeof(StayLinks) +
               d.free_slots.capacity() * sizeof(uint32_t) +
               d.births.capacity() * sizeof(BirthRecord) + d.deaths.capacity() * sizeof(DeathRecord) +
               d.record_dates.capacity() * sizeof(int32_t) +
               d.record_delays.capacity() * sizeof(uint16_t) +
               d.months_received.capacity() * sizeof(uint64_t);
  }
  for (const auto& [id, births] : pending_mothers_) c.pending_mothers += births.size();
  return c;
}

}  // namespace junheng::analytics
