#pragma once
// Everything the ml plugin registers, in one place (the entry point and tests call this).

#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::plugins {

// Registers, in order, each step of ml_registrations() (ml_plugin.cpp): feature extractors,
// the built-in model types, the ml event schemas, the `roundhouse ml` command, the /api/v1/ml/... and
// /api/v1/reliability/weibull routes (models included). Stops at the first failure.
Status register_ml(Registry& registry, const std::string& provider = "ml");

}  // namespace roundhouse::plugins
