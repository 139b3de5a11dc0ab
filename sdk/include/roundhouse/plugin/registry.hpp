#pragma once
// The typed registry: what plugins provide, looked up by the host and the Python module.
// Each kind of extension has its own ExtensionPoint<T> member; a new kind is a new member (an ABI
// minor bump), never a stringly-typed bag.

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "roundhouse/analytics/kpi.hpp"
#include "roundhouse/core/status.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/export.hpp"
#include "roundhouse/cli/command.hpp"
#include "roundhouse/domain/aggregate.hpp"
#include "roundhouse/http/route.hpp"
#include "roundhouse/ml/features.hpp"
#include "roundhouse/ml/model.hpp"
#include "roundhouse/plugin/serving_task.hpp"
#include "roundhouse/projections/projection.hpp"
#include "roundhouse/schema/json_schema.hpp"
#include "roundhouse/storage/store_admin.hpp"
#include "roundhouse/storage/store_options.hpp"
#include "roundhouse/storage/store_uri.hpp"
#include "roundhouse/sync/conflict_strategy.hpp"

namespace roundhouse {

// Named extensions of one kind. Thread-safe; names are unique within the point; entries are never
// removed (a plugin stays loaded for the life of the process).
template <class T>
class ExtensionPoint {
 public:
  struct Entry {
    std::string name;
    std::string provider;  // plugin name that registered it
    T value;
  };

  Status add(std::string name, std::string provider, T value) {
    std::lock_guard lock(mu_);
    if (name.empty()) return {ErrorCode::invalid_argument, "extension name must not be empty"};
    auto [it, inserted] = entries_.try_emplace(name, Entry{name, provider, std::move(value)});
    if (!inserted)
      return {ErrorCode::invalid_argument,
              "'" + name + "' is already registered by " + it->second.provider};
    return {};
  }
  // Copy of the entry, or nullptr-like empty optional when absent.
  std::optional<Entry> find(const std::string& name) const {
    std::lock_guard lock(mu_);
    auto it = entries_.find(name);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<Entry> list() const {
    std::lock_guard lock(mu_);
    std::vector<Entry> out;
    for (const auto& [_, e] : entries_) out.push_back(e);
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

using StorageFactory =
    std::function<Result<std::shared_ptr<EventStore>>(const StoreUri& uri, const StoreOptions& options)>;

class ROUNDHOUSE_API Registry {
 public:
  ExtensionPoint<StorageFactory> storage;  // keyed by URI scheme: "sqlite", "memory", ...
  ExtensionPoint<StoreAdmin> store_admin;  // keyed by URI scheme, like storage (migrate, backup)
  ExtensionPoint<Route> routes;            // keyed by "METHOD pattern"
  ExtensionPoint<ProjectionFactory> projections;  // keyed by projection name; the host runs them
  ExtensionPoint<AggregateType> aggregates;        // keyed by stream type
  ExtensionPoint<Upcaster> upcasters;              // keyed by "<event type>@<from version>"
  ExtensionPoint<JsonSchema> event_schemas;        // payload schema keyed by event type
  ExtensionPoint<CliCommand> cli_commands;         // `roundhouse <name>` subcommands
  ExtensionPoint<ml::FeatureExtractorPtr> features; // feature extractors by name (ml/features.hpp)
  ExtensionPoint<KpiDefinition> kpis;              // extra KPIs served by the analytics plugin, by name
  // Appended last, in this order, so the members above keep their offsets for plugins built before them.
  ExtensionPoint<sync::CustomMerge> sync_merges;   // "custom:<name>" sync conflict strategies (sync/conflict_strategy.hpp)
  ExtensionPoint<ml::ModelTypePtr> models;         // trainable model types by name (ml/model.hpp)
  ExtensionPoint<ServingTask> serving;             // work run while `roundhouse serve` serves (plugin/serving_task.hpp)

  // Validates an event payload against the schema registered for its type (ok when none is).
  // The violation message starts with the JSON Pointer inside the payload.
  Status validate_payload(const std::string& event_type, const boost::json::value& payload) const;

  // Opens a store through the factory registered for the URI's scheme.
  Result<std::shared_ptr<EventStore>> open_store(std::string_view uri,
                                                 const StoreOptions& options = {}) const;
  // Store administration through the store_admin entry of the URI's scheme (storage/store_admin.hpp).
  // An unknown scheme is not_found; an operation the backend does not offer is invalid_argument
  // ("backup is not supported for memory: stores"). Plugin exceptions become internal errors.
  Result<std::shared_ptr<LogBackend>> open_backend(std::string_view uri, const StoreOptions& options = {}) const;
  Status backup_store(std::string_view uri, const std::filesystem::path& file,
                      const TransferProgress& progress = {}) const;
  Result<RestoreReport> restore_store(const std::filesystem::path& file, std::string_view uri,
                                      const RestoreOptions& options = {}, const TransferProgress& progress = {}) const;
  // What the URI physically points at (StoreAdmin::location), or the URI text when the backend
  // does not say; an error only for an unparsable URI or an unknown scheme.
  Result<std::string> store_location(std::string_view uri) const;

  // Adds a route under its "METHOD pattern" key.
  Status add_route(std::string provider, Route route);
  // Adds an upcaster under its "<event type>@<from version>" key.
  Status add_upcaster(std::string provider, Upcaster upcaster);
  // Compiles a JSON Schema text (as embedded by roundhouse_embed_event_schemas in CMake) and adds
  // it under the event type; internal error when the text is not JSON.
  Status add_event_schema(std::string provider, std::string event_type, std::string_view schema_json);
};

}  // namespace roundhouse
