// fuzz/http_body_fuzzer.cpp: request bodies of the API (http/json_body.h,
// http/request_bodies.h): the JSON parser, and the decoding of the bodies of
// POST /api/v1/session and POST /api/v1/events, on any bytes a client may send.
//
// Checks: a refusal is a 400 whose JSON error body (http/errors.h) can be written
// and read back, naming the field at fault; a decoded sign-in has both fields; a
// decoded event form holds only known, non-empty fields, once each, and written back
// as JSON it decodes to the same form.
#include <cstdint>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_check.h"
#include "http/errors.h"
#include "http/request_bodies.h"

namespace junheng::fuzz {
namespace {

// Whether the body is an object with an empty key, at the top or one level down: the
// one refusal whose field (that key) is rightly empty.
bool HasEmptyKey(const std::string& body) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return false;
  for (const auto& [key, value] : j.items()) {
    if (key.empty()) return true;
    if (value.is_object() && value.contains("")) return true;
  }
  return false;
}

void CheckRefusal(const std::string& request, const http::HttpError& e) {
  FUZZ_CHECK(http::HttpStatusOf(e.error.code) == 400, "a bad body is not a 400: " + e.error.message);
  std::string body;
  try {
    body = http::ErrorBody(e.error, "fuzz", e.field, e.details);
  } catch (const std::exception& ex) {
    FUZZ_CHECK(false, std::string("the error body cannot be written: ") + ex.what());
  }
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(j.is_object() && j.contains("error") && j["error"]["code"] == "invalid_argument",
             "the error body is not the error shape: " + body);
  FUZZ_CHECK(!e.field.empty() || HasEmptyKey(request), "a refused body names no field: " + e.error.message);
}

void CheckForm(const services::EventForm& form) {
  std::set<Field> seen;
  for (const auto& [f, v] : form.event) {
    FUZZ_CHECK(!v.empty(), "an empty event field in the form");
    FUZZ_CHECK(seen.insert(f).second, "an event field twice in the form");
  }
  seen.clear();
  for (const auto& [f, v] : form.person) {
    FUZZ_CHECK(!v.empty(), "an empty person field in the form");
    FUZZ_CHECK(seen.insert(f).second, "a person field twice in the form");
  }
  // Written back with every value a string, the form decodes to itself.
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [f, v] : form.event) j[std::string(FieldName(f))] = v;
  if (!form.person.empty()) {
    nlohmann::json p = nlohmann::json::object();
    for (const auto& [f, v] : form.person) p[std::string(FieldName(f))] = v;
    j["person"] = std::move(p);
  }
  auto again = http::DecodeEventForm(j.dump());
  FUZZ_CHECK(again.has_value(), "a form written back is refused: " + (again ? "" : again.error().error.message));
  FUZZ_CHECK(again->event == form.event && again->person == form.person, "a form written back decodes differently");
}

}  // namespace
}  // namespace junheng::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace junheng;
  const std::string body(fuzz::AsText(data, size));
  auto object = http::ParseObject(body);
  if (object) FUZZ_CHECK(object->is_object(), "ParseObject gave a non-object");
  else fuzz::CheckRefusal(body, object.error());

  auto sign_in = http::DecodeSignIn(body);
  if (sign_in) FUZZ_CHECK(!sign_in->username.empty() && !sign_in->password.empty(), "an empty credential");
  else fuzz::CheckRefusal(body, sign_in.error());

  auto form = http::DecodeEventForm(body);
  if (form) fuzz::CheckForm(*form);
  else fuzz::CheckRefusal(body, form.error());
  return 0;
}
