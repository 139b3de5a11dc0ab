#include "http/reliability_routes.hpp"

#include "http/json_input.hpp"
#include "reliability/failure_intervals.hpp"
#include "reliability/weibull_analysis.hpp"

namespace roundhouse::ml::http {
namespace {

Result<reliability::WeibullOptions> options_from(const boost::json::object& body) {
  reliability::WeibullOptions options;
  auto method = string_member(body, "method");
  if (!method) return method.error();
  if (*method) options.method = **method;
  auto confidence = number_member(body, "confidence");
  if (!confidence) return confidence.error();
  if (*confidence) options.confidence = **confidence;
  auto lives = numbers_member(body, "b_lives");
  if (!lives) return lives.error();
  if (!lives->empty()) options.b_lives = *lives;
  return options;
}

// Life data from the store: {"system", "vehicle_type"?, "depot"?, "until"?}.
Result<LifeData> store_life_data(const HttpRequest& req, const boost::json::object& body,
                                 boost::json::object& source) {
  reliability::FailureIntervalQuery q;
  q.tenant = req.principal.tenant;
  q.until = now_micros();
  auto system = string_member(body, "system");
  auto type = string_member(body, "vehicle_type");
  auto depot = string_member(body, "depot");
  auto until = string_member(body, "until");
  for (auto* r : {&system, &type, &depot, &until})
    if (!*r) return r->error();
  q.system = system->value_or("");
  if (q.system.empty()) return bad_input("'system' must name a system (brakes, doors, ...)");
  q.vehicle_type = type->value_or("");
  q.depot = depot->value_or("");
  if (*until) {
    auto t = parse_timestamp(**until);
    if (!t) return bad_input("until: '" + **until + "' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp");
    q.until = *t;
  }
  auto intervals = reliability::failure_intervals(*req.services->store, q);
  if (!intervals) return intervals.error();
  source = {{"system", q.system},
            {"vehicle_type", q.vehicle_type.empty() ? boost::json::value() : boost::json::value(q.vehicle_type)},
            {"depot", q.depot.empty() ? boost::json::value() : boost::json::value(q.depot)},
            {"until", format_timestamp(q.until)},
            {"unit", "days"},
            {"vehicles", intervals->vehicles},
            {"zero_intervals_skipped", intervals->zero_intervals}};
  if (intervals->data.failures.size() < 2)
    return Error{ErrorCode::rule_violation,
                 "too little data: " + std::to_string(intervals->data.failures.size()) + " '" + q.system +
                     "' failure interval(s) on " + std::to_string(intervals->vehicles) +
                     " matching vehicle(s); a Weibull fit needs at least 2"};
  return std::move(intervals->data);
}

Result<HttpResponse> fit_weibull(const HttpRequest& req) {
  auto body = body_object(req);
  if (!body) return body.error();
  const auto& o = **body;
  if (auto st = only_members(o, {"failures", "censored", "system", "vehicle_type", "depot", "until", "method",
                                 "confidence", "b_lives"});
      !st)
    return st.error();
  auto options = options_from(o);
  if (!options) return options.error();
  const bool from_store = o.contains("system");
  const bool supplied = o.contains("failures") || o.contains("censored");
  if (from_store == supplied)
    return bad_input("give either 'failures' (and 'censored') times or a 'system' to read from the store");

  LifeData data;
  boost::json::object source{{"unit", "as supplied"}};
  if (from_store) {
    auto d = store_life_data(req, o, source);
    if (!d) return d.error();
    data = std::move(*d);
  } else {
    auto failures = numbers_member(o, "failures");
    if (!failures) return failures.error();
    auto censored = numbers_member(o, "censored");
    if (!censored) return censored.error();
    data = {std::move(*failures), std::move(*censored)};
  }
  auto result = reliability::weibull_analysis(data, *options);
  if (!result) return result.error();
  (*result)["source"] = std::move(source);
  HttpResponse res;
  res.json = std::move(*result);
  return res;
}

}  // namespace

Status register_reliability_routes(Registry& registry, const std::string& provider) {
  return registry.add_route(provider, Route{"POST", "/api/v1/reliability/weibull", "reader",
                                            "fit a 2-parameter Weibull to supplied or fleet failure times",
                                            &fit_weibull});
}

}  // namespace roundhouse::ml::http
