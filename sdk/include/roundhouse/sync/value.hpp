#pragma once
// The field values that sync replicates: JSON scalars, each stamped with the hybrid logical clock
// time of the write (so a "timestamp" conflict strategy can pick among concurrent values), and the
// replicated document type: an OR-map from field key to those values.

#include <cstdint>
#include <string>
#include <variant>

#include "roundhouse/sync/hlc.hpp"
#include "roundhouse/sync/or_map.hpp"

namespace roundhouse::sync {

// null, bool, integer, double (never NaN: NaN != NaN would break idempotence), string.
using Value = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

struct FieldValue {
  Value value;
  HlcTimestamp ts;
  friend auto operator<=>(const FieldValue&, const FieldValue&) = default;
  friend bool operator==(const FieldValue&, const FieldValue&) = default;
};

// A replica's state, a delta, or a compacted batch of deltas: keys are "<aggregate type>/<id>/<field>".
using ChangeSet = OrMap<std::string, FieldValue>;

}  // namespace roundhouse::sync
