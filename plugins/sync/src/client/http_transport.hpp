#pragma once
// A minimal blocking HTTP/1.1 client (Boost.Beast) for the device side: JSON bodies (or another
// media type the caller names), bearer authentication. Transport failures are `unavailable` errors
// (retryable). The transport's timeout bounds connecting and every wait for the server while a
// request is written or its reply read (it restarts whenever data moves): a server that stops
// answering fails the request, and its connection is dropped, instead of blocking a sync.
// (Name resolution is not bounded: give the server as an address where DNS may hang.)
//
// Keep-alive: after a reply the server lets stay open, the connection is kept for the next request
// of this transport or its copies (a sync's pull goes out on its push's connection). A kept
// connection the server has closed meanwhile is noticed before it is used, and a request whose kept
// connection fails before any reply byte came back is sent again on a new one when its method is
// idempotent (GET, HEAD, PUT, DELETE); other failures are reported as they are. Thread-safe: a
// request takes the kept connection for itself or opens its own.

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "roundhouse/core/status.hpp"

namespace roundhouse::sync::client {

struct HttpReply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// What a request sends beside its method and target.
struct HttpBody {
  std::string bytes;                            // empty: no body
  std::string content_type = "application/json";
  std::string accept;                           // the Accept header, when not empty
};

// base_url: "http://host:port" (no TLS here; put a TLS proxy in front for the field).
class HttpTransport {
 public:
  static Result<HttpTransport> create(const std::string& base_url, std::string api_key,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(30));
  Result<HttpReply> request(const std::string& method, const std::string& target, const std::string& json_body = {}) const;
  Result<HttpReply> request(const std::string& method, const std::string& target, const HttpBody& body) const;

  struct Connection;  // http_transport.cpp
  struct Pool;
  class InFlight;
  // The same request in two steps: start() sends it and returns at once, InFlight::finish() reads
  // the reply (meanwhile the server works on it: a sync sends its pull before it records its push's
  // reply). A request that cannot be sent fails here, one whose reply cannot be read in finish().
  Result<InFlight> start(const std::string& method, const std::string& target, const HttpBody& body = {}) const;

 private:
  std::string host_, port_, api_key_;
  std::chrono::milliseconds timeout_{};
  std::shared_ptr<Pool> pool_;  // the kept connection, shared by copies
};

// A sent request whose reply has not been read. Move-only; dropping it closes its connection.
class HttpTransport::InFlight {
 public:
  InFlight(InFlight&&) noexcept;
  InFlight& operator=(InFlight&&) noexcept;
  ~InFlight();
  // Reads the reply (once). The connection goes back to the transport when the server keeps it.
  Result<HttpReply> finish();

 private:
  friend class HttpTransport;
  struct State;
  explicit InFlight(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace roundhouse::sync::client
