#pragma once
// Anomaly scores for condition data.
//
// Robust z-score: z_i = (x_i - median) / (1.4826 MAD), MAD = median |x_i - median|; 1.4826 makes
// the MAD estimate the standard deviation of normal data. When MAD = 0 (over half the values
// equal) the scale falls back to 1.2533 * mean |x_i - median|; when that is 0 too, every z is 0.
//
// EWMA control chart: e_t = lambda x_t + (1 - lambda) e_{t-1}, e_0 = mu, with limits
//   mu +- L sigma sqrt(lambda / (2 - lambda) (1 - (1 - lambda)^(2t)))   (t = 1, 2, ...)
// mu and sigma are given, or estimated (mean, sample standard deviation) from the first
// `baseline` points (all points when 0).
//
// Mahalanobis distance: d(x) = sqrt((x - mu)^T S^-1 (x - mu)) with mu, S (sample covariance,
// divide by n-1) fitted on reference rows and S factored by LDLT. When S is singular or nearly so
// (collinear channels, a constant channel) a ridge epsilon * I is added, epsilon = 1e-6 *
// (trace(S)/p, or 1 when that is 0), and the detector reports that it was regularized.

#include <optional>
#include <span>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

// Needs at least one value; all finite.
Result<std::vector<double>> robust_z_scores(std::span<const double> values);

struct EwmaOptions {
  double lambda = 0.2;              // in (0, 1]
  double width = 3.0;               // L, in sigmas, > 0
  std::optional<double> mean;       // mu; estimated when absent
  std::optional<double> sigma;      // > 0; estimated when absent
  std::size_t baseline = 0;         // points used for estimation (0 = all)
};

struct EwmaPoint {
  double ewma = 0.0;
  double lower = 0.0;
  double upper = 0.0;
  bool out_of_control = false;
};

Result<std::vector<EwmaPoint>> ewma_chart(std::span<const double> values, const EwmaOptions& options);

// Fitted on reference data; immutable afterwards, so distance() is thread-safe.
class MahalanobisDetector {
 public:
  // reference: rows = observations (at least 2), columns = channels (at least 1).
  static Result<MahalanobisDetector> fit(const Eigen::MatrixXd& reference);

  // One distance per row of x (same number of columns as the reference).
  Result<Eigen::VectorXd> distance(const Eigen::MatrixXd& x) const;
  const Eigen::VectorXd& mean() const { return mean_; }
  bool regularized() const { return ridge_ > 0.0; }
  double ridge() const { return ridge_; }

 private:
  Eigen::VectorXd mean_;
  Eigen::LDLT<Eigen::MatrixXd> ldlt_;
  double ridge_ = 0.0;
};

}  // namespace roundhouse::ml
