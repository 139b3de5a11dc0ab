#pragma once
// The C-MAPSS remaining-useful-life protocol through the product path: import a subset's train and
// test files as asset streams, train the `rul` model type with the training pipeline (grouped
// cross-validation by engine on the training engines only, one fit on all of them), predict each
// test engine at its last cycle through the prediction service, and score against RUL_<subset>.txt
// (true RUL, uncapped; RMSE, MAE, NASA score). The test, the benchmark and the README figures all
// come from here, so there is one feature definition: the sensor-window extractor's.

#include <filesystem>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "models/model_registry.hpp"

namespace roundhouse {
class Registry;
}

namespace roundhouse::ml::rul {

// The sensor-window parameters the protocol uses: over the 14 sensors that vary on FD001, the mean,
// drift from the engine's first 10 readings and standard deviation over the last 10 readings, and
// the mean and drift over the last 30.
boost::json::object cmapss_window_parameters();

// The default search: 3 folds by engine, depth 3 / 4 x 200 / 400 / 600 rounds at the `rul` type's
// other defaults (learning rate 0.05, subsample 0.8, column subsample 0.5, min child weight 5).
boost::json::object cmapss_search();

struct CmapssProtocol {
  std::filesystem::path dir;  // holds train_<subset>.txt, test_<subset>.txt, RUL_<subset>.txt
  std::string subset = "FD001";
  boost::json::object extractor_parameters = cmapss_window_parameters();
  boost::json::object hyperparameters = {{"search", cmapss_search()}};
  double rul_cap = 125;
  std::string model_name = "cmapss-rul";
};

struct CmapssResult {
  models::ModelVersion version;      // the trained version (record: CV scores, chosen trees, fit time)
  std::vector<std::string> engines;  // test asset ids, in unit order
  std::vector<double> predicted;     // served predictions (clipped at 0 by the model type)
  std::vector<double> truth;         // RUL_<subset>.txt
  double rmse = 0, mae = 0, nasa_score = 0;
};

// The steps, for callers that need the matrices themselves (the benchmark):
// imports train and test into `store` and returns the true RUL of each test engine (a count
// unequal to the test engines is invalid_argument);
Result<std::vector<double>> import_cmapss_subset(const Registry& registry, EventStore& store,
                                                 const models::RegistryScope& scope, const CmapssProtocol& protocol);
// the dataset request the `rul` type is trained with (every training engine, known at `known_at`);
DatasetRequest cmapss_training_dataset(const CmapssProtocol& protocol, const std::string& tenant, Timestamp known_at);
// the test engines' asset ids in unit order.
std::vector<std::string> cmapss_test_engines(const CmapssProtocol& protocol, std::size_t count);

// The whole protocol. Imports the files into `store`, which must not hold the subset's engines yet. Errors: unreadable
// or malformed files, a RUL count unequal to the test engines, and whatever importing, training or
// predicting refuses.
Result<CmapssResult> run_cmapss_protocol(const Registry& registry, EventStore& store,
                                         const models::RegistryScope& scope, const CmapssProtocol& protocol);

}  // namespace roundhouse::ml::rul
