// http/errors.h: how failures look on the wire. One ErrorCode → HTTP status
// map, and one JSON shape for every error:
//   {"error":{"code","message","field"?,"details"?:[{field,code,message}]},"request_id"}
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/record.h"

namespace junheng::http {

int HttpStatusOf(ErrorCode code);

// The JSON body of an error. `field` names the request field at fault, when one
// is; `details` lists every reason a record was refused.
std::string ErrorBody(const Error& error, std::string_view request_id, std::string_view field = {},
                      const std::vector<Reason>& details = {});

}  // namespace junheng::http
