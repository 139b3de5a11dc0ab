#include "features/request.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "roundhouse/core/json_text.hpp"

namespace roundhouse::ml::features {

Timestamp RowSpec::max_occurred() const {
  if (rows == RowTimes::given) return as_of.back();
  return std::numeric_limits<Timestamp>::max();
}

Timestamp RowSpec::max_recorded() const {
  if (known_at) return *known_at;
  return max_occurred();
}

Result<RowSpec> row_spec(const FeatureRequest& request) {
  RowSpec spec;
  spec.rows = request.rows;
  spec.known_at = request.known_at;
  if (request.rows == RowTimes::given) {
    if (request.as_of.empty())
      return Error{ErrorCode::invalid_argument, "no as-of time: give at least one (or ask for rows at each event)"};
    spec.as_of = request.as_of;
    std::sort(spec.as_of.begin(), spec.as_of.end());
    spec.as_of.erase(std::unique(spec.as_of.begin(), spec.as_of.end()), spec.as_of.end());
  }
  for (const auto& id : request.entity_ids)
    if (id.empty()) return Error{ErrorCode::invalid_argument, "entity id must not be empty"};
  spec.entity_ids = request.entity_ids;
  std::sort(spec.entity_ids.begin(), spec.entity_ids.end());
  spec.entity_ids.erase(std::unique(spec.entity_ids.begin(), spec.entity_ids.end()), spec.entity_ids.end());
  return spec;
}

Error ParameterReader::bad(const std::string& key, const std::string& what) const {
  return {ErrorCode::invalid_argument, extractor_ + " " + noun_ + ": parameter '" + key + "' " + what};
}

const boost::json::value* ParameterReader::raw(const std::string& key) {
  read_.insert(key);
  return params_.if_contains(key);
}

Result<std::int64_t> ParameterReader::integer(const std::string& key, std::int64_t fallback, std::int64_t min) {
  read_.insert(key);
  const auto* v = params_.if_contains(key);
  if (!v) return fallback;
  std::int64_t n = 0;
  if (v->is_int64()) n = v->get_int64();
  else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    n = static_cast<std::int64_t>(v->get_uint64());
  else if (v->is_double() && std::floor(v->get_double()) == v->get_double() && std::abs(v->get_double()) < 9e15)
    n = static_cast<std::int64_t>(v->get_double());
  else return bad(key, "must be a whole number, got " + to_json_text(*v));
  if (n < min) return bad(key, "must be >= " + std::to_string(min) + ", got " + std::to_string(n));
  return n;
}

Result<double> ParameterReader::number(const std::string& key, double fallback, double min) {
  read_.insert(key);
  const auto* v = params_.if_contains(key);
  if (!v) return fallback;
  if (!v->is_number()) return bad(key, "must be a number, got " + to_json_text(*v));
  const double d = v->to_number<double>();
  if (!std::isfinite(d) || d < min) return bad(key, "must be >= " + to_json_text(min) + ", got " + to_json_text(*v));
  return d;
}

Result<std::optional<std::vector<std::string>>> ParameterReader::strings(const std::string& key) {
  read_.insert(key);
  const auto* v = params_.if_contains(key);
  if (!v) return std::optional<std::vector<std::string>>{};
  if (!v->is_array() || v->get_array().empty()) return bad(key, "must be a non-empty list of names");
  std::vector<std::string> out;
  for (const auto& e : v->get_array()) {
    if (!e.is_string() || e.get_string().empty()) return bad(key, "must list non-empty names, got " + to_json_text(e));
    std::string s(e.get_string());
    if (std::find(out.begin(), out.end(), s) != out.end()) return bad(key, "names '" + s + "' twice");
    out.push_back(std::move(s));
  }
  return std::optional<std::vector<std::string>>{std::move(out)};
}

Result<std::vector<std::int64_t>> ParameterReader::integers(const std::string& key, std::vector<std::int64_t> fallback,
                                                            std::int64_t min) {
  read_.insert(key);
  const auto* v = params_.if_contains(key);
  if (!v) return fallback;
  if (!v->is_array() || v->get_array().empty()) return bad(key, "must be a non-empty list of whole numbers");
  std::vector<std::int64_t> out;
  for (const auto& e : v->get_array()) {
    if (!e.is_int64() && !e.is_uint64()) return bad(key, "must list whole numbers, got " + to_json_text(e));
    const std::int64_t n = e.to_number<std::int64_t>();
    if (n < min) return bad(key, "must list numbers >= " + std::to_string(min) + ", got " + std::to_string(n));
    if (std::find(out.begin(), out.end(), n) != out.end()) return bad(key, "lists " + std::to_string(n) + " twice");
    out.push_back(n);
  }
  return out;
}

Status ParameterReader::finish() const {
  for (const auto& [key, _] : params_)
    if (!read_.count(std::string(key))) {
      std::string known;
      for (const auto& k : read_) known += (known.empty() ? "" : ", ") + k;
      return {ErrorCode::invalid_argument, extractor_ + " " + noun_ + ": unknown parameter '" + std::string(key) +
                                               "' (parameters: " + (known.empty() ? "none" : known) + ")"};
    }
  return {};
}

}  // namespace roundhouse::ml::features
