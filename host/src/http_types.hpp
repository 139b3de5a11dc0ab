#pragma once
// The host's own request/response values, independent of Beast so handlers stay small and
// testable. A Reply must be called exactly once, from any thread; the server takes the response
// back to the connection's strand.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "roundhouse/http/route.hpp"

namespace roundhouse::host {

class StreamBody;

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, `body` is ignored and the body is streamed from here (stream_body.hpp).
  std::shared_ptr<StreamBody> stream;

  static Response json(int status, const boost::json::value& value);
};

struct Request {
  std::string method;
  std::string target;  // as received: path + query
  std::string path;    // decoded path
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> path_params;  // from the matched route's {name} segments
  std::string body;
  std::string content_type;
  std::string authorization;  // the Authorization header
  std::multimap<std::string, std::string> headers;  // every header, names in lower case
  std::string request_id;     // X-Request-Id from the client, or generated
  std::string route;          // the matched route pattern ("" until routed)
  Principal principal;        // set once authenticated (empty for open routes)

  // First value of a query parameter, or nullptr.
  const std::string* query_param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
  }
  // First value of a header (name in lower case), or nullptr.
  const std::string* header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

using Reply = std::function<void(Response)>;
// A handler answers through `reply`, at once or later (e.g. from a store callback). The Request is
// valid only during the call: an asynchronous handler moves out what it still needs.
using Handler = std::function<void(Request&, Reply)>;

}  // namespace roundhouse::host
