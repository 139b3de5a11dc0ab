#pragma once
// Model types: named ways to turn the event log into a trained, serialisable, versioned model.
//
// A ModelType (registered in Registry::models under its name, e.g. "rul") knows three things:
//  1. how to build a labelled dataset from the store: a FeatureMatrix from one registered feature
//     extractor (ml/features.hpp, so the as-of contract holds for the inputs) plus one label per row;
//  2. how to fit a model on some rows of it, returning a FittedModel: opaque artifact bytes in a
//     named format, the feature-schema hash and column names it was trained on, and the resolved
//     hyperparameters;
//  3. how to load such a FittedModel back into a Predictor.
// The ml plugin's training pipeline owns the rest: splitting by entity and time, evaluation,
// persisting versions in the store (the `model` streams), promotion and serving. A model type never
// touches the model registry, so one written in another plugin (or later in Python) gets versions,
// promotion and the HTTP/CLI surface for free.
//
// Contract:
//  - Determinism. The same store contents, request and hyperparameters give the same dataset and
//    the same artifact bytes (fixed seeds).
//  - Schema. FittedModel::feature_schema_hash is FeatureSchema::hash() of the training matrix; the
//    pipeline refuses to predict from a matrix with another hash (check_schema, `incompatible`).
//  - Errors as values: invalid_argument for bad parameters (named), rule_violation for too little
//    data ("too little data: 3 units with a failure, needs at least 5"), never an exception.
//
// Thread-safety: model types are immutable after registration; every method may run concurrently.
// A Predictor may be called from several threads at once.
// Ownership: registered as shared_ptr<const ModelType>; the providing plugin stays loaded. Only
// plain C++ types, Boost.JSON and the FeatureMatrix cross the plugin boundary.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/core/time.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/ml/features.hpp"

namespace roundhouse {
class Registry;
}

namespace roundhouse::ml {

// What a model's output means; decides the metrics the pipeline reports.
enum class ModelKind : std::uint8_t {
  regression,      // a real quantity (remaining cycles, days): RMSE, MAE
  classification,  // a probability of the positive class: AUC, log loss, base rate
  forecast,        // a future value of a series
  anomaly,         // a score, higher = more unusual
};

inline std::string_view to_string(ModelKind k) noexcept {
  switch (k) {
    case ModelKind::regression: return "regression";
    case ModelKind::classification: return "classification";
    case ModelKind::forecast: return "forecast";
    case ModelKind::anomaly: return "anomaly";
  }
  return "regression";
}

// What to build a dataset from. Interpretation of `parameters` is the model type's (a horizon, a
// label cap); unknown keys are refused by it.
struct DatasetRequest {
  boost::json::object extractor_parameters;  // passed to the feature extractor
  boost::json::object parameters;            // the model type's own (label definition, row times)
  std::optional<Timestamp> as_of;            // newest occurred time used; default now
  std::optional<Timestamp> known_at;         // recorded-time cutoff; default as_of
  std::optional<std::string> tenant;         // read only this tenant's events
};

// Features plus one label per row. Rows keep the matrix's order (entity, then as-of time); the
// entity ids are the unit of the train/test split, the as-of times its time axis.
struct LabelledDataset {
  FeatureMatrix features;
  std::vector<double> labels;       // features.rows() values, finite
  boost::json::object description;  // what the rows and labels are, for the model's record
};

// A trained model, ready to be stored. Plain data: copy it freely.
struct FittedModel {
  std::string format;                      // artifact format, e.g. "xgboost-ubj"
  std::vector<std::uint8_t> artifact;      // the serialised model
  std::string feature_schema_hash;         // FeatureSchema::hash() of the training matrix
  std::vector<std::string> columns;        // training matrix column names, in order
  boost::json::object hyperparameters;     // resolved (defaults filled in)
};

// Called during fit with (iterations done, iterations planned); may be empty.
using FitProgress = std::function<void(int done, int total)>;

class Predictor {
 public:
  virtual ~Predictor() = default;
  // One output per row of `features` (already checked against the model's schema hash).
  virtual Result<std::vector<double>> predict(const FeatureMatrix& features) const = 0;
};
using PredictorPtr = std::shared_ptr<const Predictor>;

class ModelType {
 public:
  virtual ~ModelType() = default;
  virtual std::string name() const = 0;         // registry key, e.g. "rul"
  virtual std::string description() const = 0;  // one line
  virtual ModelKind kind() const = 0;
  virtual std::string extractor() const = 0;    // the feature extractor it reads, e.g. "sensor-window"
  // The rows to train and evaluate on. Errors: invalid_argument (parameters), rule_violation
  // (too little data, saying what was found and what is needed), the store's errors.
  virtual Result<LabelledDataset> dataset(const Registry& registry, EventStore& store,
                                          const DatasetRequest& request) const = 0;
  // Fits on the given rows. Errors: invalid_argument naming a bad hyperparameter.
  virtual Result<FittedModel> fit(const LabelledDataset& train, const boost::json::object& hyperparameters,
                                  const FitProgress& progress) const = 0;
  // A model of this type saved by fit(). Errors: invalid_argument for unreadable bytes or format.
  virtual Result<PredictorPtr> load(const FittedModel& model) const = 0;
  // Turns raw predictor outputs into served values (e.g. clip a remaining life at 0). Default: as is.
  virtual double finish(double raw) const { return raw; }
};

using ModelTypePtr = std::shared_ptr<const ModelType>;

}  // namespace roundhouse::ml
