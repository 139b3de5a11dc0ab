#pragma once
// The wire form of an append, shared by POST /api/v1/events and `roundhouse append`:
//   {"stream":{"type","id"}, "expected_version":"any"|"no_stream"|"exists"|N,
//    "events":[{"type","payload","id"?,"occurred_at"?,"metadata"?}]}
// decode_append() checks the document against schemas/api/append-request.schema.json, then what a
// schema cannot say (parsable timestamps, payload schemas registered by plugins), and reports every
// violation with its JSON Pointer. Missing event ids are generated here so the caller can report
// them back. Stateless and thread-safe.

#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "roundhouse/events/event_store.hpp"
#include "roundhouse/schema/json_schema.hpp"

namespace roundhouse {
class Registry;
}

namespace roundhouse::host {

struct DecodedAppend {
  AppendRequest request;                   // valid when violations is empty
  std::vector<SchemaViolation> violations;
  bool ok() const { return violations.empty(); }
};

// `registry` may be null (no payload schemas checked).
DecodedAppend decode_append(const boost::json::value& document, const Registry* registry);

// {"stream","positions","first_version","last_version","ids","idempotent_replay"}.
boost::json::object encode_append_result(const StreamId& stream, const std::vector<std::string>& ids,
                                         const AppendResult& result);

}  // namespace roundhouse::host
