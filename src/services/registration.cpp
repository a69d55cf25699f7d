#include "services/registration.h"

#include <array>
#include <random>

#include <fmt/format.h>

#include "ingest/importer.h"

namespace junheng::services {
namespace {

constexpr std::string_view kSource = "manual";

std::string RandomHex(int digits) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  while (static_cast<int>(out.size()) < digits) out += fmt::format("{:016x}", rng());
  out.resize(static_cast<size_t>(digits));
  return out;
}

// Text fields of one record, owning their strings.
struct Fields {
  std::array<std::string, kFieldCount> text;
  std::string& operator[](Field f) { return text[static_cast<size_t>(f)]; }
  FieldValues views() const {
    FieldValues v{};
    for (size_t i = 0; i < kFieldCount; ++i) v[i] = text[i];
    return v;
  }
};

Reason Why(std::string field, std::string code, std::string message) {
  return Reason{std::move(code), std::move(field), std::move(message)};
}

void Prefix(std::vector<Reason>& reasons, std::string_view prefix) {
  for (Reason& r : reasons)
    if (!r.field.empty()) r.field = fmt::format("{}.{}", prefix, r.field);
}

// The reasons an importer's report gives for a batch of one form.
std::vector<Reason> ReportReasons(const ingest::ImportReport& report, std::string_view person_key) {
  std::vector<Reason> out;
  for (const auto& row : report.rejected) {
    std::vector<Reason> reasons = row.reasons;
    if (row.kind == RecordKind::kPerson) Prefix(reasons, person_key);
    out.insert(out.end(), reasons.begin(), reasons.end());
  }
  for (const auto& c : report.conflicts)
    out.push_back(Why(c.kind == RecordKind::kPerson ? fmt::format("{}.citizen_id", person_key) : "event_id",
                      "conflict", c.message));
  for (const auto& r : report.review) out.push_back(Why("person_id", "linkage", r.message));
  return out;
}

// A resend of an event already in the log (the client gave its event_id, and
// e.g. lost the first answer when the server stopped). It differs from the
// stored record only in what the server stamps: recorded_at and, for a new
// person, the person_id; compared without them, the same event is answered with
// the one in the log. Anything else is left to the importer, which reports the
// conflict.
Result<std::optional<RegisteredEvent>> FindResent(store::Store& store, const Event& event, const Person* person) {
  JH_ASSIGN_OR_RETURN(auto key, store.FindEvent(kSource, event.event_id));
  if (!key) return std::nullopt;
  JH_ASSIGN_OR_RETURN(auto events, store.EventsOfPerson(key->person_id));
  for (const auto& stored : events) {
    if (stored.seq != key->seq) continue;
    Event resent = event;
    resent.recorded_at = stored.event.recorded_at;
    if (person) resent.person_id = key->person_id;
    if (ContentHash(resent) != key->content_hash) return std::nullopt;
    if (person) {
      JH_ASSIGN_OR_RETURN(auto stored_person, store.FindPerson(key->person_id));
      Person p = *person;
      p.person_id = key->person_id;
      if (!stored_person || ContentHash(p) != ContentHash(*stored_person)) return std::nullopt;
    }
    return RegisteredEvent{key->seq, event.event_id, key->person_id};
  }
  return std::nullopt;
}

}  // namespace

