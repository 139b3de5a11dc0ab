#pragma once
// Plumbing shared by the `roundhouse ml` subcommands that work on the store: messages with the
// exit-code convention (2 usage, 1 refusal), opening the store, the registry scope, JSON output,
// JSON object options.

#include <memory>
#include <ostream>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "cli/ml_command.hpp"
#include "models/model_registry.hpp"
#include "roundhouse/core/json_text.hpp"

namespace roundhouse::ml::cli {

namespace json = boost::json;

// One command's shared plumbing: messages, the store, the outcome of an operation.
struct Command {
  CliContext& ctx;
  std::string name;  // "train"
  const char* usage;

  int usage_error(const std::string& m) const {
    *ctx.err << "roundhouse ml " << name << ": " << m << " (see roundhouse ml " << name << " --help)\n";
    return 2;
  }
  int help() const {
    *ctx.out << usage;
    return 0;
  }
  int failed(const Error& e) const {
    *ctx.err << "roundhouse ml " << name << ": " << e.message << "\n";
    return e.code == ErrorCode::invalid_argument ? 2 : 1;
  }
  Result<std::shared_ptr<EventStore>> store() const {
    if (!ctx.open_store) return Error{ErrorCode::unavailable, "no store is configured"};
    auto s = ctx.open_store();
    if (!s) return Error{s.error().code, "cannot open the store: " + s.error().message};
    return s;
  }
  models::RegistryScope scope() const { return {ctx.tenant, ctx.actor}; }
  int print(const json::value& v) const {
    *ctx.out << to_json_text(v) << "\n";
    return 0;
  }
};

inline Result<json::object> json_object_arg(const std::string& option, const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return Error{ErrorCode::invalid_argument, option + ": not a JSON object"};
  return v.as_object();
}

}  // namespace roundhouse::ml::cli
