#pragma once
// Store.live_projection(name): one fresh instance of a built-in projection (e.g. "analytics", whose
// queries are the KPI engine) kept in this process and brought up to the store's head before each
// query, without the GIL. Nothing is written to the store (no engine, no checkpoints), so opening a
// host's SQLite file read-side from a notebook leaves the host's state alone.
//
// Thread-safety: query() and refresh() serialize on a mutex (Projection::apply must not overlap
// query()). When a KPI is added to Registry::kpis after the instance was made, the next call folds
// a new instance so the KPI is served (the analytics model reads the KPI list when it is created).

#include <memory>

#include <pybind11/pybind11.h>

namespace roundhouse::py {
class PyStore;
void bind_live_projection(pybind11::module_& m, pybind11::class_<PyStore, std::shared_ptr<PyStore>>& store);
}  // namespace roundhouse::py
