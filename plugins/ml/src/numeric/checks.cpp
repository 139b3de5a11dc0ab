#include "numeric/checks.hpp"

#include <cmath>
#include <sstream>

namespace roundhouse::ml {
namespace {

template <class Bad>
Status first_bad(std::span<const double> values, std::string_view what, std::string_view rule,
                 Bad bad) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (bad(values[i])) {
      std::ostringstream out;
      out << what << " must be " << rule << "; element " << i << " is " << values[i];
      return invalid(out.str());
    }
  }
  return {};
}

}  // namespace

Status invalid(std::string message) { return {ErrorCode::invalid_argument, std::move(message)}; }

Status require_positive(std::span<const double> values, std::string_view what) {
  return first_bad(values, what, "finite and > 0",
                   [](double v) { return !std::isfinite(v) || v <= 0.0; });
}

Status require_non_negative(std::span<const double> values, std::string_view what) {
  return first_bad(values, what, "finite and >= 0",
                   [](double v) { return !std::isfinite(v) || v < 0.0; });
}

Status require_finite(std::span<const double> values, std::string_view what) {
  return first_bad(values, what, "finite", [](double v) { return !std::isfinite(v); });
}

Status require_finite(const Eigen::MatrixXd& values, std::string_view what) {
  return require_finite(std::span<const double>(values.data(), static_cast<std::size_t>(values.size())),
                        what);
}

Status require_open_unit(double value, std::string_view what) {
  if (std::isfinite(value) && value > 0.0 && value < 1.0) return {};
  std::ostringstream out;
  out << what << " must lie strictly between 0 and 1; got " << value;
  return invalid(out.str());
}

}  // namespace roundhouse::ml
