#pragma once
// Structured logs: one JSON object per line on stderr ({"ts","level","msg", ...fields}).
//
// Thread-safe: each line is formatted first and written whole under a lock, so lines from
// concurrent threads never interleave. The level is process-wide and may change at start-up.

#include <atomic>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace roundhouse::host {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

// Parses "debug" | "info" | "warn" | "warning" | "error".
bool parse_log_level(std::string_view text, LogLevel& out);

class Log {
 public:
  static void set_level(LogLevel level) { level_.store(level, std::memory_order_relaxed); }
  static LogLevel level() { return level_.load(std::memory_order_relaxed); }
  static bool enabled(LogLevel level) { return level >= Log::level(); }

  static void write(LogLevel level, std::string_view msg, boost::json::object fields = {});
  static void debug(std::string_view msg, boost::json::object fields = {}) { write(LogLevel::debug, msg, std::move(fields)); }
  static void info(std::string_view msg, boost::json::object fields = {}) { write(LogLevel::info, msg, std::move(fields)); }
  static void warn(std::string_view msg, boost::json::object fields = {}) { write(LogLevel::warn, msg, std::move(fields)); }
  static void error(std::string_view msg, boost::json::object fields = {}) { write(LogLevel::error, msg, std::move(fields)); }

 private:
  static inline std::atomic<LogLevel> level_{LogLevel::info};
};

}  // namespace roundhouse::host
