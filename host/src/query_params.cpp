#include "query_params.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace roundhouse::host {

Status check_known_params(const Request& req, std::initializer_list<const char*> known) {
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

Result<std::uint64_t> uint_param(const Request& req, const char* name, std::uint64_t fallback, std::uint64_t min,
                                 std::uint64_t max) {
  const std::string* text = req.query_param(name);
  if (!text) return fallback;
  std::uint64_t v = 0;
  auto r = std::from_chars(text->data(), text->data() + text->size(), v);
  if (text->empty() || r.ec != std::errc{} || r.ptr != text->data() + text->size() || v < min || v > max)
    return Error{ErrorCode::invalid_argument, std::string("query parameter '") + name + "' must be an integer from " +
                                                  std::to_string(min) + " to " + std::to_string(max) + ", got '" +
                                                  *text + "'"};
  return v;
}

std::vector<std::string> list_param(const Request& req, const char* name) {
  std::vector<std::string> out;
  auto [first, last] = req.query.equal_range(name);
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

}  // namespace roundhouse::host
