#include "models/boosted_model_type.hpp"

#include <cmath>
#include <map>
#include <memory>

#include <Eigen/Core>

#include "eval/grouped_cv.hpp"

namespace roundhouse::ml::models {
namespace {

namespace json = boost::json;

Error bad(const std::string& m) { return Error{ErrorCode::invalid_argument, "hyperparameters: " + m}; }

class BoostedPredictor final : public Predictor {
 public:
  explicit BoostedPredictor(BoostedTrees trees) : trees_(std::move(trees)) {}
  Result<std::vector<double>> predict(const FeatureMatrix& m) const override {
    if (m.rows() == 1) {
      auto one = trees_.predict_one(std::span<const double>(m.row(0), m.cols()));
      if (!one) return one.error();
      return std::vector<double>{*one};
    }
    Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> x(
        m.data(), static_cast<Eigen::Index>(m.rows()), static_cast<Eigen::Index>(m.cols()));
    auto out = trees_.predict(x);
    if (!out) return out.error();
    return std::vector<double>(out->data(), out->data() + out->size());
  }

 private:
  BoostedTrees trees_;
};

// {"folds": 3, "seed": 0, "max_depth": [3, 4], "rounds": [200, 400]} -> the grid and options
// (folds and seed: the first number when a list is given).
struct Search {
  std::vector<BoostedTreesParams> grid;
  CvOptions options;
};

Result<std::vector<int>> whole_list(const json::object& o, const char* key, std::vector<int> fallback, int lo, int hi) {
  auto* v = o.if_contains(key);
  if (!v) return fallback;
  if (v->is_int64() && v->get_int64() >= lo && v->get_int64() <= hi) return std::vector<int>{static_cast<int>(v->get_int64())};
  std::vector<int> out;
  if (v->is_array())
    for (const auto& e : v->get_array())
      if (e.is_int64() && e.get_int64() >= lo && e.get_int64() <= hi) out.push_back(static_cast<int>(e.get_int64()));
  if (!v->is_array() || out.empty() || out.size() != v->get_array().size())
    return bad("search." + std::string(key) + " must be a whole number or a non-empty list of them in [" +
               std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return out;
}

Result<Search> search_of(const json::value& v, const BoostedTreesParams& base) {
  if (!v.is_object()) return bad("'search' must be an object {folds, seed, max_depth: [...], rounds: [...]}");
  const json::object& o = v.get_object();
  for (const auto& [key, _] : o)
    if (key != "folds" && key != "seed" && key != "max_depth" && key != "rounds")
      return bad("search: unknown '" + std::string(key) + "' (folds, seed, max_depth, rounds)");
  auto folds = whole_list(o, "folds", {3}, 2, 20);
  auto seed = whole_list(o, "seed", {0}, 0, 1 << 30);
  auto depths = whole_list(o, "max_depth", {base.max_depth}, 1, 20);
  auto rounds = whole_list(o, "rounds", {base.rounds}, 1, 5000);
  for (const auto* r : {&folds, &seed, &depths, &rounds})
    if (!*r) return r->error();
  Search s;
  s.options.folds = folds->front();
  s.options.seed = static_cast<std::uint64_t>(seed->front());
  s.options.round_counts = *rounds;
  for (int depth : *depths) {
    BoostedTreesParams p = base;
    p.max_depth = depth;
    p.rounds = *std::max_element(rounds->begin(), rounds->end());
    s.grid.push_back(p);
  }
  return s;
}

// Grouped k-fold CV on the training rows (all rows of an entity in one fold); the best candidate.
Result<std::pair<BoostedTreesParams, json::object>> run_search(const Search& search, const Eigen::MatrixXd& x,
                                                               const Eigen::VectorXd& y,
                                                               const std::vector<std::string>& entities) {
  std::map<std::string, int> ids;
  std::vector<int> groups;
  groups.reserve(entities.size());
  for (const auto& e : entities) groups.push_back(ids.try_emplace(e, static_cast<int>(ids.size())).first->second);
  auto cv = grouped_cv(x, y, groups, search.grid, search.options);
  if (!cv) return cv.error();
  json::array scores;
  for (const auto& sc : cv->scores)
    scores.push_back(json::object{{"max_depth", sc.params.max_depth}, {"rounds", sc.params.rounds}, {"rmse", sc.rmse}});
  json::object report{{"folds", search.options.folds}, {"seed", search.options.seed}, {"grouped_by", "entity"},
                      {"scores", std::move(scores)}, {"best_cv_rmse", cv->best.rmse}};
  return std::pair{cv->best.params, std::move(report)};
}

}  // namespace

Result<BoostedTreesParams> boosted_params(const json::object& h, BoostedTreesParams p) {
  for (const auto& [key, value] : h) {
    if (key == "search") continue;  // read by fit()
    if (!value.is_number()) return bad("'" + std::string(key) + "' must be a number");
    const double v = value.to_number<double>();
    auto whole = [&](int& target) -> Status {
      if (v != std::floor(v) || std::abs(v) > 1e9) return bad("'" + std::string(key) + "' must be a whole number");
      target = static_cast<int>(v);
      return {};
    };
    Status st;
    if (key == "rounds") st = whole(p.rounds);
    else if (key == "max_depth") st = whole(p.max_depth);
    else if (key == "threads") st = whole(p.threads);
    else if (key == "seed") {
      int seed = 0;
      st = whole(seed);
      p.seed = static_cast<std::uint64_t>(seed);
    } else if (key == "learning_rate") p.learning_rate = v;
    else if (key == "min_child_weight") p.min_child_weight = v;
    else if (key == "subsample") p.subsample = v;
    else if (key == "colsample_bytree") p.colsample_bytree = v;
    else if (key == "l2") p.l2 = v;
    else
      return bad("unknown '" + std::string(key) +
                 "' (rounds, learning_rate, max_depth, min_child_weight, subsample, colsample_bytree, l2, seed, "
                 "threads, search)");
    if (!st) return st.error();
  }
  if (p.rounds > 5000) return bad("rounds must be in [1, 5000]");
  if (Status st = validate(p); !st) return bad(st.message());
  return p;
}

json::object to_json(const BoostedTreesParams& p) {
  return {{"objective", p.objective}, {"rounds", p.rounds}, {"learning_rate", p.learning_rate},
          {"max_depth", p.max_depth}, {"min_child_weight", p.min_child_weight}, {"subsample", p.subsample},
          {"colsample_bytree", p.colsample_bytree}, {"l2", p.l2}, {"seed", p.seed}, {"threads", p.threads}};
}

Result<FittedModel> BoostedModelType::fit(const LabelledDataset& train, const json::object& hyperparameters,
                                          const FitProgress& progress) const {
  auto params = boosted_params(hyperparameters, default_params());
  if (!params) return params.error();
  const auto& m = train.features;
  const Eigen::MatrixXd x = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      m.data(), static_cast<Eigen::Index>(m.rows()), static_cast<Eigen::Index>(m.cols()));
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(train.labels.data(),
                                                               static_cast<Eigen::Index>(train.labels.size()));
  json::object search_report;
  if (auto* spec = hyperparameters.if_contains("search")) {
    auto search = search_of(*spec, *params);
    if (!search) return search.error();
    auto best = run_search(*search, x, y, m.entity_ids);
    if (!best) return best.error();
    *params = best->first;
    search_report = std::move(best->second);
  }
  auto trees = BoostedTrees::fit(x, y, *params, nullptr, progress);
  if (!trees) return trees.error();
  auto bytes = trees->save();
  if (!bytes) return bytes.error();
  FittedModel out;
  out.format = kXgboostFormat;
  out.artifact = std::move(*bytes);
  out.feature_schema_hash = m.schema.hash();
  for (const auto& c : m.schema.columns) out.columns.push_back(c.name);
  out.hyperparameters = to_json(*params);
  if (!search_report.empty()) out.hyperparameters["search"] = std::move(search_report);
  return out;
}

Result<PredictorPtr> BoostedModelType::load(const FittedModel& model) const {
  if (model.format != kXgboostFormat)
    return Error{ErrorCode::invalid_argument,
                 "model type '" + name() + "' reads format '" + kXgboostFormat + "', got '" + model.format + "'"};
  auto trees = BoostedTrees::load(model.artifact);
  if (!trees) return trees.error();
  if (trees->feature_count() != static_cast<int>(model.columns.size()))
    return Error{ErrorCode::corrupted, "the stored model has " + std::to_string(trees->feature_count()) +
                                           " features but its record lists " + std::to_string(model.columns.size()) +
                                           " columns"};
  return PredictorPtr(std::make_shared<BoostedPredictor>(std::move(*trees)));
}

}  // namespace roundhouse::ml::models
