#pragma once
// JSON text for people and clients: like boost::json::serialize, except that doubles are written
// as the shortest decimal that reads back to the same value ("12.5", "0.0", "1e+21") instead of
// Boost's "1.25E1" / "0E0". Used for HTTP bodies and CLI output; stored event payloads keep the
// exact text they were hashed with.

#include <string>

#include <boost/json/value.hpp>

#include "roundhouse/export.hpp"

namespace roundhouse {

ROUNDHOUSE_API std::string to_json_text(const boost::json::value& value);
// Appends to `out` (reuses its capacity).
ROUNDHOUSE_API void append_json_text(std::string& out, const boost::json::value& value);
// A double as written by the two above ("null" for NaN and infinities, which JSON cannot hold).
ROUNDHOUSE_API void append_json_number(std::string& out, double value);

}  // namespace roundhouse
