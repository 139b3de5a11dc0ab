#pragma once
// Sync field values <-> JSON scalars for the HTTP API.

#include <boost/json/value.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/sync/value.hpp"

namespace roundhouse::sync {

boost::json::value to_json(const Value& v);
// null, bool, integer, finite number or string; objects and arrays are invalid_argument.
Result<Value> value_from_json(const boost::json::value& v);

}  // namespace roundhouse::sync
