#pragma once
// Host configuration: defaults < config file (validated against schemas/config.schema.json)
// < environment (ROUNDHOUSE_*) < command-line flags. The result is a plain value; nothing here
// touches the network or the store.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "log.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::host {

struct ApiKey {
  std::string key;
  std::string name;  // subject; defaults to "key-<n>"
  std::string tenant;
  std::vector<std::string> roles;
};

struct ListenAddress {
  std::string host;  // without IPv6 brackets
  std::uint16_t port = 0;
};

// "HOST:PORT" or "[IPV6]:PORT"; port 0 asks the OS for a free one.
Result<ListenAddress> parse_listen(std::string_view text);

struct Config {
  ListenAddress listen{"127.0.0.1", 8080};
  std::string store = "sqlite:./data/roundhouse.db";
  boost::json::object store_options;
  std::filesystem::path plugin_dir;  // empty: default_plugin_dir(current_executable())
  boost::json::object plugins;       // per-plugin configuration, keyed by plugin name
  std::filesystem::path data_dir;    // never empty after load_config
  unsigned threads = 1;              // resolved: never 0 after load_config
  std::size_t max_body_bytes = 1 << 20;
  std::chrono::milliseconds shutdown_timeout{10000};
  LogLevel log_level = LogLevel::info;
  bool access_log = true;
  std::string jwt_secret;  // empty: JWTs are not accepted
  std::chrono::seconds jwt_leeway{30};
  std::vector<ApiKey> api_keys;
};

// Values given on the command line; unset members were not given.
struct ConfigFlags {
  std::optional<std::filesystem::path> config_file;
  std::optional<std::string> store;
  std::optional<std::string> listen;
  std::optional<std::string> plugin_dir;
  std::optional<std::string> log_level;
};

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
EnvLookup process_env();

// Merges every source. Errors are one line naming the source and the JSON path, e.g.
// "config /etc/rh.json: /auth/api_keys/0/roles/0: ...". The flags must already be well formed
// (the CLI checks them with parse_listen / parse_log_level so it can exit with a usage error).
Result<Config> load_config(const ConfigFlags& flags, const EnvLookup& env = process_env());

}  // namespace roundhouse::host
