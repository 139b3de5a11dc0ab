#pragma once
// The training pipeline: dataset from events (the model type's extractor at as-of times) -> split
// by entity and time -> fit -> evaluate on the held-out rows -> persist as the model's next
// version (model_registry.hpp), optionally promoted.
//
// Split: the distinct entities are shuffled by a seeded Fisher-Yates (mt19937_64, as grouped_cv
// does) and the first ceil(test_fraction x n) are held out, so no unit is in both parts. With
// `train_until`, training rows are also limited to as_of <= train_until and test rows to
// as_of > train_until (a forward-in-time evaluation).
//
// Metrics on the held-out rows: regression RMSE, MAE (and for a remaining-useful-life target the
// mean PHM08/NASA score per row); classification AUC, log loss, base rate. Train-set size, entity counts and the occurred/recorded range of the rows go in the record.

#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "models/model_registry.hpp"
#include "roundhouse/ml/model.hpp"

namespace roundhouse {
class Registry;
}

namespace roundhouse::ml::models {

struct SplitOptions {
  double test_fraction = 0.2;  // [0, 0.9]; 0 = no evaluation (metrics say so)
  std::uint64_t seed = 0;
  std::optional<Timestamp> train_until;
  boost::json::object to_json() const;
};
// Reads {"test_fraction", "seed", "train_until"}; invalid_argument names a bad member.
Result<SplitOptions> split_options(const boost::json::object& o);

struct TrainRequest {
  std::string model_type;  // registry.models key
  std::string name;        // the model (stream) name
  DatasetRequest dataset;
  boost::json::object hyperparameters;
  SplitOptions split;
  bool promote = false;    // promote the new version once stored
  FitProgress progress;
};

struct TrainOutcome {
  ModelVersion version;
  ModelInfo model;  // after the new version (and promotion)
};

// Errors: not_found (unknown model type, listing the registered ones), invalid_argument (name,
// parameters, hyperparameters, split), rule_violation (too little data, or a name already used by
// another model type), and the store's errors. Nothing is written unless the fit succeeded.
Result<TrainOutcome> train_model(const Registry& registry, EventStore& store, const RegistryScope& scope,
                                 const TrainRequest& request);

// The registered model type, or not_found listing the registered ones.
Result<ModelTypePtr> find_model_type(const Registry& registry, const std::string& name);

}  // namespace roundhouse::ml::models
