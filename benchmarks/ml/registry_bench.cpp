// roundhouse_ml_registry_bench: the model registry path on C-MAPSS FD001, each figure beside the
// bare booster doing the same numeric work in the same run (benchmarks/ml_models_bench.py runs
// it). In a memory: store with FD001 imported as asset streams:
//   train    the `rul` pipeline (sensor-window dataset from the log, split, fit, held-out
//            evaluation, artifact + ModelVersionTrained appended) vs BoostedTrees::fit on the
//            same training rows with the same hyperparameters;
//   single   predict() of one test engine as of now (model stream read, features extracted for
//            the engine, schema check, predict, PredictionMade appended; and without recording)
//            vs predict_one on that engine's feature row;
//   batch    predict() of the 100 test engines vs BoostedTrees::predict on their 100 rows.
// Output: one JSON object on stdout.
//
// Features: the C-MAPSS protocol's sensor-window parameters (rul/cmapss_protocol.hpp).
//
//   roundhouse_ml_registry_bench --data DIR [--rounds N] [--depth N] [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "assets/cmapss.hpp"
#include "ml_plugin.hpp"
#include "models/boosted_model_type.hpp"
#include "models/serving.hpp"
#include "models/training.hpp"
#include "rul/cmapss_protocol.hpp"
#include "storage_memory.hpp"
#include "trees/boosted_trees.hpp"

