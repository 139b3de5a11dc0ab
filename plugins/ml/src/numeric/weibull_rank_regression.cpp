#include <cmath>

#include "numeric/checks.hpp"
#include "numeric/median_ranks.hpp"
#include "numeric/weibull_fit.hpp"

namespace roundhouse::ml {

Result<WeibullRankFit> fit_weibull_rank_regression(const LifeData& data, RankRegressionAxis axis) {
  if (auto s = validate_life_data(data, 2); !s) return s;
  auto ranked = benard_median_ranks(data);
  if (!ranked) return ranked.status();

  const auto n = static_cast<Eigen::Index>(ranked->size());
  Eigen::VectorXd log_t(n), log_h(n);  // ln t and ln(-ln(1 - F)) (log cumulative hazard)
  for (Eigen::Index i = 0; i < n; ++i) {
    const RankedFailure& point = (*ranked)[static_cast<std::size_t>(i)];
    log_t(i) = std::log(point.time);
    log_h(i) = std::log(-std::log1p(-point.median_rank));
  }
  const Eigen::VectorXd dt = log_t.array() - log_t.mean();
  const Eigen::VectorXd dh = log_h.array() - log_h.mean();
  const double stt = dt.squaredNorm(), shh = dh.squaredNorm(), sth = dt.dot(dh);
  if (stt <= 0.0) return invalid("rank regression: all failure times are equal (singular design)");

  WeibullRankFit fit;
  fit.r_squared = sth * sth / (stt * shh);
  if (axis == RankRegressionAxis::y_on_x) {
    const double beta = sth / stt;
    fit.params = {beta, std::exp(log_t.mean() - log_h.mean() / beta)};
  } else {
    const double inverse_beta = sth / shh;
    fit.params = {1.0 / inverse_beta, std::exp(log_t.mean() - inverse_beta * log_h.mean())};
  }
  return fit;
}

}  // namespace roundhouse::ml
