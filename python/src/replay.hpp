#pragma once
// Store.replay(): folds the log into a Python projection (handle(event) per event, or
// handle_batch(batch) with numpy columns) or into a fresh instance of a built-in projection.
// The store is read on a separate thread without the GIL while Python handles the previous batch.

#include <memory>

#include <pybind11/pybind11.h>

namespace roundhouse::py {
class PyStore;
void bind_replay(pybind11::module_& m, pybind11::class_<PyStore, std::shared_ptr<PyStore>>& store);
}  // namespace roundhouse::py
