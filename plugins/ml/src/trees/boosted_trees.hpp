#pragma once
// Gradient-boosted regression/classification trees, trained and evaluated by XGBoost through its
// C API. A BoostedTrees value owns one booster; it is movable, not copyable (clone through
// save()/load()). Training takes Eigen matrices (rows = observations, double precision; XGBoost
// works in float, so values are narrowed on the way in). NaN in a feature means "missing".
//
// Thread-safety: predict() and save() may be called from several threads at once; XGBoost hands
// results back in a per-booster buffer, so a mutex serializes calls on one model.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

struct BoostedTreesParams {
  std::string objective = "reg:squarederror";  // or "binary:logistic" (predict gives probabilities)
  int rounds = 200;               // boosting iterations (trees)
  double learning_rate = 0.05;    // eta
  int max_depth = 4;
  double min_child_weight = 1.0;
  double subsample = 1.0;         // row fraction per tree, (0, 1]
  double colsample_bytree = 1.0;  // column fraction per tree, (0, 1]
  double l2 = 1.0;                // lambda, L2 penalty on leaf weights
  int threads = 2;                // nthread; small by default, the host shares its cores
  std::uint64_t seed = 0;         // fixed, so training is reproducible
};

// Errors: out-of-range parameters, named.
Status validate(const BoostedTreesParams& params);

class BoostedTrees {
 public:
  // Errors: shape mismatch, no rows, non-finite labels, bad parameters, weights of the wrong length.
  // `progress`, when set, is called after each boosting round with (rounds done, rounds planned).
  static Result<BoostedTrees> fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                  const BoostedTreesParams& params,
                                  const Eigen::VectorXd* weights = nullptr,
                                  const std::function<void(int, int)>& progress = {});
  // A model saved by save(). Errors: bytes that XGBoost cannot read.
  static Result<BoostedTrees> load(std::span<const std::uint8_t> bytes);

  BoostedTrees(BoostedTrees&&) noexcept;
  BoostedTrees& operator=(BoostedTrees&&) noexcept;
  ~BoostedTrees();

  // One prediction per row of x (probabilities for binary:logistic), from the first `rounds`
  // trees (0 = all; lets cross-validation score several round counts from one fit).
  // Errors: wrong column count.
  Result<Eigen::VectorXd> predict(const Eigen::MatrixXd& x, int rounds = 0) const;
  // Same, for one row given as a contiguous span (the serving path: no Eigen temporary).
  Result<double> predict_one(std::span<const double> row) const;
  // The booster in XGBoost's UBJSON model format (portable across XGBoost versions >= 1.6).
  Result<std::vector<std::uint8_t>> save() const;

  int feature_count() const noexcept { return features_; }

 private:
  struct Impl;
  BoostedTrees(std::unique_ptr<Impl> impl, int features);
  Result<Eigen::VectorXd> predict_rows(const float* data, std::size_t rows, int rounds) const;

  std::unique_ptr<Impl> impl_;
  int features_ = 0;
};

}  // namespace roundhouse::ml
