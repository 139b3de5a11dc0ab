#include "runtime.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <map>
#include <mutex>

#include "errors.hpp"

namespace roundhouse::py {
namespace fs = std::filesystem;

namespace {
fs::path this_module() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&this_module), &info) == 0 || !info.dli_fname) return {};
  std::error_code ec;
  auto p = fs::canonical(info.dli_fname, ec);
  return ec ? fs::path(info.dli_fname) : p;
}
}  // namespace

fs::path resolve_plugin_dir(const std::string& explicit_dir) {
  if (!explicit_dir.empty()) return explicit_dir;
  if (const char* env = std::getenv("ROUNDHOUSE_PLUGIN_DIR"); env && *env) return env;
  // Build tree: <build>/python/roundhouse/_native.so beside <build>/lib/roundhouse/plugins; install
  // tree: <prefix>/lib/python3.X/dist-packages/roundhouse/_native.so and <prefix>/lib/roundhouse/plugins.
  const fs::path package = this_module().parent_path();
  const fs::path build_tree = package.parent_path().parent_path() / ROUNDHOUSE_PLUGIN_SUBDIR;
  std::error_code ec;
  if (fs::is_directory(build_tree, ec)) return build_tree;
  return (package / ROUNDHOUSE_INSTALLED_PLUGINS).lexically_normal();
}

std::shared_ptr<Runtime> runtime_for(const fs::path& dir) {
  static std::mutex mu;
  // Never destroyed: plugin code and the stores it made must outlive every Python object at exit.
  static auto* runtimes = new std::map<fs::path, std::shared_ptr<Runtime>>();
  std::lock_guard lock(mu);
  std::error_code ec;
  fs::path key = fs::weakly_canonical(dir, ec);
  if (ec) key = dir;
  auto& rt = (*runtimes)[key];
  if (rt) return rt;
  auto fresh = std::make_shared<Runtime>();
  fresh->plugin_dir = key;
  if (auto st = fresh->host.load_directory(key); !st)
    raise(ErrorCode::incompatible, "plugin folder " + key.string() + ": " + st.message());
  fresh->host.start();
  rt = fresh;
  return rt;
}

Registry& writable_registry(const pybind11::object& registry, const std::string& plugin_dir) {
  if (registry.is_none()) return runtime_for(resolve_plugin_dir(plugin_dir))->registry;
  auto capsule = registry.cast<pybind11::capsule>();
  if (std::string(capsule.name()) != "roundhouse.Registry.writable")
    raise(ErrorCode::invalid_argument, "registry must be the scripting plugin's registry capsule");
  return *capsule.get_pointer<Registry>();
}

}  // namespace roundhouse::py
