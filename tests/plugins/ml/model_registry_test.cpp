// The model registry and prediction service on memory: and SQLite stores: versions, artifacts,
// promotion and rollback, recorded predictions, and the refusals (unknown model, too little data,
// feature-schema mismatch, no promoted version, bad hyperparameters) that must write nothing.
#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "features_fixture.hpp"
#include "models/blob_codec.hpp"
#include "models/model_registry.hpp"
#include "models/rescorer.hpp"
#include "models/serving.hpp"
#include "models/training.hpp"
#ifdef ROUNDHOUSE_TEST_SQLITE
#include "storage_sqlite.hpp"
#endif

namespace {

namespace models = rh::ml::models;

constexpr rh::Timestamp kStart = 946'684'800'000'000LL;  // 2000-01-01
constexpr rh::Timestamp kHour = 3'600'000'000LL;

class ModelRegistryTest : public FeaturesTest {
 public:
  // `units` assets that degrade linearly to failure: s1 = 100 + 2 x cycle (+ unit-specific noise),
  // s2 = unit offset, lives of 30 + 3 x unit cycles. Remaining life is learnable from s1's level.
  void add_assets(int units, rh::EventStore* store = nullptr, bool fail = true, const std::string& prefix = "U") {
    for (int u = 1; u <= units; ++u) {
      const std::string id = prefix + std::to_string(100 + u);
      append("asset", id, "AssetRegistered", {{"asset_type", "pump"}}, kStart, store);
      const int life = 30 + 3 * u;
      for (int c = 1; c <= life; ++c)
        append("asset", id, "SensorReadingsRecorded",
               {{"cycle", c}, {"channels", {{"s1", 100.0 + 2.0 * (c - life) + 0.3 * ((c * 7 + u) % 5)}, {"s2", u}}}},
               kStart + c * kHour, store);
      if (fail) append("asset", id, "AssetFailed", {{"cycle", life}}, kStart + life * kHour, store);
    }
  }
  models::TrainRequest rul_request(const std::string& name = "pump-rul") {
    models::TrainRequest r;
    r.model_type = "rul";
    r.name = name;
    r.dataset.extractor_parameters = {{"window", 5}};
    r.hyperparameters = {{"rounds", 60}, {"max_depth", 3}, {"learning_rate", 0.2}, {"threads", 1}};
    r.split.test_fraction = 0.25;
    return r;
  }
  models::RegistryScope scope_{"default", "test"};
  rh::Position head() { return store_->head_position().value(); }
  // Every event of the stream satisfies its registered JSON Schema.
  void expect_valid(const rh::StreamId& stream) {
    auto events = store_->read_stream(stream, {}).value();
    for (const auto& e : events) {
      auto st = registry_.validate_payload(e.type, e.payload_json());
      EXPECT_TRUE(st.ok()) << e.type << ": " << st.message();
    }
  }
};

TEST_F(ModelRegistryTest, TrainStoresAVersionWithMetricsSchemaRangeAndArtifact) {
  add_assets(12);
  std::vector<std::pair<int, int>> progress;
  auto request = rul_request();
  request.progress = [&](int done, int total) { progress.emplace_back(done, total); };
  auto out = models::train_model(registry_, *store_, scope_, request);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(progress.size(), 60u);
  EXPECT_EQ(progress.back(), std::make_pair(60, 60));
  EXPECT_EQ(out->version.version, 1);
  EXPECT_EQ(out->model.versions.size(), 1u);
  EXPECT_FALSE(out->model.promoted().has_value());

  const auto& rec = out->version.record;
  EXPECT_EQ(rec.at("model_type").as_string(), "rul");
  EXPECT_EQ(rec.at("kind").as_string(), "regression");
  const auto& metrics = rec.at("metrics").as_object();
  EXPECT_EQ(metrics.at("test_entities").to_number<int>(), 3);   // ceil(0.25 x 12)
  EXPECT_EQ(metrics.at("train_entities").to_number<int>(), 9);
  EXPECT_LT(metrics.at("rmse").as_double(), 8.0);  // lives 33..66 cycles; a constant guess is ~12
  EXPECT_GT(metrics.at("nasa_score_mean").as_double(), 0.0);
  const auto& range = rec.at("training_data").as_object();
  EXPECT_EQ(range.at("entities").to_number<int>(), 9);
  EXPECT_EQ(range.at("occurred_from").as_string(), rh::format_timestamp(kStart + kHour));

  // The schema hash is the extractor's for the same parameters.
  rh::ml::FeatureRequest f;
  f.rows = rh::ml::RowTimes::each_event;
  f.known_at = rh::now_micros();
  f.parameters = {{"window", 5}};
  auto m = extract("sensor-window", f);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(out->version.feature_schema_hash(), m->schema.hash());

  // The artifact is stored content-addressed and checks against its hash.
  auto bytes = models::read_artifact(*store_, scope_, out->version.artifact_sha256());
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_EQ(models::sha256_hex(*bytes), out->version.artifact_sha256());
  EXPECT_EQ(static_cast<std::size_t>(rec.at("artifact").at("bytes").to_number<std::int64_t>()), bytes->size());
  expect_valid({"model", "pump-rul"});
  expect_valid({"model-artifact", out->version.artifact_sha256()});
}

TEST_F(ModelRegistryTest, PromoteRollbackAndPredictionsRecordedAsEvents) {
  add_assets(12);
  auto v1 = models::train_model(registry_, *store_, scope_, rul_request());
  ASSERT_TRUE(v1.ok()) << v1.error().message;
  auto r2 = rul_request();
  r2.hyperparameters["rounds"] = 20;
  auto v2 = models::train_model(registry_, *store_, scope_, r2);
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  EXPECT_EQ(v2->version.version, 2);
  EXPECT_NE(v1->version.artifact_sha256(), v2->version.artifact_sha256());

  models::PredictRequest p;
  p.name = "pump-rul";
  p.entity_ids = {"U101"};
  p.known_at = rh::now_micros();
  auto none = models::predict(registry_, *store_, scope_, p);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, rh::ErrorCode::rule_violation);
  EXPECT_NE(none.error().message.find("no promoted version"), std::string::npos) << none.error().message;

