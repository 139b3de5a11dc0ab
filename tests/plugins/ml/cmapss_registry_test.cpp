// NASA C-MAPSS FD001 through the product path: `import-cmapss` as asset streams -> the
// sensor-window extractor -> the `rul` model type trained by the pipeline and stored in the
// registry -> batch prediction at the last cycle of each test engine against RUL_FD001.txt.
// Unlike the protocol test (cmapss_protocol_test.cpp: windows 10 and 30 with per-engine drift, a
// CV-chosen depth, all 100 engines fitted), this uses the extractor's default single window, the
// type's default trees and a 20-engine hold-out split, so its bound is looser.
#include <cmath>
#include <cstdio>
#include <fstream>

#include "assets/cmapss.hpp"
#include "features_fixture.hpp"
#include "models/serving.hpp"
#include "models/training.hpp"

namespace {

const std::filesystem::path kData = ROUNDHOUSE_CMAPSS_DIR;

TEST_F(FeaturesTest, Fd001RulThroughImporterExtractorAndRegistry) {
  rh::ml::assets::CmapssOptions options;
  options.train = kData / "train_FD001.txt";
  options.test = kData / "test_FD001.txt";
  options.tenant = "default";
  ASSERT_TRUE(rh::ml::assets::import_cmapss(*store_, &registry_, options).ok());

  rh::ml::models::RegistryScope scope{"default", "test"};
  rh::ml::models::TrainRequest r;
  r.model_type = "rul";
  r.name = "fd001";
  r.dataset.parameters = {{"asset_prefix", "FD001-train-"}};
  r.dataset.extractor_parameters = {
      {"window", 30},
      {"channels", rh::ml::assets::cmapss_fd001_varying_channels()}};
  r.dataset.known_at = rh::now_micros();
  r.split.test_fraction = 0.2;
  r.promote = true;
  auto trained = rh::ml::models::train_model(registry_, *store_, scope, r);
  ASSERT_TRUE(trained.ok()) << trained.error().message;
  const auto& metrics = trained->version.record.at("metrics").as_object();
  EXPECT_EQ(metrics.at("train_entities").to_number<int>(), 80);
  EXPECT_EQ(metrics.at("test_entities").to_number<int>(), 20);
  const double holdout_rmse = metrics.at("rmse").as_double();

  // The truncated test engines, each at its last cycle.
  rh::ml::models::PredictRequest p;
  p.name = "fd001";
  for (int unit = 1; unit <= 100; ++unit) p.entity_ids.push_back(rh::ml::assets::cmapss_asset_id("FD001", "test", unit));
  p.known_at = rh::now_micros();
  auto out = rh::ml::models::predict(registry_, *store_, scope, p);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->predictions.size(), 100u);
  EXPECT_EQ(out->recorded, 100u);

  std::ifstream truth_file(kData / "RUL_FD001.txt");
  double sq = 0, score = 0;
  for (const auto& pred : out->predictions) {
    double truth = 0;
    ASSERT_TRUE(truth_file >> truth);
    const double d = pred.value - truth;
    sq += d * d;
    score += d < 0 ? std::exp(-d / 13) - 1 : std::exp(d / 10) - 1;
  }
  const double rmse = std::sqrt(sq / 100);
  std::printf("FD001 via registry: holdout rmse %.2f (capped labels); test rmse %.2f, nasa score %.1f; fit %.2f s\n",
              holdout_rmse, rmse, score, trained->version.record.at("fit_seconds").as_double());
  EXPECT_LT(rmse, ROUNDHOUSE_FD001_REGISTRY_RMSE_BOUND);
  EXPECT_LT(holdout_rmse, ROUNDHOUSE_FD001_REGISTRY_RMSE_BOUND);
}

}  // namespace
