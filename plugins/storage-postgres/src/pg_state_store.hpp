#pragma once
#include <memory>

#include "pg_uri.hpp"
#include "roundhouse/storage/state_store.hpp"

namespace roundhouse::postgres {

// StateStore over the state_documents table of the same schema, on a connection of its own
// (state writes come from projection threads, concurrently with the event writer). Each save is
// one upsert statement: atomic by itself. Thread-safe (a mutex around the connection).
std::shared_ptr<StateStore> make_pg_state_store(const PgUri& uri);

}  // namespace roundhouse::postgres
