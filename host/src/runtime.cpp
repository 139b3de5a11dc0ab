#include "runtime.hpp"

#include "log.hpp"
#include "roundhouse/storage/store_uri.hpp"

namespace roundhouse::host {
namespace fs = std::filesystem;

std::filesystem::path resolve_plugin_dir(const Config& config) {
  return config.plugin_dir.empty() ? default_plugin_dir(current_executable()) : config.plugin_dir;
}

std::string redacted_store_uri(const std::string& uri) {
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

Runtime::Runtime() : host_(registry_) {}

Runtime::~Runtime() { shutdown(); }

Status Runtime::load_plugins(const Config& config) {
  plugin_dir_ = resolve_plugin_dir(config);
  for (const auto& [name, cfg] : config.plugins) host_.set_plugin_config(std::string(name), cfg.as_object());
  if (auto st = host_.load_directory(plugin_dir_); !st)
    return {st.code(), "plugin folder " + plugin_dir_.string() + ": " + st.message()};
  host_.start();
  for (const auto& p : host_.records()) {
    boost::json::object f{{"plugin", p.name}, {"version", p.version}, {"kind", p.kind},
                          {"state", to_string(p.state)}, {"file", p.path.string()}};
    if (p.state == PluginRecord::State::started) {
      Log::info("plugin loaded", std::move(f));
    } else {
      f["reason"] = p.reason;
      Log::warn(p.state == PluginRecord::State::refused ? "plugin refused" : "plugin failed", std::move(f));
    }
  }
  for (const auto& e : host_.reported_errors()) Log::warn("plugin reported an error", {{"error", e}});
  return {};
}

Result<std::shared_ptr<EventStore>> Runtime::open_store(const Config& config) {
  // Zero setup for the embedded default: the folder of a sqlite: file is created on first use.
  if (auto uri = StoreUri::parse(config.store); uri && uri->scheme == "sqlite" && !uri->rest.empty() &&
                                                 uri->rest.front() != ':') {
    const fs::path parent = fs::path(uri->rest).parent_path();
    std::error_code ec;
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec) return Error{ErrorCode::io_error, "cannot create " + parent.string() + ": " + ec.message()};
  }
  StoreOptions options;
  options.config = config.store_options;
  auto store = registry_.open_store(config.store, options);
  if (!store) return Error{store.error().code, "cannot open store " + redacted_store_uri(config.store) + ": " + store.error().message};
  store_ = *store;
  return store;
}

void Runtime::shutdown() {
  if (store_) {
    store_->close();
    store_.reset();
  }
  host_.stop();
}

}  // namespace roundhouse::host
