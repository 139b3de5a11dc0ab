#pragma once
// Raises the roundhouse.Error subclass (roundhouse/_errors.py) for a NativeError, inside an
// exception translator of a pybind11 module (_native and _sync share it).

#include <pybind11/pybind11.h>

#include <string>

#include "errors.hpp"

namespace roundhouse::py {

inline void set_python_error(const NativeError& e) {
  namespace pyb = pybind11;
  const std::string code(to_string(e.error().code));
  pyb::object cls = pyb::module_::import("roundhouse._errors").attr("error_class_for")(code);
  pyb::object exc = cls(e.error().message);
  exc.attr("code") = code;
  PyErr_SetObject(cls.ptr(), exc.ptr());
}

}  // namespace roundhouse::py
