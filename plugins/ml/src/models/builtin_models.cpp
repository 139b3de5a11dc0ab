#include "models/builtin_models.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "features/request.hpp"
#include "models/boosted_model_type.hpp"
#include "models/dataset_rows.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml::models {
namespace {

namespace json = boost::json;
using features::kMicrosPerDay;
using features::ParameterReader;

struct Times {
  Timestamp as_of, known_at;
};
Times times_of(const DatasetRequest& r) {
  const Timestamp as_of = r.as_of.value_or(now_micros());
  return {as_of, r.known_at.value_or(as_of)};
}

// Events of `types` visible at `t`, in log order.
Result<std::vector<RecordedEvent>> visible_events(EventStore& store, const DatasetRequest& r, Times t,
                                                  std::vector<std::string> aggregate_types,
                                                  std::vector<std::string> event_types) {
  ReadAllOptions o;
  o.filter.aggregate_types = std::move(aggregate_types);
  o.filter.event_types = std::move(event_types);
  o.filter.tenant = r.tenant;
  std::vector<RecordedEvent> out;
  Status st = store.read_all(o, [&](const RecordedEvent& e) {
    if (e.occurred_at <= t.as_of && e.recorded_at <= t.known_at) out.push_back(e);
    return true;
  });
  if (!st) return st.error();
  return out;
}

FeatureRequest base_request(const DatasetRequest& r, Times t) {
  FeatureRequest f;
  f.known_at = t.known_at;
  f.parameters = r.extractor_parameters;
  f.tenant = r.tenant;
  return f;
}

// ---- rul ----

class RulModel final : public BoostedModelType {
 public:
  std::string name() const override { return "rul"; }
  std::string description() const override {
    return "remaining useful life in cycles of run-to-failure assets (sensor-window features, boosted trees)";
  }
  ModelKind kind() const override { return ModelKind::regression; }
  std::string extractor() const override { return "sensor-window"; }
  double finish(double raw) const override { return std::max(0.0, raw); }

  Result<LabelledDataset> dataset(const Registry& registry, EventStore& store, const DatasetRequest& r) const override {
    std::string prefix;
    if (auto* v = r.parameters.if_contains("asset_prefix")) {
      if (!v->is_string()) return Error{ErrorCode::invalid_argument, "rul: parameter 'asset_prefix' must be a string"};
      prefix = std::string(v->get_string());
    }
    json::object numbers = r.parameters;
    numbers.erase("asset_prefix");
    ParameterReader p("rul", numbers, "model");
    auto cap = p.number("rul_cap", 125, 1);
    auto min_units = p.integer("min_units", 5, 2);
    if (!cap) return cap.error();
    if (!min_units) return min_units.error();
    if (Status st = p.finish(); !st) return st.error();

    const Times t = times_of(r);
    // The failure cycle of each run-to-failure asset.
    auto failures = visible_events(store, r, t, {"asset"}, {"AssetFailed"});
    if (!failures) return failures.error();
    std::map<std::string, double> failed_at;
    for (const auto& e : *failures) {
      if (!prefix.empty() && e.stream.id.rfind(prefix, 0) != 0) continue;
      auto payload = e.payload_json().as_object();
      if (auto* c = payload.if_contains("cycle"); c && c->is_number()) failed_at[e.stream.id] = c->to_number<double>();
    }
    if (static_cast<std::int64_t>(failed_at.size()) < *min_units)
      return too_little_data(std::to_string(failed_at.size()) + " asset(s) with an AssetFailed event" +
                                 (prefix.empty() ? "" : " and ids starting '" + prefix + "'"),
                             "the rul model needs at least " + std::to_string(*min_units) + " run-to-failure assets");

    FeatureRequest f = base_request(r, t);
    f.rows = RowTimes::each_event;
    for (const auto& [id, _] : failed_at) f.entity_ids.push_back(id);
    auto m = extract_features(registry, store, extractor(), f);
    if (!m) return m.error();
    const auto cycle_col = m->schema.column_index("cycle");
    if (!cycle_col) return Error{ErrorCode::internal, "sensor-window features have no 'cycle' column"};
    std::vector<std::size_t> keep;
    std::vector<double> labels;
    for (std::size_t row = 0; row < m->rows(); ++row) {
      const double cycle = m->at(row, *cycle_col);
      if (std::isnan(cycle)) continue;
      keep.push_back(row);
      labels.push_back(std::min(*cap, std::max(0.0, failed_at[m->entity_ids[row]] - cycle)));
    }
    LabelledDataset out;
    out.features = select_rows(*m, keep);
    out.labels = std::move(labels);
    out.description = {{"target", "remaining_useful_life"}, {"unit", "cycles"}, {"rul_cap", *cap},
                       {"rows", "one per sensor reading of each asset with an AssetFailed event"},
                       {"assets", failed_at.size()}};
    if (!prefix.empty()) out.description["asset_prefix"] = prefix;
    return out;
  }

