// http/views.h: JSON shapes shared by several handlers.
#pragma once

#include <nlohmann/json.hpp>

#include "core/division.h"
#include "http/context.h"
#include "services/accounts.h"

namespace junheng::http {

// {code, name, level}.
nlohmann::json DivisionJson(const Division& division);
// The same for a code; name "" when the division is unknown.
nlohmann::json DivisionJson(ServerContext& context, DivisionCode code);
// {username, display_name, role, role_title, division:{...}, source, permissions:{...}}
nlohmann::json UserJson(ServerContext& context, const services::User& user);

}  // namespace junheng::http
