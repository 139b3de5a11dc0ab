#include "dispatcher.hpp"

#include <boost/url/parse.hpp>

#include "log.hpp"
#include "problem.hpp"

namespace roundhouse::host {

namespace {
// Milliseconds with microsecond resolution: enough for an access log, and short to read.
double round_ms(double seconds) { return static_cast<double>(static_cast<std::int64_t>(seconds * 1e6)) / 1000.0; }
}  // namespace

bool parse_target(const std::string& target, std::string& path, std::vector<std::string>& segments,
                  std::multimap<std::string, std::string>& query) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return false;
  path = url->path();
  for (auto seg : url->segments()) segments.push_back(seg);
  if (!segments.empty() && segments.back().empty()) segments.pop_back();  // "/health/" == "/health"
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;  // HTML forms and most clients encode spaces in queries as '+'
  for (auto p : url->params(opts))
    if (!p.key.empty() || p.has_value) query.emplace(p.key, p.value);  // "/x?" and "/x?a=1&" add nothing
  return true;
}

Dispatcher::Dispatcher(Router router, std::shared_ptr<const Authenticator> auth, std::shared_ptr<Metrics> metrics,
                       bool access_log)
    : router_(std::move(router)), auth_(std::move(auth)), metrics_(std::move(metrics)), access_log_(access_log) {}

void Dispatcher::record(const std::string& method, const std::string& target, int status, Clock::time_point start,
                        const std::string& request_id) {
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  metrics_->observe_request(method, "unmatched", status, seconds);
  if (access_log_ && Log::enabled(LogLevel::info))
    Log::info("request", {{"method", method}, {"path", target.substr(0, target.find('?'))}, {"route", "unmatched"},
                          {"status", status}, {"duration_ms", round_ms(seconds)}, {"request_id", request_id}});
}

namespace {

// What the reply wrapper needs once the handler answers (possibly on another thread).
struct Exchange {
  Dispatcher::Clock::time_point start;
  std::string method, path, route, request_id, tenant, subject;
  Reply send;
  std::shared_ptr<Metrics> metrics;
  bool access_log = false;
  std::atomic<bool> replied{false};
};

}  // namespace

void Dispatcher::dispatch(Request request, Reply send) {
  auto ex = std::make_shared<Exchange>();
  ex->start = Clock::now();
  ex->method = request.method;
  ex->request_id = request.request_id;
  ex->send = std::move(send);
  ex->metrics = metrics_;
  ex->access_log = access_log_;
  ex->route = "unmatched";
  metrics_->request_started();

  Reply reply = [ex](Response response) {
    if (ex->replied.exchange(true)) return;  // a handler answered twice: keep the first answer
    const double seconds = std::chrono::duration<double>(Dispatcher::Clock::now() - ex->start).count();
    ex->metrics->request_finished();
    ex->metrics->observe_request(ex->method, ex->route, response.status, seconds);
    if (ex->access_log && Log::enabled(LogLevel::info)) {
      boost::json::object f{{"method", ex->method}, {"path", ex->path},      {"route", ex->route},
                            {"status", response.status}, {"duration_ms", round_ms(seconds)},
                            {"request_id", ex->request_id}};
      if (!ex->tenant.empty()) f["tenant"] = ex->tenant;
      if (!ex->subject.empty()) f["subject"] = ex->subject;
      Log::info("request", std::move(f));
    }
    response.headers.emplace_back("X-Request-Id", ex->request_id);
    ex->send(std::move(response));
  };

  std::vector<std::string> segments;
  if (!parse_target(request.target, request.path, segments, request.query)) {
    ex->path = request.target.substr(0, request.target.find('?'));
    return reply(problem(400, codes::bad_request, "the request target is not a valid origin-form URL", ex->path));
  }
  ex->path = request.path;

  RouteMatch match = router_.match(request.method, segments);
  if (!match.route) {
    if (!match.allowed.empty()) {
      std::string allow;
      for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
      Response r = problem(405, codes::method_not_allowed,
                           request.method + " is not supported here; allowed: " + allow, request.path);
      r.headers.emplace_back("Allow", allow);
      return reply(std::move(r));
    }
    return reply(problem(404, codes::route_not_found, "no route for " + request.method + " " + request.path,
                         request.path));
  }
  const RouteSpec& route = *match.route;
  ex->route = route.pattern;
  request.route = route.pattern;
  request.path_params = std::move(match.params);

  if (!route.role.empty()) {
    auto principal = auth_->authenticate(request.authorization);
    if (!principal) {
      Response r = problem(principal.error(), request.path);
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"roundhouse\"");
      return reply(std::move(r));
    }
    request.principal = std::move(principal).value();
    ex->tenant = request.principal.tenant;
    ex->subject = request.principal.subject;
    if (!request.principal.has_role(route.role))
      return reply(problem(403, to_string(ErrorCode::forbidden),
                           "this route needs the '" + route.role + "' role", request.path));
  }

  try {
    route.handler(request, reply);
  } catch (const std::exception& e) {
    Log::error("handler threw", {{"route", route.pattern}, {"error", e.what()}, {"request_id", ex->request_id}});
    reply(problem(500, to_string(ErrorCode::internal), "internal error", request.path));
  }
}

}  // namespace roundhouse::host
