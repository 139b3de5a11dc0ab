#pragma once
// Route table: "METHOD /literal/{capture}/..." patterns matched segment by segment against the
// decoded path. A path that matches a pattern under another method yields the allowed methods
// (405 + Allow) instead of a 404.
//
// Built once at start-up, then only read: match() is thread-safe once add() calls are done.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http_types.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::host {

struct RouteSpec {
  std::string method;   // "GET", "POST", ...
  std::string pattern;  // "/api/v1/events/{type}/{id}"
  std::string role;     // required role; "" = open (no authentication)
  std::string summary;  // one line, for `roundhouse routes` and the OpenAPI check
  std::string provider; // "host" or the plugin that registered it
  Handler handler;
};

struct RouteMatch {
  const RouteSpec* route = nullptr;          // null: no route for this method
  std::map<std::string, std::string> params; // captured {name} segments
  std::vector<std::string> allowed;          // methods whose pattern matches the path (for 405)
};

class Router {
 public:
  // invalid_argument when the method+pattern is taken or the pattern is malformed.
  Status add(RouteSpec route);
  RouteMatch match(const std::string& method, const std::vector<std::string>& segments) const;
  const std::vector<RouteSpec>& routes() const { return routes_; }

 private:
  struct Segment {
    std::string text;
    bool capture = false;
  };
  std::vector<RouteSpec> routes_;
  std::vector<std::vector<Segment>> compiled_;  // parallel to routes_
};

}  // namespace roundhouse::host
