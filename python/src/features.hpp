#pragma once
// Store.features(): an extractor's FeatureMatrix (roundhouse/ml/features.hpp) as a Features object
// whose numpy view shares the C++ buffer (buffer protocol; the array keeps the matrix alive), with
// the schema, entity ids and as-of times beside it. Extraction runs without the GIL.

#include <memory>

#include <pybind11/pybind11.h>

namespace roundhouse::py {
class PyStore;
void bind_features(pybind11::module_& m, pybind11::class_<PyStore, std::shared_ptr<PyStore>>& store);
}  // namespace roundhouse::py