  ASSERT_TRUE(models::promote(*store_, scope_, "pump-rul", 1).ok());
  auto at_v1 = models::predict(registry_, *store_, scope_, p);
  ASSERT_TRUE(at_v1.ok()) << at_v1.error().message;
  EXPECT_EQ(at_v1->version, 1);
  ASSERT_EQ(at_v1->predictions.size(), 1u);
  // U101 has failed: its latest window is at end of life, so the remaining life is small.
  EXPECT_LT(at_v1->predictions[0].value, 10.0);
  EXPECT_GE(at_v1->predictions[0].value, 0.0);

  auto promoted = models::promote(*store_, scope_, "pump-rul", 2);
  ASSERT_TRUE(promoted.ok());
  EXPECT_EQ(promoted->promoted(), 2);
  auto at_v2 = models::predict(registry_, *store_, scope_, p);
  ASSERT_TRUE(at_v2.ok());
  EXPECT_EQ(at_v2->version, 2);
  EXPECT_NE(at_v2->predictions[0].value, at_v1->predictions[0].value);  // 20 trees vs 60

  auto back = models::rollback(*store_, scope_, "pump-rul");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->promoted(), 1);
  auto again = models::predict(registry_, *store_, scope_, p);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, 1);
  EXPECT_DOUBLE_EQ(again->predictions[0].value, at_v1->predictions[0].value);

  // Nothing earlier to roll back to; unknown and repeated promotions are refused.
  const auto before = head();
  auto no_more = models::rollback(*store_, scope_, "pump-rul");
  EXPECT_EQ(no_more.error().code, rh::ErrorCode::rule_violation);
  EXPECT_EQ(models::promote(*store_, scope_, "pump-rul", 7).error().code, rh::ErrorCode::not_found);
  EXPECT_EQ(models::promote(*store_, scope_, "pump-rul", 1).error().code, rh::ErrorCode::rule_violation);
  EXPECT_EQ(models::promote(*store_, scope_, "nope", 1).error().code, rh::ErrorCode::not_found);
  EXPECT_EQ(head(), before);

  // Three predictions, three PredictionMade events naming model, version and entity.
  auto recorded = store_->read_stream({"prediction", "pump-rul"}, {}).value();
  ASSERT_EQ(recorded.size(), 3u);
  auto last = recorded.back().payload_json().as_object();
  EXPECT_EQ(last.at("model").as_string(), "pump-rul");
  EXPECT_EQ(last.at("version").to_number<int>(), 1);
  EXPECT_EQ(last.at("entity_id").as_string(), "U101");
  EXPECT_DOUBLE_EQ(last.at("value").as_double(), again->predictions[0].value);
  expect_valid({"prediction", "pump-rul"});
  expect_valid({"model", "pump-rul"});

  // Batch over every asset, not recorded.
  p.entity_ids.clear();
  p.record = false;
  auto batch = models::predict(registry_, *store_, scope_, p);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->predictions.size(), 12u);
  EXPECT_EQ(batch->recorded, 0u);
  EXPECT_EQ(store_->read_stream({"prediction", "pump-rul"}, {}).value().size(), 3u);

  auto listed = models::list_models(*store_, scope_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().summary_json().at("promoted_version").to_number<int>(), 1);
}

