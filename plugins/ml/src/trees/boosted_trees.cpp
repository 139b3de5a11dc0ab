#include "trees/boosted_trees.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "trees/xgb_handle.hpp"

namespace roundhouse::ml {
namespace {

using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::string predict_config(int rounds) {
  return R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": )" + std::to_string(rounds) +
         R"(, "strict_shape": false, "missing": NaN, "cache_id": 0})";
}

Status invalid(std::string message) { return Status{ErrorCode::invalid_argument, std::move(message)}; }

Result<xgb::DMatrix> make_dmatrix(const float* data, std::size_t rows, std::size_t cols, int threads) {
  DMatrixHandle raw = nullptr;
  Status st = xgb::check(XGDMatrixCreateFromMat_omp(data, rows, cols, std::nanf(""), &raw, threads),
                         "create matrix");
  if (!st) return st.error();
  return xgb::DMatrix(raw);
}

Status set_param(BoosterHandle h, const char* name, const std::string& value) {
  return xgb::check(XGBoosterSetParam(h, name, value.c_str()), std::string("set ") + name);
}

Status set_params(BoosterHandle h, const BoostedTreesParams& p, double base_score) {
  const std::pair<const char*, std::string> entries[] = {
      {"verbosity", "0"},
      {"tree_method", "hist"},
      {"objective", p.objective},
      {"eta", std::to_string(p.learning_rate)},
      {"max_depth", std::to_string(p.max_depth)},
      {"min_child_weight", std::to_string(p.min_child_weight)},
      {"subsample", std::to_string(p.subsample)},
      {"colsample_bytree", std::to_string(p.colsample_bytree)},
      {"lambda", std::to_string(p.l2)},
      {"nthread", std::to_string(p.threads)},
      {"seed", std::to_string(p.seed)},
      {"base_score", std::to_string(base_score)},
  };
  for (const auto& [name, value] : entries) {
    if (Status st = set_param(h, name, value); !st) return st;
  }
  return {};
}

}  // namespace

struct BoostedTrees::Impl {
  xgb::Booster booster;
  std::mutex mutex;  // XGBoost returns predictions and saved bytes in a buffer owned by the booster
};

Status validate(const BoostedTreesParams& p) {
  if (p.objective != "reg:squarederror" && p.objective != "binary:logistic")
    return invalid("objective must be reg:squarederror or binary:logistic, got " + p.objective);
  if (p.rounds < 1 || p.rounds > 100000) return invalid("rounds must be in [1, 100000]");
  if (!(p.learning_rate > 0 && p.learning_rate <= 1)) return invalid("learning_rate must be in (0, 1]");
  if (p.max_depth < 1 || p.max_depth > 20) return invalid("max_depth must be in [1, 20]");
  if (!(p.min_child_weight >= 0)) return invalid("min_child_weight must be >= 0");
  if (!(p.subsample > 0 && p.subsample <= 1)) return invalid("subsample must be in (0, 1]");
  if (!(p.colsample_bytree > 0 && p.colsample_bytree <= 1))
    return invalid("colsample_bytree must be in (0, 1]");
  if (!(p.l2 >= 0)) return invalid("l2 must be >= 0");
  if (p.threads < 1) return invalid("threads must be >= 1");
  return {};
}

BoostedTrees::BoostedTrees(std::unique_ptr<Impl> impl, int features)
    : impl_(std::move(impl)), features_(features) {}
BoostedTrees::BoostedTrees(BoostedTrees&&) noexcept = default;
BoostedTrees& BoostedTrees::operator=(BoostedTrees&&) noexcept = default;
BoostedTrees::~BoostedTrees() = default;

Result<BoostedTrees> BoostedTrees::fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                       const BoostedTreesParams& params,
                                       const Eigen::VectorXd* weights,
                                       const std::function<void(int, int)>& progress) {
  if (Status st = validate(params); !st) return st.error();
  if (x.rows() == 0 || x.cols() == 0) return invalid("training needs at least one row and one feature").error();
  if (y.size() != x.rows())
    return invalid("labels: expected " + std::to_string(x.rows()) + " values, got " + std::to_string(y.size())).error();
  if (!y.allFinite()) return invalid("labels must be finite").error();
  const bool binary = params.objective == "binary:logistic";
  if (binary && ((y.array() != 0.0) && (y.array() != 1.0)).any())
    return invalid("binary:logistic labels must be 0 or 1").error();
  if (weights && (weights->size() != x.rows() || !weights->allFinite() || (weights->array() < 0).any()))
    return invalid("weights must be one finite value >= 0 per row").error();

  const RowMajorF xf = x.cast<float>();
  auto dtrain = make_dmatrix(xf.data(), xf.rows(), xf.cols(), params.threads);
  if (!dtrain) return dtrain.error();
  const Eigen::VectorXf yf = y.cast<float>();
  if (Status st = xgb::check(XGDMatrixSetFloatInfo(dtrain->get(), "label", yf.data(), yf.size()), "set labels"); !st)
    return st.error();
  if (weights) {
    const Eigen::VectorXf wf = weights->cast<float>();
    if (Status st = xgb::check(XGDMatrixSetFloatInfo(dtrain->get(), "weight", wf.data(), wf.size()), "set weights"); !st)
      return st.error();
  }

  DMatrixHandle train_set[] = {dtrain->get()};
  BoosterHandle raw = nullptr;
  if (Status st = xgb::check(XGBoosterCreate(train_set, 1, &raw), "create booster"); !st) return st.error();
  xgb::Booster booster(raw);
  // Starting from the label mean (or the base rate) saves the first trees the work of finding it.
  const double mean = y.mean();
  const double base = binary ? std::clamp(mean, 1e-3, 1 - 1e-3) : mean;
  if (Status st = set_params(raw, params, base); !st) return st.error();
  for (int round = 0; round < params.rounds; ++round) {
    if (Status st = xgb::check(XGBoosterUpdateOneIter(raw, round, dtrain->get()), "train"); !st)
      return st.error();
    if (progress) progress(round + 1, params.rounds);
  }
  auto impl = std::make_unique<Impl>();
  impl->booster = std::move(booster);
  return BoostedTrees(std::move(impl), static_cast<int>(x.cols()));
}

