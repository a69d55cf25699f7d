#include "ingest/importer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <unordered_set>

#include "ingest/linkage.h"
#include "ingest/mapping.h"
#include "ingest/normalize.h"
#include "ingest/row_reader.h"

namespace junheng::ingest {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

LifeEvent ToLifeEvent(const Event& e) { return LifeEvent{e.date, e.type, e.division, e.maternal}; }

// Which fields of two records of the same person differ, for a conflict message.
std::string PersonDifferences(const Person& had, const Person& got) {
  std::array<std::string, kFieldCount> a, b;
  const FieldValues fa = ToFields(had, a), fb = ToFields(got, b);
  std::string out;
  for (Field f : ColumnsOf(RecordKind::kPerson)) {
    const size_t i = static_cast<size_t>(f);
    if (fa[i] == fb[i]) continue;
    if (!out.empty()) out += "; ";
    out += fmt::format("{}: register has \"{}\", row has \"{}\"", FieldName(f), fa[i], fb[i]);
  }
  return out;
}

}  // namespace

// A CSV line (RFC 4180 quoting) of a record's exchange-format columns.
std::string CanonicalCsv(RecordKind kind, const FieldValues& f) {
  std::string out;
  bool first = true;
  for (Field col : ColumnsOf(kind)) {
    if (!first) out += ',';
    first = false;
    const std::string_view v = f[static_cast<size_t>(col)];
    if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
      out += v;
    } else {
      out += '"';
      for (char c : v) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
  }
  return out;
}

Importer::Importer(store::Store& store, ImportOptions options)
    : store_(store), options_(std::move(options)) {}

Importer::~Importer() = default;

Status Importer::LoadDivisions() {
  JH_ASSIGN_OR_RETURN(std::vector<Division> all, store_.LoadDivisions());
  JH_ASSIGN_OR_RETURN(divisions_, DivisionTree::Build(std::move(all)));
  return {};
}

Status Importer::Begin(const std::vector<std::string>& files) {
  if (batch_) return Fail(ErrorCode::kInternal, "an import batch is already open");
  report_ = ImportReport{};
  report_.files = files;
  started_ns_ = NowNs();
  checked_events_.clear();
  if (!complete_) {
    // What earlier batches read may have changed since: another process may
    // have written between them.
    people_.Clear();
    outside_mothers_.Clear();
    // An empty register is known completely without reading it. (Events need
    // persons, so no persons means no events; PersonsUpperBound is constant time,
    // where a Summary scans the log.)
    JH_ASSIGN_OR_RETURN(mark_, ReadMark());
    complete_ = mark_.persons == 0;
  }
  JH_ASSIGN_OR_RETURN(batch_, store_.BeginBatch(store::BatchInfo{options_.source, files, options_.now, /*stream_rows=*/true}));
  if (complete_) {
    // Now no one else writes until this batch ends: has anyone written since?
    auto now = ReadMark();
    if (!now) {
      Abort();
      return std::unexpected(now.error());
    }
    if (*now != mark_) Forget();
  }
  return LoadDivisions();
}

Result<Importer::Mark> Importer::ReadMark() {
  Mark m;
  JH_ASSIGN_OR_RETURN(m.persons, store_.PersonsUpperBound());
  JH_ASSIGN_OR_RETURN(m.seq, store_.LastSeq());
  return m;
}

void Importer::Forget() {
  people_.Clear();
  citizen_ids_.Clear();
  event_keys_.Clear();
  outside_mothers_.Clear();
  complete_ = false;
}

