#include "http/json_input.hpp"

#include <charconv>
#include <cmath>

namespace roundhouse::ml::http {
namespace {

std::optional<double> as_number(const boost::json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return std::nullopt;
}

Result<std::vector<double>> numbers_of(const boost::json::value& v, const std::string& what) {
  if (!v.is_array()) return bad_input("'" + what + "' must be an array of numbers");
  std::vector<double> out;
  out.reserve(v.as_array().size());
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    auto x = as_number(v.as_array()[i]);
    if (!x) return bad_input("'" + what + "'[" + std::to_string(i) + "] is not a number");
    out.push_back(*x);
  }
  return out;
}

}  // namespace

Error bad_input(const std::string& message) { return {ErrorCode::invalid_argument, message}; }

Result<Timestamp> time_param(const std::string& name, const std::string& text) {
  if (text == "now") return now_micros();
  auto t = parse_timestamp(text);
  if (!t) return bad_input(name + ": '" + text + "' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp");
  return *t;
}

Result<const boost::json::object*> body_object(const HttpRequest& req) {
  if (!req.json.is_object()) return bad_input("the request body must be a JSON object");
  return &req.json.as_object();
}

Status only_members(const boost::json::object& o, const std::vector<std::string>& known) {
  for (const auto& member : o) {
    bool ok = false;
    for (const auto& k : known) ok = ok || member.key() == k;
    if (ok) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    return bad_input("unknown member '" + std::string(member.key()) + "' (" + list + ")");
  }
  return {};
}

Result<std::optional<double>> number_member(const boost::json::object& o, const std::string& key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<double>{};
  auto x = as_number(it->value());
  if (!x) return bad_input("'" + key + "' must be a number");
  return std::optional<double>{*x};
}

Result<std::optional<std::string>> string_member(const boost::json::object& o, const std::string& key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<std::string>{};
  if (!it->value().is_string()) return bad_input("'" + key + "' must be a string");
  return std::optional<std::string>{std::string(it->value().as_string())};
}

Result<std::vector<double>> numbers_member(const boost::json::object& o, const std::string& key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::vector<double>{};
  return numbers_of(it->value(), key);
}

Result<std::vector<std::vector<double>>> rows_member(const boost::json::object& o, const std::string& key) {
  std::vector<std::vector<double>> rows;
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return rows;
  if (!it->value().is_array()) return bad_input("'" + key + "' must be an array of rows (arrays of numbers)");
  for (std::size_t i = 0; i < it->value().as_array().size(); ++i) {
    auto row = numbers_of(it->value().as_array()[i], key + "[" + std::to_string(i) + "]");
    if (!row) return row.error();
    if (!rows.empty() && row->size() != rows.front().size())
      return bad_input("'" + key + "'[" + std::to_string(i) + "] has " + std::to_string(row->size()) +
                       " values, row 0 has " + std::to_string(rows.front().size()));
    rows.push_back(std::move(*row));
  }
  return rows;
}

Result<double> number_query(const HttpRequest& req, const std::string& key, double fallback) {
  auto it = req.query.find(key);
  if (it == req.query.end()) return fallback;
  const std::string& text = it->second;
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v))
    return bad_input(key + ": '" + text + "' is not a number");
  return v;
}

boost::json::value number_or_null(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

}  // namespace roundhouse::ml::http
