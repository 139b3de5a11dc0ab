#pragma once
// HTTP routes contributed by plugins. The host owns the server, authentication, problem+json and
// metrics; a plugin registers Route values in Registry::routes and receives parsed requests.
//
// A handler returns an HttpResponse, or an Error which the host renders as RFC 9457 problem+json
// with the status that matches the ErrorCode (invalid_argument 400, not_found 404,
// wrong_expected_version 409, schema_violation 422, forbidden 403, ...).

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/events/event_store.hpp"

namespace roundhouse {

class ProjectionEngine;
class Registry;

// Who is calling, as established by the host's authentication.
struct Principal {
  std::string subject;             // API key name or JWT "sub"
  std::string tenant;
  std::vector<std::string> roles;  // "reader", "writer", "admin"
  std::string device;              // the field device a synced command came from (sync plugin), else empty
  bool has_role(const std::string& role) const {
    for (const auto& r : roles)
      if (r == role || r == "admin") return true;
    return false;
  }
};

// What a request handler may use. Owned by the host; valid for the duration of the call.
struct Services {
  std::shared_ptr<EventStore> store;
  ProjectionEngine* projections = nullptr;
  const Registry* registry = nullptr;
};

struct HttpRequest {
  std::string method;                               // "GET", "POST", ...
  std::string path;                                 // decoded path without the query
  std::map<std::string, std::string> path_params;   // from "{name}" segments of the pattern
  std::multimap<std::string, std::string> query;    // decoded query parameters
  std::multimap<std::string, std::string> headers;  // request headers, names in lower case
  std::string body;                                 // raw body
  boost::json::value json;                          // parsed body when it is JSON, else null
  Principal principal;                              // empty on an "open" route
  const Services* services = nullptr;

  // First value of a query parameter, or `fallback`.
  std::string query_param(const std::string& name, const std::string& fallback = "") const {
    auto it = query.find(name);
    return it == query.end() ? fallback : it->second;
  }
  // First value of a header (name in lower case, e.g. "if-none-match"), or `fallback`.
  std::string header(const std::string& lowercase_name, const std::string& fallback = "") const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? fallback : it->second;
  }
};

// A 204 or 304 response is sent without a body, whatever `json` or `body` hold.
struct HttpResponse {
  int status = 200;
  boost::json::value json;                 // sent as application/json unless `body` is set
  std::string body;                        // raw body (CSV export, ...)
  std::string content_type;                // for `body`; defaults to application/json
  std::map<std::string, std::string> headers;
};

using RouteHandler = std::function<Result<HttpResponse>(const HttpRequest&)>;

struct Route {
  std::string method;         // "GET", "POST", ...
  std::string pattern;        // "/api/v1/fleet/vehicles/{id}" — literal segments and {name} captures
  // "reader" (the default when empty), "writer", "admin", or "open": no authentication. The host
  // accepts "open" only for GET routes outside /api/ (pages and static files of a web UI), so a
  // plugin cannot publish data without credentials by mistake; other open routes are skipped.
  std::string required_role;
  std::string summary;        // one line for `roundhouse routes` and the OpenAPI check
  RouteHandler handler;
};

}  // namespace roundhouse
