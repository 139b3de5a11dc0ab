#include "value_json.hpp"

#include <cmath>

namespace roundhouse::sync {

boost::json::value to_json(const Value& v) {
  switch (v.index()) {
    case 0: return nullptr;
    case 1: return std::get<bool>(v);
    case 2: return std::get<std::int64_t>(v);
    case 3: return std::get<double>(v);
    default: return boost::json::string(std::get<std::string>(v));
  }
}

Result<Value> value_from_json(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return Value{};
    case boost::json::kind::bool_: return Value{v.get_bool()};
    case boost::json::kind::int64: return Value{v.get_int64()};
    case boost::json::kind::uint64:
      if (v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX))
        return Error{ErrorCode::invalid_argument, "integer out of range"};
      return Value{static_cast<std::int64_t>(v.get_uint64())};
    case boost::json::kind::double_:
      if (!std::isfinite(v.get_double())) return Error{ErrorCode::invalid_argument, "number must be finite"};
      return Value{v.get_double()};
    case boost::json::kind::string: return Value{std::string(v.get_string())};
    default: return Error{ErrorCode::invalid_argument, "a field value must be null, a boolean, a number or a string"};
  }
}

}  // namespace roundhouse::sync
