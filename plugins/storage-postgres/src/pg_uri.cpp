#include "pg_uri.hpp"

#include "roundhouse/core/fnv1a.hpp"

#include <cctype>
#include <set>
#include <utility>
#include <stdexcept>

namespace roundhouse::postgres {
namespace {

// Stable across builds, platforms and processes, so every host derives the same advisory lock key
// for the same log. The offset basis lacks the standard one's last digit, as it has since the
// first version: hosts of different versions on one log must still take the same lock.
constexpr std::uint64_t kLockKeyBasis = 1469598103934665603ULL;
std::int64_t lock_key(const std::string& text) { return static_cast<std::int64_t>(fnv1a_64(text, kLockKeyBasis)); }

// Defaults for libpq parameters the URI does not set. An unreachable server fails the open after
// 10 s instead of hanging. TCP keepalives (libpq's default follows the kernel: first probe after
// two hours) notice within about a minute that a server or the network in between is gone, so an
// idle host's LISTEN connection and its pooled connections report it and reconnect instead of
// waiting on a dead socket; tcp_user_timeout bounds how long sent data may stay unacknowledged.
constexpr std::pair<const char*, const char*> kConnectionDefaults[] = {
    {"connect_timeout", "10"},   {"keepalives", "1"},      {"keepalives_idle", "30"},
    {"keepalives_interval", "10"}, {"keepalives_count", "3"}, {"tcp_user_timeout", "60000"},
};

bool valid_identifier(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

}  // namespace

std::string redact_password(const std::string& uri) {
  const auto scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return uri;
  const auto authority = scheme_end + 3;
  const auto end = uri.find_first_of("/?", authority);
  const auto at = uri.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at == std::string::npos || at < authority) return uri;
  const auto colon = uri.find(':', authority);
  if (colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, colon + 1) + "***" + uri.substr(at);
}

Result<PgUri> parse_pg_uri(const StoreUri& uri) {
  PgUri out;
  out.redacted = redact_password(uri.text);
  const std::string& where = out.redacted;
  if (uri.rest.rfind("//", 0) != 0)
    return Error{ErrorCode::invalid_argument,
                 "postgresql: store URI '" + where + "' must look like postgresql://user@host:port/database"};
  std::string query;
  std::set<std::string> given;  // libpq parameters the URI sets itself
  for (const auto& [key, value] : uri.params) {
    if (key == "schema") {
      if (!valid_identifier(value))
        return Error{ErrorCode::invalid_argument, "postgresql: schema must be a plain identifier "
                                                  "([A-Za-z_][A-Za-z0-9_]*, at most 63 characters), not '" +
                                                      value + "'"};
      out.schema = value;
    } else if (key == "readers") {
      std::size_t n = 0;
      try {
        std::size_t used = 0;
        n = std::stoul(value, &used);
        if (used != value.size()) throw std::invalid_argument(value);
      } catch (...) {
        return Error{ErrorCode::invalid_argument, "postgresql: readers must be a number, not '" + value + "'"};
      }
      if (n < 1 || n > 64) return Error{ErrorCode::invalid_argument, "postgresql: readers must be 1..64"};
      out.readers = n;
    } else {
      given.insert(key);
      query += (query.empty() ? "" : "&") + key + (value.empty() ? "" : "=" + value);
    }
  }
  for (const auto& [key, value] : kConnectionDefaults)
    if (!given.contains(key)) query += std::string(query.empty() ? "" : "&") + key + "=" + value;
  // libpq only knows the postgresql:// and postgres:// prefixes; both schemes map to the first.
  out.conninfo = "postgresql:" + uri.rest + "?" + query;
  out.log_lock_key = lock_key("roundhouse.log:" + out.schema);
  out.migration_lock_key = lock_key("roundhouse.migrate:" + out.schema);
  return out;
}

}  // namespace roundhouse::postgres