 protected:
  BoostedTreesParams default_params() const override { return rul_default_trees(); }
};

// ---- failure-risk ----

class FailureRiskModel final : public BoostedModelType {
 public:
  std::string name() const override { return "failure-risk"; }
  std::string description() const override {
    return "probability that a vehicle reports a failure within the horizon (vehicle features, boosted trees)";
  }
  ModelKind kind() const override { return ModelKind::classification; }
  std::string extractor() const override { return "vehicle"; }

  Result<LabelledDataset> dataset(const Registry& registry, EventStore& store, const DatasetRequest& r) const override {
    ParameterReader p("failure-risk", r.parameters, "model");
    auto horizon = p.number("horizon_days", 30, 1);
    auto every = p.number("every_days", 30, 1);
    auto max_times = p.integer("max_times", 48, 1);
    if (!horizon) return horizon.error();
    if (!every) return every.error();
    if (!max_times) return max_times.error();
    if (Status st = p.finish(); !st) return st.error();
    const Times t = times_of(r);
    auto events = visible_events(store, r, t, {"vehicle", "failure"}, {"VehicleRegistered", "FailureReported"});
    if (!events) return events.error();
    Timestamp first = t.as_of;
    Timestamp newest = std::numeric_limits<Timestamp>::min();
    std::map<std::string, std::vector<Timestamp>> failures;  // vehicle -> occurred times
    for (const auto& e : *events) {
      first = std::min(first, e.occurred_at);
      newest = std::max(newest, e.occurred_at);
      if (e.type != "FailureReported") continue;
      auto payload = e.payload_json().as_object();
      if (auto* v = payload.if_contains("vehicle_id"); v && v->is_string())
        failures[std::string(v->get_string())].push_back(e.occurred_at);
    }
    // Row times every `every` days from one step after the first event, ending a horizon before
    // the end of the observed record (the newest of these events, all as of as_of) so every
    // label's window has been observed: months with no events after a feed stopped (or after an
    // imported history ends) are not "no failure" months.
    const Timestamp h = static_cast<Timestamp>(*horizon * kMicrosPerDay);
    Timestamp step = static_cast<Timestamp>(*every * kMicrosPerDay);
    const Timestamp last = events->empty() ? first : newest - h;
    if (last > first && (last - first) / step > *max_times) step = (last - first) / *max_times;
    FeatureRequest f = base_request(r, t);
    for (Timestamp at = first + step; at <= last; at += step) f.as_of.push_back(at);
    if (f.as_of.size() < 2)
      return too_little_data("the history spans " + std::to_string((t.as_of - first) / kMicrosPerDay) + " day(s)",
                             "failure-risk needs at least 2 as-of times, i.e. 2 x every_days + horizon_days of history");
    auto m = extract_features(registry, store, extractor(), f);
    if (!m) return m.error();
    std::vector<double> labels;
    std::size_t positives = 0;
    for (std::size_t row = 0; row < m->rows(); ++row) {
      const Timestamp at = m->as_of[row];
      bool hit = false;
      for (Timestamp ft : failures[m->entity_ids[row]]) hit = hit || (ft > at && ft <= at + h);
      labels.push_back(hit ? 1.0 : 0.0);
      positives += hit;
    }
    if (positives < 5 || m->rows() - positives < 5)
      return too_little_data(std::to_string(m->rows()) + " vehicle-time rows, " + std::to_string(positives) +
                                 " with a failure within " + std::to_string(static_cast<int>(*horizon)) + " days",
                             "failure-risk needs at least 5 rows of each class");
    LabelledDataset out;
    out.features = std::move(*m);
    out.labels = std::move(labels);
    out.description = {{"target", "failure_within_horizon"}, {"horizon_days", *horizon},
                       {"every_days", static_cast<double>(step) / kMicrosPerDay}, {"as_of_times", f.as_of.size()},
                       {"positives", positives}};
    return out;
  }

