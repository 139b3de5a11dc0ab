#include "roundhouse/plugin/plugin_host.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <mutex>

#include <boost/json/serialize.hpp>

#include "roundhouse/plugin/build_id.hpp"

#ifndef ROUNDHOUSE_PLUGIN_SUBDIR
#define ROUNDHOUSE_PLUGIN_SUBDIR "lib/roundhouse/plugins"
#endif

namespace roundhouse {
namespace {

// Libraries are never unloaded (ARCHITECTURE.md rule 4): the handles are kept here for the life of
// the process, deliberately leaked so no static destructor closes them either.
std::vector<void*>& loaded_libraries() {
  static auto* libs = new std::vector<void*>();
  return *libs;
}
std::mutex& libraries_mutex() {
  static auto* mu = new std::mutex();
  return *mu;
}

constexpr std::size_t kMinDescriptorSize = offsetof(rh_plugin_descriptor, reserved);

}  // namespace

const char* host_build_id() noexcept { return ROUNDHOUSE_BUILD_ID; }

std::string_view to_string(PluginRecord::State s) {
  switch (s) {
    case PluginRecord::State::discovered: return "discovered";
    case PluginRecord::State::refused: return "refused";
    case PluginRecord::State::started: return "loaded";
    case PluginRecord::State::failed: return "failed";
    case PluginRecord::State::stopped: return "stopped";
  }
  return "?";
}

std::string_view plugin_kind_name(std::uint32_t kind) {
  switch (kind) {
    case RH_PLUGIN_STORAGE: return "storage";
    case RH_PLUGIN_DOMAIN: return "domain";
    case RH_PLUGIN_SYNC: return "sync";
    case RH_PLUGIN_ML: return "ml";
    case RH_PLUGIN_ANALYTICS: return "analytics";
    case RH_PLUGIN_COMPLIANCE: return "compliance";
    case RH_PLUGIN_SCRIPTING: return "scripting";
    default: return "other";
  }
}

struct PluginHost::Impl {
  Registry& registry;
  std::vector<PluginRecord> records;
  std::vector<const rh_plugin_descriptor*> descriptors;  // parallel to records (null when refused early)
  std::vector<std::size_t> start_order;
  std::map<std::string, std::string> configs;  // plugin name -> JSON text, alive while plugins run
  std::vector<std::string> errors;
  std::map<std::string, std::string> last_error;  // plugin name -> last reported message
  rh_host_api api_template{};

  explicit Impl(Registry& r) : registry(r) {}

  static void report(void* ctx, const char* plugin, const char* message) {
    auto* self = static_cast<Impl*>(ctx);
    const std::string name = plugin ? plugin : "?";
    const std::string msg = message ? message : "";
    self->errors.push_back(name + ": " + msg);
    self->last_error[name] = msg;
  }

  rh_host_api api_for(const std::string& name) {
    rh_host_api api{};
    api.struct_size = sizeof(rh_host_api);
    api.abi_major = ROUNDHOUSE_ABI_MAJOR;
    api.abi_minor = ROUNDHOUSE_ABI_MINOR;
    api.registry = &registry;
    api.host_context = this;
    api.report_error = &Impl::report;
    auto it = configs.try_emplace(name, "{}").first;
    api.config_json = it->second.c_str();
    return api;
  }

  // Applies the load rules; returns an empty string when the descriptor is acceptable.
  std::string check(const rh_plugin_descriptor* d) const {
    if (!d) return "entry point returned no descriptor";
    if (d->struct_size < kMinDescriptorSize)
      return "descriptor struct_size " + std::to_string(d->struct_size) + " is smaller than the minimum " +
             std::to_string(kMinDescriptorSize) + " (corrupt or pre-1.0 plugin)";
    if (d->abi_major != ROUNDHOUSE_ABI_MAJOR)
      return "ABI major " + std::to_string(d->abi_major) + " differs from host ABI major " +
             std::to_string(ROUNDHOUSE_ABI_MAJOR);
    if (d->abi_minor > ROUNDHOUSE_ABI_MINOR)
      return "ABI minor " + std::to_string(d->abi_minor) + " is newer than host ABI minor " +
             std::to_string(ROUNDHOUSE_ABI_MINOR);
    const std::string plugin_build = d->build_id ? d->build_id : "";
    if (plugin_build != host_build_id())
      return "build id differs: plugin '" + plugin_build + "', host '" + host_build_id() + "'";
    if (!d->name || !*d->name) return "descriptor has no name";
    if (!d->init) return "descriptor has no init function";
    for (const auto& r : records)
      if (r.state != PluginRecord::State::refused && r.name == d->name)
        return "a plugin named '" + r.name + "' is already loaded from " + r.path.string();
    return {};
  }

