#pragma once
// The model registry and prediction service over HTTP (schemas/openapi.json, plugins/ml/README.md):
//   GET  /api/v1/ml/models                       model types and trained models of the tenant
//   POST /api/v1/ml/models/train                 train a new version (writer)
//   GET  /api/v1/ml/models/{name}/versions       every version with metrics and data range
//   POST /api/v1/ml/models/{name}/promote        {"version": n} (writer)
//   POST /api/v1/ml/models/{name}/rollback       back to the previously promoted version (writer)
//   GET  /api/v1/ml/predict/maintenance/{vehicle_id}   failure risk (model "failure-risk" by default)
//   GET  /api/v1/ml/predict/rul/{asset_id}              remaining useful life (model "rul" by default)
//   POST /api/v1/ml/predict/{name}               batch: {"entity_ids": [...]} or every entity
// Predictions are recorded as PredictionMade events unless record=false.

#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml::http {

Status register_model_routes(Registry& registry, const std::string& provider);

}  // namespace roundhouse::ml::http
