#include "ml.hpp"

#include <optional>

#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include "eval/grouped_cv.hpp"
#include "eval/metrics.hpp"
#include "nogil.hpp"
#include "runtime.hpp"
#include "store.hpp"
#include "trees/boosted_trees.hpp"

namespace roundhouse::py {
namespace pyb = pybind11;
using namespace pybind11::literals;

namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// A fitted (or loaded) model; empty until fit() or load().
struct PyBoostedTrees {
  ml::BoostedTreesParams params;
  std::shared_ptr<ml::BoostedTrees> model;

  const ml::BoostedTrees& fitted() const {
    if (!model) raise(ErrorCode::invalid_argument, "the model is not fitted yet: call fit(X, y) first");
    return *model;
  }
};

void check_same_length(const Eigen::VectorXd& a, const Eigen::VectorXd& b, const char* what) {
  if (a.size() == 0) raise(ErrorCode::invalid_argument, std::string(what) + ": no values");
  if (a.size() != b.size())
    raise(ErrorCode::invalid_argument, std::string(what) + ": " + std::to_string(a.size()) + " predictions but " +
                                           std::to_string(b.size()) + " truths");
}

template <double (*Metric)(const Eigen::VectorXd&, const Eigen::VectorXd&)>
double metric(const Eigen::VectorXd& predicted, const Eigen::VectorXd& truth, const char* what) {
  check_same_length(predicted, truth, what);
  return Metric(predicted, truth);
}

PyBoostedTrees params_from(const std::string& objective, int rounds, double learning_rate, int max_depth,
                                   double min_child_weight, double subsample, double colsample_bytree, double l2,
                                   int threads, std::uint64_t seed) {
  ml::BoostedTreesParams p{objective, rounds, learning_rate, max_depth, min_child_weight, subsample, colsample_bytree,
                           l2, threads, seed};
  check(ml::validate(p));
  return PyBoostedTrees{p, nullptr};
}

}  // namespace

