// http/request_bodies.h: decoding the bodies of POST /api/v1/session and
// POST /api/v1/events into plain values, before any service is called.
//
// Apart from the handlers so that the decoding, which sees every byte a client
// sends, can be tested and fuzzed (fuzz/http_body_fuzzer.cpp) without a server,
// a store or a session. A body that fails here is a 400 naming the field.
#pragma once

#include <string>

#include "http/json_body.h"
#include "services/registration.h"

namespace junheng::http {

// {"username": "...", "password": "..."}: both strings, both non-empty.
struct SignInBody {
  std::string username;
  std::string password;
};
HttpResult<SignInBody> DecodeSignIn(const std::string& body);

// A registration form: the event's exchange-format fields (event_id, type, date,
// division, ...) at the top level, and at most one of "child" (a birth) or
// "person" (someone new moving in) holding the new person's fields. Values are
// exchange-format text (TextMember); empty or null fields are left out of the form.
HttpResult<services::EventForm> DecodeEventForm(const std::string& body);

}  // namespace junheng::http
