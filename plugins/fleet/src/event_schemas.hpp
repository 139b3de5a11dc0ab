#pragma once
// The fleet's event payload schemas, compiled into the plugin from schemas/events/.

#include <map>
#include <string>
#include <vector>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::fleet {

// Registers every fleet event schema in registry.event_schemas.
Status register_event_schemas(Registry& registry, const std::string& provider);

// The schema that validates a command's input: the event's payload schema without the fields the
// command derives itself (they are neither required nor accepted).
Result<JsonSchema> input_schema(const std::string& event_type, const std::vector<std::string>& derived);

// The current payload schema version of an event type ("x-schema-version", default 1).
int current_schema_version(const std::string& event_type);

// Upcasters for stored payloads of older schema versions (MeterReadingRecorded v1 {km}).
Status register_upcasters(Registry& registry, const std::string& provider);

}  // namespace roundhouse::fleet
