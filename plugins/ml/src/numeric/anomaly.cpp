#include "numeric/anomaly.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "numeric/checks.hpp"

namespace roundhouse::ml {
namespace {

constexpr double kMadToSigma = 1.4826;           // 1 / Phi^-1(3/4)
constexpr double kMeanAbsToSigma = 1.2533;       // sqrt(pi / 2)
constexpr double kRelativeRidge = 1e-6;
constexpr double kConditionLimit = 1e-12;        // smallest/largest LDLT pivot considered singular

double median(std::vector<double> v) {
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  return 0.5 * (*mid + *std::max_element(v.begin(), mid));
}

bool well_conditioned(const Eigen::LDLT<Eigen::MatrixXd>& ldlt) {
  if (ldlt.info() != Eigen::Success) return false;
  const Eigen::VectorXd d = ldlt.vectorD();
  return d.minCoeff() > kConditionLimit * std::max(d.maxCoeff(), 0.0) && d.minCoeff() > 0.0;
}

}  // namespace

Result<std::vector<double>> robust_z_scores(std::span<const double> values) {
  if (values.empty()) return invalid("robust z-score needs at least one value");
  if (auto s = require_finite(values, "values"); !s) return s;
  const double centre = median({values.begin(), values.end()});
  std::vector<double> deviation;
  deviation.reserve(values.size());
  for (double v : values) deviation.push_back(std::abs(v - centre));
  double scale = kMadToSigma * median(deviation);
  if (scale == 0.0) {
    scale = kMeanAbsToSigma * std::accumulate(deviation.begin(), deviation.end(), 0.0) /
            static_cast<double>(deviation.size());
  }
  std::vector<double> z;
  z.reserve(values.size());
  for (double v : values) z.push_back(scale == 0.0 ? 0.0 : (v - centre) / scale);
  return z;
}

Result<std::vector<EwmaPoint>> ewma_chart(std::span<const double> values, const EwmaOptions& options) {
  if (values.empty()) return invalid("EWMA chart needs at least one value");
  if (auto s = require_finite(values, "values"); !s) return s;
  if (!(options.lambda > 0.0 && options.lambda <= 1.0)) return invalid("EWMA lambda must be in (0, 1]");
  if (!(std::isfinite(options.width) && options.width > 0.0)) return invalid("EWMA width L must be > 0");
  const std::size_t n_base = options.baseline == 0 ? values.size() : options.baseline;
  if (n_base > values.size()) return invalid("EWMA baseline is longer than the series");
  const auto base = values.first(n_base);
  const double base_mean = std::accumulate(base.begin(), base.end(), 0.0) / static_cast<double>(n_base);
  const double mu = options.mean.value_or(base_mean);
  double sigma = 0.0;
  if (options.sigma) {
    sigma = *options.sigma;
  } else {
    if (n_base < 2) return invalid("EWMA: estimating sigma needs a baseline of at least 2 points");
    double ss = 0.0;
    for (double v : base) ss += (v - base_mean) * (v - base_mean);
    sigma = std::sqrt(ss / static_cast<double>(n_base - 1));
  }
  if (!(std::isfinite(sigma) && sigma > 0.0)) {
    return invalid("EWMA sigma must be > 0 (a constant baseline has none; pass sigma explicitly)");
  }
  if (!std::isfinite(mu)) return invalid("EWMA mean must be finite");

  const double lambda = options.lambda;
  std::vector<EwmaPoint> chart;
  chart.reserve(values.size());
  double e = mu, decay = 1.0;  // decay = (1 - lambda)^(2t)
  for (double x : values) {
    e = lambda * x + (1.0 - lambda) * e;
    decay *= (1.0 - lambda) * (1.0 - lambda);
    const double half = options.width * sigma * std::sqrt(lambda / (2.0 - lambda) * (1.0 - decay));
    chart.push_back({e, mu - half, mu + half, e < mu - half || e > mu + half});
  }
  return chart;
}

Result<MahalanobisDetector> MahalanobisDetector::fit(const Eigen::MatrixXd& reference) {
  if (reference.rows() < 2 || reference.cols() < 1) {
    return invalid("Mahalanobis: need at least 2 reference rows and 1 column");
  }
  if (auto s = require_finite(reference, "reference data"); !s) return s;
  MahalanobisDetector d;
  d.mean_ = reference.colwise().mean().transpose();
  const Eigen::MatrixXd centred = reference.rowwise() - d.mean_.transpose();
  Eigen::MatrixXd cov = centred.transpose() * centred / static_cast<double>(reference.rows() - 1);
  d.ldlt_.compute(cov);
  if (!well_conditioned(d.ldlt_)) {
    const double average_variance = cov.trace() / static_cast<double>(cov.rows());
    d.ridge_ = kRelativeRidge * (average_variance > 0.0 ? average_variance : 1.0);
    cov.diagonal().array() += d.ridge_;
    d.ldlt_.compute(cov);
    if (d.ldlt_.info() != Eigen::Success) {
      return Error{ErrorCode::internal, "Mahalanobis: regularized covariance did not factor"};
    }
  }
  return d;
}

Result<Eigen::VectorXd> MahalanobisDetector::distance(const Eigen::MatrixXd& x) const {
  if (x.cols() != mean_.size()) {
    std::ostringstream out;
    out << "Mahalanobis: expected " << mean_.size() << " columns, got " << x.cols();
    return invalid(out.str());
  }
  if (auto s = require_finite(x, "observations"); !s) return s;
  const Eigen::MatrixXd centred = (x.rowwise() - mean_.transpose()).transpose();  // p x n
  const Eigen::MatrixXd solved = ldlt_.solve(centred);
  return Eigen::VectorXd(centred.cwiseProduct(solved).colwise().sum().transpose().cwiseMax(0.0).cwiseSqrt());
}

}  // namespace roundhouse::ml
