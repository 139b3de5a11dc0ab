#pragma once
#include <memory>

#include "roundhouse/storage/log_backend.hpp"

namespace roundhouse::plugins {

// A LogBackend that keeps the log in process memory: nothing survives the process. For tests,
// benchmarks and scratch work. Thread-safe: one writer at a time (held for the life of a
// WriteTransaction), readers share a lock and never see uncommitted rows.
std::shared_ptr<LogBackend> make_memory_backend(std::string uri);

}  // namespace roundhouse::plugins
