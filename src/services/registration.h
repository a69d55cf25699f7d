// services/registration.h: registering one event from a form or the API.
//
// The same path as a department file (ingest::Importer's typed calls), so the
// same rules apply: the record on its own (core/record.h), then against the
// register (a possible life, known divisions, the mother's births). A birth, or
// the move in of someone new to the register, also creates the person. The event
// is stamped with source "manual", a new event_id unless one is given, and
// recorded_at = now. It is all or nothing: a rejected record writes nothing, not
// even a quarantine row (the person at the form fixes it and sends it again).
// Sending an event again with its event_id (a retry after a lost answer) is
// answered with the one in the log, however much later, when nothing but what
// the server stamps differs; other content under that event_id is a conflict.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/record.h"
#include "services/persons.h"
#include "services/store_pool.h"

namespace junheng::services {

// A form's fields by exchange-format field name (text, as typed). `person`
// holds the new person's fields (name, sex, citizen_id, ...) for a birth or the
// move in of someone not yet in the register; it is empty otherwise.
struct EventForm {
  std::vector<std::pair<Field, std::string>> event;
  std::vector<std::pair<Field, std::string>> person;
};

struct RegisteredEvent {
  int64_t seq = 0;
  std::string event_id;
  std::string person_id;
};

// Either the event was registered, or the reasons it was not (field, code, one
// sentence each).
struct RegistrationResult {
  std::optional<RegisteredEvent> registered;
  std::vector<Reason> reasons;
};

// Registers the event. Returns reasons (and writes nothing) when the record is
// invalid, its division lies outside the viewer's jurisdiction, or its person is
// not one the viewer may see. Fails only when the store fails.
Result<RegistrationResult> RegisterEvent(StorePool& pool, const LiveRegister& live, const EventForm& form,
                                         const Viewer& viewer, const Clock& clock, Date today);

}  // namespace junheng::services