  const PluginRecord& add(const std::filesystem::path& path, const rh_plugin_descriptor* d, std::string refusal) {
    PluginRecord rec;
    rec.path = path;
    rec.name = path.stem().string();
    if (d && d->struct_size >= kMinDescriptorSize) {
      if (d->name && *d->name) rec.name = d->name;
      rec.version = d->version ? d->version : "";
      rec.kind = std::string(plugin_kind_name(d->kind));
      rec.description = d->description ? d->description : "";
      if (d->dependencies)
        for (auto dep = d->dependencies; *dep; ++dep) rec.dependencies.emplace_back(*dep);
    }
    if (refusal.empty()) refusal = check(d);
    if (!refusal.empty()) {
      rec.state = PluginRecord::State::refused;
      rec.reason = std::move(refusal);
      d = nullptr;
    }
    records.push_back(std::move(rec));
    descriptors.push_back(d);
    return records.back();
  }

  bool start_one(std::size_t i) {
    const rh_plugin_descriptor* d = descriptors[i];
    PluginRecord& rec = records[i];
    rh_host_api api = api_for(rec.name);
    last_error.erase(rec.name);
    const int rc = d->init(&api);
    if (rc == 0) {
      rec.state = PluginRecord::State::started;
      start_order.push_back(i);
      return true;
    }
    rec.state = PluginRecord::State::failed;
    auto it = last_error.find(rec.name);
    rec.reason = it != last_error.end() ? "start failed: " + it->second : "start returned " + std::to_string(rc);
    return false;
  }
};

PluginHost::PluginHost(Registry& registry) : impl_(std::make_unique<Impl>(registry)) {}
PluginHost::~PluginHost() { stop(); }

Status PluginHost::load_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return {ErrorCode::not_found, "plugin directory " + dir.string() + " does not exist"};
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec))
    if (it->path().extension() == ".so") files.push_back(it->path());
  if (ec) return {ErrorCode::io_error, "cannot list plugin directory " + dir.string() + ": " + ec.message()};
  std::sort(files.begin(), files.end());
  for (const auto& f : files) load_file(f);
  return {};
}

const PluginRecord& PluginHost::load_file(const std::filesystem::path& file) {
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* err = dlerror();
    return impl_->add(file, nullptr, std::string("cannot load library: ") + (err ? err : "unknown error"));
  }
  {
    std::lock_guard lock(libraries_mutex());
    loaded_libraries().push_back(handle);
  }
  dlerror();
  auto entry = reinterpret_cast<rh_plugin_entry_fn>(dlsym(handle, ROUNDHOUSE_PLUGIN_ENTRY_SYMBOL));
  if (!entry)
    return impl_->add(file, nullptr, "not a Roundhouse plugin: no " ROUNDHOUSE_PLUGIN_ENTRY_SYMBOL " symbol");
  return impl_->add(file, entry(), {});
}

const PluginRecord& PluginHost::add_builtin(const rh_plugin_descriptor* descriptor) {
  return impl_->add("<builtin>", descriptor, {});
}

void PluginHost::set_plugin_config(const std::string& name, boost::json::object config) {
  impl_->configs[name] = boost::json::serialize(config);
}

void PluginHost::start() {
  auto& recs = impl_->records;
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < recs.size(); ++i)
    if (recs[i].state == PluginRecord::State::discovered) pending.push_back(i);
  auto find = [&](const std::string& name) -> PluginRecord* {
    for (auto& r : recs)
      if (r.name == name && r.state != PluginRecord::State::refused) return &r;
    return nullptr;
  };
  bool progress = true;
  while (!pending.empty() && progress) {
    progress = false;
    for (auto it = pending.begin(); it != pending.end();) {
      PluginRecord& rec = recs[*it];
      std::string blocked_by;
      bool ready = true;
      for (const auto& dep : rec.dependencies) {
        PluginRecord* d = find(dep);
        if (!d) { blocked_by = "missing dependency '" + dep + "'"; break; }
        if (d->state == PluginRecord::State::failed) { blocked_by = "dependency '" + dep + "' failed to start"; break; }
        if (d->state != PluginRecord::State::started) ready = false;
      }
      if (!blocked_by.empty()) {
        rec.state = PluginRecord::State::failed;
        rec.reason = blocked_by;
      } else if (ready) {
        impl_->start_one(*it);
      } else {
        ++it;
        continue;
      }
      it = pending.erase(it);
      progress = true;
    }
  }
  for (auto i : pending) {
    recs[i].state = PluginRecord::State::failed;
    recs[i].reason = "dependency cycle involving '" + recs[i].name + "'";
  }
}

void PluginHost::stop() {
  auto& order = impl_->start_order;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    PluginRecord& rec = impl_->records[*it];
    if (rec.state != PluginRecord::State::started) continue;
    const rh_plugin_descriptor* d = impl_->descriptors[*it];
    if (d->shutdown) {
      rh_host_api api = impl_->api_for(rec.name);
      d->shutdown(&api);
    }
    rec.state = PluginRecord::State::stopped;
  }
  order.clear();
}

const std::vector<PluginRecord>& PluginHost::records() const { return impl_->records; }
std::vector<std::string> PluginHost::reported_errors() const { return impl_->errors; }

std::filesystem::path default_plugin_dir(const std::filesystem::path& exe) {
  return exe.parent_path().parent_path() / ROUNDHOUSE_PLUGIN_SUBDIR;
}

std::filesystem::path current_executable() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path{} : p;
}

}  // namespace roundhouse