Status Importer::Preload() {
  if (batch_) return Fail(ErrorCode::kInternal, "Preload must come before Begin");
  if (complete_) return {};
  Forget();
  JH_ASSIGN_OR_RETURN(mark_, ReadMark());  // before the scan: a commit during it moves the mark
  people_.Reserve(static_cast<size_t>(mark_.persons));
  // In the order they were stored (a scan of the table, not of an index): the
  // order does not matter to a hash table.
  JH_RETURN_IF_ERROR(store_.ForEachPersonAsStored([&](const Person& p) {
    LifeState s;
    s.birth_days = p.birth_date.days();
    s.sex = p.sex;
    s.person_hash = ContentHash(p);
    s.births_known = true;
    people_.Emplace(p.person_id, s);
    if (!p.citizen_id.empty()) citizen_ids_.Insert(KeySet::Digest(p.citizen_id));
  }, store::Detail::kFull));
  JH_RETURN_IF_ERROR(store_.ForEachEvent([&](const store::StoredEvent& se) {
    const Event& e = se.event;
    event_keys_.Insert(KeySet::Digest(e.source, e.event_id));
    PersonTable::Entry* it = people_.Find(e.person_id);
    if (it == nullptr || !*it) return;
    LifeState& s = **it;
    const LifeEvent le = ToLifeEvent(e);
    if (s.needs_replay || !ComesLast(s, le) || Step(s, le, e.person_id)) s.needs_replay = true;
    if (e.type != EventType::kBirth || e.mother_id.empty()) return;
    PersonTable::Entry* m = people_.Find(e.mother_id);
    if (m == nullptr || !*m) {
      outside_mothers_.Insert(KeySet::Digest(e.mother_id));
      return;
    }
    if (!(*m)->births_known) return;
    if (StepBirthAsMother(**m, e.date, e.birth_order, e.mother_id)) (*m)->births_known = false;
  }));
  complete_ = true;
  return {};
}

void Importer::Abort() {
  batch_.reset();
  checked_events_.clear();
  // What the importer learnt may describe rows that were rolled back.
  Forget();
}

Result<ImportReport> Importer::Commit() {
  if (!batch_) return Fail(ErrorCode::kInternal, "no import batch is open");
  report_.batch_id = batch_->id();
  if (complete_) {
    // The register's end with this batch in it, read while the writer lock is
    // still held: the next Begin compares with it.
    auto mark = ReadMark();
    if (!mark) {
      Abort();
      return std::unexpected(mark.error());
    }
    mark_ = *mark;
  }
  if (auto s = batch_->Commit(report_.counts); !s) {
    Abort();
    return std::unexpected(s.error());
  }
  batch_.reset();
  report_.seconds = static_cast<double>(NowNs() - started_ns_) / 1e9;
  return std::move(report_);
}

Status Importer::Quarantine(RecordKind kind, const RowOrigin& origin, std::string_view source, std::string_view key,
                            std::vector<Reason> reasons, const std::function<std::string()>& raw,
                            std::string_view division) {
  store::QuarantineRow row;
  if (DivisionCode::Parse(division)) row.division = std::string(division);
  row.kind = kind;
  row.source = std::string(source.empty() ? std::string_view(options_.source) : source);
  row.file = std::string(origin.file);
  row.line = origin.line;
  row.record_key = std::string(key);
  row.raw = origin.raw.empty() ? raw() : std::string(origin.raw);
  row.reasons = reasons;
  for (const Reason& r : reasons) ++report_.rejected_by_reason[r.code];
  ++report_.counts.rejected;
  report_.rejected.push_back(RejectedRow{row.file, row.line, kind, row.record_key, std::move(reasons)});
  return batch_->AddQuarantine(row);
}

Status Importer::Conflict(RecordKind kind, const RowOrigin& origin, std::string_view source,
                          std::string_view key, int64_t existing_seq, std::string message,
                          const std::function<std::string()>& raw) {
  store::ConflictRow c;
  c.kind = kind;
  c.source = std::string(source);
  c.file = std::string(origin.file);
  c.line = origin.line;
  c.record_key = std::string(key);
  c.existing_seq = existing_seq;
  c.raw = origin.raw.empty() ? raw() : std::string(origin.raw);
  c.message = std::move(message);
  ++report_.counts.conflicts;
  report_.conflicts.push_back(ConflictReport{c.file, c.line, kind, c.record_key, c.message});
  return batch_->AddConflict(c);
}

Status Importer::Review(RecordKind kind, const RowOrigin& origin, std::string_view source,
                        std::vector<std::string> candidates, std::string message,
                        const std::function<std::string()>& raw) {
  store::ReviewRow r;
  r.kind = kind;
  r.source = std::string(source);
  r.file = std::string(origin.file);
  r.line = origin.line;
  r.raw = origin.raw.empty() ? raw() : std::string(origin.raw);
  r.candidates = std::move(candidates);
  r.message = std::move(message);
  ++report_.counts.review;
  report_.review.push_back(ReviewReport{r.file, r.line, kind, r.candidates, r.message});
  return batch_->AddReview(r);
}

