#pragma once
#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::plugins {

// Registers the "postgresql" and "postgres" schemes:
// postgresql://user[:password]@host[:port]/database[?schema=NAME&readers=N&<libpq parameters>]
// opens (creating the schema and tables if needed) an event store in a PostgreSQL database.
Status register_storage_postgres(Registry& registry, const std::string& provider = "storage-postgres");

}  // namespace roundhouse::plugins
