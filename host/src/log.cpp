#include "log.hpp"

#include <unistd.h>

#include <cerrno>
#include <mutex>

#include <boost/json/serialize.hpp>

#include "roundhouse/core/json_text.hpp"

#include "roundhouse/core/time.hpp"

namespace roundhouse::host {
namespace {

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

}  // namespace

bool parse_log_level(std::string_view text, LogLevel& out) {
  if (text == "debug") out = LogLevel::debug;
  else if (text == "info") out = LogLevel::info;
  else if (text == "warn" || text == "warning") out = LogLevel::warn;
  else if (text == "error") out = LogLevel::error;
  else return false;
  return true;
}

void Log::write(LogLevel level, std::string_view msg, boost::json::object fields) {
  if (!enabled(level)) return;
  // ts, level and msg come first so the lines read well with plain `tail` too.
  boost::json::object line;
  line.reserve(fields.size() + 3);
  line["ts"] = format_timestamp(now_micros());
  line["level"] = level_name(level);
  line["msg"] = msg;
  for (auto& kv : fields)
    if (kv.key() != "ts" && kv.key() != "level" && kv.key() != "msg") line[kv.key()] = std::move(kv.value());
  std::string text = to_json_text(line);
  text.push_back('\n');
  // write(2) is atomic on pipes only up to PIPE_BUF bytes; the lock covers longer lines.
  static std::mutex mu;
  std::lock_guard lock(mu);
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr is gone; logging must never take the process down
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace roundhouse::host
