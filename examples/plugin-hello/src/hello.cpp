// hello-plugin: the smallest useful Roundhouse plugin, built out of tree against the installed SDK.
//
// It registers the storage scheme "hello": opening "hello:<uri>" opens <uri> through whatever
// storage plugin handles it and logs a greeting; plain "hello:" opens a fresh "memory:" store.
// That shows the three things every plugin does: declare itself (ROUNDHOUSE_PLUGIN), declare its
// dependencies (so the host starts storage-memory first), and register into the typed registry.
#include <iostream>
#include <memory>
#include <string>

#include <roundhouse/plugin/plugin.hpp>

namespace {

// The host starts storage-memory before us because we list it here.
constexpr const char* kDependencies[] = {"storage-memory", nullptr};

roundhouse::Status start(roundhouse::PluginContext& ctx) {
  // Configuration comes from the host's config file: {"plugins": {"hello-plugin": {"greeting": ...}}}
  const auto config = ctx.config();
  std::string greeting = "hello from the roundhouse";
  if (const auto* g = config.if_contains("greeting"); g && g->is_string()) greeting = g->get_string().c_str();

  // The registry lives for the whole process, so the factory may keep a pointer to it.
  roundhouse::Registry* registry = &ctx.registry();
  return registry->storage.add(
      "hello", ctx.plugin_name(),
      [registry, greeting](const roundhouse::StoreUri& uri, const roundhouse::StoreOptions& options)
          -> roundhouse::Result<std::shared_ptr<roundhouse::EventStore>> {
        const std::string inner = uri.rest.empty() ? "memory:" : uri.rest;
        if (inner.rfind("hello:", 0) == 0)
          return roundhouse::Error{roundhouse::ErrorCode::invalid_argument, "hello: cannot wrap itself"};
        std::clog << "hello-plugin: " << greeting << " (opening " << inner << ")\n";
        return registry->open_store(inner, options);
      });
}

void stop(roundhouse::PluginContext&) {
  // Nothing to release: stores handed out keep working, the library is never unloaded.
}

}  // namespace

ROUNDHOUSE_PLUGIN({.name = "hello-plugin",
                   .version = "1.0.0",
                   .kind = RH_PLUGIN_STORAGE,
                   .description = "Example: storage scheme hello: that greets and wraps another store",
                   .dependencies = kDependencies,
                   .start = &start,
                   .stop = &stop})
