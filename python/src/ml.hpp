#pragma once
// roundhouse._native.ml: the ml plugin's numeric work from Python — gradient-boosted trees
// (roundhouse::ml_models, XGBoost through its C API) on numpy arrays, the evaluation metrics, and
// Weibull analysis of supplied life data through the plugin's own POST /api/v1/reliability/weibull
// handler (so a notebook and the HTTP API give the same numbers). Fits and predictions release the GIL.

#include <pybind11/pybind11.h>

namespace roundhouse::py {
void bind_ml(pybind11::module_& m);
}  // namespace roundhouse::py
