#pragma once
// Store: one open event store plus the plugin runtime it came from — what rh.open() returns.
// Thread-safety: like EventStore, every method may be called from any Python thread; long calls
// release the GIL.

#include <memory>
#include <string>

#include <pybind11/pybind11.h>

#include "runtime.hpp"

namespace roundhouse::py {

class PyStore {
 public:
  PyStore(const std::string& uri, const std::string& plugin_dir, std::string tenant, std::string actor, bool create);
  // A store a host already opened (the scripting plugin hands its own in): no runtime of ours.
  PyStore(std::shared_ptr<EventStore> store, const Registry* registry, std::string tenant, std::string actor);
  ~PyStore();

  const std::shared_ptr<EventStore>& store() const;  // NotFound-free: raises when closed
  const Registry& registry() const { return *registry_; }
  const std::shared_ptr<Runtime>& runtime() const { return runtime_; }
  const std::string& tenant() const { return tenant_; }
  const std::string& actor() const { return actor_; }
  const std::string& uri() const { return uri_; }
  void close();
  // Forgets an adopted store (it reads as closed from then on): for a Store handed to a Python hook
  // only for the duration of one call. No-op for a store this process opened.
  void detach() {
    if (!runtime_) store_.reset();
  }
  bool closed() const { return !store_; }

 private:
  std::shared_ptr<Runtime> runtime_;  // null for an adopted store
  const Registry* registry_ = nullptr;
  std::shared_ptr<EventStore> store_;
  std::string uri_, tenant_, actor_;
};

// Runs the plugin route matching METHOD path in-process (no server) for `principal`; (status, JSON
// body). `store` may be null for routes that need none (analysis of supplied data).
pybind11::tuple call_plugin_route(const Registry& registry, std::shared_ptr<EventStore> store, Principal principal,
                                  const std::string& method, const std::string& path, const pybind11::object& body,
                                  const pybind11::object& query);

pybind11::class_<PyStore, std::shared_ptr<PyStore>> bind_store(pybind11::module_& m);

}  // namespace roundhouse::py
