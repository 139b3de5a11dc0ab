#include "roundhouse/schema/json_schema.hpp"

#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/stream_parser.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace roundhouse {

struct JsonSchema::Impl {
  boost::json::value source;
  valijson::Schema schema;
};

namespace {

// valijson context: ["<root>", "[events]", "[0]", "[type]"] -> JSON Pointer "/events/0/type".
std::string to_pointer(const std::vector<std::string>& context) {
  std::string out;
  for (const auto& part : context) {
    if (part.size() < 2 || part.front() != '[' || part.back() != ']') continue;
    std::string token = part.substr(1, part.size() - 2);
    std::string escaped;
    for (char c : token) {
      if (c == '~') escaped += "~0";
      else if (c == '/') escaped += "~1";
      else escaped += c;
    }
    out += "/" + escaped;
  }
  return out;
}

}  // namespace

Result<JsonSchema> JsonSchema::from_json(const boost::json::value& schema) {
  auto impl = std::make_shared<Impl>();
  impl->source = schema;
  try {
    valijson::SchemaParser parser;
    valijson::adapters::BoostJsonAdapter adapter(impl->source);
    parser.populateSchema(adapter, impl->schema);
  } catch (const std::exception& ex) {
    return Error{ErrorCode::invalid_argument, std::string("invalid JSON Schema: ") + ex.what()};
  }
  return JsonSchema(std::move(impl));
}

Result<JsonSchema> JsonSchema::from_file(const std::filesystem::path& file) {
  auto doc = read_json_file(file);
  if (!doc) return doc.error();
  auto schema = from_json(*doc);
  if (!schema) return Error{schema.error().code, file.string() + ": " + schema.error().message};
  return schema;
}

std::vector<SchemaViolation> JsonSchema::validate(const boost::json::value& document) const {
  // valijson caches compiled regular expressions inside the Validator; one per thread keeps
  // `pattern` keywords from being recompiled on every call.
  thread_local valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::BoostJsonAdapter adapter(document);
  std::vector<SchemaViolation> out;
  try {
    if (validator.validate(impl_->schema, adapter, &results)) return out;
  } catch (const std::exception& ex) {
    out.push_back({"", std::string("validation failed: ") + ex.what()});
    return out;
  }
  // valijson reports the enclosing failures too ("failed to validate against schema associated
  // with property"); the most specific error for a path is the deepest one, listed last.
  for (const auto& e : results) out.push_back({to_pointer(e.context), e.description});
  std::stable_sort(out.begin(), out.end(), [](const SchemaViolation& a, const SchemaViolation& b) {
    return std::count(a.path.begin(), a.path.end(), '/') > std::count(b.path.begin(), b.path.end(), '/');
  });
  return out;
}

Status JsonSchema::check(const boost::json::value& document) const {
  auto violations = validate(document);
  if (violations.empty()) return {};
  const auto& v = violations.front();
  return {ErrorCode::schema_violation, (v.path.empty() ? std::string("(root)") : v.path) + ": " + v.message};
}

Result<boost::json::value> read_json_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{ErrorCode::not_found, "cannot open " + file.string()};
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.allow_comments = true;
  opts.allow_trailing_commas = true;
  boost::json::stream_parser parser({}, opts);
  const std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    // Point at the line and column where parsing stopped, as an editor would.
    const std::size_t at = std::min(consumed, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < at; ++i) {
      if (text[i] == '\n') ++line, column = 1;
      else ++column;
    }
    return Error{ErrorCode::invalid_argument, file.string() + ": invalid JSON at line " + std::to_string(line) +
                                                  ", column " + std::to_string(column) + ": " + ec.message()};
  }
  return parser.release();
}

}  // namespace roundhouse
