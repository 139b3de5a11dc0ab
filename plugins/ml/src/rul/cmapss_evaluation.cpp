#include "rul/cmapss_evaluation.hpp"

#include <chrono>

#include "eval/metrics.hpp"

namespace roundhouse::ml {

Result<CmapssData> load_cmapss(const std::filesystem::path& dir, const std::string& subset, RulFeatureSpec spec) {
  auto train = read_cmapss(dir / ("train_" + subset + ".txt"));
  if (!train) return train.error();
  auto test = read_cmapss(dir / ("test_" + subset + ".txt"));
  if (!test) return test.error();
  auto truth = read_cmapss_rul(dir / ("RUL_" + subset + ".txt"));
  if (!truth) return truth.error();
  if (spec.channels.empty()) spec.channels = informative_sensors(*train);

  CmapssData data;
  data.train = rul_features(*train, spec);
  data.train_target = capped_rul_target(data.train, spec.rul_cap);
  const RulDataset test_features = rul_features(*test, spec);
  const std::vector<Eigen::Index> last = last_rows(test_features);
  if (static_cast<Eigen::Index>(last.size()) != truth->size())
    return Error{ErrorCode::invalid_argument, "RUL_" + subset + ".txt has " + std::to_string(truth->size()) +
                                                  " values for " + std::to_string(last.size()) + " test units"};
  data.test_x = test_features.x(last, Eigen::all);
  data.test_truth = std::move(*truth);
  return data;
}

std::vector<BoostedTreesParams> default_rul_grid() {
  std::vector<BoostedTreesParams> grid;
  for (int depth : {3, 4}) {
    BoostedTreesParams p;
    p.max_depth = depth;
    p.learning_rate = 0.05;
    p.subsample = 0.8;
    p.colsample_bytree = 0.5;
    p.min_child_weight = 5;
    p.rounds = 600;
    grid.push_back(p);
  }
  return grid;
}

std::vector<int> default_rul_round_counts() { return {200, 400, 600}; }

Result<CmapssEvaluation> evaluate_cmapss(const CmapssData& data, const std::vector<BoostedTreesParams>& grid,
                                         const CvOptions& cv_options) {
  CmapssEvaluation out;
  auto cv = grouped_cv(data.train.x, data.train_target, data.train.unit, grid, cv_options);
  if (!cv) return cv.error();
  out.cv = std::move(*cv);

  const auto start = std::chrono::steady_clock::now();
  auto model = BoostedTrees::fit(data.train.x, data.train_target, out.cv.best.params);
  out.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!model) return model.error();
  auto predicted = model->predict(data.test_x);
  if (!predicted) return predicted.error();
  out.test_predicted = predicted->cwiseMax(0.0);
  out.test_rmse = rmse(out.test_predicted, data.test_truth);
  out.test_mae = mae(out.test_predicted, data.test_truth);
  out.test_nasa_score = nasa_score(out.test_predicted, data.test_truth);
  return out;
}

}  // namespace roundhouse::ml
