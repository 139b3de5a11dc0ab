#pragma once
// Partial replication: a change set without some keys, with their dots taken out of the context too,
// so a device that later comes into scope of them (a vehicle transferred to its depot) still receives
// them on a full pull.

#include <set>
#include <string>

#include "roundhouse/sync/value.hpp"

namespace roundhouse::sync {

ChangeSet without_keys(const ChangeSet& cs, const std::set<std::string>& keys);

}  // namespace roundhouse::sync
