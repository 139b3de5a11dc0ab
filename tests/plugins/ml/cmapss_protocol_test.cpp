// NASA C-MAPSS FD001 RUL through the product path (rul/cmapss_protocol.hpp): the files imported as
// asset streams, sensor-window features (windows 10 and 30, drift from each engine's first 10
// readings), the `rul` type trained by the pipeline with depth and rounds chosen by 3-fold
// cross-validation grouped by engine on the training engines only, one fit on all 100 of them,
// the 100 test engines predicted at their last cycle by the prediction service and scored against
// RUL_FD001.txt. The bounds are the figures reported in plugins/ml/README.md plus a small margin;
// seeds are fixed.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>

#include "assets/cmapss_file.hpp"
#include "features_fixture.hpp"
#include "models/training.hpp"
#include "rul/cmapss_protocol.hpp"

namespace {

const std::filesystem::path kData = ROUNDHOUSE_CMAPSS_DIR;
namespace rul = rh::ml::rul;
const rh::ml::models::RegistryScope kScope{"default", "test"};

rul::CmapssProtocol fd001(const std::filesystem::path& dir = kData) {
  rul::CmapssProtocol protocol;
  protocol.dir = dir;
  return protocol;
}

TEST_F(FeaturesTest, Fd001RulThroughTheProductPathMeetsTheReportedRmse) {
  auto result = rul::run_cmapss_protocol(registry_, *store_, kScope, fd001());
  ASSERT_TRUE(result.ok()) << result.error().message;

  const auto& record = result->version.record;
  const auto& hyper = record.at("hyperparameters").as_object();
  const auto& search = hyper.at("search").as_object();
  for (const auto& s : search.at("scores").as_array())
    std::printf("cv: depth %d rounds %d rmse %.3f\n", static_cast<int>(s.at("max_depth").to_number<int>()),
                static_cast<int>(s.at("rounds").to_number<int>()), s.at("rmse").to_number<double>());
  std::printf("FD001 product path: chosen depth %d rounds %d (cv rmse %.2f); test rmse %.2f mae %.2f nasa %.1f; "
              "fit %.2f s\n",
              static_cast<int>(hyper.at("max_depth").to_number<int>()), static_cast<int>(hyper.at("rounds").to_number<int>()),
              search.at("best_cv_rmse").to_number<double>(), result->rmse, result->mae, result->nasa_score,
              record.at("fit_seconds").to_number<double>());

  // The protocol: all 100 training engines (20,631 readings) fitted, nothing held out; the grid of
  // 2 depths x 3 round counts searched by engine.
  const auto& metrics = record.at("metrics").as_object();
  EXPECT_EQ(metrics.at("train_entities").to_number<int>(), 100);
  EXPECT_EQ(metrics.at("train_rows").to_number<int>(), 20631);
  EXPECT_EQ(search.at("grouped_by").as_string(), "entity");
  EXPECT_EQ(search.at("scores").as_array().size(), 6u);
  ASSERT_EQ(result->predicted.size(), 100u);
  EXPECT_EQ(result->engines.front(), "FD001-test-001");
  EXPECT_EQ(result->engines.back(), "FD001-test-100");
  EXPECT_TRUE(std::all_of(result->predicted.begin(), result->predicted.end(), [](double v) { return v >= 0; }));

  EXPECT_LT(result->rmse, ROUNDHOUSE_FD001_RMSE_BOUND);
  EXPECT_LT(result->nasa_score, ROUNDHOUSE_FD001_SCORE_BOUND);
}

// What the model is fitted on: cycle, readings so far, and per sensor mean / drift / std over 10
// readings and mean / drift over 30; labels min(125, cycles left).
TEST_F(FeaturesTest, Fd001TrainingRowsAreTheDocumentedFeaturesAndCappedLabels) {
  const rul::CmapssProtocol protocol = fd001();
  auto truth = rul::import_cmapss_subset(registry_, *store_, kScope, protocol);
  ASSERT_TRUE(truth.ok()) << truth.error().message;
  EXPECT_EQ(truth->size(), 100u);
  auto type = rh::ml::models::find_model_type(registry_, "rul");
  ASSERT_TRUE(type.ok());
  auto data = (*type)->dataset(registry_, *store_, rul::cmapss_training_dataset(protocol, "default", rh::now_micros()));
  ASSERT_TRUE(data.ok()) << data.error().message;
  const auto& m = data->features;
  ASSERT_EQ(m.rows(), 20631u);
  ASSERT_EQ(m.cols(), 2u + 14 * 5);
  EXPECT_EQ(m.schema.columns[2].name, "s2_mean10");
  EXPECT_EQ(m.schema.columns[3].name, "s2_drift10");
  EXPECT_EQ(m.schema.columns[4].name, "s2_std10");
  EXPECT_EQ(m.schema.columns[2 + 14 * 3].name, "s2_mean30");
  // Engine 1 ran 192 cycles: capped at 125 early on, 0 at its last reading.
  EXPECT_EQ(m.entity_ids[0], "FD001-train-001");
  EXPECT_EQ(data->labels[0], 125);
  EXPECT_EQ(data->labels[191], 0);
  EXPECT_EQ(data->labels[190], 1);
  // Drift is 0 at the first reading (the baseline is that reading) and the window's std is undefined.
  EXPECT_EQ(value(m, 0, "s2_drift10"), 0);
  EXPECT_TRUE(std::isnan(value(m, 0, "s2_std10")));
}

// The 14 channels the protocol reads are exactly the FD001 training sensors with at least 3
// distinct values: s1, s5, s10, s16, s18, s19 are constant and s6 has two values.
TEST(CmapssChannels, AreTheSensorsThatVaryInTheTrainingFile) {
  auto engines = rh::ml::assets::read_cmapss(kData / "train_FD001.txt");
  ASSERT_TRUE(engines.ok()) << engines.error().message;
  std::vector<std::string> varying;
  for (int s = 1; s <= 21; ++s) {
    std::set<double> distinct;
    for (const auto& e : *engines)
      for (const auto& row : e.rows) distinct.insert(row[4 + static_cast<std::size_t>(s)]);
    if (distinct.size() >= 3) varying.push_back("s" + std::to_string(s));
  }
  std::vector<std::string> listed;
  const json::object parameters = rul::cmapss_window_parameters();
  for (const auto& c : parameters.at("channels").as_array())
    listed.emplace_back(c.as_string());
  EXPECT_EQ(listed, varying);
}

TEST_F(FeaturesTest, Fd001ProtocolRefusesARulFileOfTheWrongLength) {
  const auto dir = std::filesystem::temp_directory_path() / "roundhouse_cmapss_protocol_bad";
  std::filesystem::create_directories(dir);
  for (const char* f : {"train_FD001.txt", "test_FD001.txt"})
    std::filesystem::copy_file(kData / f, dir / f, std::filesystem::copy_options::overwrite_existing);
  std::ofstream(dir / "RUL_FD001.txt") << "112\n98\n";
  auto result = rul::run_cmapss_protocol(registry_, *store_, kScope, fd001(dir));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "RUL_FD001.txt has 2 values for 100 test engines");
  std::size_t written = 0;  // refused before importing: nothing stored
  ASSERT_TRUE(store_->read_all({}, [&](const rh::RecordedEvent&) { return ++written, true; }).ok());
  EXPECT_EQ(written, 0u);
  std::filesystem::remove_all(dir);
}

}  // namespace
