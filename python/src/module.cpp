// roundhouse._native: the pybind11 module behind the `roundhouse` package. Each bind_* adds one
// area; the pure-Python package (roundhouse/__init__.py) is the documented surface.

#include <pybind11/pybind11.h>

#include "error_translation.hpp"
#include "errors.hpp"
#include "events.hpp"
#include "features.hpp"
#include "history.hpp"
#include "live_projection.hpp"
#include "ml.hpp"
#include "python_kpis.hpp"
#include "python_models.hpp"
#include "replay.hpp"
#include "roundhouse/plugin/plugin_host.hpp"
#include "roundhouse/version.hpp"
#include "store.hpp"
#include "subscribe.hpp"

namespace pyb = pybind11;
using namespace roundhouse;

PYBIND11_MODULE(_native, m) {
  m.doc() = "Native core of the roundhouse package (use `import roundhouse`).";
  pyb::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const py::NativeError& e) {
      py::set_python_error(e);
    } catch (const pyb::cast_error& e) {
      // An argument of the wrong type met inside a binding (e.g. tenant=5): bad input, not a bug.
      pyb::object cls = pyb::module_::import("roundhouse._errors").attr("ValidationError");
      PyErr_SetObject(cls.ptr(), cls(std::string("wrong argument type: ") + e.what()).ptr());
    }
  });
  py::bind_events(m);
  auto store = py::bind_store(m);
  py::bind_subscribe(m, store);
  py::bind_replay(m, store);
  py::bind_history(m, store);
  py::bind_features(m, store);
  py::bind_live_projection(m, store);
  py::bind_python_kpis(m);
  py::bind_python_models(m);
#ifdef ROUNDHOUSE_PYTHON_WITH_ML
  py::bind_ml(m);
#endif
  m.def("default_plugin_dir", [] { return py::resolve_plugin_dir("").string(); },
        "The plugin folder open() uses when none is given ($ROUNDHOUSE_PLUGIN_DIR, else the build or install tree's).");
  m.attr("build_id") = host_build_id();
  m.attr("__version__") = ROUNDHOUSE_VERSION_STRING;
}
