// `roundhouse ml` subcommands and GET /api/v1/ml/features/{extractor}, called as the host calls
// them (CliContext, HttpRequest), on a memory: store.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fleet_fixture_events.hpp"

namespace {

class MlEntryPointsTest : public FeaturesTest {
 protected:
  int cli(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    rh::CliContext ctx;
    ctx.args = std::move(args);
    ctx.open_store = [this]() -> rh::Result<std::shared_ptr<rh::EventStore>> { return store_; };
    ctx.registry = &registry_;
    ctx.out = &out_;
    ctx.err = &err_;
    ctx.tenant = "default";
    return registry_.cli_commands.find("ml")->value.run(ctx);
  }
  rh::Result<rh::HttpResponse> get(const std::string& extractor, std::multimap<std::string, std::string> query) {
    services_ = {store_, nullptr, &registry_};
    rh::HttpRequest req;
    req.method = "GET";
    req.path_params = {{"extractor", extractor}};
    req.query = std::move(query);
    req.principal = {"tester", "default", {"reader"}};
    req.services = &services_;
    return registry_.routes.find("GET /api/v1/ml/features/{extractor}")->value.handler(req);
  }
  std::ostringstream out_, err_;
  rh::Services services_;
};

TEST_F(MlEntryPointsTest, FeaturesCommandPrintsCsvAndRefusesBadInput) {
  append_small_fleet(*this);
  ASSERT_EQ(cli({"features", "vehicle", "--as-of", "2024-03-15", "--known-at", "now", "--entity", "V1"}), 0) << err_.str();
  std::istringstream lines(out_.str());
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_EQ(header.rfind("entity_id,as_of,known_at,age_days,vehicle_type,status,odometer_km,", 0), 0u) << header;
  EXPECT_EQ(row.rfind("V1,2024-03-15T00:00:00.000000Z,", 0), 0u) << row;
  EXPECT_NE(row.find(",1535.0,1.0,2.0,16000.0,,"), std::string::npos) << row;  // NaN engine hours: empty
  EXPECT_EQ(cli({"features", "sensor-window", "--params", R"({"window":0})"}), 2);
  EXPECT_EQ(err_.str(), "roundhouse ml features: sensor-window features: parameter 'window' must be >= 1, got 0\n");
  EXPECT_EQ(cli({"features", "nope"}), 1);
  EXPECT_NE(err_.str().find("unknown feature extractor 'nope'"), std::string::npos);
  EXPECT_EQ(cli({"features", "vehicle", "--as-of", "yesterday"}), 2);
  EXPECT_EQ(cli({"frobnicate"}), 2);
  EXPECT_EQ(err_.str(), "roundhouse ml: unknown command 'frobnicate' (see roundhouse ml --help)\n");
  EXPECT_EQ(cli({"features", "--list"}), 0);
  EXPECT_NE(out_.str().find("\"name\":\"inventory\""), std::string::npos);
}

TEST_F(MlEntryPointsTest, ImportCmapssCommandWritesEnginesAndRefusesUsageErrors) {
  const auto dir = std::filesystem::temp_directory_path() / ("rh-cmapss-cli-" + std::to_string(rh::now_micros()));
  std::filesystem::create_directories(dir);
  const std::string rest = " 0 0 100 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21\n";
  std::ofstream(dir / "train_FD009.txt") << "1 1" + rest + "1 2" + rest + "2 1" + rest;
  ASSERT_EQ(cli({"import-cmapss", "--train", (dir / "train_FD009.txt").string()}), 0) << err_.str();
  EXPECT_NE(out_.str().find(R"("dataset":"FD009","engines":{"train":2,"test":0},"cycles":{"train":3,"test":0},"events_written":7)"),
            std::string::npos) << out_.str();
  EXPECT_EQ(store_->read_stream({"asset", "FD009-train-002"}, {}).value().size(), 3u);
  EXPECT_EQ(cli({"import-cmapss", "--train", (dir / "train_FD009.txt").string()}), 1);
  EXPECT_EQ(err_.str(), "roundhouse ml import-cmapss: asset 'FD009-train-001' exists already (nothing was written)\n");
  EXPECT_EQ(cli({"import-cmapss"}), 2);
  EXPECT_EQ(cli({"import-cmapss", "--train", (dir / "missing.txt").string()}), 1);
  EXPECT_NE(err_.str().find("cannot open"), std::string::npos);
  EXPECT_EQ(store_->head_position().value(), 7u);
  std::filesystem::remove_all(dir);
}

// The protocol command on a slice of FD001 (12 training engines, 4 test engines and their true
// RUL) with a small search, so it runs in seconds; the full run is cmapss_protocol_test.cpp.
TEST_F(MlEntryPointsTest, EvaluateCmapssCommandScoresTheTestEnginesAndRefusesBadInput) {
  const std::filesystem::path data = ROUNDHOUSE_CMAPSS_DIR;
  const auto dir = std::filesystem::temp_directory_path() / ("rh-cmapss-eval-" + std::to_string(rh::now_micros()));
  std::filesystem::create_directories(dir);
  auto slice = [&](const char* file, int units) {  // the lines of the first `units` engines
    std::ifstream in(data / file);
    std::ofstream out(dir / file);
    for (std::string line; std::getline(in, line);)
      if (std::stoi(line) <= units) out << line << "\n";
  };
  slice("train_FD001.txt", 12);
  slice("test_FD001.txt", 4);
  std::ofstream(dir / "RUL_FD001.txt") << "112\n98\n69\n82\n";  // the first 4 of RUL_FD001.txt
  EXPECT_EQ(cli({"evaluate-cmapss"}), 2);
  EXPECT_EQ(err_.str(), "roundhouse ml evaluate-cmapss: give --data DIR (see roundhouse ml evaluate-cmapss --help)\n");
  EXPECT_EQ(cli({"evaluate-cmapss", "--data", dir.string(), "--hyperparameters", "[1]"}), 2);
  EXPECT_EQ(store_->head_position().value(), 0u);
  ASSERT_EQ(cli({"evaluate-cmapss", "--data", dir.string(), "--hyperparameters",
                 R"({"search": {"folds": 3, "max_depth": [2], "rounds": [20, 40]}, "threads": 1})"}),
            0)
      << err_.str();
  const auto out = json::parse(out_.str()).as_object();
  EXPECT_EQ(out.at("model").as_string(), "cmapss-rul");
  EXPECT_EQ(out.at("max_depth").to_number<int>(), 2);
  EXPECT_EQ(out.at("test").at("engines").to_number<int>(), 4);
  EXPECT_GT(out.at("test").at("rmse").to_number<double>(), 0);
  EXPECT_LT(out.at("test").at("rmse").to_number<double>(), 60);
  EXPECT_EQ(store_->read_stream({"prediction", "cmapss-rul"}, {}).value().size(), 4u);
  // A second run finds the engines imported already and writes nothing.
  const auto head = store_->head_position().value();
  EXPECT_EQ(cli({"evaluate-cmapss", "--data", dir.string()}), 1);
  EXPECT_EQ(err_.str(), "roundhouse ml evaluate-cmapss: asset 'FD001-train-001' exists already (nothing was written)\n");
  EXPECT_EQ(store_->head_position().value(), head);
  std::filesystem::remove_all(dir);
}

TEST_F(MlEntryPointsTest, FeatureRouteAnswersTheMatrixAndRefusesBadQueries) {
  append_small_fleet(*this);
  auto res = get("work-order", {{"as_of", "2024-03-15"}, {"known_at", "now"}, {"entity", "WO3"}});
  ASSERT_TRUE(res.ok()) << res.error().message;
  const auto& body = res->json.as_object();
  EXPECT_EQ(body.at("entity_ids").as_array().size(), 1u);
  EXPECT_EQ(body.at("as_of").as_array()[0].as_string(), "2024-03-15T00:00:00.000000Z");
  EXPECT_EQ(body.at("schema").at("hash").as_string().size(), 64u);
  const auto& row = body.at("rows").as_array()[0].as_array();
  EXPECT_EQ(row.back().to_number<double>(), 1.0);  // backlog_at_creation
  EXPECT_TRUE(row[2].is_null());                   // system not given: NaN -> null
  auto unknown = get("work-order", {{"asof", "2024-03-15"}});
  EXPECT_EQ(unknown.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_EQ(unknown.error().message, "unknown query parameter 'asof' (as_of, known_at, entity, rows, params)");
  EXPECT_EQ(get("vehicle", {{"params", "{\"labour_rate\": -1}"}}).error().code, rh::ErrorCode::invalid_argument);
  EXPECT_EQ(get("vehicles", {}).error().code, rh::ErrorCode::not_found);
}

}  // namespace
