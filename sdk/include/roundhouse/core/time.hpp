#pragma once
// Timestamps are microseconds since the Unix epoch, UTC, as signed 64-bit integers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "roundhouse/export.hpp"

namespace roundhouse {

using Timestamp = std::int64_t;  // microseconds since 1970-01-01T00:00:00Z

ROUNDHOUSE_API Timestamp now_micros() noexcept;

// RFC 3339 / ISO 8601 in UTC with microseconds, e.g. "2026-03-02T14:05:00.000000Z".
ROUNDHOUSE_API std::string format_timestamp(Timestamp t);

// Accepts "YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM|-HH:MM)" and a bare date "YYYY-MM-DD" (midnight UTC).
ROUNDHOUSE_API std::optional<Timestamp> parse_timestamp(std::string_view text);

}  // namespace roundhouse