void bind_ml(pyb::module_& parent) {
  auto m = parent.def_submodule("ml", "Native ML core (use roundhouse.ml).");

  pyb::class_<PyBoostedTrees>(m, "BoostedTrees",
      "Gradient-boosted trees (XGBoost hist trees through its C API, as the ml plugin trains them).")
      .def(pyb::init(&params_from), pyb::kw_only(), "objective"_a = "reg:squarederror", "rounds"_a = 200,
           "learning_rate"_a = 0.05, "max_depth"_a = 4, "min_child_weight"_a = 1.0, "subsample"_a = 1.0,
           "colsample_bytree"_a = 1.0, "l2"_a = 1.0, "threads"_a = 2, "seed"_a = 0)
      .def("fit", [](PyBoostedTrees& t, const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                     const std::optional<Eigen::VectorXd>& weights) {
             const Eigen::VectorXd* w = weights ? &*weights : nullptr;
             auto fitted = nogil([&] { return ml::BoostedTrees::fit(x, y, t.params, w); });
             t.model = std::make_shared<ml::BoostedTrees>(std::move(fitted));
           }, "X"_a, "y"_a, pyb::kw_only(), "sample_weight"_a = pyb::none())
      .def("predict", [](const PyBoostedTrees& t, const Eigen::MatrixXd& x, int rounds) {
             const auto& model = t.fitted();
             if (rounds < 0) raise(ErrorCode::invalid_argument, "rounds must be >= 0 (0 = every tree)");
             return nogil([&] { return model.predict(x, rounds); });
           }, "X"_a, pyb::kw_only(), "rounds"_a = 0)
      .def("save", [](const PyBoostedTrees& t) {
             auto bytes = unwrap(t.fitted().save());
             return pyb::bytes(reinterpret_cast<const char*>(bytes.data()), bytes.size());
           })
      .def("_load", [](PyBoostedTrees& t, const pyb::bytes& data) {
             std::string_view view = data;
             auto loaded = unwrap(ml::BoostedTrees::load(
                 std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(view.data()), view.size())));
             t.model = std::make_shared<ml::BoostedTrees>(std::move(loaded));
           }, "Internal: replaces this model by saved bytes (see BoostedTrees.load).", "data"_a)
      .def_property_readonly("fitted", [](const PyBoostedTrees& t) { return static_cast<bool>(t.model); })
      .def_property_readonly("feature_count", [](const PyBoostedTrees& t) { return t.fitted().feature_count(); })
      .def_property_readonly("params", [](const PyBoostedTrees& t) {
        const auto& p = t.params;
        return pyb::dict("objective"_a = p.objective, "rounds"_a = p.rounds, "learning_rate"_a = p.learning_rate,
                         "max_depth"_a = p.max_depth, "min_child_weight"_a = p.min_child_weight, "subsample"_a = p.subsample,
                         "colsample_bytree"_a = p.colsample_bytree, "l2"_a = p.l2, "threads"_a = p.threads, "seed"_a = p.seed);
      });

  m.def("rmse", [](const Eigen::VectorXd& p, const Eigen::VectorXd& t) { return metric<&ml::rmse>(p, t, "rmse"); },
        "predicted"_a, "truth"_a);
  m.def("mae", [](const Eigen::VectorXd& p, const Eigen::VectorXd& t) { return metric<&ml::mae>(p, t, "mae"); },
        "predicted"_a, "truth"_a);
  m.def("nasa_score", [](const Eigen::VectorXd& p, const Eigen::VectorXd& t) { return metric<&ml::nasa_score>(p, t, "nasa_score"); },
        "predicted"_a, "truth"_a);
  m.def("auc", [](const Eigen::VectorXd& s, const Eigen::VectorXd& l) { return metric<&ml::auc>(s, l, "auc"); },
        "score"_a, "label"_a);

  m.def("grouped_cv", [](const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<int>& groups,
                          const std::vector<PyBoostedTrees>& grid, int folds, std::uint64_t seed,
                          const std::vector<int>& round_counts) {
         if (x.rows() != y.size() || static_cast<std::size_t>(y.size()) != groups.size())
           raise(ErrorCode::invalid_argument, "grouped_cv: X, y and groups need one entry per row (" +
                                                  std::to_string(x.rows()) + ", " + std::to_string(y.size()) + ", " +
                                                  std::to_string(groups.size()) + ")");
         std::vector<ml::BoostedTreesParams> params;
         for (const auto& g : grid) params.push_back(g.params);
         ml::CvOptions options{folds, seed, round_counts};
         auto result = nogil([&] { return ml::grouped_cv(x, y, groups, params, options); });
         pyb::list scores;
         for (const auto& s : result.scores) scores.append(pyb::make_tuple(PyBoostedTrees{s.params, nullptr}, s.rmse));
         return pyb::make_tuple(scores, PyBoostedTrees{result.best.params, nullptr}, result.best.rmse);
       }, "X"_a, "y"_a, "groups"_a, "grid"_a, pyb::kw_only(), "folds"_a = 5, "seed"_a = 0,
       "round_counts"_a = std::vector<int>{});

  // Supplied life data only: the handler reads the store only for {"system": ...} bodies.
  m.def("weibull_analysis", [](const pyb::dict& body, const std::string& plugin_dir) {
         if (!body.contains("failures") || body.contains("system"))
           raise(ErrorCode::invalid_argument, "weibull_analysis takes supplied times ('failures'), not a fleet query");
         auto rt = runtime_for(resolve_plugin_dir(plugin_dir));
         auto answer = call_plugin_route(rt->registry, nullptr, Principal{"python", "default", {"admin"}}, "POST",
                                         "/api/v1/reliability/weibull", body, pyb::none());
         return pyb::object(answer[1]);
       }, "body"_a, "plugin_dir"_a = "");
}

}  // namespace roundhouse::py