Result<LifeState*> Importer::PersonState(std::string_view person_id) {
  PersonTable::Entry* it = people_.Find(person_id);
  if (it != nullptr && !(*it && (*it)->needs_replay)) return *it ? &**it : nullptr;
  if (it == nullptr && complete_) return nullptr;
  JH_ASSIGN_OR_RETURN(std::optional<Person> p, store_.FindPerson(person_id));
  PersonTable::Entry& slot = it != nullptr ? *it : people_[person_id];
  if (!p) return nullptr;
  JH_ASSIGN_OR_RETURN(std::vector<store::StoredEvent> events, store_.EventsOfPerson(person_id));
  std::vector<LifeEvent> life;
  life.reserve(events.size());
  for (const auto& se : events) life.push_back(ToLifeEvent(se.event));
  slot = LifeOf(*p, life);
  return &*slot;
}

LifeState Importer::LifeOf(const Person& p, std::vector<LifeEvent>& life) {
  LifeState s;
  s.birth_days = p.birth_date.days();
  s.sex = p.sex;
  s.person_hash = ContentHash(p);
  SortLife(life);
  for (const LifeEvent& e : life) (void)Step(s, e, p.person_id);  // the log only holds possible lives
  return s;
}

void Importer::CountBirth(LifeState& m, const Event& birth) {
  ++m.births;
  const int32_t d = birth.date.days();
  if (d > m.last_birth_days || (d == m.last_birth_days && birth.birth_order > m.last_birth_order)) {
    m.last_birth_days = d;
    m.last_birth_order = static_cast<int16_t>(birth.birth_order);
  }
}

Result<LifeState*> Importer::MotherState(std::string_view mother_id) {
  JH_ASSIGN_OR_RETURN(LifeState * m, PersonState(mother_id));
  if (m == nullptr || m->births_known) return m;
  JH_ASSIGN_OR_RETURN(std::vector<store::StoredEvent> births, store_.BirthsOfMother(mother_id));
  m->births = 0;
  for (const auto& b : births) CountBirth(*m, b.event);
  m->births_known = true;
  return m;
}

Status Importer::Prefetch(std::span<const Event* const> events) {
  if (complete_) return {};
  std::vector<std::string> ids;  // each once
  std::unordered_set<std::string_view> asked;
  std::vector<std::pair<std::string, std::string>> keys;
  ids.reserve(events.size());
  keys.reserve(events.size());
  for (const Event* e : events) {
    for (const std::string* id : {&e->person_id, &e->mother_id}) {
      if (id->empty() || asked.contains(*id)) continue;
      const PersonTable::Entry* it = people_.Find(*id);
      if (it == nullptr || (*it && (*it)->needs_replay)) {
        ids.push_back(*id);
        asked.insert(*id);
      }
    }
    if (!checked_events_.contains(store::EventKeyText(e->source, e->event_id))) keys.emplace_back(e->source, e->event_id);
  }
  std::unordered_map<std::string, std::pair<Person, std::vector<LifeEvent>>, IdHash, std::equal_to<>> found;
  JH_RETURN_IF_ERROR(store_.FindPersons(ids, [&](const Person& p) { found[p.person_id].first = p; }));
  std::unordered_map<std::string_view, std::vector<const Event*>> births;  // of the found, by mother
  std::vector<store::StoredEvent> logged;
  std::vector<std::string> found_ids;
  for (const auto& [id, entry] : found) found_ids.push_back(id);
  JH_RETURN_IF_ERROR(store_.EventsOfPersons(found_ids, [&](const store::StoredEvent& se) {
    logged.push_back(se);
  }));
  for (const store::StoredEvent& se : logged) {
    const Event& e = se.event;
    if (auto it = found.find(e.person_id); it != found.end()) it->second.second.push_back(ToLifeEvent(e));
    if (e.type == EventType::kBirth && found.contains(e.mother_id)) births[e.mother_id].push_back(&e);
  }
  for (const std::string& id : ids) {
    auto it = found.find(id);
    if (it == found.end()) {
      people_[id] = std::nullopt;  // known not to be in the register
      continue;
    }
    LifeState s = LifeOf(it->second.first, it->second.second);
    if (auto b = births.find(id); b != births.end())
      for (const Event* birth : b->second) CountBirth(s, *birth);
    s.births_known = true;
    people_[id] = s;
  }
  for (const auto& key : keys) checked_events_.emplace(store::EventKeyText(key.first, key.second), std::nullopt);
  return store_.FindEvents(keys, [&](const std::pair<std::string, std::string>& key, const store::EventKey& found) {
    checked_events_[store::EventKeyText(key.first, key.second)] = found;
  });
}

