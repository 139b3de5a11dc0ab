#include "schemas.hpp"

#include <stdexcept>
#include <string>

#include <boost/json/parse.hpp>

namespace roundhouse::host {
namespace {

JsonSchema compile(std::string_view name) {
  const std::string_view text = embedded_file(name);
  if (text.empty()) throw std::logic_error("schema " + std::string(name) + " is not embedded");
  auto schema = JsonSchema::from_json(boost::json::parse(text));
  if (!schema) throw std::logic_error(std::string(name) + ": " + schema.error().message);
  return std::move(schema).value();
}

}  // namespace

std::string_view embedded_file(std::string_view relative_path) {
  for (const auto& [path, text] : embedded_files())
    if (path == relative_path) return text;
  return {};
}

const JsonSchema& config_schema() {
  static const JsonSchema schema = compile("config.schema.json");
  return schema;
}

const JsonSchema& append_request_schema() {
  static const JsonSchema schema = compile("api/append-request.schema.json");
  return schema;
}

}  // namespace roundhouse::host
