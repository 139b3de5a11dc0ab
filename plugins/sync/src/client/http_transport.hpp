#pragma once
// A minimal blocking HTTP/1.1 client (Boost.Beast) for the device side: one request per connection,
// JSON bodies, bearer authentication. Transport failures are `unavailable` errors (retryable).

#include <chrono>
#include <string>

#include "roundhouse/core/status.hpp"

namespace roundhouse::sync::client {

struct HttpReply {
  int status = 0;
  std::string body;
};

// base_url: "http://host:port" (no TLS here; put a TLS proxy in front for the field).
class HttpTransport {
 public:
  static Result<HttpTransport> create(const std::string& base_url, std::string api_key,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(30));
  Result<HttpReply> request(const std::string& method, const std::string& target, const std::string& json_body = {}) const;

 private:
  std::string host_, port_, api_key_;
  std::chrono::milliseconds timeout_{};
};

}  // namespace roundhouse::sync::client
