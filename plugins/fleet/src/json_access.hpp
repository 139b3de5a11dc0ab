#pragma once
// Small typed accessors over Boost.JSON objects for the fleet domain. Payloads are validated
// against their JSON Schemas before they are stored, so missing fields fall back to defaults
// instead of failing a replay.

#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace roundhouse::fleet {

inline std::string str(const boost::json::object& o, const char* key, std::string fallback = "") {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : fallback;
}

inline double num(const boost::json::object& o, const char* key, double fallback = 0) {
  const auto* v = o.if_contains(key);
  if (!v) return fallback;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return fallback;
}

inline std::int64_t integer(const boost::json::object& o, const char* key, std::int64_t fallback = 0) {
  const auto* v = o.if_contains(key);
  if (!v) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  return fallback;
}

inline bool boolean(const boost::json::object& o, const char* key, bool fallback = false) {
  const auto* v = o.if_contains(key);
  return v && v->is_bool() ? v->get_bool() : fallback;
}

}  // namespace roundhouse::fleet
