#pragma once
// RFC 9457 problem details (application/problem+json) with a stable machine code:
//   {"type","title","status","detail","code","instance"[,"errors":[{"path","message"}]]}
// `code` is roundhouse::to_string(ErrorCode) for store/SDK errors, or one of the HTTP-level codes
// below. Clients branch on `code`; `detail` is for people and may change.

#include <string>
#include <string_view>
#include <vector>

#include "http_types.hpp"
#include "roundhouse/core/status.hpp"
#include "roundhouse/schema/json_schema.hpp"

namespace roundhouse::host {

// HTTP-level codes that have no ErrorCode.
namespace codes {
inline constexpr std::string_view malformed_json = "malformed_json";
inline constexpr std::string_view route_not_found = "route_not_found";
inline constexpr std::string_view method_not_allowed = "method_not_allowed";
inline constexpr std::string_view bad_request = "bad_request";
}  // namespace codes

int http_status(ErrorCode code);

Response problem(int status, std::string_view code, std::string_view detail, std::string_view instance,
                 const std::vector<SchemaViolation>& errors = {});
Response problem(const Error& error, std::string_view instance);

// Turns "<pointer>: message" (the SDK's schema_violation form) into one SchemaViolation, prefixing
// the pointer with `base` (e.g. "/events/0/payload").
SchemaViolation violation_from_message(const std::string& message, const std::string& base = "");

}  // namespace roundhouse::host
