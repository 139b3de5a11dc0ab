// roundhouse_ml_models_bench: the C++ side of the model benchmark rows (benchmarks/ml_models_bench.py
// runs it and the scikit-learn baseline in the same run). On C-MAPSS FD001 it
//   - builds the RUL features through the product path (rul/cmapss_protocol.hpp: the files imported
//     as asset streams into a memory: store, the `rul` type's dataset over the sensor-window
//     extractor, the test engines' rows at their last cycle) and writes them (train x/y, test
//     x/truth) as CSV for the baseline, so both fit exactly the matrix the pipeline fits,
//   - fits BoostedTrees with the given hyperparameters (the ones cross-validation chose; the
//     search itself is the test's job) and times the fit,
//   - evaluates RMSE and NASA score at the last cycle of each test engine,
//   - times single-row predictions (p50/p99 over many calls) and 10k-row batches.
// Output: one JSON object on stdout.
//
//   roundhouse_ml_models_bench --data DIR --features-out DIR [--depth 4] [--rounds 400] [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "eval/metrics.hpp"
#include "ml_plugin.hpp"
#include "models/builtin_models.hpp"
#include "models/training.hpp"
#include "roundhouse/plugin/registry.hpp"
#include "rul/cmapss_protocol.hpp"
#include "storage_memory.hpp"
#include "trees/boosted_trees.hpp"

namespace rml = roundhouse::ml;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void write_csv(const std::filesystem::path& path, const Eigen::MatrixXd& m) {
  std::ofstream out(path);
  out.precision(17);
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    for (Eigen::Index c = 0; c < m.cols(); ++c) out << (c ? "," : "") << m(r, c);
    out << '\n';
  }
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

int fail(const std::string& message) {
  std::fprintf(stderr, "roundhouse_ml_models_bench: %s\n", message.c_str());
  return 1;
}

Eigen::MatrixXd dense(const rml::FeatureMatrix& m) {
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      m.data(), static_cast<Eigen::Index>(m.rows()), static_cast<Eigen::Index>(m.cols()));
}

struct Fd001 {
  Eigen::MatrixXd train_x, test_x;
  Eigen::VectorXd train_y, test_truth;
};

