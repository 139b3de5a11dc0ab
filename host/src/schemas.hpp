#pragma once
// The JSON documents embedded in the executable at build time (schemas/config.schema.json,
// schemas/api/*.schema.json, schemas/openapi.json): no data files to find at run time.
// Parsed schemas are built once and cached; all functions are thread-safe.

#include <string_view>
#include <utility>
#include <vector>

#include "roundhouse/schema/json_schema.hpp"

namespace roundhouse::host {

// Generated: {path relative to schemas/, file contents}.
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files();

// The text of an embedded file, e.g. "openapi.json"; empty when absent.
std::string_view embedded_file(std::string_view relative_path);

// Compiled JSON Schemas. Embedded schemas are part of the build and tested, so a broken one is a
// bug: these throw std::logic_error rather than returning an error.
const JsonSchema& config_schema();
const JsonSchema& append_request_schema();

}  // namespace roundhouse::host