Result<std::optional<Reason>> Importer::ReplayLife(const Event& e, LifeState& after) {
  JH_ASSIGN_OR_RETURN(std::vector<store::StoredEvent> events, store_.EventsOfPerson(e.person_id));
  std::vector<LifeEvent> life;
  for (const auto& se : events) life.push_back(ToLifeEvent(se.event));
  life.push_back(ToLifeEvent(e));
  SortLife(life);
  LifeState s;
  s.birth_days = after.birth_days;
  s.sex = after.sex;
  for (const LifeEvent& le : life)
    if (auto why = Step(s, le, e.person_id)) return why;
  // Keep what the life replay does not compute.
  s.births_known = after.births_known;
  s.births = after.births;
  s.last_birth_order = after.last_birth_order;
  s.last_birth_days = after.last_birth_days;
  s.person_hash = after.person_hash;
  after = s;
  return std::optional<Reason>();
}

Result<std::optional<Reason>> Importer::ReplayBirths(const Event& e, LifeState& after) {
  JH_ASSIGN_OR_RETURN(std::vector<store::StoredEvent> births, store_.BirthsOfMother(e.mother_id));
  std::vector<std::pair<int32_t, int>> all;
  for (const auto& b : births) all.emplace_back(b.event.date.days(), b.event.birth_order);
  all.emplace_back(e.date.days(), e.birth_order);
  std::stable_sort(all.begin(), all.end());
  LifeState s = after;
  s.births = 0;
  s.last_birth_order = 0;
  s.last_birth_days = INT32_MIN;
  for (const auto& [days, order] : all)
    if (auto why = StepBirthAsMother(s, Date::FromDays(days), order, e.mother_id)) return why;
  after = s;
  return std::optional<Reason>();
}

Status Importer::CheckAgainstRegister(const Event& e, std::vector<Reason>& reasons, LifeState*& person,
                                      LifeState& person_after, LifeState*& mother, LifeState& mother_after) {
  if (divisions_stale_) {
    JH_RETURN_IF_ERROR(LoadDivisions());
    divisions_stale_ = false;
  }
  if (!divisions_.Has(e.division))
    reasons.push_back(Reason{"division.unknown", "division",
                             fmt::format("division {} is not in the register's division list",
                                         e.division.ToString())});
  JH_ASSIGN_OR_RETURN(person, PersonState(e.person_id));
  if (person == nullptr) {
    reasons.push_back(Reason{"person.unknown", "person_id",
                             fmt::format("person {} is not in the register; send the person record first",
                                         e.person_id)});
    return {};
  }
  person_after = *person;
  const LifeEvent le = ToLifeEvent(e);
  if (ComesLast(person_after, le)) {
    if (auto why = Step(person_after, le, e.person_id)) reasons.push_back(std::move(*why));
  } else {
    JH_ASSIGN_OR_RETURN(std::optional<Reason> why, ReplayLife(e, person_after));
    if (why) reasons.push_back(std::move(*why));
  }
  if (e.type != EventType::kBirth || e.mother_id.empty()) return {};
  JH_ASSIGN_OR_RETURN(mother, MotherState(e.mother_id));
  if (mother == nullptr) {  // a mother outside the register: counted, not checked
    outside_mothers_.Insert(KeySet::Digest(e.mother_id));
    return {};
  }
  mother_after = *mother;
  const Date mother_birth = Date::FromDays(mother_after.birth_days);
  if (mother_after.sex != Sex::kFemale)
    reasons.push_back(Reason{"mother.not_female", "mother_id",
                             fmt::format("mother {} is not recorded as female", e.mother_id)});
  const int age = AgeInYears(mother_birth, e.date);
  if (age < 10 || age > 60)
    reasons.push_back(Reason{"mother.age", "mother_id",
                             fmt::format("mother {} would be {} at the birth; a mother must be aged 10–60",
                                         e.mother_id, age)});
  if (mother_after.residence == Residence::kDead && mother_after.exit_days < e.date.days())
    reasons.push_back(Reason{"mother.dead", "mother_id",
                             fmt::format("mother {} died on {}, before the birth", e.mother_id,
                                         Date::FromDays(mother_after.exit_days).ToString())});
  if (e.date.days() >= mother_after.last_birth_days) {
    if (auto why = StepBirthAsMother(mother_after, e.date, e.birth_order, e.mother_id))
      reasons.push_back(std::move(*why));
  } else {
    JH_ASSIGN_OR_RETURN(std::optional<Reason> why, ReplayBirths(e, mother_after));
    if (why) reasons.push_back(std::move(*why));
  }
  return {};
}

