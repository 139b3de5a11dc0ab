#pragma once
// Store URIs: "<scheme>:<rest>", e.g. "sqlite:./data/roundhouse.db", "memory:", "postgresql://...".
// Query parameters after '?' ("sqlite:fleet.db?synchronous=full") are parsed into `params`.

#include <map>
#include <string>
#include <string_view>

#include "roundhouse/core/status.hpp"
#include "roundhouse/export.hpp"

namespace roundhouse {

struct StoreUri {
  std::string text;    // the whole URI as given
  std::string scheme;  // before the first ':'; lower-case letters, digits, '+', '-', '.'
  std::string rest;    // after ':' and before '?'
  std::map<std::string, std::string> params;
  ROUNDHOUSE_API static Result<StoreUri> parse(std::string_view text);
};

}  // namespace roundhouse
