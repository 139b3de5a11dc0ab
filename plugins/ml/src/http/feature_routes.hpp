#pragma once
// GET /api/v1/ml/features/{extractor}: a feature matrix over HTTP (read-only).

#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml::http {

Status register_feature_routes(Registry& registry, const std::string& provider);

}  // namespace roundhouse::ml::http