Result<BoostedTrees> BoostedTrees::load(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return invalid("model bytes are empty").error();
  BoosterHandle raw = nullptr;
  if (Status st = xgb::check(XGBoosterCreate(nullptr, 0, &raw), "create booster"); !st) return st.error();
  xgb::Booster booster(raw);
  if (Status st = xgb::check(XGBoosterLoadModelFromBuffer(raw, bytes.data(), bytes.size()), "load model"); !st)
    return Error{ErrorCode::invalid_argument, st.message()};
  bst_ulong features = 0;
  if (Status st = xgb::check(XGBoosterGetNumFeature(raw, &features), "read feature count"); !st) return st.error();
  auto impl = std::make_unique<Impl>();
  // Not part of the saved model; two threads, as BoostedTreesParams defaults to.
  if (Status st = set_param(raw, "nthread", "2"); !st) return st.error();
  impl->booster = std::move(booster);
  return BoostedTrees(std::move(impl), static_cast<int>(features));
}

Result<Eigen::VectorXd> BoostedTrees::predict_rows(const float* data, std::size_t rows, int rounds) const {
  // In-place prediction reads the caller's dense array directly (no DMatrix copy). The array is
  // described by the __array_interface__ JSON XGBoost takes: address, shape, little-endian float32.
  const std::string array = R"({"data": [)" + std::to_string(reinterpret_cast<std::uintptr_t>(data)) +
                            R"(, true], "shape": [)" + std::to_string(rows) + ", " + std::to_string(features_) +
                            R"(], "typestr": "<f4", "version": 3})";
  const std::string config = predict_config(rounds);
  std::lock_guard lock(impl_->mutex);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  if (Status st = xgb::check(XGBoosterPredictFromDense(impl_->booster.get(), array.c_str(), config.c_str(), nullptr,
                                                       &shape, &dim, &out),
                             "predict");
      !st)
    return st.error();
  return Eigen::Map<const Eigen::VectorXf>(out, static_cast<Eigen::Index>(rows)).cast<double>().eval();
}

Result<Eigen::VectorXd> BoostedTrees::predict(const Eigen::MatrixXd& x, int rounds) const {
  if (x.cols() != features_)
    return invalid("expected " + std::to_string(features_) + " features, got " + std::to_string(x.cols())).error();
  if (rounds < 0) return invalid("rounds must be >= 0").error();
  if (x.rows() == 0) return Eigen::VectorXd();
  const RowMajorF xf = x.cast<float>();
  return predict_rows(xf.data(), static_cast<std::size_t>(xf.rows()), rounds);
}

Result<double> BoostedTrees::predict_one(std::span<const double> row) const {
  if (row.size() != static_cast<std::size_t>(features_))
    return invalid("expected " + std::to_string(features_) + " features, got " + std::to_string(row.size())).error();
  std::vector<float> values(row.begin(), row.end());
  auto out = predict_rows(values.data(), 1, 0);
  if (!out) return out.error();
  return (*out)(0);
}

Result<std::vector<std::uint8_t>> BoostedTrees::save() const {
  std::lock_guard lock(impl_->mutex);
  bst_ulong length = 0;
  const char* data = nullptr;
  if (Status st = xgb::check(XGBoosterSaveModelToBuffer(impl_->booster.get(), R"({"format": "ubj"})", &length, &data),
                             "save model");
      !st)
    return st.error();
  return std::vector<std::uint8_t>(data, data + length);
}

}  // namespace roundhouse::ml