Status Importer::AddDivision(const Division& division, const RowOrigin& origin) {
  auto put = batch_->PutDivision(division);
  if (put) {
    ++report_.counts.divisions_loaded;
    divisions_stale_ = true;  // reloaded before the next event needs it
    return {};
  }
  if (put.error().code != ErrorCode::kConflict) return put;
  return Conflict(RecordKind::kDivision, origin, options_.source, division.code.ToString(), 0,
                  put.error().message, [&] { return std::string(origin.raw); });
}

Status Importer::AddPerson(const Person& incoming, const RowOrigin& origin) {
  Person linked;  // a copy only when linkage sets the person_id
  const Person* pp = &incoming;
  auto raw = [&] {
    std::array<std::string, kFieldCount> s;
    return CanonicalCsv(RecordKind::kPerson, ToFields(*pp, s));
  };
  auto review = [&](std::vector<std::string> candidates, std::string message) {
    return Review(RecordKind::kPerson, origin, options_.source, std::move(candidates), std::move(message), raw);
  };
  if (incoming.person_id.empty()) {
    JH_ASSIGN_OR_RETURN(LinkResult link, LinkPerson(store_, LinkKey{incoming.citizen_id, incoming.name,
                                                                    incoming.sex, incoming.birth_date}));
    if (link.status != LinkStatus::kMatched) return review(std::move(link.candidates), link.message);
    linked = incoming;
    linked.person_id = link.person_id;
    pp = &linked;
  }
  const Person& p = *pp;
  JH_ASSIGN_OR_RETURN(LifeState * state, PersonState(p.person_id));
  const uint64_t hash = ContentHash(p);
  if (state != nullptr) {
    if (state->person_hash == hash) {
      ++report_.counts.duplicates;
      return {};
    }
    JH_ASSIGN_OR_RETURN(std::optional<Person> had, store_.FindPerson(p.person_id));
    return Conflict(RecordKind::kPerson, origin, options_.source, p.person_id, 0,
                    had ? PersonDifferences(*had, p) : "the person changed during the import", raw);
  }
  const uint64_t cid_digest = KeySet::Digest(p.citizen_id);
  if (!p.citizen_id.empty() && (!complete_ || citizen_ids_.MaybeContains(cid_digest))) {
    JH_ASSIGN_OR_RETURN(std::vector<std::string> holders, store_.FindByCitizenId(p.citizen_id));
    if (!holders.empty())
      return review(std::move(holders),
                    fmt::format("citizen id already belongs to another person; {} may be a duplicate",
                                p.person_id));
  }
  JH_RETURN_IF_ERROR(batch_->InsertPerson(p, NormalizeName(p.name)));
  if (!p.citizen_id.empty()) citizen_ids_.Insert(cid_digest);
  LifeState s;
  s.birth_days = p.birth_date.days();
  s.sex = p.sex;
  s.person_hash = hash;
  // A new person has no births in the log, unless one named her as a mother
  // before her record came (known only when the importer knows the register).
  s.births_known = complete_ && !outside_mothers_.MaybeContains(KeySet::Digest(p.person_id));
  people_[p.person_id] = s;
  ++report_.counts.persons_loaded;
  return {};
}

