#include "config.hpp"

#include <charconv>
#include <cstdlib>
#include <thread>

#include "roundhouse/schema/json_schema.hpp"
#include "roundhouse/storage/store_uri.hpp"
#include "schemas.hpp"

namespace roundhouse::host {
namespace json = boost::json;

namespace {

Error invalid(std::string message) { return Error{ErrorCode::invalid_argument, std::move(message)}; }

Status check_schema(const json::value& doc, const std::string& source) {
  auto violations = config_schema().validate(doc);
  if (violations.empty()) return {};
  const auto& v = violations.front();
  return invalid(source + ": " + (v.path.empty() ? std::string("(root)") : v.path) + ": " + v.message);
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Environment variables, each written into the configuration document at its place.
Status apply_env(json::object& doc, const EnvLookup& env) {
  auto put_string = [&](const char* var, std::initializer_list<const char*> path) {
    auto v = env(var);
    if (!v || v->empty()) return;
    json::object* o = &doc;
    const char* last = nullptr;
    for (const char* key : path) {
      if (last) {
        json::value& child = (*o)[last];
        if (!child.is_object()) child = json::object{};
        o = &child.get_object();
      }
      last = key;
    }
    (*o)[last] = *v;
  };
  put_string("ROUNDHOUSE_STORE", {"store"});
  put_string("ROUNDHOUSE_LISTEN", {"listen"});
  put_string("ROUNDHOUSE_PLUGIN_DIR", {"plugin_dir"});
  put_string("ROUNDHOUSE_DATA_DIR", {"data_dir"});
  put_string("ROUNDHOUSE_LOG_LEVEL", {"log", "level"});
  put_string("ROUNDHOUSE_JWT_SECRET", {"auth", "jwt_secret"});

  for (auto [var, key] : {std::pair{"ROUNDHOUSE_THREADS", "threads"},
                          std::pair{"ROUNDHOUSE_MAX_BODY_BYTES", "max_body_bytes"},
                          std::pair{"ROUNDHOUSE_SHUTDOWN_TIMEOUT_MS", "shutdown_timeout_ms"}}) {
    auto v = env(var);
    if (!v || v->empty()) continue;
    auto n = parse_int(*v);
    if (!n) return invalid(std::string(var) + ": '" + *v + "' is not an integer");
    doc[key] = *n;
  }
  if (auto v = env("ROUNDHOUSE_ACCESS_LOG"); v && !v->empty()) {
    const bool on = *v == "1" || *v == "true" || *v == "yes" || *v == "on";
    const bool off = *v == "0" || *v == "false" || *v == "no" || *v == "off";
    if (!on && !off) return invalid("ROUNDHOUSE_ACCESS_LOG: '" + *v + "' is not true/false");
    json::value& log = doc["log"];
    if (!log.is_object()) log = json::object{};
    log.get_object()["access"] = on;
  }
  // A fixed admin key (scripts, benchmarks): tenant "default", all roles.
  if (auto v = env("ROUNDHOUSE_ADMIN_KEY"); v && !v->empty()) {
    json::value& auth = doc["auth"];
    if (!auth.is_object()) auth = json::object{};
    json::value& keys = auth.get_object()["api_keys"];
    if (!keys.is_array()) keys = json::array{};
    keys.get_array().push_back(
        json::object{{"key", *v}, {"name", "admin"}, {"tenant", "default"}, {"roles", json::array{"admin"}}});
  }
  return {};
}

void apply_flags(json::object& doc, const ConfigFlags& flags) {
  if (flags.store) doc["store"] = *flags.store;
  if (flags.listen) doc["listen"] = *flags.listen;
  if (flags.plugin_dir) doc["plugin_dir"] = *flags.plugin_dir;
  if (flags.log_level) {
    json::value& log = doc["log"];
    if (!log.is_object()) log = json::object{};
    log.get_object()["level"] = *flags.log_level;
  }
}

std::string get_string(const json::object& o, const char* key, std::string fallback) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->get_string());
  return fallback;
}

// A sqlite: store keeps the host's files beside the database; anything else uses ./data.
std::filesystem::path default_data_dir(const std::string& store) {
  auto uri = StoreUri::parse(store);
  if (uri && uri->scheme == "sqlite" && !uri->rest.empty() && uri->rest.front() != ':') {
    auto parent = std::filesystem::path(uri->rest).parent_path();
    return parent.empty() ? std::filesystem::path(".") : parent;
  }
  return "data";
}

Result<Config> to_config(const json::object& doc) {
  Config c;
  if (auto* v = doc.if_contains("listen")) {
    auto listen = parse_listen(v->get_string());
    if (!listen) return invalid("listen: " + listen.error().message);
    c.listen = *listen;
  }
  c.store = get_string(doc, "store", c.store);
  if (auto* v = doc.if_contains("store_options")) c.store_options = v->get_object();
  if (auto* v = doc.if_contains("plugin_dir")) c.plugin_dir = std::string(v->get_string());
  if (auto* v = doc.if_contains("plugins")) c.plugins = v->get_object();
  c.data_dir = doc.contains("data_dir") ? std::filesystem::path(get_string(doc, "data_dir", ""))
                                        : default_data_dir(c.store);
  const std::int64_t threads = doc.contains("threads") ? doc.at("threads").to_number<std::int64_t>() : 0;
  c.threads = threads > 0 ? static_cast<unsigned>(threads) : std::max(1u, std::thread::hardware_concurrency());
  if (auto* v = doc.if_contains("max_body_bytes")) c.max_body_bytes = v->to_number<std::size_t>();
  if (auto* v = doc.if_contains("shutdown_timeout_ms"))
    c.shutdown_timeout = std::chrono::milliseconds(v->to_number<std::int64_t>());
  if (auto* log = doc.if_contains("log")) {
    const auto& lo = log->get_object();
    if (auto* lv = lo.if_contains("level")) parse_log_level(lv->get_string(), c.log_level);
    if (auto* ac = lo.if_contains("access")) c.access_log = ac->get_bool();
  }
  if (auto* auth = doc.if_contains("auth")) {
    const auto& ao = auth->get_object();
    c.jwt_secret = get_string(ao, "jwt_secret", "");
    if (auto* l = ao.if_contains("jwt_leeway_seconds")) c.jwt_leeway = std::chrono::seconds(l->to_number<std::int64_t>());
    if (auto* keys = ao.if_contains("api_keys")) {
      for (const auto& k : keys->get_array()) {
        const auto& ko = k.get_object();
        ApiKey key;
        key.key = get_string(ko, "key", "");
        key.tenant = get_string(ko, "tenant", "");
        key.name = get_string(ko, "name", "key-" + std::to_string(c.api_keys.size() + 1));
        for (const auto& r : ko.at("roles").get_array()) key.roles.emplace_back(r.get_string());
        c.api_keys.push_back(std::move(key));
      }
    }
  }
  return c;
}

}  // namespace

