#pragma once
// Input validation shared by the estimators: each check names the argument and the first bad value,
// so a caller (HTTP, CLI, Python) can pass the message through unchanged.

#include <span>
#include <string_view>

#include <Eigen/Core>

#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

Status invalid(std::string message);

// Every value finite and > 0 (lifetimes, scale parameters).
Status require_positive(std::span<const double> values, std::string_view what);
// Every value finite and >= 0 (demand counts).
Status require_non_negative(std::span<const double> values, std::string_view what);
// Every value finite.
Status require_finite(std::span<const double> values, std::string_view what);
Status require_finite(const Eigen::MatrixXd& values, std::string_view what);
// lo < value < hi (open interval), e.g. smoothing constants and confidence levels.
Status require_open_unit(double value, std::string_view what);

inline std::span<const double> as_span(const Eigen::VectorXd& v) {
  return {v.data(), static_cast<std::size_t>(v.size())};
}

}  // namespace roundhouse::ml
