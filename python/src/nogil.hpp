#pragma once
// Runs a long SDK call without the GIL and turns its Result into a value or a roundhouse.Error.

#include <utility>

#include <pybind11/pybind11.h>

#include "errors.hpp"

namespace roundhouse::py {

template <class F>
auto nogil(F&& f) {
  decltype(f()) r = Error{};
  {
    pybind11::gil_scoped_release release;
    r = f();
  }
  return unwrap(std::move(r));
}

}  // namespace roundhouse::py
