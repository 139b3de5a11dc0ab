#include "roundhouse/core/status.hpp"

namespace roundhouse {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::wrong_expected_version: return "wrong_expected_version";
    case ErrorCode::duplicate_event: return "duplicate_event";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::unavailable: return "unavailable";
    case ErrorCode::io_error: return "io_error";
    case ErrorCode::corrupted: return "corrupted";
    case ErrorCode::incompatible: return "incompatible";
    case ErrorCode::schema_violation: return "schema_violation";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::unauthenticated: return "unauthenticated";
    case ErrorCode::internal: return "internal";
    case ErrorCode::rule_violation: return "rule_violation";
  }
  return "internal";
}

}  // namespace roundhouse
