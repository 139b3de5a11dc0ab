#pragma once
// The per-request pipeline between the socket and the handlers:
//   parse target -> route (404/405) -> authenticate (401) -> role check (403) -> handler
// and, on the way out, metrics + one access-log line. Every error is problem+json.
//
// Thread-safe: dispatch() runs concurrently on every I/O thread; the router and authenticator are
// read-only after start-up.

#include <chrono>
#include <memory>
#include <string>

#include "auth.hpp"
#include "http_types.hpp"
#include "metrics.hpp"
#include "router.hpp"

namespace roundhouse::host {

class Dispatcher {
 public:
  using Clock = std::chrono::steady_clock;

  Dispatcher(Router router, std::shared_ptr<const Authenticator> auth, std::shared_ptr<Metrics> metrics,
             bool access_log);

  // `request` has method, target, body and headers filled in; `send` gets the final response
  // exactly once (possibly later, from another thread).
  void dispatch(Request request, Reply send);

  // Accounts for a response the server produced itself before dispatch (413, unparsable request).
  void record(const std::string& method, const std::string& target, int status, Clock::time_point start,
              const std::string& request_id);

  const Router& router() const { return router_; }
  Metrics& metrics() { return *metrics_; }

 private:
  Router router_;
  std::shared_ptr<const Authenticator> auth_;
  std::shared_ptr<Metrics> metrics_;
  bool access_log_;
};

// Splits a request target into decoded path segments and query parameters; false when malformed.
bool parse_target(const std::string& target, std::string& path, std::vector<std::string>& segments,
                  std::multimap<std::string, std::string>& query);

}  // namespace roundhouse::host
