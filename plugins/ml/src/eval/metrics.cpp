#include "eval/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace roundhouse::ml {

double rmse(const Eigen::VectorXd& predicted, const Eigen::VectorXd& truth) {
  return std::sqrt((predicted - truth).squaredNorm() / static_cast<double>(truth.size()));
}

double mae(const Eigen::VectorXd& predicted, const Eigen::VectorXd& truth) {
  return (predicted - truth).cwiseAbs().mean();
}

double nasa_score(const Eigen::VectorXd& predicted, const Eigen::VectorXd& truth) {
  double total = 0.0;
  for (Eigen::Index i = 0; i < truth.size(); ++i) {
    const double d = predicted(i) - truth(i);
    total += d < 0 ? std::exp(-d / 13.0) - 1.0 : std::exp(d / 10.0) - 1.0;
  }
  return total;
}

double auc(const Eigen::VectorXd& score, const Eigen::VectorXd& label) {
  const auto n = static_cast<std::size_t>(score.size());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return score(a) < score(b); });
  // Average ranks over ties, then the Mann-Whitney U of the positives.
  double positive_rank_sum = 0.0, positives = 0.0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && score(order[j]) == score(order[i])) ++j;
    const double rank = (static_cast<double>(i + j) + 1.0) / 2.0;  // 1-based average rank
    for (std::size_t k = i; k < j; ++k) {
      if (label(order[k]) > 0.5) {
        positive_rank_sum += rank;
        positives += 1.0;
      }
    }
    i = j;
  }
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
  return (positive_rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

}  // namespace roundhouse::ml