TEST_F(ModelRegistryTest, GroupedSearchChoosesDepthAndRoundsOnTrainingUnits) {
  add_assets(12);
  auto r = rul_request();
  r.hyperparameters["search"] = json::object{{"folds", 3}, {"max_depth", {1, 3}}, {"rounds", {5, 40}}};
  auto out = models::train_model(registry_, *store_, scope_, r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  const auto& hp = out->version.record.at("hyperparameters").as_object();
  const auto& search = hp.at("search").as_object();
  const auto& scores = search.at("scores").as_array();
  ASSERT_EQ(scores.size(), 4u);  // 2 depths x 2 round counts
  const json::object* best = nullptr;
  for (const auto& sc : scores)
    if (!best || sc.at("rmse").as_double() < best->at("rmse").as_double()) best = &sc.as_object();
  EXPECT_DOUBLE_EQ(search.at("best_cv_rmse").as_double(), best->at("rmse").as_double());
  EXPECT_EQ(hp.at("max_depth").to_number<int>(), best->at("max_depth").to_number<int>());
  EXPECT_EQ(hp.at("rounds").to_number<int>(), best->at("rounds").to_number<int>());
  EXPECT_EQ(hp.at("rounds").to_number<int>(), 40) << "5 trees at learning rate 0.2 cannot fit lives of 33..66";

  r.hyperparameters["search"] = json::object{{"folds", 10}};
  auto too_many = models::train_model(registry_, *store_, scope_, r);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.error().message.find("9 units for 10 folds"), std::string::npos) << too_many.error().message;
  r.hyperparameters["search"] = json::object{{"max_depth", "deep"}};
  EXPECT_EQ(models::train_model(registry_, *store_, scope_, r).error().code, rh::ErrorCode::invalid_argument);
}

TEST_F(ModelRegistryTest, TooLittleDataSaysWhatWasFoundAndNeededAndWritesNothing) {
  add_assets(3);
  add_assets(4, nullptr, /*fail=*/false, "T");  // running assets: no failure, no label
  const auto before = head();
  auto out = models::train_model(registry_, *store_, scope_, rul_request());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, rh::ErrorCode::rule_violation);
  EXPECT_NE(out.error().message.find("too little data: 3 asset(s) with an AssetFailed event"), std::string::npos)
      << out.error().message;
  EXPECT_NE(out.error().message.find("at least 5"), std::string::npos) << out.error().message;
  EXPECT_EQ(head(), before);
}

