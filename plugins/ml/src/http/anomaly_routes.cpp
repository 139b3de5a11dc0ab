#include "http/anomaly_routes.hpp"

#include <cmath>

#include <boost/math/distributions/chi_squared.hpp>

#include "http/json_input.hpp"
#include "numeric/anomaly.hpp"

namespace roundhouse::ml::http {
namespace {

// Iglewicz and Hoaglin's cut-off for the modified (robust) z-score.
constexpr double kRobustZThreshold = 3.5;
// Mahalanobis default: the 99.9% quantile of the distance of normal data (sqrt of chi-square, p dof).
constexpr double kMahalanobisCoverage = 0.999;

struct Series {
  std::vector<std::vector<double>> rows;  // observations x channels
  std::vector<std::vector<double>> reference;
  boost::json::object source;
};

// Readings of `channels` of an asset, in occurred order; a reading missing a channel is skipped.
Result<std::vector<std::vector<double>>> asset_rows(const HttpRequest& req, const std::string& asset,
                                                    const std::vector<std::string>& channels) {
  ReadStreamOptions options;
  options.tenant = req.principal.tenant;
  auto events = req.services->store->read_stream(StreamId{"asset", asset}, options);
  if (!events && events.error().code != ErrorCode::not_found) return events.error();
  if (!events || events->empty()) return Error{ErrorCode::not_found, "unknown asset '" + asset + "'"};
  std::stable_sort(events->begin(), events->end(),
                   [](const RecordedEvent& a, const RecordedEvent& b) { return a.occurred_at < b.occurred_at; });
  std::vector<std::vector<double>> rows;
  for (const auto& e : *events) {
    if (e.type != "SensorReadingsRecorded") continue;
    auto payload = e.payload_json();
    const auto* ch = payload.as_object().if_contains("channels");
    if (!ch || !ch->is_object()) continue;
    std::vector<double> row;
    for (const auto& name : channels) {
      const auto* v = ch->as_object().if_contains(name);
      if (!v || !v->is_number()) break;
      row.push_back(v->to_number<double>());
    }
    if (row.size() == channels.size()) rows.push_back(std::move(row));
  }
  if (rows.empty()) return Error{ErrorCode::rule_violation, "asset '" + asset + "' has no readings of the requested channels"};
  return rows;
}

Result<Series> series_from(const HttpRequest& req, const boost::json::object& o, const std::string& method) {
  Series s;
  const bool multi = method == "mahalanobis";
  if (o.contains("asset_id")) {
    if (o.contains("values") || o.contains("rows")) return bad_input("give either 'asset_id' or 'values'/'rows'");
    auto asset = string_member(o, "asset_id");
    if (!asset) return asset.error();
    std::vector<std::string> channels;
    const auto* c = o.if_contains("channels");
    if (!c || !c->is_array() || c->as_array().empty()) return bad_input("'channels' must list the sensor channels to score");
    for (const auto& v : c->as_array()) {
      if (!v.is_string()) return bad_input("'channels' must be an array of channel names");
      channels.emplace_back(v.as_string());
    }
    if (!multi && channels.size() != 1) return bad_input(method + " scores one channel; got " + std::to_string(channels.size()));
    auto rows = asset_rows(req, **asset, channels);
    if (!rows) return rows.error();
    s.rows = std::move(*rows);
    boost::json::array names(channels.begin(), channels.end());
    s.source = {{"asset_id", **asset}, {"channels", std::move(names)}};
  } else if (multi) {
    auto rows = rows_member(o, "rows");
    if (!rows) return rows.error();
    s.rows = std::move(*rows);
    s.source = {{"supplied", true}};
  } else {
    auto values = numbers_member(o, "values");
    if (!values) return values.error();
    for (double v : *values) s.rows.push_back({v});
    s.source = {{"supplied", true}};
  }
  if (s.rows.empty()) return bad_input(multi ? "'rows' must hold at least one row" : "'values' must hold at least one value");
  auto reference = rows_member(o, "reference");
  if (!reference) return reference.error();
  s.reference = std::move(*reference);
  return s;
}

Eigen::MatrixXd matrix(const std::vector<std::vector<double>>& rows) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()), rows.empty() ? 0 : static_cast<Eigen::Index>(rows[0].size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j) m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  return m;
}

std::vector<double> column(const std::vector<std::vector<double>>& rows) {
  std::vector<double> v;
  for (const auto& r : rows) v.push_back(r[0]);
  return v;
}

