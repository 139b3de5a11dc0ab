#pragma once
// Condition data: the `asset` stream type and its events (schemas/events/ml/*.schema.json,
// compiled into the plugin): AssetRegistered, SensorReadingsRecorded, AssetFailed.

#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml::assets {

inline constexpr const char* kAssetStream = "asset";

// Registers the payload schemas in registry.event_schemas.
Status register_asset_event_schemas(Registry& registry, const std::string& provider);

}  // namespace roundhouse::ml::assets
