#pragma once
#include <filesystem>
#include <memory>

#include "roundhouse/storage/state_store.hpp"
#include "sqlite_connection.hpp"

namespace roundhouse::sqlite {

// StateStore over the state_documents table of the same file, on a connection of its own (state
// writes come from projection threads, concurrently with the event writer; SQLite's busy timeout
// serialises the two writers). Each save is one statement: atomic by itself.
std::shared_ptr<StateStore> make_sqlite_state_store(const std::filesystem::path& file, const ConnectionOptions& options);

}  // namespace roundhouse::sqlite
