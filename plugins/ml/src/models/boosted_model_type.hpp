#pragma once
// A ModelType fitted with gradient-boosted trees (XGBoost, trees/boosted_trees.hpp). Subclasses
// say which extractor they read and how rows get labels (dataset()); fitting, the artifact format
// ("xgboost-ubj": XGBoost's UBJSON model bytes) and prediction are shared.
//
// Hyperparameters (JSON, all optional, unknown keys refused): rounds, learning_rate, max_depth,
// min_child_weight, subsample, colsample_bytree, l2, seed, threads; defaults per model type.
// "search": {"folds": 3, "seed": 0, "max_depth": [3, 4], "rounds": [200, 400, 600]} chooses depth
// and rounds by k-fold cross-validation on the training rows grouped by entity (RMSE; for a
// classifier the Brier score's root), then fits once with the best; the fitted hyperparameters
// carry every candidate's CV score under "search".

#include <string>

#include "roundhouse/ml/model.hpp"
#include "trees/boosted_trees.hpp"

namespace roundhouse::ml::models {

inline constexpr const char* kXgboostFormat = "xgboost-ubj";

// Reads hyperparameters over `defaults`; invalid_argument names an unknown key or a bad value.
Result<BoostedTreesParams> boosted_params(const boost::json::object& hyperparameters, BoostedTreesParams defaults);
boost::json::object to_json(const BoostedTreesParams& p);

class BoostedModelType : public ModelType {
 public:
  Result<FittedModel> fit(const LabelledDataset& train, const boost::json::object& hyperparameters,
                          const FitProgress& progress) const override;
  Result<PredictorPtr> load(const FittedModel& model) const override;

 protected:
  virtual BoostedTreesParams default_params() const = 0;
};

}  // namespace roundhouse::ml::models
