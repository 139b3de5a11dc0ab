#pragma once
// AggregateRepository: loads aggregates as snapshot + tail and keeps snapshots every N events.
// Snapshots live in the store's StateStore (namespace "snapshot:<type>", key = aggregate id,
// position = version); they are a cache: deleting them changes no result, only load time.
// Thread-safe (stateless apart from the shared store).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "roundhouse/domain/aggregate.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/export.hpp"

namespace roundhouse {

class Registry;

struct LoadedAggregate {
  std::unique_ptr<AggregateState> state;
  Version version = 0;           // 0: the stream does not exist (state is the empty aggregate)
  std::string tenant;            // owner when version > 0
  Version snapshot_version = 0;  // the snapshot the load started from (0: none)
};

// Applies the registered upcasters to `event` until its payload has the newest schema version.
ROUNDHOUSE_API Status upcast(const Registry& registry, RecordedEvent& event);

class ROUNDHOUSE_API AggregateRepository {
 public:
  // snapshot_every = 0 disables snapshots.
  AggregateRepository(std::shared_ptr<EventStore> store, const Registry& registry, AggregateType type,
                      std::size_t snapshot_every = 100);

  const AggregateType& type() const { return type_; }

  // Current state: newest snapshot (if any) + the events after it. A stream of another tenant
  // loads as not existing when `tenant` is given.
  Result<LoadedAggregate> load(const std::string& id, const std::optional<std::string>& tenant = std::nullopt) const;
  // Full replay ignoring snapshots (tests, verification).
  Result<LoadedAggregate> load_without_snapshot(const std::string& id) const;
  // Writes a snapshot when the aggregate is at least snapshot_every versions past the last one.
  Status maybe_snapshot(const std::string& id, const LoadedAggregate& loaded) const;
  Status delete_snapshots() const;

  std::string snapshot_namespace() const { return "snapshot:" + type_.name; }

 private:
  Result<LoadedAggregate> load_impl(const std::string& id, const std::optional<std::string>& tenant,
                                    bool use_snapshot) const;
  std::shared_ptr<EventStore> store_;
  const Registry& registry_;
  AggregateType type_;
  std::size_t snapshot_every_;
};

}  // namespace roundhouse
