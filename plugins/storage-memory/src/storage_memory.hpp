#pragma once
#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::plugins {

// Registers the "memory:" scheme: every open creates a fresh, empty in-process log.
Status register_storage_memory(Registry& registry, const std::string& provider = "storage-memory");

}  // namespace roundhouse::plugins
