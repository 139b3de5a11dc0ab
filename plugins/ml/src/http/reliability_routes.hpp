#pragma once
// POST /api/v1/reliability/weibull: a Weibull fit of supplied times or of the fleet's failure
// history (reliability/failure_intervals.hpp).

#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml::http {

Status register_reliability_routes(Registry& registry, const std::string& provider);

}  // namespace roundhouse::ml::http
