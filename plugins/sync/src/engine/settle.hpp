#pragma once
// Settling one field that holds concurrent values after a push, by its strategy: keep them all (a
// conflict for a person), replace them by one value (a server write), or refuse the pushed values
// (the server's value stays, the device's operation is reported refused). Pure: no state, no I/O.

#include <string>
#include <vector>

#include "roundhouse/sync/conflict_strategy.hpp"

namespace roundhouse::sync {

struct Settlement {
  enum class Kind { keep, replace, refuse };
  Kind kind = Kind::keep;
  Value value;          // replace / refuse: the value the field keeps
  bool from_incoming = false;  // replace: the kept value is the pushed one (so it still has to be applied)
  std::string reason;   // refuse: why; keep after a failed custom merge: why
};

// `candidates` are the field's concurrent values (at least two, at least one incoming). `custom` is
// the registered merge for Strategy::custom (nullptr when none is registered under the name: then
// the conflict is kept, with the reason).
Settlement settle(Strategy strategy, const std::vector<ConflictCandidate>& candidates, const CustomMerge* custom,
                  const std::string& key, const std::string& custom_name = {});

}  // namespace roundhouse::sync
