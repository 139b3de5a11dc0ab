#pragma once
// Time travel and audit queries on Store (roundhouse/history/*.hpp): state_at, compare, history,
// fleet_at, audit_trail, audit_anomalies. Answers are plain dicts/lists (the same JSON the HTTP
// API returns); times are accepted in every form to_timestamp() knows.

#include <memory>

#include <pybind11/pybind11.h>

namespace roundhouse::py {
class PyStore;
void bind_history(pybind11::module_& m, pybind11::class_<PyStore, std::shared_ptr<PyStore>>& store);
}  // namespace roundhouse::py
