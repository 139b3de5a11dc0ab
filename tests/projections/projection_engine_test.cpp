// ProjectionEngine over a memory: store: catch-up then live, checkpoint + state resume, failure
// stops at the refused event, rebuild from zero swaps in without losing the serving model.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "roundhouse/projections/projection_engine.hpp"
#include "storage_memory.hpp"

namespace rh = roundhouse;
using namespace std::chrono_literals;

namespace {

// Counts events per stream; refuses the event type "Poison"; counts apply() calls globally so
// tests can tell a resume from a full replay.
class CountingProjection : public rh::Projection {
 public:
  explicit CountingProjection(std::atomic<int>* applies) : applies_(applies) {}
  std::string name() const override { return "counts"; }
  rh::EventFilter filter() const override { return {.aggregate_types = {"vehicle"}}; }
  rh::Status apply(const rh::RecordedEvent& e) override {
    ++*applies_;
    if (e.type == "Poison") return {rh::ErrorCode::invalid_argument, "cannot digest poison"};
    counts_[e.stream.id] += 1;
    return {};
  }
  boost::json::value save_state() const override {
    boost::json::object o;
    for (auto& [k, v] : counts_) o[k] = v;
    return o;
  }
  rh::Status restore_state(const boost::json::value& v) override {
    for (auto& kv : v.as_object()) counts_[std::string(kv.key())] = kv.value().to_number<int>();
    return {};
  }
  rh::Result<boost::json::value> query(const boost::json::object& params) const override {
    if (auto* id = params.if_contains("id")) {
      auto it = counts_.find(std::string(id->as_string()));
      return boost::json::value(it == counts_.end() ? 0 : it->second);
    }
    return save_state();
  }

 private:
  std::atomic<int>* applies_;
  std::map<std::string, int> counts_;
};

class ProjectionEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(rh::plugins::register_storage_memory(registry_).ok());
    store_ = registry_.open_store("memory:").value();
  }
  rh::Position append(const std::string& type, const std::string& id, const std::string& event_type = "Moved",
                      const std::string& tenant = "acme") {
    rh::NewEvent e;
    e.type = event_type;
    e.payload = boost::json::object{{"km", 1}};
    auto r = store_->append({{type, id}, rh::ExpectedVersion::any(), {e}, tenant});
    EXPECT_TRUE(r.ok());
    return r->positions.back();
  }
  int count_of(rh::ProjectionEngine& engine, const std::string& id, const std::string& tenant = "acme") {
    return engine.query("counts", tenant, {{"id", id}}).value().to_number<int>();
  }
  rh::ProjectionFactory factory() {
    return [this] { return std::make_unique<CountingProjection>(&applies_); };
  }

  rh::Registry registry_;
  std::shared_ptr<rh::EventStore> store_;
  std::atomic<int> applies_{0};
};

TEST_F(ProjectionEngineTest, CatchesUpThenFollowsLiveAppends) {
  append("vehicle", "V1");
  append("workorder", "W1");  // filtered out
  rh::ProjectionEngine engine(store_);
  ASSERT_TRUE(engine.add(factory()).ok());
  auto last = append("vehicle", "V1");
  ASSERT_TRUE(engine.wait_until(last, 5s));
  EXPECT_EQ(count_of(engine, "V1"), 2);
  auto st = engine.status("counts").value();
  EXPECT_EQ(st.position, last);
  EXPECT_EQ(st.lag, 0u);
  EXPECT_EQ(applies_.load(), 2);
}

TEST_F(ProjectionEngineTest, ResumesFromSavedCheckpointInsteadOfReplaying) {
  for (int i = 0; i < 5; ++i) append("vehicle", "V1");
  {
    rh::ProjectionEngine engine(store_);
    ASSERT_TRUE(engine.add(factory()).ok());
    ASSERT_TRUE(engine.wait_until(5, 5s));
  }  // stop saves the checkpoint with the state
  applies_ = 0;
  auto last = append("vehicle", "V1");
  rh::ProjectionEngine engine(store_);
  ASSERT_TRUE(engine.add(factory()).ok());
  ASSERT_TRUE(engine.wait_until(last, 5s));
  EXPECT_EQ(count_of(engine, "V1"), 6);
  EXPECT_EQ(applies_.load(), 1) << "only the event after the checkpoint is applied again";
}

TEST_F(ProjectionEngineTest, DeletingSavedStateChangesNoResult) {
  for (int i = 0; i < 3; ++i) append("vehicle", "V2");
  {
    rh::ProjectionEngine engine(store_);
    ASSERT_TRUE(engine.add(factory()).ok());
    ASSERT_TRUE(engine.wait_until(3, 5s));
  }
  ASSERT_TRUE(store_->state_store()->clear("projection").ok());
  rh::ProjectionEngine engine(store_);
  ASSERT_TRUE(engine.add(factory()).ok());
  ASSERT_TRUE(engine.wait_until(3, 5s));
  EXPECT_EQ(count_of(engine, "V2"), 3);
}

