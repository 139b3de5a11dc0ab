#include "eval/grouped_cv.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

namespace roundhouse::ml {
namespace {

Eigen::MatrixXd take_rows(const Eigen::MatrixXd& x, const std::vector<Eigen::Index>& rows) {
  return x(rows, Eigen::all);
}

Eigen::VectorXd take(const Eigen::VectorXd& y, const std::vector<Eigen::Index>& rows) { return y(rows); }

// Fold number of each row: units shuffled with a fixed-seed generator, then dealt round-robin.
std::vector<int> fold_of_rows(const std::vector<int>& groups, int folds, std::uint64_t seed) {
  const std::set<int> distinct(groups.begin(), groups.end());
  std::vector<int> units(distinct.begin(), distinct.end());
  // std::shuffle's algorithm is unspecified; a hand-rolled Fisher-Yates on mt19937_64 is portable.
  std::mt19937_64 rng(seed);
  for (std::size_t i = units.size(); i > 1; --i) std::swap(units[i - 1], units[rng() % i]);
  std::map<int, int> fold_of_unit;
  for (std::size_t i = 0; i < units.size(); ++i) fold_of_unit[units[i]] = static_cast<int>(i % folds);
  std::vector<int> fold(groups.size());
  for (std::size_t r = 0; r < groups.size(); ++r) fold[r] = fold_of_unit[groups[r]];
  return fold;
}

}  // namespace

Result<CvResult> grouped_cv(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<int>& groups,
                            const std::vector<BoostedTreesParams>& grid, const CvOptions& options) {
  if (grid.empty()) return Error{ErrorCode::invalid_argument, "the hyperparameter grid is empty"};
  if (groups.size() != static_cast<std::size_t>(x.rows()) || y.size() != x.rows())
    return Error{ErrorCode::invalid_argument, "features, labels and groups must have one entry per row"};
  const auto distinct = std::set<int>(groups.begin(), groups.end()).size();
  if (options.folds < 2 || distinct < static_cast<std::size_t>(options.folds))
    return Error{ErrorCode::invalid_argument, "cross-validation needs at least 2 folds and one unit per fold; got " +
                                                  std::to_string(distinct) + " units for " +
                                                  std::to_string(options.folds) + " folds"};
  const std::vector<int> fold = fold_of_rows(groups, options.folds, options.seed);

  CvResult result;
  for (const BoostedTreesParams& candidate : grid) {
    std::vector<int> counts = options.round_counts.empty() ? std::vector<int>{candidate.rounds} : options.round_counts;
    BoostedTreesParams fitted = candidate;
    fitted.rounds = *std::max_element(counts.begin(), counts.end());
    std::vector<double> squared_error(counts.size(), 0.0);
    for (int k = 0; k < options.folds; ++k) {
      std::vector<Eigen::Index> train_rows, held_rows;
      for (std::size_t r = 0; r < fold.size(); ++r)
        (fold[r] == k ? held_rows : train_rows).push_back(static_cast<Eigen::Index>(r));
      auto model = BoostedTrees::fit(take_rows(x, train_rows), take(y, train_rows), fitted);
      if (!model) return model.error();
      const Eigen::MatrixXd held_x = take_rows(x, held_rows);
      const Eigen::VectorXd held_y = take(y, held_rows);
      for (std::size_t c = 0; c < counts.size(); ++c) {
        auto predicted = model->predict(held_x, counts[c]);
        if (!predicted) return predicted.error();
        squared_error[c] += (*predicted - held_y).squaredNorm();
      }
    }
    for (std::size_t c = 0; c < counts.size(); ++c) {
      CvScore score{candidate, std::sqrt(squared_error[c] / static_cast<double>(x.rows()))};
      score.params.rounds = counts[c];
      result.scores.push_back(score);
    }
  }
  result.best = *std::min_element(result.scores.begin(), result.scores.end(),
                                  [](const CvScore& a, const CvScore& b) { return a.rmse < b.rmse; });
  return result;
}

}  // namespace roundhouse::ml