Result<RegistrationResult> RegisterEvent(StorePool& pool, const LiveRegister& live, const EventForm& form,
                                         const Viewer& viewer, const Clock& clock, Date today) {
  RegistrationResult result;
  const Timestamp now = clock.Now();
  Fields ev;
  for (const auto& [field, value] : form.event) ev[field] = value;
  ev[Field::kSource] = std::string(kSource);
  ev[Field::kRecordedAt] = now.ToUtcString();
  if (ev[Field::kEventId].empty()) ev[Field::kEventId] = "web-" + RandomHex(16);

  const bool new_person = !form.person.empty();
  const std::string person_key = ev[Field::kType] == "birth" ? "child" : "person";
  Fields pf;
  if (new_person) {
    for (const auto& [field, value] : form.person) pf[field] = value;
    pf[Field::kPersonId] = "M" + RandomHex(20);
    if (ev[Field::kType] == "birth") {
      if (pf[Field::kBirthDate].empty()) pf[Field::kBirthDate] = ev[Field::kDate];
      pf[Field::kMotherId] = ev[Field::kMotherId];
      pf[Field::kFatherId] = ev[Field::kFatherId];
    }
    if (!ev[Field::kPersonId].empty())
      result.reasons.push_back(Why("person_id", "person_id.given_with_new_person",
                                   "登记新人员时不要填写人员编号 / leave person_id empty when registering a new person"));
    ev[Field::kPersonId] = pf[Field::kPersonId];
  } else if (ev[Field::kType] == "birth") {
    result.reasons.push_back(Why(person_key, "child.required", "出生登记需要填写新生儿信息 / a birth needs the child's name and sex"));
  }

  const ParseOptions options{today, kSource};
  Parsed<Event> event = ParseEvent(ev.views(), options);
  result.reasons.insert(result.reasons.end(), event.reasons.begin(), event.reasons.end());
  std::optional<Parsed<Person>> person;
  if (new_person) {
    person = ParsePerson(pf.views(), options);
    std::vector<Reason> reasons = person->reasons;
    Prefix(reasons, person_key);
    result.reasons.insert(result.reasons.end(), reasons.begin(), reasons.end());
  }
  if (!event.value.division.empty() && !viewer.jurisdiction.Contains(event.value.division))
    result.reasons.push_back(Why("division", "division.outside_jurisdiction",
                                 fmt::format("{} 不在您的管辖范围内 / {} lies outside your jurisdiction",
                                             event.value.division.ToString(), event.value.division.ToString())));
  if (!new_person && !event.value.person_id.empty()) {
    auto seen = CheckVisible(pool, live, event.value.person_id, viewer);
    if (!seen) {
      if (seen.error().code == ErrorCode::kInternal || seen.error().code == ErrorCode::kUnavailable)
        return std::unexpected(seen.error());
      result.reasons.push_back(Why("person_id", seen.error().code == ErrorCode::kNotFound
                                                    ? "person_id.unknown" : "person_id.outside_jurisdiction",
                                   seen.error().message));
    }
  }
  if (!result.reasons.empty()) return result;

  return pool.Write([&](store::Store& store) -> Result<RegistrationResult> {
    JH_ASSIGN_OR_RETURN(result.registered, FindResent(store, event.value, person ? &person->value : nullptr));
    if (result.registered) return result;
    ingest::Importer importer(store, ingest::ImportOptions{.source = std::string(kSource), .today = today,
                                                           .now = now});
    JH_RETURN_IF_ERROR(importer.Begin({"api"}));
    if (person) JH_RETURN_IF_ERROR(importer.AddPerson(person->value, ingest::RowOrigin{"api", 1, {}}));
    JH_RETURN_IF_ERROR(importer.AddEvent(event.value, ingest::RowOrigin{"api", person ? 2 : 1, {}}));
    const ingest::ImportReport& report = importer.pending_report();
    result.reasons = ReportReasons(report, person_key);
    if (!result.reasons.empty()) {
      importer.Abort();
      return result;
    }
    JH_RETURN_IF_ERROR(importer.Commit());
    // The event just appended (FindResent answered a resend of a stored one).
    JH_ASSIGN_OR_RETURN(auto key, store.FindEvent(kSource, event.value.event_id));
    if (!key) return Fail(ErrorCode::kInternal, "the registered event is not in the log");
    result.registered = RegisteredEvent{key->seq, event.value.event_id, key->person_id};
    return result;
  });
}

}  // namespace junheng::services
