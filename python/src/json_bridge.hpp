#pragma once
// JSON between Python objects and Boost.JSON. Goes through Python's own json module (C-accelerated)
// so Python's number, bool and None rules apply exactly; a value json cannot encode (a datetime, a
// set) is a ValidationError naming the type.

#include <string_view>

#include <boost/json/value.hpp>
#include <pybind11/pybind11.h>

namespace roundhouse::py {

pybind11::object json_text_to_py(std::string_view text);
pybind11::object json_to_py(const boost::json::value& value);
boost::json::value py_to_json(const pybind11::handle& obj, std::string_view what);

}  // namespace roundhouse::py