TEST_F(ModelRegistryTest, BadRequestsAreRefusedAndWriteNothing) {
  add_assets(8);
  const auto before = head();
  auto r = rul_request();
  r.model_type = "quantum";
  auto unknown = models::train_model(registry_, *store_, scope_, r);
  EXPECT_EQ(unknown.error().code, rh::ErrorCode::not_found);
  EXPECT_NE(unknown.error().message.find("rul"), std::string::npos) << "lists the registered types";

  r = rul_request();
  r.hyperparameters["max_dept"] = 3;
  auto typo = models::train_model(registry_, *store_, scope_, r);
  EXPECT_EQ(typo.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_NE(typo.error().message.find("max_dept"), std::string::npos);

  r = rul_request();
  r.dataset.parameters = {{"rul_cap", 0}};
  EXPECT_EQ(models::train_model(registry_, *store_, scope_, r).error().code, rh::ErrorCode::invalid_argument);
  r = rul_request("bad/name");
  EXPECT_EQ(models::train_model(registry_, *store_, scope_, r).error().code, rh::ErrorCode::invalid_argument);
  EXPECT_EQ(head(), before);

  models::PredictRequest p;
  p.name = "missing";
  auto missing = models::predict(registry_, *store_, scope_, p);
  EXPECT_EQ(missing.error().code, rh::ErrorCode::not_found);
  EXPECT_NE(missing.error().message.find("unknown model 'missing'"), std::string::npos);

  // A name keeps its model type.
  ASSERT_TRUE(models::train_model(registry_, *store_, scope_, rul_request("shared")).ok());
  auto other = rul_request("shared");
  other.model_type = "work-order-duration";
  EXPECT_EQ(models::train_model(registry_, *store_, scope_, other).error().code, rh::ErrorCode::rule_violation);
}

TEST_F(ModelRegistryTest, FeatureSchemaMismatchNamesBothHashes) {
  add_assets(8);
  auto out = models::train_model(registry_, *store_, scope_, rul_request());
  ASSERT_TRUE(out.ok()) << out.error().message;
  // A version whose record says it was trained on another schema (an older extractor version).
  auto fitted = models::fitted_model(*store_, scope_, out->version);
  ASSERT_TRUE(fitted.ok());
  auto record = out->version.record;
  record.erase("version");
  record.erase("artifact");
  const std::string stale(64, 'a');
  record["feature_schema"].as_object()["hash"] = stale;
  auto v2 = models::add_version(*store_, scope_, "pump-rul", *fitted, record);
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  EXPECT_EQ(v2->artifact_sha256(), out->version.artifact_sha256()) << "same bytes, stored once";
  EXPECT_EQ(store_->read_stream({"model-artifact", v2->artifact_sha256()}, {}).value().size(), 1u);

  models::PredictRequest p;
  p.name = "pump-rul";
  p.version = 2;
  p.known_at = rh::now_micros();
  const auto before = head();
  auto refused = models::predict(registry_, *store_, scope_, p);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, rh::ErrorCode::rule_violation);
  EXPECT_NE(refused.error().message.find(stale), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find(out->version.feature_schema_hash()), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(head(), before);
}

TEST_F(ModelRegistryTest, ATamperedArtifactIsDetected) {
  add_assets(8);
  auto out = models::train_model(registry_, *store_, scope_, rul_request());
  ASSERT_TRUE(out.ok());
  // An artifact stream under a name its bytes do not hash to.
  const std::string wrong(64, 'b');
  append("model-artifact", wrong, "ModelArtifactChunk",
         {{"sha256", wrong}, {"index", 0}, {"count", 1}, {"total_bytes", 3},
          {"data", models::base64_encode(std::vector<std::uint8_t>{1, 2, 3})}},
         rh::now_micros());
  auto bytes = models::read_artifact(*store_, scope_, wrong);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().code, rh::ErrorCode::corrupted);
}

