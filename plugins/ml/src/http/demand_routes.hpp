#pragma once
// GET /api/v1/ml/predict/demand/{part_id}: a per-period demand forecast of a spare part from its
// StockIssued history (Croston / SBA for intermittent demand, or additive Holt-Winters).

#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml::http {

Status register_demand_routes(Registry& registry, const std::string& provider);

}  // namespace roundhouse::ml::http