// The protocol's matrices: FD001 imported into a memory: store, the rul type's training rows
// (every reading of the 100 training engines) and each test engine's row as of now.
roundhouse::Result<Fd001> load_fd001(const std::string& dir) {
  roundhouse::Registry registry;
  if (auto st = roundhouse::plugins::register_storage_memory(registry); !st) return st.error();
  if (auto st = roundhouse::plugins::register_ml(registry); !st) return st.error();
  auto store = registry.open_store("memory:");
  if (!store) return store.error();
  rml::rul::CmapssProtocol protocol;
  protocol.dir = dir;
  const rml::models::RegistryScope scope{"default", "bench"};
  auto truth = rml::rul::import_cmapss_subset(registry, **store, scope, protocol);
  if (!truth) return truth.error();
  auto type = rml::models::find_model_type(registry, "rul");
  if (!type) return type.error();
  const roundhouse::Timestamp now = roundhouse::now_micros();
  auto train = (*type)->dataset(registry, **store, rml::rul::cmapss_training_dataset(protocol, "default", now));
  if (!train) return train.error();
  rml::FeatureRequest f;
  f.entity_ids = rml::rul::cmapss_test_engines(protocol, truth->size());
  f.as_of = {now};
  f.known_at = now;
  f.tenant = "default";
  f.parameters = protocol.extractor_parameters;
  auto test = rml::extract_features(registry, **store, "sensor-window", f);
  if (!test) return test.error();
  Fd001 out;
  out.train_x = dense(train->features);
  out.train_y = Eigen::Map<const Eigen::VectorXd>(train->labels.data(), static_cast<Eigen::Index>(train->labels.size()));
  out.test_x = dense(*test);
  out.test_truth = Eigen::Map<const Eigen::VectorXd>(truth->data(), static_cast<Eigen::Index>(truth->size()));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir, features_out;
  // The `rul` type's tree defaults; depth and rounds as the protocol's cross-validation chose.
  rml::BoostedTreesParams params = rml::models::rul_default_trees();
  params.max_depth = 3;
  params.rounds = 600;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--data") data_dir = next();
    else if (arg == "--features-out") features_out = next();
    else if (arg == "--depth") params.max_depth = std::atoi(next().c_str());
    else if (arg == "--rounds") params.rounds = std::atoi(next().c_str());
    else if (arg == "--quick") quick = true;
    else {
      std::fprintf(stderr, "usage: roundhouse_ml_models_bench --data DIR --features-out DIR [--depth N] [--rounds N] [--quick]\n");
      return 2;
    }
  }
  if (data_dir.empty() || features_out.empty()) return fail("--data and --features-out are required");

  auto start = Clock::now();
  auto data = load_fd001(data_dir);
  if (!data) return fail(data.error().message);
  const double feature_seconds = seconds_since(start);
  std::filesystem::create_directories(features_out);
  const std::filesystem::path out_dir = features_out;
  write_csv(out_dir / "train_x.csv", data->train_x);
  write_csv(out_dir / "train_y.csv", data->train_y);
  write_csv(out_dir / "test_x.csv", data->test_x);
  write_csv(out_dir / "test_truth.csv", data->test_truth);

  // Fit: median of 3 (1 with --quick); each fit is deterministic, so the models are equal.
  std::vector<double> fit_seconds;
  std::optional<rml::BoostedTrees> model;
  for (int run = 0; run < (quick ? 1 : 3); ++run) {
    start = Clock::now();
    auto fitted = rml::BoostedTrees::fit(data->train_x, data->train_y, params);
    fit_seconds.push_back(seconds_since(start));
    if (!fitted) return fail(fitted.error().message);
    model.emplace(std::move(*fitted));
  }
  auto predicted = model->predict(data->test_x);
  if (!predicted) return fail(predicted.error().message);
  const Eigen::VectorXd clipped = predicted->cwiseMax(0.0);

  // Single predictions: each test engine's last row in turn, the serving path.
  const int single_calls = quick ? 2000 : 20000;
  std::vector<double> single_ms;
  single_ms.reserve(single_calls);
  std::vector<double> row(static_cast<std::size_t>(data->test_x.cols()));
  for (int i = 0; i < single_calls; ++i) {
    const Eigen::Index r = i % data->test_x.rows();
    for (std::size_t c = 0; c < row.size(); ++c) row[c] = data->test_x(r, static_cast<Eigen::Index>(c));
    start = Clock::now();
    auto one = model->predict_one(row);
    single_ms.push_back(seconds_since(start) * 1e3);
    if (!one) return fail(one.error().message);
  }

  // Batches of 10k training rows.
  const Eigen::MatrixXd batch = data->train_x.topRows(10000);
  std::vector<double> batch_ms;
  for (int run = 0; run < (quick ? 3 : 11); ++run) {
    start = Clock::now();
    auto out = model->predict(batch);
    batch_ms.push_back(seconds_since(start) * 1e3);
    if (!out) return fail(out.error().message);
  }

  std::printf(
      "{\"train_rows\": %ld, \"features\": %ld, \"depth\": %d, \"rounds\": %d, \"learning_rate\": %g, "
      "\"subsample\": %g, \"colsample_bytree\": %g, \"min_child_weight\": %g, \"threads\": %d, "
      "\"feature_seconds\": %.4f, \"fit_seconds\": %.4f, \"fit_runs\": [%s], "
      "\"test_rmse\": %.4f, \"test_mae\": %.4f, \"test_nasa_score\": %.3f, "
      "\"single_calls\": %d, \"single_p50_ms\": %.5f, \"single_p99_ms\": %.5f, "
      "\"batch_rows\": 10000, \"batch_median_ms\": %.3f, \"batch_min_ms\": %.3f}\n",
      static_cast<long>(data->train_x.rows()), static_cast<long>(data->train_x.cols()), params.max_depth,
      params.rounds, params.learning_rate, params.subsample, params.colsample_bytree, params.min_child_weight,
      params.threads, feature_seconds, percentile(fit_seconds, 0.5),
      [&] {
        std::string s;
        for (double f : fit_seconds) s += (s.empty() ? "" : ", ") + std::to_string(f);
        return s;
      }().c_str(),
      rml::rmse(clipped, data->test_truth), rml::mae(clipped, data->test_truth),
      rml::nasa_score(clipped, data->test_truth), single_calls, percentile(single_ms, 0.5),
      percentile(single_ms, 0.99), percentile(batch_ms, 0.5), *std::min_element(batch_ms.begin(), batch_ms.end()));
  return 0;
}
