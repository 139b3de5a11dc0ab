#include "import/row_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace roundhouse::fleet::import {

Error RowReader::error(const std::string& column, const std::string& problem) const {
  return Error{ErrorCode::invalid_argument, where() + ": " + column + ": " + problem};
}

std::optional<std::string> RowReader::text(const char* column) const {
  const auto c = table_.column(column);
  if (!c || row_.fields[*c].empty()) return std::nullopt;
  return row_.fields[*c];
}

Result<std::string> RowReader::required(const char* column) const {
  auto v = text(column);
  if (!v) return error(column, "is required");
  return *v;
}

Result<std::optional<Timestamp>> RowReader::time(const char* column) const {
  auto v = text(column);
  if (!v) return std::optional<Timestamp>{};
  auto t = parse_timestamp(*v);
  if (!t) return error(column, "'" + *v + "' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp");
  return std::optional<Timestamp>{*t};
}

Result<Timestamp> RowReader::required_time(const char* column) const {
  auto t = time(column);
  if (!t) return t.error();
  if (!*t) return error(column, "is required");
  return **t;
}

Result<std::optional<std::string>> RowReader::date(const char* column) const {
  auto v = text(column);
  if (!v) return std::optional<std::string>{};
  if (v->size() != 10 || !parse_timestamp(*v)) return error(column, "'" + *v + "' is not a date (YYYY-MM-DD)");
  return std::optional<std::string>{*v};
}

Result<std::optional<double>> RowReader::number(const char* column) const {
  auto v = text(column);
  if (!v) return std::optional<double>{};
  double out = 0;
  auto r = std::from_chars(v->data(), v->data() + v->size(), out);
  if (r.ec != std::errc{} || r.ptr != v->data() + v->size() || !std::isfinite(out))
    return error(column, "'" + *v + "' is not a number");
  return std::optional<double>{out};
}

Result<std::optional<std::int64_t>> RowReader::integer(const char* column) const {
  auto v = text(column);
  if (!v) return std::optional<std::int64_t>{};
  std::int64_t out = 0;
  auto r = std::from_chars(v->data(), v->data() + v->size(), out);
  if (r.ec != std::errc{} || r.ptr != v->data() + v->size()) return error(column, "'" + *v + "' is not a whole number");
  return std::optional<std::int64_t>{out};
}

Result<std::optional<bool>> RowReader::boolean(const char* column) const {
  auto v = text(column);
  if (!v) return std::optional<bool>{};
  std::string s = *v;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "true" || s == "yes" || s == "y" || s == "1") return std::optional<bool>{true};
  if (s == "false" || s == "no" || s == "n" || s == "0") return std::optional<bool>{false};
  return error(column, "'" + *v + "' is not true/false");
}

}  // namespace roundhouse::fleet::import
