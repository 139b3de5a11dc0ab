// The fleet model types on a synthetic fleet whose signal is known: failure-risk (vehicles of one
// half fail every ~20 days, the other half never) and work-order-duration (urgent orders take 2
// days, low-priority ones 20). Held-out metrics must find the signal; predictions use the vehicle
// and work-order extractors at the as-of time.
#include "features_fixture.hpp"
#include "models/serving.hpp"
#include "models/training.hpp"

namespace {

namespace models = rh::ml::models;

class FleetModelsTest : public FeaturesTest {
 public:
  void add_fleet(int vehicles) {
    const rh::Timestamp start = at("2024-01-01");
    for (int v = 0; v < vehicles; ++v) {
      const std::string id = "V" + std::to_string(100 + v);
      append("vehicle", id, "VehicleRegistered",
             {{"number", id}, {"vehicle_type", "emu_car"}, {"depot", "North"}, {"commissioned_on", "2020-01-01"}},
             start);
      if (v % 2 == 1) continue;  // the odd half never fails
      for (int k = 1; k * 20 + v < 360; ++k)
        append("failure", id + "-F" + std::to_string(k), "FailureReported",
               {{"vehicle_id", id}, {"system", "doors"}, {"severity", "minor"}, {"service_affecting", false}},
               start + (k * 20 + v) * kDay);
    }
  }
  void add_work_orders(int n) {
    const char* priority[] = {"low", "medium", "high", "urgent"};
    const int days[] = {20, 10, 5, 2};
    for (int i = 0; i < n; ++i) {
      const std::string id = "WO" + std::to_string(1000 + i);
      const rh::Timestamp created = at("2024-01-01") + i * kDay;
      append("workorder", id, "WorkOrderCreated",
             {{"vehicle_id", "V1"}, {"category", "corrective"}, {"priority", priority[i % 4]},
              {"due_date", "2025-01-01"}},
             created);
      append("workorder", id, "WorkOrderCompleted", {{"notes", "done"}}, created + days[i % 4] * kDay);
    }
  }
  static models::TrainRequest risk_request(const char* as_of) {
    models::TrainRequest r;
    r.model_type = "failure-risk";
    r.name = "risk";
    r.dataset.as_of = at(as_of);
    r.dataset.known_at = rh::now_micros();
    return r;
  }
  models::RegistryScope scope_{"default", "test"};
};

TEST_F(FleetModelsTest, FailureRiskSeparatesFailingVehicles) {
  add_fleet(20);
  auto r = risk_request("2025-01-01");
  r.dataset.parameters = {{"horizon_days", 30}, {"every_days", 30}};
  r.hyperparameters = {{"rounds", 40}, {"threads", 1}};
  r.split.test_fraction = 0.3;
  r.promote = true;
  auto out = models::train_model(registry_, *store_, scope_, r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  const auto& metrics = out->version.record.at("metrics").as_object();
  EXPECT_EQ(out->version.record.at("kind").as_string(), "classification");
  EXPECT_GT(metrics.at("auc").as_double(), 0.9);
  EXPECT_GT(metrics.at("base_rate").as_double(), 0.0);  // both classes among the held-out vehicles
  EXPECT_LT(metrics.at("base_rate").as_double(), 1.0);

  models::PredictRequest p;
  p.name = "risk";
  p.entity_ids = {"V100", "V101"};
  p.as_of = at("2024-12-01");
  p.known_at = rh::now_micros();
  auto pred = models::predict(registry_, *store_, scope_, p);
  ASSERT_TRUE(pred.ok()) << pred.error().message;
  ASSERT_EQ(pred->predictions.size(), 2u);
  EXPECT_GT(pred->predictions[0].value, 0.5) << "V100 fails every 20 days";
  EXPECT_LT(pred->predictions[1].value, 0.5) << "V101 never fails";
}

TEST_F(FleetModelsTest, FailureRiskNeedsEnoughHistory) {
  add_fleet(4);
  auto out = models::train_model(registry_, *store_, scope_, risk_request("2024-02-15"));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, rh::ErrorCode::rule_violation);
  EXPECT_NE(out.error().message.find("too little data: the history spans 45 day(s)"), std::string::npos)
      << out.error().message;
}

TEST_F(FleetModelsTest, WorkOrderDurationLearnsPriority) {
  add_work_orders(80);
  models::TrainRequest r;
  r.model_type = "work-order-duration";
  r.name = "wo-days";
  r.dataset.known_at = rh::now_micros();
  r.hyperparameters = {{"rounds", 80}, {"learning_rate", 0.2}, {"threads", 1}};
  r.promote = true;
  auto out = models::train_model(registry_, *store_, scope_, r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  const auto& metrics = out->version.record.at("metrics").as_object();
  EXPECT_LT(metrics.at("rmse").as_double(), 1.5);  // durations 2..20 days; priority explains them
  EXPECT_EQ(metrics.at("test_entities").to_number<int>(), 16);

  // A new urgent order, predicted as of its creation.
  append("workorder", "NEW", "WorkOrderCreated",
         {{"vehicle_id", "V1"}, {"category", "corrective"}, {"priority", "urgent"}, {"due_date", "2025-01-01"}},
         at("2024-06-01"));
  models::PredictRequest p;
  p.name = "wo-days";
  p.entity_ids = {"NEW"};
  p.as_of = at("2024-06-01");
  p.known_at = rh::now_micros();
  auto pred = models::predict(registry_, *store_, scope_, p);
  ASSERT_TRUE(pred.ok()) << pred.error().message;
  EXPECT_NEAR(pred->predictions[0].value, 2.0, 1.5);
}

}  // namespace
