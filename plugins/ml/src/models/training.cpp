#include "models/training.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include <Eigen/Core>

#include "eval/metrics.hpp"
#include "models/dataset_rows.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml::models {
namespace {

namespace json = boost::json;

Eigen::VectorXd vec(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

struct Split {
  std::vector<std::size_t> train, test;
  std::size_t train_entities = 0, test_entities = 0;
};

Split split_rows(const FeatureMatrix& m, const SplitOptions& o) {
  std::vector<std::string> units = distinct_entities(m);
  std::mt19937_64 rng(o.seed);
  for (std::size_t i = units.size(); i > 1; --i) std::swap(units[i - 1], units[rng() % i]);
  std::size_t n_test = static_cast<std::size_t>(std::ceil(o.test_fraction * static_cast<double>(units.size())));
  if (n_test >= units.size()) n_test = units.size() - 1;
  const std::set<std::string> test_units(units.begin(), units.begin() + static_cast<std::ptrdiff_t>(n_test));
  Split s;
  std::set<std::string> train_seen, test_seen;
  for (std::size_t r = 0; r < m.rows(); ++r) {
    const bool test = test_units.count(m.entity_ids[r]) > 0;
    const bool early = !o.train_until || m.as_of[r] <= *o.train_until;
    if (test && (!o.train_until || !early)) s.test.push_back(r), test_seen.insert(m.entity_ids[r]);
    if (!test && early) s.train.push_back(r), train_seen.insert(m.entity_ids[r]);
  }
  s.train_entities = train_seen.size();
  s.test_entities = test_seen.size();
  return s;
}

json::object evaluate(const ModelType& type, const LabelledDataset& test, const std::vector<double>& raw) {
  json::object out{{"test_rows", test.labels.size()}};
  if (test.labels.empty()) {
    out["note"] = "no held-out rows (test_fraction 0): no evaluation";
    return out;
  }
  std::vector<double> pred(raw.size());
  std::transform(raw.begin(), raw.end(), pred.begin(), [&](double v) { return type.finish(v); });
  const Eigen::VectorXd p = vec(pred), y = vec(test.labels);
  if (type.kind() == ModelKind::classification) {
    const double a = auc(p, y);
    out["auc"] = std::isnan(a) ? json::value(nullptr) : json::value(a);
    double loss = 0;
    for (Eigen::Index i = 0; i < p.size(); ++i) {
      const double q = std::clamp(p(i), 1e-15, 1 - 1e-15);
      loss -= y(i) * std::log(q) + (1 - y(i)) * std::log(1 - q);
    }
    out["log_loss"] = loss / static_cast<double>(p.size());
    out["base_rate"] = y.mean();
    return out;
  }
  out["rmse"] = rmse(p, y);
  out["mae"] = mae(p, y);
  const auto* target = test.description.if_contains("target");
  if (target && target->is_string() && target->get_string() == "remaining_useful_life") {
    // Held-out units are run to failure, so every row is an as-of point with a known RUL; the
    // PHM08 score is a sum over evaluation points, reported here as its mean per row.
    out["nasa_score_mean"] = nasa_score(p, y) / static_cast<double>(p.size());
  }
  return out;
}

json::object range_json(const FeatureMatrix& m, std::size_t entities) {
  json::object o{{"rows", m.rows()}, {"entities", entities}};
  if (m.rows() == 0) return o;
  const auto [lo, hi] = std::minmax_element(m.as_of.begin(), m.as_of.end());
  o["occurred_from"] = format_timestamp(*lo);
  o["occurred_to"] = format_timestamp(*hi);
  o["recorded_to"] = format_timestamp(*std::max_element(m.known_at.begin(), m.known_at.end()));
  return o;
}

}  // namespace

json::object SplitOptions::to_json() const {
  json::object o{{"test_fraction", test_fraction}, {"seed", seed}};
  o["train_until"] = train_until ? json::value(format_timestamp(*train_until)) : json::value(nullptr);
  return o;
}

Result<SplitOptions> split_options(const json::object& o) {
  SplitOptions s;
  for (const auto& [key, v] : o) {
    if (key == "test_fraction") {
      if (!v.is_number() || v.to_number<double>() < 0 || v.to_number<double>() > 0.9)
        return Error{ErrorCode::invalid_argument, "split.test_fraction must be a number in [0, 0.9]"};
      s.test_fraction = v.to_number<double>();
    } else if (key == "seed") {
      if (!v.is_uint64() && !(v.is_int64() && v.get_int64() >= 0))
        return Error{ErrorCode::invalid_argument, "split.seed must be a whole number >= 0"};
      s.seed = v.to_number<std::uint64_t>();
    } else if (key == "train_until") {
      std::optional<Timestamp> t;
      if (v.is_string()) t = parse_timestamp(std::string(v.get_string()));
      if (!t) return Error{ErrorCode::invalid_argument, "split.train_until must be a date or RFC 3339 timestamp"};
      s.train_until = *t;
    } else {
      return Error{ErrorCode::invalid_argument,
                   "split: unknown member '" + std::string(key) + "' (test_fraction, seed, train_until)"};
    }
  }
  return s;
}

Result<ModelTypePtr> find_model_type(const Registry& registry, const std::string& name) {
  if (auto e = registry.models.find(name)) return e->value;
  std::string known;
  for (const auto& e : registry.models.list()) known += (known.empty() ? "" : ", ") + e.name;
  return Error{ErrorCode::not_found, "unknown model type '" + name + "' (registered: " +
                                         (known.empty() ? "none" : known) + ")"};
}

Result<TrainOutcome> train_model(const Registry& registry, EventStore& store, const RegistryScope& scope,
                                 const TrainRequest& request) {
  if (Status st = check_model_name(request.name); !st) return st.error();
  auto type = find_model_type(registry, request.model_type);
  if (!type) return type.error();
  if (auto existing = read_model(store, scope, request.name);
      existing && !existing->model_type.empty() && existing->model_type != request.model_type)
    return Error{ErrorCode::rule_violation, "model '" + request.name + "' is a '" + existing->model_type +
                                                "' model; a new version cannot be of type '" + request.model_type + "'"};

  DatasetRequest dr = request.dataset;
  if (!dr.tenant) dr.tenant = scope.tenant;
  auto data = (*type)->dataset(registry, store, dr);
  if (!data) return data.error();
  const auto entities = distinct_entities(data->features).size();
  if (entities < 2)
    return too_little_data(std::to_string(data->features.rows()) + " row(s) of " + std::to_string(entities) +
                               " entity/entities", "training needs rows of at least 2 entities to split by entity");
  const Split split = split_rows(data->features, request.split);
  if (split.train.size() < 10)
    return too_little_data(std::to_string(split.train.size()) + " training row(s) after the split",
                           "training needs at least 10");
  const LabelledDataset train = select_rows(*data, split.train);
  const LabelledDataset test = select_rows(*data, split.test);

  const auto started = std::chrono::steady_clock::now();
  auto fitted = (*type)->fit(train, request.hyperparameters, request.progress);
  if (!fitted) return fitted.error();
  const double fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto predictor = (*type)->load(*fitted);
  if (!predictor) return predictor.error();
  std::vector<double> raw;
  if (test.features.rows() > 0) {
    auto p = (*predictor)->predict(test.features);
    if (!p) return p.error();
    raw = std::move(*p);
  }
  json::object metrics = evaluate(**type, test, raw);
  metrics["train_rows"] = train.labels.size();
  metrics["train_entities"] = split.train_entities;
  metrics["test_entities"] = split.test_entities;

  const auto& schema = data->features.schema;
  json::array columns;
  for (const auto& c : schema.columns) columns.emplace_back(c.name);
  json::object record{
      {"model_type", (*type)->name()},
      {"kind", to_string((*type)->kind())},
      {"feature_schema",
       {{"hash", fitted->feature_schema_hash}, {"extractor", schema.extractor}, {"version", schema.version},
        {"parameters", schema.parameters}, {"columns", std::move(columns)}}},
      {"hyperparameters", fitted->hyperparameters},
      {"dataset", {{"parameters", dr.parameters}, {"description", data->description}}},
      {"split", request.split.to_json()},
      {"metrics", std::move(metrics)},
      {"training_data", range_json(train.features, split.train_entities)},
      {"fit_seconds", fit_seconds}};
  auto version = add_version(store, scope, request.name, *fitted, std::move(record));
  if (!version) return version.error();
  if (request.promote) {
    auto promoted = promote(store, scope, request.name, version->version);
    if (!promoted) return promoted.error();
    return TrainOutcome{*version, std::move(*promoted)};
  }
  auto info = read_model(store, scope, request.name);
  if (!info) return info.error();
  return TrainOutcome{*version, std::move(*info)};
}

}  // namespace roundhouse::ml::models