 protected:
  BoostedTreesParams default_params() const override {
    BoostedTreesParams p;
    p.objective = "binary:logistic";
    p.rounds = 200;
    p.max_depth = 3;
    p.learning_rate = 0.05;
    p.subsample = 0.8;
    p.min_child_weight = 2;
    return p;
  }
};

// ---- work-order-duration ----

class WorkOrderDurationModel final : public BoostedModelType {
 public:
  std::string name() const override { return "work-order-duration"; }
  std::string description() const override {
    return "days from a work order's creation to its completion (work-order features at creation, boosted trees)";
  }
  ModelKind kind() const override { return ModelKind::regression; }
  std::string extractor() const override { return "work-order"; }
  double finish(double raw) const override { return std::max(0.0, raw); }

  Result<LabelledDataset> dataset(const Registry& registry, EventStore& store, const DatasetRequest& r) const override {
    ParameterReader p("work-order-duration", r.parameters, "model");
    if (Status st = p.finish(); !st) return st.error();
    const Times t = times_of(r);
    auto done = visible_events(store, r, t, {"workorder"}, {"WorkOrderCompleted"});
    if (!done) return done.error();
    std::map<std::string, Timestamp> completed;
    for (const auto& e : *done) completed.try_emplace(e.stream.id, e.occurred_at);
    if (completed.size() < 20)
      return too_little_data(std::to_string(completed.size()) + " completed work order(s)",
                             "work-order-duration needs at least 20");
    // One row per work order as of its creation: the first each_event row of the entity.
    FeatureRequest f = base_request(r, t);
    f.rows = RowTimes::each_event;
    for (const auto& [id, _] : completed) f.entity_ids.push_back(id);
    auto m = extract_features(registry, store, extractor(), f);
    if (!m) return m.error();
    std::vector<std::size_t> keep;
    std::vector<double> labels;
    for (std::size_t row = 0; row < m->rows(); ++row) {
      if (row > 0 && m->entity_ids[row] == m->entity_ids[row - 1]) continue;
      keep.push_back(row);
      labels.push_back(static_cast<double>(completed[m->entity_ids[row]] - m->as_of[row]) / kMicrosPerDay);
    }
    LabelledDataset out;
    out.features = select_rows(*m, keep);
    out.labels = std::move(labels);
    out.description = {{"target", "days_to_completion"}, {"unit", "days"},
                       {"rows", "one per completed work order, as of its creation"}};
    return out;
  }

 protected:
  BoostedTreesParams default_params() const override {
    BoostedTreesParams p;
    p.rounds = 200;
    p.max_depth = 4;
    p.learning_rate = 0.05;
    p.subsample = 0.8;
    return p;
  }
};

}  // namespace

BoostedTreesParams rul_default_trees() {
  return {.rounds = 300, .learning_rate = 0.05, .max_depth = 4, .min_child_weight = 5, .subsample = 0.8,
          .colsample_bytree = 0.5};
}

ModelTypePtr rul_model_type() { return std::make_shared<RulModel>(); }
ModelTypePtr failure_risk_model_type() { return std::make_shared<FailureRiskModel>(); }
ModelTypePtr work_order_duration_model_type() { return std::make_shared<WorkOrderDurationModel>(); }

std::vector<ModelTypePtr> builtin_model_types() {
  return {rul_model_type(), failure_risk_model_type(), work_order_duration_model_type()};
}

}  // namespace roundhouse::ml::models
