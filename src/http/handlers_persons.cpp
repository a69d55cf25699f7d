// GET /api/v1/persons and /persons/{id}; POST /api/v1/events. Every view of a
// person's record, every search and every write is audited.
#include <httplib.h>

#include <fmt/format.h>

#include "http/request_bodies.h"
#include "http/views.h"
#include "services/persons.h"
#include "services/registration.h"

namespace junheng::http {
namespace {

services::Viewer ViewerOf(const Call& call) {
  return services::Viewer{call.user().division, call.permissions().see_unmasked};
}

nlohmann::json OrNull(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

nlohmann::json ResidenceJson(const std::optional<services::ResidenceInfo>& r) {
  if (!r) return nullptr;
  return {{"code", r->code.ToString()}, {"name", r->name}, {"since", r->since.ToString()},
          {"until", r->until ? nlohmann::json(r->until->ToString()) : nlohmann::json(nullptr)}};
}

nlohmann::json PersonJson(const Person& p) {
  return {{"person_id", p.person_id},
          {"citizen_id", OrNull(p.citizen_id)},
          {"name", p.name},
          {"sex", static_cast<int>(p.sex)},
          {"birth_date", p.birth_date.ToString()},
          {"ethnicity", OrNull(p.ethnicity)},
          {"hukou_division", p.hukou_division.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.hukou_division.ToString())},
          {"mother_id", OrNull(p.mother_id)},
          {"father_id", OrNull(p.father_id)},
          {"household_id", OrNull(p.household_id)},
          {"phone", OrNull(p.phone)}};
}

Outcome SearchPersons(Call& call) {
  if (auto ok = call.Require(call.permissions().read_persons, "search persons"); !ok) return Refuse(ok.error());
  services::PersonQuery q;
  q.q = call.Query("q").value_or("");
  q.name = call.Query("name").value_or("");
  if (auto d = call.OptionalDate("birth_date")) {
    if (!*d) return std::unexpected(HttpError(d->error(), "birth_date"));
    q.birth_date = **d;
  }
  if (auto sex = call.Query("sex"); sex && !sex->empty()) {
    if (*sex != "1" && *sex != "2")
      return Refuse(ErrorCode::kInvalidArgument, "sex: 应为 1（男）或 2（女） / must be 1 (male) or 2 (female)", "sex");
    q.sex = *sex == "1" ? Sex::kMale : Sex::kFemale;
  }
  auto found = services::SearchPersons(call.context().pool, call.context().live, q, ViewerOf(call));
  if (!found) return Refuse(found.error());
  call.Audit("search_persons", q.q.empty() ? q.name : q.q, call.user().division.ToString(), "ok",
             nlohmann::json{{"results", found->size()}}.dump());
  nlohmann::json persons = nlohmann::json::array();
  for (const auto& s : *found) {
    nlohmann::json j = {{"person_id", s.person.person_id}, {"name", s.person.name},
                        {"sex", static_cast<int>(s.person.sex)}, {"birth_date", s.person.birth_date.ToString()},
                        {"citizen_id", OrNull(s.person.citizen_id)}, {"residence", ResidenceJson(s.residence)},
                        {"alive", s.alive}};
    persons.push_back(std::move(j));
  }
  return Json(200, nlohmann::json{{"persons", std::move(persons)}}.dump());
}

Outcome GetPerson(Call& call) {
  if (auto ok = call.Require(call.permissions().read_persons, "open person records"); !ok) return Refuse(ok.error());
  const std::string& id = call.Path("id");
  auto record = services::GetPersonRecord(call.context().pool, call.context().live, id, ViewerOf(call));
  if (!record) {
    if (record.error().code == ErrorCode::kPermissionDenied)
      call.Audit("forbidden", id, "", "denied", nlohmann::json{{"path", call.request().path}}.dump());
    return Refuse(record.error());
  }
  call.Audit("view_person", id, record->residence ? record->residence->code.ToString() : "");
  nlohmann::json events = nlohmann::json::array();
  for (const auto& se : record->events) {
    const Event& e = se.event;
    events.push_back({{"seq", se.seq},
                      {"event_id", e.event_id},
                      {"source", e.source},
                      {"type", EventTypeName(e.type)},
                      {"date", e.date.ToString()},
                      {"recorded_at", e.recorded_at.ToUtcString()},
                      {"division", e.division.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.division.ToString())},
                      {"division_name", e.division.empty() ? "" : DivisionJson(call.context(), e.division)["name"]},
                      {"mother_id", OrNull(e.mother_id)},
                      {"birth_order", e.birth_order == 0 ? nlohmann::json(nullptr) : nlohmann::json(e.birth_order)},
                      {"plurality", e.plurality == 0 ? nlohmann::json(nullptr) : nlohmann::json(e.plurality)},
                      {"cause", OrNull(e.cause)},
                      {"maternal", e.maternal < 0 ? nlohmann::json(nullptr) : nlohmann::json(e.maternal == 1)},
                      {"other_place", OrNull(e.other_place)}});
  }
  return Json(200, nlohmann::json{{"person", PersonJson(record->person)},
                                  {"residence", ResidenceJson(record->residence)},
                                  {"alive", record->alive},
                                  {"events", std::move(events)}}
                       .dump());
}

Outcome PostEvent(Call& call) {
  if (auto ok = call.Require(call.permissions().write_events, "register events"); !ok) return Refuse(ok.error());
  auto form = DecodeEventForm(call.request().body);
  if (!form) return std::unexpected(form.error());
  ServerContext& ctx = call.context();
  std::string division;
  for (const auto& [field, value] : form->event)
    if (field == Field::kDivision) division = value;
  auto result = services::RegisterEvent(ctx.pool, ctx.live, *form, ViewerOf(call), ctx.clock, ctx.today());
  if (!result) return Refuse(result.error());
  if (!result->registered) {
    call.Audit("write_event", "", division, "failed", nlohmann::json{{"reasons", result->reasons.size()}}.dump());
    std::string first = result->reasons.front().message;
    return std::unexpected(HttpError(
        Error{ErrorCode::kValidationFailed,
              fmt::format("登记未通过校验 / the event was not registered: {}", first)},
        result->reasons.front().field, result->reasons));
  }
  const services::RegisteredEvent& r = *result->registered;
  call.Audit("write_event", r.event_id, division, "ok",
             nlohmann::json{{"seq", r.seq}, {"person_id", r.person_id}}.dump());
  // Answer once the indicators include the event, so the caller's next read sees it.
  if (ctx.cache) ctx.cache->NoteWrite(call.user().username, r.seq);
  ctx.live.WaitFor(r.seq, std::chrono::milliseconds(1000));
  return Json(201, nlohmann::json{{"seq", r.seq}, {"event_id", r.event_id}, {"person_id", r.person_id},
                                  {"source", "manual"}}
                       .dump());
}

}  // namespace

void AddPersonRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/persons", true, 0, SearchPersons});
  routes.push_back({"GET", "/api/v1/persons/{id}", true, 0, GetPerson});
}

void AddEventRoutes(std::vector<Route>& routes) {
  routes.push_back({"POST", "/api/v1/events", true, 16 * 1024, PostEvent});
}

}  // namespace junheng::http