Result<ListenAddress> parse_listen(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    return invalid("'" + std::string(text) + "' is not HOST:PORT");
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return invalid("'" + std::string(text) + "' has a malformed [IPv6] host");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return invalid("'" + std::string(text) + "': write IPv6 hosts in brackets, e.g. [::1]:8080");
  }
  auto port = parse_int(text.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535) return invalid("'" + std::string(text) + "' has no valid port (0-65535)");
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(*port)};
}

EnvLookup process_env() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Result<Config> load_config(const ConfigFlags& flags, const EnvLookup& env) {
  json::object doc;
  std::optional<std::filesystem::path> file = flags.config_file;
  if (!file) {
    if (auto v = env("ROUNDHOUSE_CONFIG"); v && !v->empty()) file = *v;
  }
  if (file) {
    auto parsed = read_json_file(*file);
    if (!parsed) return invalid("config: " + parsed.error().message);
    if (auto st = check_schema(*parsed, "config " + file->string()); !st) return st.error();
    doc = parsed->get_object();
  }
  if (auto st = apply_env(doc, env); !st) return st.error();
  if (auto st = check_schema(doc, file ? "config " + file->string() + " with environment overrides"
                                       : std::string("environment overrides"));
      !st)
    return st.error();
  apply_flags(doc, flags);
  if (auto st = check_schema(doc, "command line"); !st) return st.error();
  return to_config(doc);
}

}  // namespace roundhouse::host
