#pragma once
// The built-in model types (definitions: plugins/ml/README.md, "Model types"):
//   rul                  regression: cycles to the asset's failure, capped, from sensor-window rows
//   failure-risk         classification: a FailureReported for the vehicle within H days of T
//   work-order-duration  regression: days from a work order's creation to its completion

#include <vector>

#include "roundhouse/ml/model.hpp"

namespace roundhouse::ml::models {

ModelTypePtr rul_model_type();
ModelTypePtr failure_risk_model_type();
ModelTypePtr work_order_duration_model_type();

std::vector<ModelTypePtr> builtin_model_types();

}  // namespace roundhouse::ml::models