Result<HttpResponse> detect(const HttpRequest& req) {
  auto body = body_object(req);
  if (!body) return body.error();
  const auto& o = **body;
  if (auto st = only_members(o, {"method", "values", "rows", "reference", "asset_id", "channels", "threshold",
                                 "lambda", "mean", "sigma", "baseline"});
      !st)
    return st.error();
  auto method_opt = string_member(o, "method");
  if (!method_opt) return method_opt.error();
  const std::string method = method_opt->value_or("robust_z");
  if (method != "robust_z" && method != "ewma" && method != "mahalanobis")
    return bad_input("method: 'robust_z', 'ewma' or 'mahalanobis', got '" + method + "'");
  auto threshold_opt = number_member(o, "threshold");
  if (!threshold_opt) return threshold_opt.error();
  if (*threshold_opt && !(**threshold_opt > 0)) return bad_input("'threshold' must be > 0");
  if (method != "mahalanobis" && o.contains("reference")) return bad_input("'reference' is for method 'mahalanobis'");
  auto series = series_from(req, o, method);
  if (!series) return series.error();

  boost::json::object out{{"method", method}, {"count", series->rows.size()}, {"source", series->source}};
  boost::json::array scores, flagged;
  double threshold = 0;
  if (method == "robust_z") {
    threshold = threshold_opt->value_or(kRobustZThreshold);
    auto z = robust_z_scores(column(series->rows));
    if (!z) return bad_input(z.error().message);
    for (std::size_t i = 0; i < z->size(); ++i) {
      scores.push_back((*z)[i]);
      if (std::abs((*z)[i]) > threshold) flagged.push_back(i);
    }
  } else if (method == "ewma") {
    EwmaOptions e;
    threshold = threshold_opt->value_or(3.0);
    e.width = threshold;
    auto lambda = number_member(o, "lambda");
    auto mean = number_member(o, "mean");
    auto sigma = number_member(o, "sigma");
    auto baseline = number_member(o, "baseline");
    for (auto* r : {&lambda, &mean, &sigma, &baseline})
      if (!*r) return r->error();
    if (*lambda) e.lambda = **lambda;
    e.mean = *mean;
    e.sigma = *sigma;
    if (*baseline) {
      if (**baseline < 0 || **baseline != std::floor(**baseline)) return bad_input("'baseline' must be a whole number >= 0");
      e.baseline = static_cast<std::size_t>(**baseline);
    }
    auto chart = ewma_chart(column(series->rows), e);
    if (!chart) return bad_input(chart.error().message);
    boost::json::array lower, upper;
    for (std::size_t i = 0; i < chart->size(); ++i) {
      const auto& p = (*chart)[i];
      scores.push_back(p.ewma);
      lower.push_back(p.lower);
      upper.push_back(p.upper);
      if (p.out_of_control) flagged.push_back(i);
    }
    out["lambda"] = e.lambda;
    out["lower"] = std::move(lower);
    out["upper"] = std::move(upper);
  } else {
    const auto x = matrix(series->rows);
    const auto ref = series->reference.empty() ? x : matrix(series->reference);
    if (ref.cols() != x.cols())
      return bad_input("'reference' rows have " + std::to_string(ref.cols()) + " columns, 'rows' have " + std::to_string(x.cols()));
    auto detector = MahalanobisDetector::fit(ref);
    if (!detector) return bad_input(detector.error().message);
    threshold = threshold_opt->value_or(std::sqrt(boost::math::quantile(
        boost::math::chi_squared(static_cast<double>(x.cols())), kMahalanobisCoverage)));
    auto d = detector->distance(x);
    if (!d) return bad_input(d.error().message);
    for (Eigen::Index i = 0; i < d->size(); ++i) {
      scores.push_back((*d)(i));
      if ((*d)(i) > threshold) flagged.push_back(static_cast<std::size_t>(i));
    }
    out["regularized"] = detector->regularized();
  }
  out["threshold"] = threshold;
  out["scores"] = std::move(scores);
  out["flagged"] = std::move(flagged);
  HttpResponse res;
  res.json = std::move(out);
  return res;
}

}  // namespace

Status register_anomaly_routes(Registry& registry, const std::string& provider) {
  return registry.add_route(provider, Route{"POST", "/api/v1/ml/anomaly/detect", "reader",
                                            "anomaly scores (robust z, EWMA, Mahalanobis) and flagged indices",
                                            &detect});
}

}  // namespace roundhouse::ml::http
