#pragma once
// Typed access to query parameters with errors that name the parameter (400 invalid_argument).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "http_types.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::host {

// invalid_argument naming the first parameter not in `known` (typos such as ?fromPosition=).
Status check_known_params(const Request& req, std::initializer_list<const char*> known);

// An unsigned integer in [min, max], `fallback` when absent.
Result<std::uint64_t> uint_param(const Request& req, const char* name, std::uint64_t fallback, std::uint64_t min,
                                 std::uint64_t max);

// Every value of a repeatable parameter, also split at commas: ?type=A&type=B,C -> {A, B, C}.
std::vector<std::string> list_param(const Request& req, const char* name);

}  // namespace roundhouse::host
