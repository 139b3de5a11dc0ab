#include "json_bridge.hpp"

#include <boost/json/parse.hpp>

#include "errors.hpp"
#include "roundhouse/core/json_text.hpp"

namespace roundhouse::py {
namespace pyb = pybind11;

namespace {
pyb::module_& json_module() {
  static pyb::module_* m = new pyb::module_(pyb::module_::import("json"));  // lives as long as the interpreter
  return *m;
}
}  // namespace

pyb::object json_text_to_py(std::string_view text) {
  return json_module().attr("loads")(pyb::str(text.data(), text.size()));
}

pyb::object json_to_py(const boost::json::value& value) { return json_text_to_py(to_json_text(value)); }

boost::json::value py_to_json(const pyb::handle& obj, std::string_view what) {
  std::string text;
  try {
    text = json_module().attr("dumps")(obj, pyb::arg("allow_nan") = false).cast<std::string>();
  } catch (pyb::error_already_set& e) {
    raise(ErrorCode::invalid_argument, std::string(what) + " is not JSON: " + e.what());
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec) raise(ErrorCode::invalid_argument, std::string(what) + " is not JSON: " + ec.message());
  return v;
}

}  // namespace roundhouse::py
