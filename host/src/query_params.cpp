#include "query_params.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace roundhouse::host {

namespace {

Error invalid(const Params& params, const char* name, const std::string& what, const std::string& got) {
  return Error{ErrorCode::invalid_argument, params.label(name) + " must be " + what + ", got '" + got + "'"};
}

template <class Int>
bool parse_int(const std::string& text, Int& out) {
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && r.ec == std::errc{} && r.ptr == text.data() + text.size();
}

}  // namespace

const std::string* Params::get(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

std::string Params::label(std::string_view name) const {
  if (!cli_) return "query parameter '" + std::string(name) + "'";
  std::string flag = "--" + std::string(name);
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

Status check_known_params(const Request& req, std::initializer_list<const char*> known) {
  return check_known_params(req, std::vector<const char*>(known));
}

Status check_known_params(const Request& req, const std::vector<const char*>& known) {
  for (const auto& [key, _] : req.query) {
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return {ErrorCode::invalid_argument,
              "unknown query parameter '" + key + "'" + (list.empty() ? "" : " (known: " + list + ")")};
    }
  }
  return {};
}

Result<std::uint64_t> uint_param(const Params& params, const char* name, std::uint64_t fallback, std::uint64_t min,
                                 std::uint64_t max) {
  const std::string* text = params.get(name);
  if (!text) return fallback;
  std::uint64_t v = 0;
  if (!parse_int(*text, v) || v < min || v > max)
    return invalid(params, name, "an integer from " + std::to_string(min) + " to " + std::to_string(max), *text);
  return v;
}

Result<std::uint64_t> uint_param(const Request& req, const char* name, std::uint64_t fallback, std::uint64_t min,
                                 std::uint64_t max) {
  return uint_param(Params::query(req.query), name, fallback, min, max);
}

Result<std::int64_t> int_param(const Params& params, const char* name, std::int64_t fallback, std::int64_t min,
                               std::int64_t max) {
  const std::string* text = params.get(name);
  if (!text) return fallback;
  std::int64_t v = 0;
  if (!parse_int(*text, v) || v < min || v > max)
    return invalid(params, name, "an integer from " + std::to_string(min) + " to " + std::to_string(max), *text);
  return v;
}

Result<bool> bool_param(const Params& params, const char* name, bool fallback) {
  const std::string* text = params.get(name);
  if (!text) return fallback;
  if (*text == "true" || *text == "1") return true;
  if (*text == "false" || *text == "0") return false;
  return invalid(params, name, "true or false", *text);
}

Result<std::string> required_param(const Params& params, const char* name) {
  const std::string* text = params.get(name);
  if (!text || text->empty()) return Error{ErrorCode::invalid_argument, params.label(name) + " is required"};
  return *text;
}

Result<std::optional<Timestamp>> timestamp_param(const Params& params, const char* name) {
  const std::string* text = params.get(name);
  if (!text) return std::optional<Timestamp>{};
  auto t = parse_timestamp(*text);
  if (!t) return invalid(params, name, "an ISO-8601 timestamp such as 2026-03-02T14:05:00Z or a date 2026-03-02", *text);
  return std::optional<Timestamp>{*t};
}

Result<std::string> choice_param(const Params& params, const char* name, std::initializer_list<const char*> choices) {
  const std::string* text = params.get(name);
  if (!text) return std::string(*choices.begin());
  if (std::any_of(choices.begin(), choices.end(), [&](const char* c) { return *text == c; })) return *text;
  std::string list;
  for (const char* c : choices) list += (list.empty() ? "" : " or ") + std::string(c);
  return invalid(params, name, list, *text);
}

std::vector<std::string> list_param(const Params& params, const char* name) {
  std::vector<std::string> out;
  auto [first, last] = params.values().equal_range(name);
  for (auto it = first; it != last; ++it) {
    std::size_t start = 0;
    const std::string& v = it->second;
    while (start <= v.size()) {
      std::size_t end = v.find(',', start);
      if (end == std::string::npos) end = v.size();
      if (end > start) out.push_back(v.substr(start, end - start));
      start = end + 1;
    }
  }
  return out;
}

std::vector<std::string> list_param(const Request& req, const char* name) {
  return list_param(Params::query(req.query), name);
}

}  // namespace roundhouse::host
