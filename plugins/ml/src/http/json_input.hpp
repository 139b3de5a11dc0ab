#pragma once
// Reading the members of a JSON request body with errors that name the member, shared by the ml
// routes. Every function returns invalid_argument ("'confidence' must be a number") on a bad value
// and the fallback when the member is absent or null.

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "roundhouse/http/route.hpp"

namespace roundhouse::ml::http {

Error bad_input(const std::string& message);

// The body as a JSON object, or invalid_argument.
Result<const boost::json::object*> body_object(const HttpRequest& req);
// Refuses a member not in `known` ("unknown member 'x' (failures, censored, ...)").
Status only_members(const boost::json::object& o, const std::vector<std::string>& known);

Result<std::optional<double>> number_member(const boost::json::object& o, const std::string& key);
Result<std::optional<std::string>> string_member(const boost::json::object& o, const std::string& key);
Result<std::vector<double>> numbers_member(const boost::json::object& o, const std::string& key);
// An array of equally long arrays of numbers (rows x columns).
Result<std::vector<std::vector<double>>> rows_member(const boost::json::object& o, const std::string& key);

// A query parameter as a number, or the fallback when absent.
Result<double> number_query(const HttpRequest& req, const std::string& key, double fallback);

// A time given as "now", a date (YYYY-MM-DD) or an RFC 3339 timestamp; invalid_argument names `name`.
Result<Timestamp> time_param(const std::string& name, const std::string& text);

// Non-finite results (NaN, infinity) as JSON null.
boost::json::value number_or_null(double v);

}  // namespace roundhouse::ml::http