TEST_F(ProjectionEngineTest, FailingHandlerStopsAtTheEventWithoutSkipping) {
  append("vehicle", "V1");
  auto poison = append("vehicle", "V1", "Poison");
  append("vehicle", "V1");
  rh::ProjectionEngine engine(store_);
  ASSERT_TRUE(engine.add(factory()).ok());
  engine.wait_until(poison + 1, 2s);
  auto st = engine.status("counts").value();
  EXPECT_EQ(st.state, "failed");
  ASSERT_TRUE(st.failed_at.has_value());
  EXPECT_EQ(*st.failed_at, poison);
  EXPECT_EQ(st.position, poison - 1);
  EXPECT_NE(st.error.find("poison"), std::string::npos);
  EXPECT_EQ(count_of(engine, "V1"), 1) << "the event after the poison must not be applied";
}

TEST_F(ProjectionEngineTest, RebuildReplaysFromZeroAndSwapsInWhenCaughtUp) {
  for (int i = 0; i < 50; ++i) append("vehicle", "V" + std::to_string(i % 5));
  rh::ProjectionEngine engine(store_);
  ASSERT_TRUE(engine.add(factory()).ok());
  ASSERT_TRUE(engine.wait_until(50, 5s));
  applies_ = 0;
  ASSERT_TRUE(engine.rebuild("counts").ok());
  // Serving continues during the rebuild; the swapped-in model has the same answer.
  for (int attempt = 0; attempt < 100 && engine.status("counts").value().rebuilding; ++attempt)
    std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(engine.status("counts").value().rebuilding);
  EXPECT_GE(applies_.load(), 50) << "the rebuild replayed every vehicle event";
  EXPECT_EQ(count_of(engine, "V0"), 10);
  auto last = append("vehicle", "V0");
  ASSERT_TRUE(engine.wait_until(last, 5s));
  EXPECT_EQ(count_of(engine, "V0"), 11) << "the rebuilt instance follows live appends";
}

TEST_F(ProjectionEngineTest, UnknownNamesAndDuplicatesAreRefused) {
  rh::ProjectionEngine engine(store_);
  ASSERT_TRUE(engine.add(factory()).ok());
  EXPECT_EQ(engine.add(factory()).code(), rh::ErrorCode::invalid_argument);
  EXPECT_EQ(engine.rebuild("nope").code(), rh::ErrorCode::not_found);
  EXPECT_EQ(engine.query("nope", "acme", {}).error().code, rh::ErrorCode::not_found);
}

}  // namespace

TEST_F(ProjectionEngineTest, EachTenantHasItsOwnReadModelAlsoAfterARestart) {
  {
    rh::ProjectionEngine engine(store_);
    ASSERT_TRUE(engine.add(factory()).ok());
    append("vehicle", "V1", "Moved", "acme");
    append("vehicle", "V2", "Moved", "globex");
    auto last = append("vehicle", "V2", "Moved", "globex");
    ASSERT_TRUE(engine.wait_until(last, std::chrono::seconds(5)));
    EXPECT_EQ(count_of(engine, "V1", "acme"), 1);
    EXPECT_EQ(count_of(engine, "V2", "acme"), 0) << "globex's vehicle is invisible to acme";
    EXPECT_EQ(count_of(engine, "V2", "globex"), 2);
    EXPECT_EQ(count_of(engine, "V1", "globex"), 0);
    EXPECT_EQ(engine.query("counts", "nobody", {}).value(), boost::json::object{}) << "a tenant without events sees an empty model";
  }
  rh::ProjectionEngine restarted(store_);
  ASSERT_TRUE(restarted.add(factory()).ok());
  ASSERT_TRUE(restarted.wait_until(store_->head_position().value(), std::chrono::seconds(5)));
  EXPECT_EQ(count_of(restarted, "V1", "acme"), 1);
  EXPECT_EQ(count_of(restarted, "V2", "globex"), 2);
  EXPECT_EQ(count_of(restarted, "V2", "acme"), 0);
}

TEST_F(ProjectionEngineTest, ConcurrentAddsOfOneNameLeaveOneAndAStoppedEngineRefusesWork) {
  rh::ProjectionEngine engine(store_);
  std::atomic<int> added{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      if (engine.add(factory()).ok()) ++added;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(added.load(), 1);
  EXPECT_EQ(engine.status().size(), 1u);
  engine.stop();
  EXPECT_EQ(engine.rebuild("counts").code(), rh::ErrorCode::unavailable);
}
