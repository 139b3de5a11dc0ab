#pragma once
#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::plugins {

// Registers the "sqlite" scheme: sqlite:PATH[?synchronous=full|normal&busy_timeout_ms=N&readers=N]
// opens (creating if needed) an event store in one SQLite file.
Status register_storage_sqlite(Registry& registry, const std::string& provider = "storage-sqlite");

}  // namespace roundhouse::plugins
