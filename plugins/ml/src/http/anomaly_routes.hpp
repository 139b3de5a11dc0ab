#pragma once
// POST /api/v1/ml/anomaly/detect: anomaly scores of a supplied series (or of an asset's sensor
// channels from the store) by robust z-score, EWMA control chart or Mahalanobis distance, with
// the indices beyond the threshold.

#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml::http {

Status register_anomaly_routes(Registry& registry, const std::string& provider);

}  // namespace roundhouse::ml::http
