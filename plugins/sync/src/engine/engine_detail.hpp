#pragma once
// Small helpers shared by the engine's source files (not part of any interface).

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "roundhouse/core/status.hpp"
#include "roundhouse/core/time.hpp"
#include "roundhouse/events/event.hpp"

namespace roundhouse::sync::engine_detail {

inline const std::string kLogStreamId = "changes";       // of the tenant's "sync-log" stream
inline const std::string kAllocStreamId = "allocations";  // of the tenant's "sync-replica" stream
inline constexpr std::int64_t kMaxPushBytes = 8 << 20;
// Writes that lose a race with another host's write to the sync log: catch up and try again this often.
inline constexpr int kWriteAttempts = 5;

inline std::int64_t now_ms() { return now_micros() / 1000; }

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). The wire format
// does not check strings, and a key ends up in JSON answers and error messages.
inline bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

// "<aggregate type>/<id>/<field>", three non-empty segments, UTF-8.
inline Status check_key(const std::string& key) {
  if (!valid_utf8(key)) return {ErrorCode::invalid_argument, "a sync key is not valid UTF-8"};
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

// A refused operation's status and code, as the same refusal would have had as a direct request.
inline int http_status(ErrorCode c) {
  switch (c) {
    case ErrorCode::forbidden: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::schema_violation: return 422;
    case ErrorCode::invalid_argument: return 400;
    default: return 409;
  }
}
inline std::string code_name(ErrorCode c) {
  return c == ErrorCode::wrong_expected_version ? "conflict" : std::string(to_string(c));
}

// Test seam: ends the process at once (no cleanup, like a power cut) when the environment variable
// is "1", so end-to-end tests can stop a host at an exact point and check what the next start does.
inline void stop_here_for_tests(const char* variable) {
  if (const char* v = std::getenv(variable); v && v[0] == '1' && v[1] == '\0') std::_Exit(86);
}

}  // namespace roundhouse::sync::engine_detail
