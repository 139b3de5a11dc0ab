#include "convert.hpp"

#include <limits>

#include "errors.hpp"

namespace roundhouse::py {
namespace pyb = pybind11;

namespace {
pyb::module_& convert_module() {
  static auto* m = new pyb::module_(pyb::module_::import("roundhouse._convert"));
  return *m;
}
bool is_int(const pyb::handle& obj) { return pyb::isinstance<pyb::int_>(obj) && !pyb::isinstance<pyb::bool_>(obj); }
}  // namespace

StreamId to_stream(const pyb::handle& obj) {
  StreamId s;
  if (pyb::isinstance<pyb::str>(obj)) {
    auto text = obj.cast<std::string>();
    auto slash = text.find('/');
    if (slash == std::string::npos)
      raise(ErrorCode::invalid_argument, "stream '" + text + "' must be \"type/id\" or a (type, id) tuple");
    s.type = text.substr(0, slash);
    s.id = text.substr(slash + 1);
  } else if (pyb::isinstance<pyb::tuple>(obj) && pyb::len(obj) == 2 && pyb::isinstance<pyb::str>(obj[pyb::int_(0)]) &&
             pyb::isinstance<pyb::str>(obj[pyb::int_(1)])) {
    s.type = obj[pyb::int_(0)].cast<std::string>();
    s.id = obj[pyb::int_(1)].cast<std::string>();
  } else {
    raise(ErrorCode::invalid_argument, "stream must be \"type/id\" or a (type, id) tuple of str, not " +
                                           std::string(pyb::str(obj.get_type().attr("__name__"))));
  }
  if (s.type.empty() || s.id.empty()) raise(ErrorCode::invalid_argument, "stream type and id must not be empty");
  return s;
}

std::optional<Timestamp> to_timestamp(const pyb::handle& obj, const char* what) {
  if (obj.is_none()) return std::nullopt;
  if (is_int(obj)) return obj.cast<Timestamp>();
  if (pyb::isinstance<pyb::str>(obj)) {
    auto t = parse_timestamp(obj.cast<std::string>());
    if (!t)
      raise(ErrorCode::invalid_argument, std::string(what) + ": '" + obj.cast<std::string>() +
                                             "' is not an RFC 3339 time or YYYY-MM-DD date");
    return t;
  }
  pyb::object micros = convert_module().attr("to_micros")(obj);
  if (micros.is_none())
    raise(ErrorCode::invalid_argument, std::string(what) + ": expected a datetime, date, str or int, not " +
                                           std::string(pyb::str(obj.get_type().attr("__name__"))));
  return micros.cast<Timestamp>();
}

pyb::object to_datetime(Timestamp micros) { return convert_module().attr("from_micros")(micros); }

ExpectedVersion to_expected(const pyb::handle& obj) {
  if (obj.is_none()) return ExpectedVersion::any();
  if (is_int(obj)) {
    auto v = obj.cast<long long>();
    if (v < 0) raise(ErrorCode::invalid_argument, "expected_version must be >= 0, \"any\", \"no_stream\" or \"stream_exists\"");
    return ExpectedVersion::exact(static_cast<Version>(v));
  }
  if (pyb::isinstance<pyb::str>(obj)) {
    auto s = obj.cast<std::string>();
    if (s == "any") return ExpectedVersion::any();
    if (s == "no_stream") return ExpectedVersion::no_stream();
    if (s == "stream_exists") return ExpectedVersion::stream_exists();
  }
  raise(ErrorCode::invalid_argument, "expected_version must be an int >= 0, \"any\", \"no_stream\" or \"stream_exists\", not " +
                                         std::string(pyb::repr(obj)));
}

std::vector<std::string> to_strings(const pyb::handle& obj, const char* what) {
  std::vector<std::string> out;
  if (obj.is_none()) return out;
  if (pyb::isinstance<pyb::str>(obj)) return {obj.cast<std::string>()};
  try {
    for (auto item : pyb::iter(obj)) {
      if (!pyb::isinstance<pyb::str>(item)) throw pyb::type_error();
      out.push_back(item.cast<std::string>());
    }
  } catch (pyb::error_already_set&) {
    raise(ErrorCode::invalid_argument, std::string(what) + " must be a str or an iterable of str");
  } catch (pyb::type_error&) {
    raise(ErrorCode::invalid_argument, std::string(what) + " must be a str or an iterable of str");
  }
  return out;
}

std::size_t to_count(const pyb::handle& obj, const char* what) {
  if (obj.is_none()) return std::numeric_limits<std::size_t>::max();
  if (!is_int(obj) || obj.cast<long long>() < 0) raise(ErrorCode::invalid_argument, std::string(what) + " must be an int >= 0 or None");
  return obj.cast<std::size_t>();
}

}  // namespace roundhouse::py
