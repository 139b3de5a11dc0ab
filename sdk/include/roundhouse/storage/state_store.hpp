#pragma once
// StateStore: small durable documents kept beside the event log — projection checkpoints with their
// read-model state, and aggregate snapshots. A document is (namespace, key) -> (position, data),
// written in one atomic step, so a checkpoint position and the state it describes never disagree.
// Documents are a cache of what the log already says: deleting them changes no result, only speed.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "roundhouse/core/status.hpp"
#include "roundhouse/events/event.hpp"
#include "roundhouse/export.hpp"

namespace roundhouse {

struct StoredState {
  Position position = 0;  // log position (projections) or stream version (snapshots)
  std::string data;       // opaque to the store; JSON by convention
  Timestamp saved_at = 0;
};

// Thread-safe. Implementations: in-memory (memory: stores) and a table in the backend's database.
class ROUNDHOUSE_API StateStore {
 public:
  virtual ~StateStore();
  virtual Result<std::optional<StoredState>> load(std::string_view ns, std::string_view key) = 0;
  virtual Status save(std::string_view ns, std::string_view key, const StoredState& state) = 0;
  virtual Status remove(std::string_view ns, std::string_view key) = 0;
  virtual Status clear(std::string_view ns) = 0;  // removes every document of the namespace
  virtual Result<std::size_t> count(std::string_view ns) = 0;
};

// A process-local StateStore (nothing survives the process).
ROUNDHOUSE_API std::shared_ptr<StateStore> make_memory_state_store();

}  // namespace roundhouse
