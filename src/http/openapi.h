// http/openapi.h: the OpenAPI 3 document of the API (http/openapi.json, built
// into the binary). tests/http checks it against RouteTable().
#pragma once

#include <string_view>

namespace junheng::http {

std::string_view OpenApiDocument();

}  // namespace junheng::http
