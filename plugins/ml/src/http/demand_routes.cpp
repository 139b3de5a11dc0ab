#include "http/demand_routes.hpp"

#include <cmath>

#include "features/payload_scan.hpp"
#include "http/json_input.hpp"
#include "numeric/demand_forecast.hpp"

namespace roundhouse::ml::http {
namespace {

constexpr Timestamp kDay = 86400LL * 1000000LL;

struct DemandQuery {
  std::string method = "sba";  // sba | croston | holt_winters
  std::string period = "week";
  Timestamp period_length = 7 * kDay;
  std::size_t horizon = 8;
  std::size_t season = 52;
  double alpha = 0.1, beta = 0.1, gamma = 0.1;
  Timestamp as_of = 0;
};

Result<std::size_t> count_query(const HttpRequest& req, const std::string& key, std::size_t fallback,
                                std::size_t lo, std::size_t hi) {
  auto v = number_query(req, key, static_cast<double>(fallback));
  if (!v) return v.error();
  if (*v != std::floor(*v) || *v < static_cast<double>(lo) || *v > static_cast<double>(hi))
    return bad_input(key + ": must be a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return static_cast<std::size_t>(*v);
}

Result<DemandQuery> query_from(const HttpRequest& req) {
  for (const auto& [key, value] : req.query)
    if (key != "method" && key != "period" && key != "horizon" && key != "season" && key != "alpha" &&
        key != "beta" && key != "gamma" && key != "as_of")
      return bad_input("unknown query parameter '" + key +
                       "' (method, period, horizon, season, alpha, beta, gamma, as_of)");
  DemandQuery q;
  q.method = req.query_param("method", "sba");
  if (q.method != "sba" && q.method != "croston" && q.method != "holt_winters")
    return bad_input("method: 'sba', 'croston' or 'holt_winters', got '" + q.method + "'");
  q.period = req.query_param("period", "week");
  if (q.period == "day") q.period_length = kDay, q.season = 7;
  else if (q.period == "week") q.period_length = 7 * kDay, q.season = 52;
  else if (q.period == "month") q.period_length = 30 * kDay, q.season = 12;
  else return bad_input("period: 'day', 'week' or 'month', got '" + q.period + "'");
  auto horizon = count_query(req, "horizon", 8, 1, 520);
  if (!horizon) return horizon.error();
  q.horizon = *horizon;
  auto season = count_query(req, "season", q.season, 2, 520);
  if (!season) return season.error();
  q.season = *season;
  const double alpha_default = q.method == "holt_winters" ? 0.5 : 0.1;
  for (auto [key, target, fallback] : {std::tuple{"alpha", &q.alpha, alpha_default},
                                       std::tuple{"beta", &q.beta, 0.1}, std::tuple{"gamma", &q.gamma, 0.1}}) {
    auto v = number_query(req, key, fallback);
    if (!v) return v.error();
    if (!(*v > 0 && *v < 1)) return bad_input(std::string(key) + ": must be in (0, 1)");
    *target = *v;
  }
  q.as_of = now_micros();
  if (auto text = req.query_param("as_of"); !text.empty()) {
    auto t = parse_timestamp(text);
    if (!t) return bad_input("as_of: '" + text + "' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp");
    q.as_of = *t;
  }
  return q;
}

// Units issued per period, from the part's first event to as_of. Period k (0-based) covers
// (end_k - P, end_k] with end_k = as_of - (n-1-k) P, so the last period ends at as_of.
struct History {
  std::vector<double> quantity;
  std::size_t issues = 0;
};

Result<History> issue_history(const HttpRequest& req, const std::string& part, const DemandQuery& q) {
  ReadStreamOptions options;
  options.tenant = req.principal.tenant;
  auto events = req.services->store->read_stream(StreamId{"part", part}, options);
  if (!events) {
    if (events.error().code == ErrorCode::not_found) return Error{ErrorCode::not_found, "unknown part '" + part + "'"};
    return events.error();
  }
  if (events->empty()) return Error{ErrorCode::not_found, "unknown part '" + part + "'"};
  Timestamp first = events->front().occurred_at;
  for (const auto& e : *events) first = std::min(first, e.occurred_at);
  History h;
  if (first > q.as_of) return h;
  const auto n = static_cast<std::size_t>((q.as_of - first) / q.period_length) + 1;
  h.quantity.assign(n, 0.0);
  for (const auto& e : *events) {
    if (e.type != "StockIssued" || e.occurred_at > q.as_of) continue;
    const auto back = static_cast<std::size_t>((q.as_of - e.occurred_at) / q.period_length);
    if (back >= n) continue;
    features::scan_object(e.payload, [&](std::string_view key, const features::JsonValueView& v) {
      if (key != "quantity") return true;
      if (auto x = v.number()) h.quantity[n - 1 - back] += *x, ++h.issues;
      return false;
    });
  }
  return h;
}

boost::json::array periods_json(Timestamp first_end, Timestamp length, const std::vector<double>& values) {
  boost::json::array out;
  for (std::size_t k = 0; k < values.size(); ++k) {
    const Timestamp end = first_end + static_cast<Timestamp>(k) * length;
    out.push_back(boost::json::object{{"start", format_timestamp(end - length)},
                                      {"end", format_timestamp(end)},
                                      {"quantity", number_or_null(values[k])}});
  }
  return out;
}

Result<HttpResponse> predict_demand(const HttpRequest& req) {
  const std::string& part = req.path_params.at("part_id");
  auto q = query_from(req);
  if (!q) return q.error();
  auto history = issue_history(req, part, *q);
  if (!history) return history.error();
  if (history->issues == 0)
    return Error{ErrorCode::rule_violation, "part '" + part + "' has no demand history: no StockIssued up to " +
                                                format_timestamp(q->as_of) + ", nothing to forecast"};
  const auto& y = history->quantity;
  boost::json::object out{{"part_id", part}, {"method", q->method}, {"period", q->period},
                          {"period_days", static_cast<double>(q->period_length / kDay)},
                          {"as_of", format_timestamp(q->as_of)}, {"horizon", q->horizon},
                          {"alpha", q->alpha}, {"issues", history->issues}};
  std::vector<double> forecast;
  if (q->method == "holt_winters") {
    HoltWintersParams p{q->season, q->alpha, q->beta, q->gamma};
    auto hw = holt_winters_additive(y, p, q->horizon);
    if (!hw)
      return Error{ErrorCode::rule_violation, "too little history for Holt-Winters: " + std::to_string(y.size()) +
                                                  " " + q->period + "s, needs two seasons of " +
                                                  std::to_string(q->season) + " (" + hw.error().message + ")"};
    forecast = hw->forecast;
    out["beta"] = q->beta;
    out["gamma"] = q->gamma;
    out["season"] = q->season;
    out["level"] = hw->level;
    out["trend"] = hw->trend;
  } else {
    auto c = croston_forecast(y, q->alpha, q->method == "sba" ? CrostonVariant::sba : CrostonVariant::croston);
    if (!c) return c.error();
    forecast.assign(q->horizon, c->rate);
    out["demand_size"] = c->demand_size;
    out["interval"] = c->interval;
    out["rate_per_period"] = c->rate;
  }
  double total = 0;
  for (double f : forecast) total += f;
  const Timestamp first_end = q->as_of - static_cast<Timestamp>(y.size() - 1) * q->period_length;
  out["forecast_total"] = total;
  out["history"] = periods_json(first_end, q->period_length, y);
  out["forecast"] = periods_json(q->as_of + q->period_length, q->period_length, forecast);
  HttpResponse res;
  res.json = std::move(out);
  return res;
}

}  // namespace

Status register_demand_routes(Registry& registry, const std::string& provider) {
  return registry.add_route(provider, Route{"GET", "/api/v1/ml/predict/demand/{part_id}", "reader",
                                            "per-period demand forecast of a part from its issue history",
                                            &predict_demand});
}

}  // namespace roundhouse::ml::http
