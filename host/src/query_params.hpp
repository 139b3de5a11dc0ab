#pragma once
// Typed access to named string parameters with errors that name the parameter (invalid_argument,
// 400 over HTTP, exit code 2 on the command line).
//
// The parameters are an HTTP query string, or CLI options mapped onto the same names
// (`--before-occurred` -> `before_occurred`), so HTTP and CLI decode through one set of functions
// and differ only in how a message names the parameter: "query parameter 'limit'" or "--limit".

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_types.hpp"
#include "roundhouse/core/status.hpp"
#include "roundhouse/core/time.hpp"

namespace roundhouse::host {

// A read-only view of parameters; the map must outlive it.
class Params {
 public:
  using Map = std::multimap<std::string, std::string>;
  static Params query(const Map& values) { return Params(values, false); }
  static Params cli(const Map& values) { return Params(values, true); }

  // First value, or nullptr.
  const std::string* get(const std::string& name) const;
  // "query parameter 'name'" or "--name" (underscores as dashes).
  std::string label(std::string_view name) const;
  const Map& values() const { return values_; }

 private:
  Params(const Map& values, bool cli) : values_(values), cli_(cli) {}
  const Map& values_;
  bool cli_;
};

// invalid_argument naming the first parameter not in `known` (typos such as ?fromPosition=).
Status check_known_params(const Request& req, std::initializer_list<const char*> known);
Status check_known_params(const Request& req, const std::vector<const char*>& known);

// An unsigned integer in [min, max], `fallback` when absent.
Result<std::uint64_t> uint_param(const Params& params, const char* name, std::uint64_t fallback, std::uint64_t min,
                                 std::uint64_t max);
Result<std::uint64_t> uint_param(const Request& req, const char* name, std::uint64_t fallback, std::uint64_t min,
                                 std::uint64_t max);
// A signed integer in [min, max], `fallback` when absent.
Result<std::int64_t> int_param(const Params& params, const char* name, std::int64_t fallback, std::int64_t min,
                               std::int64_t max);
// "true"/"1" or "false"/"0"; `fallback` when absent.
Result<bool> bool_param(const Params& params, const char* name, bool fallback);
// A non-empty value that must be present.
Result<std::string> required_param(const Params& params, const char* name);
// An ISO-8601 / RFC 3339 timestamp (core/time.hpp parse_timestamp: "2026-03-02T14:05:00Z",
// offsets, or a bare date at midnight UTC); nullopt when absent.
Result<std::optional<Timestamp>> timestamp_param(const Params& params, const char* name);
// One of `choices`; the first choice when absent.
Result<std::string> choice_param(const Params& params, const char* name, std::initializer_list<const char*> choices);

// Every value of a repeatable parameter, also split at commas: ?type=A&type=B,C -> {A, B, C}.
std::vector<std::string> list_param(const Params& params, const char* name);
std::vector<std::string> list_param(const Request& req, const char* name);

}  // namespace roundhouse::host
