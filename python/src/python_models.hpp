#pragma once
// Model types written in Python (roundhouse.models.model_type): each becomes an ml::ModelType in a
// Registry::models, so the ml plugin's training pipeline, model registry and routes treat it like a
// built-in type — in this process (roundhouse.ml.train) and in `roundhouse serve` through the
// scripting plugin, which hands its registry in as a capsule.
//
// The C++ type owns the pipeline's side: it extracts the features (without the GIL) at the row
// times the class asks for, and keeps the rows whose label is finite. Python is called for the row
// times, the labels, fit/save, load and predict, each under the GIL taken for that call only. The
// class is looked up by name at each call, so re-registering it in a notebook takes effect at once;
// kind and extractor are fixed when the type is installed.
//
// Errors: a roundhouse.Error raised by the class keeps its code (ValidationError: the request's bad
// parameters, 400 over HTTP); any other exception is the script's failure: internal, with the
// Python traceback in the message and on stderr. Nothing is stored by the pipeline then.

#include <pybind11/pybind11.h>

namespace roundhouse::py {
void bind_python_models(pybind11::module_& m);
}  // namespace roundhouse::py
