#include "router.hpp"

#include <algorithm>

namespace roundhouse::host {

Status Router::add(RouteSpec route) {
  if (route.pattern.empty() || route.pattern.front() != '/')
    return {ErrorCode::invalid_argument, "route pattern must start with '/': " + route.pattern};
  std::vector<Segment> segments;
  std::size_t start = 1;
  while (start <= route.pattern.size()) {
    std::size_t end = route.pattern.find('/', start);
    if (end == std::string::npos) end = route.pattern.size();
    std::string part = route.pattern.substr(start, end - start);
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}')
      segments.push_back({part.substr(1, part.size() - 2), true});
    else if (!part.empty())
      segments.push_back({part, false});
    start = end + 1;
  }
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method != route.method || compiled_[i].size() != segments.size()) continue;
    bool same = true;
    for (std::size_t k = 0; k < segments.size() && same; ++k)
      same = segments[k].capture == compiled_[i][k].capture &&
             (segments[k].capture || segments[k].text == compiled_[i][k].text);
    if (same)
      return {ErrorCode::invalid_argument, route.method + " " + route.pattern + " clashes with " +
                                               routes_[i].method + " " + routes_[i].pattern + " from " +
                                               routes_[i].provider};
  }
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(segments));
  return {};
}

RouteMatch Router::match(const std::string& method, const std::vector<std::string>& segments) const {
  RouteMatch out;
  // Literal segments beat captures: "/events/stats" wins over "/events/{id}" whatever the order.
  int best_literals = -1;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& pattern = compiled_[i];
    if (pattern.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    int literals = 0;
    bool ok = true;
    for (std::size_t k = 0; k < pattern.size() && ok; ++k) {
      if (pattern[k].capture) {
        ok = !segments[k].empty();
        params[pattern[k].text] = segments[k];
      } else {
        ok = pattern[k].text == segments[k];
        ++literals;
      }
    }
    if (!ok) continue;
    const bool head_as_get = method == "HEAD" && routes_[i].method == "GET";
    if (routes_[i].method == method || head_as_get) {
      if (literals > best_literals) {
        best_literals = literals;
        out.route = &routes_[i];
        out.params = std::move(params);
      }
    } else if (std::find(out.allowed.begin(), out.allowed.end(), routes_[i].method) == out.allowed.end()) {
      out.allowed.push_back(routes_[i].method);
    }
  }
  return out;
}

}  // namespace roundhouse::host