Status Importer::AddEvent(const Event& incoming, const RowOrigin& origin) {
  Event linked;  // a copy only when linkage sets the person_id
  const Event* ev = &incoming;
  auto raw = [&] {
    std::array<std::string, kFieldCount> s;
    return CanonicalCsv(RecordKind::kEvent, ToFields(*ev, s));
  };
  if (incoming.person_id.empty()) {
    JH_ASSIGN_OR_RETURN(LinkResult link, LinkPerson(store_, incoming.link));
    if (link.status != LinkStatus::kMatched) {
      return Review(RecordKind::kEvent, origin, incoming.source, link.candidates, link.message, raw);
    }
    linked = incoming;
    linked.person_id = link.person_id;
    linked.link = LinkKey{};
    ev = &linked;
  }
  const Event& e = *ev;
  const uint64_t hash = ContentHash(e);
  const uint64_t key_digest = KeySet::Digest(e.source, e.event_id);
  std::optional<store::EventKey> existing;
  std::optional<store::EventKey>* checked = nullptr;  // what Prefetch learned of this key
  if (!checked_events_.empty()) {
    auto it = checked_events_.find(store::EventKeyText(e.source, e.event_id));
    if (it != checked_events_.end()) checked = &it->second;
  }
  if (checked != nullptr) {
    existing = *checked;
  } else if (!complete_ || event_keys_.MaybeContains(key_digest)) {
    JH_ASSIGN_OR_RETURN(existing, store_.FindEvent(e.source, e.event_id));
  }
  if (existing) {
    if (existing->content_hash == hash) {
      ++report_.counts.duplicates;
      return {};
    }
    return Conflict(RecordKind::kEvent, origin, e.source, e.event_id, existing->seq,
                    fmt::format("event {} of {} is already in the log (#{}) with other content", e.event_id,
                                e.source, existing->seq),
                    raw);
  }
  std::vector<Reason> reasons;
  if (!options_.source.empty() && e.source != options_.source)
    reasons.push_back(Reason{"source.mismatch", "source",
                             fmt::format("the record says source {} but is imported as {}", e.source,
                                         options_.source)});
  LifeState* person = nullptr;
  LifeState* mother = nullptr;
  LifeState person_after, mother_after;
  JH_RETURN_IF_ERROR(CheckAgainstRegister(e, reasons, person, person_after, mother, mother_after));
  if (!reasons.empty()) {
    return Quarantine(RecordKind::kEvent, origin, e.source, e.event_id, std::move(reasons), raw,
                      e.division.empty() ? std::string() : e.division.ToString());
  }
  JH_ASSIGN_OR_RETURN(const int64_t seq, batch_->AppendEvent(e, hash));
  event_keys_.Insert(key_digest);
  if (checked != nullptr) *checked = store::EventKey{seq, hash, e.person_id};
  // (Without Prefetch the next FindEvent of this key sees the row in the batch.)
  *person = person_after;
  if (mother != nullptr) *mother = mother_after;
  ++report_.counts.events_loaded;
  return {};
}

Status Importer::AddRow(RecordKind kind, const FieldValues& fields, const RowOrigin& origin) {
  const ParseOptions po{options_.today, options_.source};
  auto key_of = [&](Field f) { return fields[static_cast<size_t>(f)]; };
  auto raw = [&] { return CanonicalCsv(kind, fields); };
  switch (kind) {
    case RecordKind::kDivision: {
      auto d = ParseDivision(fields);
      if (!d.ok()) return Quarantine(kind, origin, {}, key_of(Field::kCode), std::move(d.reasons), raw);
      return AddDivision(d.value, origin);
    }
    case RecordKind::kPerson: {
      auto p = ParsePerson(fields, po);
      if (!p.ok())
        return Quarantine(kind, origin, {}, key_of(Field::kPersonId), std::move(p.reasons), raw,
                          key_of(Field::kHukouDivision));
      return AddPerson(p.value, origin);
    }
    case RecordKind::kEvent: {
      auto e = ParseEvent(fields, po);
      if (!e.ok())
        return Quarantine(kind, origin, key_of(Field::kSource), key_of(Field::kEventId), std::move(e.reasons), raw,
                          key_of(Field::kDivision));
      return AddEvent(e.value, origin);
    }
  }
  return {};
}

}  // namespace junheng::ingest
