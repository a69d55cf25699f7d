// services/persons.h: finding persons and reading a person's record, within a
// jurisdiction and with personal numbers masked unless the viewer may see them.
//
// A person belongs to the division they live in, or last lived in (from the
// live snapshot); a person who never lived in the city belongs to the divisions
// of their events. A viewer sees a person only when that division lies inside
// the viewer's jurisdiction (a code-prefix check). Search leaves out persons
// outside it, so it reveals nothing about them; opening one is kPermissionDenied.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/record.h"
#include "services/live_register.h"
#include "services/store_pool.h"
#include "store/store.h"

namespace junheng::services {

// Who is looking.
struct Viewer {
  DivisionCode jurisdiction;  // the division the viewer's account is bound to
  bool see_unmasked = false;  // full citizen id and phone number
};

struct ResidenceInfo {
  DivisionCode code;
  std::string name;
  Date since;
  std::optional<Date> until;  // when the person left or died
};

struct PersonSummary {
  Person person;  // masked unless the viewer may see the numbers
  std::optional<ResidenceInfo> residence;
  bool alive = true;
};

struct PersonRecord {
  Person person;
  std::optional<ResidenceInfo> residence;
  bool alive = true;
  std::vector<store::StoredEvent> events;  // in log order
  std::vector<DivisionCode> divisions;     // every division the person's events name
};

// `q` is an 18-character citizen id or a person_id; otherwise name + birth_date
// (+ sex, optional) after the linkage normalisation (traditional → simplified,
// full-width → half-width, no spaces).
struct PersonQuery {
  std::string q;
  std::string name;
  std::optional<Date> birth_date;
  Sex sex = Sex::kUnknown;
};

// kInvalidArgument when the query is neither form (the message says what to give).
// At most 50 persons, by person_id.
Result<std::vector<PersonSummary>> SearchPersons(StorePool& pool, const LiveRegister& live, const PersonQuery& query,
                                                 const Viewer& viewer);

// kNotFound for an unknown person_id; kPermissionDenied when the person lies
// outside the viewer's jurisdiction.
Result<PersonRecord> GetPersonRecord(StorePool& pool, const LiveRegister& live, std::string_view person_id,
                                     const Viewer& viewer);

// The same checks as GetPersonRecord without reading the record: a resident's
// events are not read at all.
Status CheckVisible(StorePool& pool, const LiveRegister& live, std::string_view person_id, const Viewer& viewer);

}  // namespace junheng::services
