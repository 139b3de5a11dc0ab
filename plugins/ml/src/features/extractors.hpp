#pragma once
// The built-in feature extractors (definitions of every column: plugins/ml/README.md).

#include <vector>

#include "roundhouse/ml/features.hpp"

namespace roundhouse::ml::features {

FeatureExtractorPtr vehicle_extractor();      // "vehicle": age, meters, maintenance, failures, cost
FeatureExtractorPtr work_order_extractor();   // "work-order": category, priority, parts, labour, backlog
FeatureExtractorPtr inventory_extractor();    // "inventory": stock, demand rate and variability, lead time, cover
FeatureExtractorPtr sensor_window_extractor();// "sensor-window": rolling stats over the last N readings per channel

std::vector<FeatureExtractorPtr> builtin_extractors();

}  // namespace roundhouse::ml::features
