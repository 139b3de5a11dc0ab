#include <algorithm>
#include <cmath>

#include <Eigen/Cholesky>

#include "numeric/checks.hpp"
#include "numeric/weibull_fit.hpp"

namespace roundhouse::ml {
namespace {

constexpr int kMaxIterations = 200;
constexpr double kMinBeta = 1e-6;
constexpr double kMaxBeta = 1e6;

// The profile-likelihood equation in beta over times scaled to (0, 1].
class ProfileEquation {
 public:
  ProfileEquation(std::vector<double> log_all, double mean_log_failures)
      : log_all_(std::move(log_all)), mean_log_failures_(mean_log_failures) {}

  // g(beta) and its derivative (always > 0).
  std::pair<double, double> operator()(double beta) const {
    double s0 = 0.0, s1 = 0.0, s2 = 0.0;
    for (double l : log_all_) {
      const double w = std::exp(beta * l);  // scaled t^beta <= 1: no overflow
      s0 += w;
      s1 += w * l;
      s2 += w * l * l;
    }
    const double mean = s1 / s0;
    return {mean - 1.0 / beta - mean_log_failures_, s2 / s0 - mean * mean + 1.0 / (beta * beta)};
  }

  double sum_powers(double beta) const {
    double s0 = 0.0;
    for (double l : log_all_) s0 += std::exp(beta * l);
    return s0;
  }

 private:
  std::vector<double> log_all_;
  double mean_log_failures_;
};

struct Root {
  double beta;
  int iterations;
};

Result<Root> solve_beta(const ProfileEquation& g) {
  double lo = 1.0, hi = 1.0;
  while (g(lo).first > 0.0) {
    lo /= 2.0;
    if (lo < kMinBeta) return invalid("Weibull MLE: no shape parameter above 1e-6 fits the data");
  }
  while (g(hi).first < 0.0) {
    hi *= 2.0;
    if (hi > kMaxBeta) return invalid("Weibull MLE: the shape parameter grows without bound");
  }
  double beta = std::sqrt(lo * hi);
  for (int i = 1; i <= kMaxIterations; ++i) {
    const auto [value, slope] = g(beta);
    if (value == 0.0) return Root{beta, i};
    (value < 0.0 ? lo : hi) = beta;
    double next = beta - value / slope;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);  // Newton left the bracket: bisect
    if (std::abs(next - beta) <= 1e-14 * beta || hi - lo <= 1e-15 * hi) return Root{next, i};
    beta = next;
  }
  return Error{ErrorCode::internal, "Weibull MLE: the shape equation did not converge"};
}

}  // namespace

Result<WeibullMleFit> fit_weibull_mle(const LifeData& data) {
  if (auto s = validate_life_data(data, 2); !s) return s;
  double t_max = 0.0;
  for (double t : data.failures) t_max = std::max(t_max, t);
  for (double t : data.right_censored) t_max = std::max(t_max, t);
  if (std::all_of(data.failures.begin(), data.failures.end(), [&](double t) { return t == t_max; })) {
    return invalid("Weibull MLE: every failure is at the latest time, so the shape is unbounded");
  }

  std::vector<double> log_all;
  log_all.reserve(data.failures.size() + data.right_censored.size());
  double sum_log_failures = 0.0;  // of the unscaled times, for the log-likelihood
  for (double t : data.failures) {
    log_all.push_back(std::log(t / t_max));
    sum_log_failures += std::log(t);
  }
  for (double t : data.right_censored) log_all.push_back(std::log(t / t_max));
  const double r = static_cast<double>(data.failures.size());
  const double mean_scaled = sum_log_failures / r - std::log(t_max);

  const ProfileEquation g(log_all, mean_scaled);
  auto root = solve_beta(g);
  if (!root) return root.status();
  const double beta = root->beta;
  const double eta = t_max * std::pow(g.sum_powers(beta) / r, 1.0 / beta);

  // Sums over all units of z^beta, z^beta ln z, z^beta ln^2 z with z = t / eta.
  double a0 = 0.0, a1 = 0.0, a2 = 0.0;
  const double log_shift = std::log(t_max / eta);
  for (double l : log_all) {
    const double lz = l + log_shift;
    const double w = std::exp(beta * lz);
    a0 += w;
    a1 += w * lz;
    a2 += w * lz * lz;
  }
  WeibullMleFit fit;
  fit.params = {beta, eta};
  fit.iterations = root->iterations;
  fit.failures = data.failures.size();
  fit.suspensions = data.right_censored.size();
  fit.log_likelihood =
      r * std::log(beta) - r * beta * std::log(eta) + (beta - 1.0) * sum_log_failures - a0;

  Eigen::Matrix2d information;  // negative Hessian of the log-likelihood in (beta, eta)
  information(0, 0) = r / (beta * beta) + a2;
  information(1, 1) = (beta * (beta + 1.0) * a0 - r * beta) / (eta * eta);
  information(0, 1) = information(1, 0) = (r - a0 - beta * a1) / eta;
  const Eigen::LDLT<Eigen::Matrix2d> ldlt(information);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive() || ldlt.vectorD().minCoeff() <= 0.0) {
    return invalid("Weibull MLE: the Fisher information is singular; the data cannot bound the fit");
  }
  fit.covariance = ldlt.solve(Eigen::Matrix2d::Identity());
  return fit;
}

}  // namespace roundhouse::ml