TEST_F(ModelRegistryTest, RescoringRecordsEveryEntityAndStopsCleanly) {
  add_assets(6);
  auto r = rul_request();
  r.promote = true;
  ASSERT_TRUE(models::train_model(registry_, *store_, scope_, r).ok());
  ASSERT_TRUE(models::train_model(registry_, *store_, scope_, rul_request("unpromoted")).ok());

  // One pass by hand: the promoted model only; a named model without a promoted version is
  // reported, and does not stop the others.
  models::RescoreOptions options{{}, std::chrono::hours(1), scope_};
  auto pass = models::rescore_once(registry_, *store_, options);
  ASSERT_TRUE(pass.ok()) << pass.error().message;
  EXPECT_EQ(pass->models, 1u);
  EXPECT_EQ(pass->predictions, 6u);
  EXPECT_TRUE(pass->errors.empty());
  options.models = {"unpromoted", "pump-rul"};
  pass = models::rescore_once(registry_, *store_, options);
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->models, 1u);
  ASSERT_EQ(pass->errors.size(), 1u);
  EXPECT_NE(pass->errors[0].find("unpromoted: model 'unpromoted' has no promoted version"), std::string::npos);

  // The background worker: a pass at start, then it sleeps for an hour; stop() wakes and joins it.
  std::mutex mu;
  std::condition_variable cv;
  std::size_t seen = 0;
  models::Rescorer rescorer(registry_, store_, {{"pump-rul"}, std::chrono::hours(1), scope_},
                            [&](const rh::Result<models::RescoreReport>& report) {
                              ASSERT_TRUE(report.ok());
                              std::lock_guard lock(mu);
                              seen += report->predictions;
                              cv.notify_all();
                            });
  rescorer.start();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return seen == 6; }));
  }
  rescorer.stop();
  rescorer.stop();  // idempotent
  EXPECT_EQ(rescorer.passes(), 1u);
  EXPECT_EQ(store_->read_stream({"prediction", "pump-rul"}, {}).value().size(), 6u + 6u + 6u);
}

#ifdef ROUNDHOUSE_TEST_SQLITE
TEST(ModelRegistrySqlite, VersionsAndArtifactsSurviveReopen) {
  rh::Registry registry;
  ASSERT_TRUE(rh::plugins::register_storage_sqlite(registry).ok());
  ASSERT_TRUE(rh::plugins::register_ml(registry).ok());
  const auto dir = std::filesystem::temp_directory_path() / ("rh-models-" + std::to_string(rh::now_micros()));
  std::filesystem::create_directories(dir);
  const std::string uri = "sqlite:" + (dir / "store.db").string();
  models::RegistryScope scope{"default", "test"};
  auto predict_e3 = [&](rh::EventStore& store) {
    models::PredictRequest p;
    p.name = "engine";
    p.entity_ids = {"E3"};
    p.known_at = rh::now_micros();
    return models::predict(registry, store, scope, p);
  };
  double first = 0;
  {
    auto store = registry.open_store(uri).value();
    for (int u = 1; u <= 8; ++u) {
      const std::string id = "E" + std::to_string(u);
      rh::AppendRequest req;
      req.stream = {"asset", id};
      req.tenant = "default";
      const int life = 20 + 2 * u;
      for (int c = 1; c <= life; ++c) {
        rh::NewEvent e;
        e.type = "SensorReadingsRecorded";
        e.occurred_at = kStart + c * kHour;
        e.payload = json::object{{"cycle", c}, {"channels", {{"s1", 50.0 + c - life}}}};
        req.events.push_back(std::move(e));
      }
      rh::NewEvent f;
      f.type = "AssetFailed";
      f.occurred_at = kStart + life * kHour;
      f.payload = json::object{{"cycle", life}};
      req.events.push_back(std::move(f));
      ASSERT_TRUE(store->append(std::move(req)).ok());
    }
    models::TrainRequest r;
    r.model_type = "rul";
    r.name = "engine";
    r.hyperparameters = {{"rounds", 30}, {"threads", 1}};
    r.promote = true;
    ASSERT_TRUE(models::train_model(registry, *store, scope, r).ok());
    auto v = predict_e3(*store);
    ASSERT_TRUE(v.ok()) << v.error().message;
    first = v->predictions[0].value;
    store->close();
  }
  models::clear_model_cache();  // load from the file, not from memory
  auto store = registry.open_store(uri).value();
  auto info = models::read_model(*store, scope, "engine");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->promoted(), 1);
  auto v = predict_e3(*store);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_DOUBLE_EQ(v->predictions[0].value, first);
  EXPECT_EQ(store->read_stream({"prediction", "engine"}, {}).value().size(), 2u);
  store->close();
  std::filesystem::remove_all(dir);
}
#endif

}  // namespace
