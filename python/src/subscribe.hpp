#pragma once
// Store.subscribe(): live subscriptions as Python iterators or callbacks.

#include <memory>

#include <pybind11/pybind11.h>

namespace roundhouse::py {
class PyStore;
void bind_subscribe(pybind11::module_& m, pybind11::class_<PyStore, std::shared_ptr<PyStore>>& store);
}  // namespace roundhouse::py
