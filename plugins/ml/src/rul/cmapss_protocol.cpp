#include "rul/cmapss_protocol.hpp"

#include <Eigen/Core>

#include "assets/cmapss.hpp"
#include "eval/metrics.hpp"
#include "models/serving.hpp"
#include "models/training.hpp"

namespace roundhouse::ml::rul {

namespace json = boost::json;

json::object cmapss_window_parameters() {
  return {{"windows", json::array{json::object{{"readings", 10}, {"stats", {"mean", "drift", "std"}}},
                                  json::object{{"readings", 30}, {"stats", {"mean", "drift"}}}}},
          {"baseline", 10},
          {"channels", assets::cmapss_fd001_varying_channels()}};
}

json::object cmapss_search() {
  return {{"folds", 3}, {"seed", 0}, {"max_depth", {3, 4}}, {"rounds", {200, 400, 600}}};
}

Result<std::vector<double>> import_cmapss_subset(const Registry& registry, EventStore& store,
                                                 const models::RegistryScope& scope, const CmapssProtocol& protocol) {
  const auto file = [&](const std::string& kind) { return protocol.dir / (kind + "_" + protocol.subset + ".txt"); };
  auto truth = assets::read_cmapss_rul(file("RUL"));
  if (!truth) return truth.error();
  // Counted before importing, so a mismatch writes nothing.
  auto test = assets::read_cmapss(file("test"));
  if (!test) return test.error();
  if (test->size() != truth->size())
    return Error{ErrorCode::invalid_argument, file("RUL").filename().string() + " has " +
                                                  std::to_string(truth->size()) + " values for " +
                                                  std::to_string(test->size()) + " test engines"};
  assets::CmapssOptions import;
  import.train = file("train");
  import.test = file("test");
  import.dataset = protocol.subset;
  import.tenant = scope.tenant;
  import.actor = scope.actor;
  if (auto imported = assets::import_cmapss(store, &registry, import); !imported) return imported.error();
  return truth;
}

DatasetRequest cmapss_training_dataset(const CmapssProtocol& protocol, const std::string& tenant, Timestamp known_at) {
  DatasetRequest d;
  d.parameters = {{"asset_prefix", protocol.subset + "-train-"}, {"rul_cap", protocol.rul_cap}};
  d.extractor_parameters = protocol.extractor_parameters;
  d.known_at = known_at;
  d.tenant = tenant;
  return d;
}

std::vector<std::string> cmapss_test_engines(const CmapssProtocol& protocol, std::size_t count) {
  std::vector<std::string> ids;
  for (std::size_t unit = 1; unit <= count; ++unit)
    ids.push_back(assets::cmapss_asset_id(protocol.subset, "test", static_cast<int>(unit)));
  return ids;
}

Result<CmapssResult> run_cmapss_protocol(const Registry& registry, EventStore& store,
                                         const models::RegistryScope& scope, const CmapssProtocol& protocol) {
  auto truth = import_cmapss_subset(registry, store, scope, protocol);
  if (!truth) return truth.error();
  // The import back-fills history with recorded_at = now, so the cutoff is now.
  models::TrainRequest train;
  train.model_type = "rul";
  train.name = protocol.model_name;
  train.dataset = cmapss_training_dataset(protocol, scope.tenant, now_micros());
  train.hyperparameters = protocol.hyperparameters;
  train.split.test_fraction = 0;  // fit on every training engine; the test file is the evaluation
  train.promote = true;
  auto trained = models::train_model(registry, store, scope, train);
  if (!trained) return trained.error();

  CmapssResult out;
  out.version = trained->version;
  models::PredictRequest predict;
  predict.name = protocol.model_name;
  predict.entity_ids = cmapss_test_engines(protocol, truth->size());
  predict.known_at = now_micros();
  auto served = models::predict(registry, store, scope, predict);
  if (!served) return served.error();
  for (const auto& p : served->predictions) {  // ascending ids: unit order (zero-padded units)
    out.engines.push_back(p.entity_id);
    out.predicted.push_back(p.value);
  }
  out.truth = std::move(*truth);
  const Eigen::VectorXd predicted = Eigen::Map<const Eigen::VectorXd>(out.predicted.data(), static_cast<Eigen::Index>(out.predicted.size()));
  const Eigen::VectorXd actual = Eigen::Map<const Eigen::VectorXd>(out.truth.data(), static_cast<Eigen::Index>(out.truth.size()));
  out.rmse = rmse(predicted, actual);
  out.mae = mae(predicted, actual);
  out.nasa_score = nasa_score(predicted, actual);
  return out;
}

}  // namespace roundhouse::ml::rul
