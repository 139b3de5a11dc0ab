#pragma once
// Running PostgreSQL's client programs (pg_dump, pg_restore) for backup and restore: finding
// them, and running one with the connection parameters in its environment (never on its command
// line, where `ps` would show a password).

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "roundhouse/core/status.hpp"

namespace roundhouse::postgres {

// The program `name` ("pg_dump"): $ROUNDHOUSE_PG_BINDIR/name when that variable is set, else
// the newest /usr/lib/postgresql/<version>/bin/name (Debian; a newer pg_dump reads older
// servers, not the reverse), else the first on PATH. not_found names where it looked.
Result<std::filesystem::path> find_pg_program(const std::string& name);

struct ToolRun {
  int exit_code = 0;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `program args...` with the current environment plus `env` (overriding), waits for it,
// and calls `tick` about every 200 ms while it runs. An error only when it cannot be started.
Result<ToolRun> run_tool(const std::filesystem::path& program, const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env, const std::function<void()>& tick = {});

// "pg_dump failed (exit 1): <the first error line of its stderr>".
Error tool_failure(const std::string& name, const ToolRun& run);

}  // namespace roundhouse::postgres
