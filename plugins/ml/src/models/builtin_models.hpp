#pragma once
// The built-in model types (definitions: plugins/ml/README.md, "Model types"):
//   rul                  regression: cycles to the asset's failure, capped, from sensor-window rows
//   failure-risk         classification: a FailureReported for the vehicle within H days of T
//   work-order-duration  regression: days from a work order's creation to its completion

#include <vector>

#include "roundhouse/ml/model.hpp"
#include "trees/boosted_trees.hpp"

namespace roundhouse::ml::models {

ModelTypePtr rul_model_type();
// The `rul` type's default trees (what hyperparameters override): 300 rounds, depth 4, eta 0.05,
// subsample 0.8, column subsample 0.5, min child weight 5.
BoostedTreesParams rul_default_trees();
ModelTypePtr failure_risk_model_type();
ModelTypePtr work_order_duration_model_type();

std::vector<ModelTypePtr> builtin_model_types();

}  // namespace roundhouse::ml::models