namespace rh = roundhouse;
namespace models = roundhouse::ml::models;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}
double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}
int fail(const std::string& message) {
  std::fprintf(stderr, "roundhouse_ml_registry_bench: %s\n", message.c_str());
  return 1;
}
Eigen::MatrixXd dense(const rh::ml::FeatureMatrix& m) {
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      m.data(), static_cast<Eigen::Index>(m.rows()), static_cast<Eigen::Index>(m.cols()));
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir;
  int rounds = 600, depth = 3;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--data" && i + 1 < argc) data_dir = argv[++i];
    else if (arg == "--rounds" && i + 1 < argc) rounds = std::atoi(argv[++i]);
    else if (arg == "--depth" && i + 1 < argc) depth = std::atoi(argv[++i]);
    else if (arg == "--quick") quick = true;
    else {
      fail("usage: roundhouse_ml_registry_bench --data DIR [--rounds N] [--depth N] [--quick]");
      return 2;
    }
  }
  if (data_dir.empty()) return fail("--data is required");

  rh::Registry registry;
  if (!rh::plugins::register_storage_memory(registry).ok() || !rh::plugins::register_ml(registry).ok())
    return fail("plugin registration failed");
  auto store = registry.open_store("memory:");
  if (!store) return fail(store.error().message);
  rh::ml::assets::CmapssOptions options;
  options.train = std::string(data_dir) + "/train_FD001.txt";
  options.test = std::string(data_dir) + "/test_FD001.txt";
  options.tenant = "default";
  if (auto r = rh::ml::assets::import_cmapss(**store, &registry, options); !r) return fail(r.error().message);
  const models::RegistryScope scope{"default", "bench"};
  const rh::Timestamp now = rh::now_micros();

  // Train through the pipeline.
  models::TrainRequest request;
  request.model_type = "rul";
  request.name = "fd001";
  request.dataset.parameters = {{"asset_prefix", "FD001-train-"}};
  request.dataset.extractor_parameters = rh::ml::rul::cmapss_window_parameters();
  request.dataset.known_at = now;
  request.hyperparameters = {{"rounds", rounds}, {"max_depth", depth}};
  request.promote = true;
  auto start = Clock::now();
  auto trained = models::train_model(registry, **store, scope, request);
  const double train_ms = ms_since(start);
  if (!trained) return fail(trained.error().message);
  const double pipeline_fit_s = trained->version.record.at("fit_seconds").as_double();

  // Baseline: the same training rows and hyperparameters straight into BoostedTrees::fit.
  auto type = models::find_model_type(registry, "rul");
  rh::ml::DatasetRequest dr = request.dataset;
  dr.tenant = "default";
  start = Clock::now();
  auto data = (*type)->dataset(registry, **store, dr);
  const double dataset_ms = ms_since(start);
  if (!data) return fail(data.error().message);
  auto stored = trained->version.record.at("hyperparameters").as_object();
  stored.erase("objective");
  auto params = models::boosted_params(stored, {});
  if (!params) return fail(params.error().message);
  const int hp = params->rounds;
  const Eigen::MatrixXd x = dense(data->features);
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(data->labels.data(), x.rows());
  const Eigen::Index train_rows = static_cast<Eigen::Index>(
      trained->version.record.at("metrics").as_object().at("train_rows").to_number<std::int64_t>());
  const Eigen::MatrixXd x_train = x.topRows(train_rows);  // size-matched: same row count as the pipeline's fit
  const Eigen::VectorXd y_train = y.head(train_rows);
  start = Clock::now();
  auto bare = rh::ml::BoostedTrees::fit(x_train, y_train, *params);
  const double bare_fit_ms = ms_since(start);
  if (!bare) return fail(bare.error().message);

  // Test engines' feature rows as of now (what the registry path extracts per call).
  std::vector<std::string> engines;
  for (int u = 1; u <= 100; ++u) engines.push_back(rh::ml::assets::cmapss_asset_id("FD001", "test", u));
  rh::ml::FeatureRequest f;
  f.entity_ids = engines;
  f.as_of = {now};
  f.known_at = now;
  f.parameters = trained->version.record.at("feature_schema").as_object().at("parameters").as_object();
  auto test_m = rh::ml::extract_features(registry, **store, "sensor-window", f);
  if (!test_m) return fail(test_m.error().message);

  const int calls = quick ? 200 : 1000;
  std::vector<double> reg_rec, reg_norec, raw;
  for (int i = 0; i < calls; ++i) {
    models::PredictRequest p;
    p.name = "fd001";
    p.entity_ids = {engines[static_cast<std::size_t>(i) % engines.size()]};
    p.as_of = now;
    p.known_at = now;
    p.record = i % 2 == 0;
    start = Clock::now();
    auto out = models::predict(registry, **store, scope, p);
    (p.record ? reg_rec : reg_norec).push_back(ms_since(start));
    if (!out) return fail(out.error().message);
    const std::size_t r = static_cast<std::size_t>(i) % engines.size();
    start = Clock::now();
    auto one = bare->predict_one(std::span<const double>(test_m->row(r), test_m->cols()));
    raw.push_back(ms_since(start));
    if (!one) return fail(one.error().message);
  }
  std::vector<double> batch_reg, batch_raw;
  const Eigen::MatrixXd test_x = dense(*test_m);
  for (int run = 0; run < (quick ? 5 : 21); ++run) {
    models::PredictRequest p;
    p.name = "fd001";
    p.entity_ids = engines;
    p.as_of = now;
    p.known_at = now;
    start = Clock::now();
    auto out = models::predict(registry, **store, scope, p);
    batch_reg.push_back(ms_since(start));
    if (!out) return fail(out.error().message);
    start = Clock::now();
    auto b = bare->predict(test_x);
    batch_raw.push_back(ms_since(start));
    if (!b) return fail(b.error().message);
  }
  std::printf(
      "{\"rounds\": %d, \"train_rows\": %ld, \"features\": %ld, \"train_ms\": %.1f, \"pipeline_fit_ms\": %.1f, "
      "\"dataset_ms\": %.1f, \"bare_fit_ms\": %.1f, \"holdout_rmse\": %.3f, \"calls\": %d, "
      "\"single_recorded_p50_ms\": %.4f, \"single_recorded_p99_ms\": %.4f, \"single_p50_ms\": %.4f, "
      "\"single_p99_ms\": %.4f, \"bare_single_p50_ms\": %.4f, \"bare_single_p99_ms\": %.4f, "
      "\"batch_rows\": 100, \"batch_median_ms\": %.3f, \"bare_batch_median_ms\": %.3f}\n",
      hp, static_cast<long>(train_rows), static_cast<long>(x.cols()), train_ms, pipeline_fit_s * 1e3, dataset_ms,
      bare_fit_ms, trained->version.record.at("metrics").as_object().at("rmse").as_double(), calls,
      percentile(reg_rec, 0.5), percentile(reg_rec, 0.99), percentile(reg_norec, 0.5), percentile(reg_norec, 0.99),
      percentile(raw, 0.5), percentile(raw, 0.99), percentile(batch_reg, 0.5), percentile(batch_raw, 0.5));
  return 0;
}
