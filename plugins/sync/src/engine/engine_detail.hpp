#pragma once
// Small helpers shared by the engine's source files (not part of any interface).

#include <cstdint>
#include <string>
#include <string_view>

#include "roundhouse/core/status.hpp"
#include "roundhouse/core/time.hpp"
#include "roundhouse/events/event.hpp"

namespace roundhouse::sync::engine_detail {

inline const StreamId kLogStream{"sync-log", "changes"};
inline constexpr std::int64_t kMaxPushBytes = 8 << 20;

inline std::int64_t now_ms() { return now_micros() / 1000; }

// "<aggregate type>/<id>/<field>", three non-empty segments.
inline Status check_key(const std::string& key) {
  auto a = key.find('/');
  auto b = a == std::string::npos ? a : key.find('/', a + 1);
  if (a == 0 || a == std::string::npos || b == a + 1 || b == std::string::npos || b + 1 == key.size() ||
      key.find('/', b + 1) != std::string::npos)
    return {ErrorCode::invalid_argument, "sync key '" + key + "' is not <aggregate type>/<id>/<field>"};
  return {};
}

inline std::string hex(std::string_view s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}


}  // namespace roundhouse::sync::engine_detail
