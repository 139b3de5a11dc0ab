#pragma once
// JSON Schema validation (draft 7 keywords, through valijson). Used for the host configuration,
// HTTP request bodies and, later, event payloads. Immutable after construction; thread-safe.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/export.hpp"

namespace roundhouse {

struct SchemaViolation {
  std::string path;     // JSON Pointer into the document, e.g. "/events/0/type" ("" = root)
  std::string message;  // what is wrong there
};

class ROUNDHOUSE_API JsonSchema {
 public:
  static Result<JsonSchema> from_json(const boost::json::value& schema);
  static Result<JsonSchema> from_file(const std::filesystem::path& file);

  // Every violation found; empty when the document is valid.
  std::vector<SchemaViolation> validate(const boost::json::value& document) const;
  // ok, or schema_violation whose message names the first failing path: "/events/0/type: ...".
  Status check(const boost::json::value& document) const;

 private:
  struct Impl;
  explicit JsonSchema(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Reads and parses a JSON file; invalid_argument with line context on a parse error.
ROUNDHOUSE_API Result<boost::json::value> read_json_file(const std::filesystem::path& file);

}  // namespace roundhouse
