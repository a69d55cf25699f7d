#include "services/persons.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/citizen_id.h"
#include "ingest/normalize.h"

namespace junheng::services {
namespace {

constexpr size_t kMaxResults = 50;

struct Placement {
  std::optional<ResidenceInfo> residence;
  bool alive = true;
  bool known = false;  // in the snapshot with a stay
};

Placement PlaceOf(const LiveRegister& live, std::string_view person_id) {
  return live.Read([&](const analytics::Snapshot& s) {
    Placement p;
    const uint32_t index = s.FindPerson(person_id);
    if (index == analytics::kNone) return p;
    auto last = s.LastResidence(index);
    if (!last) return p;
    const Division& d = s.tree().all()[last->division];
    p.known = true;
    p.residence = ResidenceInfo{d.code, d.name, Date::FromDays(last->stay.from), std::nullopt};
    if (last->stay.to != analytics::kOpenEnd) p.residence->until = Date::FromDays(last->stay.to);
    p.alive = last->stay.exit != analytics::Exit::kDeath;
    return p;
  });
}

void Mask(Person& p, const Viewer& viewer) {
  if (viewer.see_unmasked) return;
  p.citizen_id = MaskCitizenId(p.citizen_id);
  p.phone = MaskPhone(p.phone);
}

// Whether the viewer may see a person placed so, or with events in `divisions`.
bool Visible(const Viewer& viewer, const Placement& place, const std::vector<DivisionCode>& divisions) {
  if (place.residence) return viewer.jurisdiction.Contains(place.residence->code);
  return std::any_of(divisions.begin(), divisions.end(),
                     [&](DivisionCode d) { return viewer.jurisdiction.Contains(d); });
}

std::vector<DivisionCode> EventDivisions(const std::vector<store::StoredEvent>& events) {
  std::vector<DivisionCode> out;
  for (const auto& e : events)
    if (!e.event.division.empty() && std::find(out.begin(), out.end(), e.event.division) == out.end())
      out.push_back(e.event.division);
  return out;
}

std::unexpected<Error> NoSuchPerson(std::string_view person_id) {
  return Fail(ErrorCode::kNotFound,
              fmt::format("没有人员编号为 {} 的人 / no person with person_id {}", person_id, person_id));
}
std::unexpected<Error> OutsideJurisdiction() {
  return Fail(ErrorCode::kPermissionDenied, "该人员不在您的管辖范围内 / this person lives outside your jurisdiction");
}

// Whether the viewer may see the person: placed by the snapshot, or, for a
// person who never lived here, by the divisions of their events (read only then).
Result<bool> MaySee(store::Store& store, const Viewer& viewer, std::string_view person_id, const Placement& place) {
  if (place.known) return Visible(viewer, place, {});
  JH_ASSIGN_OR_RETURN(auto events, store.EventsOfPerson(person_id));
  return Visible(viewer, place, EventDivisions(events));
}

Result<std::vector<std::string>> CandidateIds(store::Store& store, const PersonQuery& query) {
  if (!query.q.empty()) {
    if (auto cid = ParseCitizenId(query.q); cid) return store.FindByCitizenId(cid->number);
    if (query.q.size() > 32)
      return Fail(ErrorCode::kInvalidArgument,
                  "q 既不是18位公民身份号码也不是人员编号 / q is neither an 18-character citizen id nor a person_id");
    return std::vector<std::string>{query.q};
  }
  if (query.name.empty() || !query.birth_date)
    return Fail(ErrorCode::kInvalidArgument,
                "请给出公民身份号码或人员编号，或姓名加出生日期 / give q (a citizen id or person_id), or name and "
                "birth_date");
  const std::string key = ingest::NormalizeName(query.name);
  std::vector<std::string> ids;
  for (Sex sex : {Sex::kMale, Sex::kFemale}) {
    if (query.sex != Sex::kUnknown && query.sex != sex) continue;
    JH_ASSIGN_OR_RETURN(auto found, store.FindByNameKey(key, *query.birth_date, sex));
    ids.insert(ids.end(), found.begin(), found.end());
  }
  return ids;
}

}  // namespace

Result<std::vector<PersonSummary>> SearchPersons(StorePool& pool, const LiveRegister& live, const PersonQuery& query,
                                                 const Viewer& viewer) {
  return pool.Read([&](store::Store& store) -> Result<std::vector<PersonSummary>> {
    JH_ASSIGN_OR_RETURN(auto ids, CandidateIds(store, query));
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<PersonSummary> out;
    for (const std::string& id : ids) {
      if (out.size() >= kMaxResults) break;
      JH_ASSIGN_OR_RETURN(auto person, store.FindPerson(id));
      if (!person) continue;
      Placement place = PlaceOf(live, id);
      JH_ASSIGN_OR_RETURN(bool visible, MaySee(store, viewer, id, place));
      if (!visible) continue;
      Mask(*person, viewer);
      out.push_back({std::move(*person), std::move(place.residence), place.alive});
    }
    return out;
  });
}

Status CheckVisible(StorePool& pool, const LiveRegister& live, std::string_view person_id, const Viewer& viewer) {
  return pool.Read([&](store::Store& store) -> Status {
    JH_ASSIGN_OR_RETURN(auto person, store.FindPerson(person_id));
    if (!person)
      return NoSuchPerson(person_id);
    JH_ASSIGN_OR_RETURN(bool visible, MaySee(store, viewer, person_id, PlaceOf(live, person_id)));
    if (!visible)
      return OutsideJurisdiction();
    return {};
  });
}

Result<PersonRecord> GetPersonRecord(StorePool& pool, const LiveRegister& live, std::string_view person_id,
                                     const Viewer& viewer) {
  return pool.Read([&](store::Store& store) -> Result<PersonRecord> {
    JH_ASSIGN_OR_RETURN(auto person, store.FindPerson(person_id));
    if (!person)
      return NoSuchPerson(person_id);
    JH_ASSIGN_OR_RETURN(auto events, store.EventsOfPerson(person_id));
    Placement place = PlaceOf(live, person_id);
    std::vector<DivisionCode> divisions = EventDivisions(events);
    if (!Visible(viewer, place, divisions))
      return OutsideJurisdiction();
    Mask(*person, viewer);
    return PersonRecord{std::move(*person), std::move(place.residence), place.alive, std::move(events),
                        std::move(divisions)};
  });
}

}  // namespace junheng::services
