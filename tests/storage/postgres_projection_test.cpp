// storage-postgres specific: a ProjectionEngine's checkpoints are stored in PostgreSQL (the
// plugin's state store, table state_documents of the store's schema), so a projection stopped on
// one host resumes from its checkpoint on another instead of replaying the log.
#include <atomic>
#include <map>

#include "postgres_test_support.hpp"
#include "roundhouse/projections/projection_engine.hpp"

namespace rh_test {
namespace {

#if ROUNDHOUSE_CONFORMANCE_HAVE_POSTGRES

using namespace std::chrono_literals;

// Counts events; counts apply() calls so the test can tell a resume from a replay.
class TickCount : public rh::Projection {
 public:
  explicit TickCount(std::atomic<int>* applies) : applies_(applies) {}
  std::string name() const override { return "ticks"; }
  rh::Status apply(const rh::RecordedEvent&) override {
    ++*applies_;
    ++count_;
    return {};
  }
  boost::json::value save_state() const override { return boost::json::object{{"count", count_}}; }
  rh::Status restore_state(const boost::json::value& v) override {
    count_ = v.as_object().at("count").to_number<int>();
    return {};
  }
  rh::Result<boost::json::value> query(const boost::json::object&) const override { return boost::json::value(count_); }

 private:
  std::atomic<int>* applies_;
  int count_ = 0;
};

class PostgresProjection : public PostgresStoresTest {
 protected:
  void append_ticks(rh::EventStore& store, int n) {
    rh::AppendRequest r;
    r.stream = {"vehicle", "ICE-1"};
    r.expected = rh::ExpectedVersion::any();
    for (int i = 0; i < n; ++i) r.events.push_back(event("Tick"));
    ASSERT_TRUE(store.append(std::move(r)).ok());
  }
};

TEST_F(PostgresProjection, CheckpointWrittenOnOneHostIsResumedOnAnother) {
  auto a = open_store(), b = open_store();
  ASSERT_TRUE(a && b);
  append_ticks(*a, 5);
  std::atomic<int> applies_a{0}, applies_b{0};
  {
    rh::ProjectionEngine engine(a);
    ASSERT_TRUE(engine.add([&] { return std::make_unique<TickCount>(&applies_a); }).ok());
    ASSERT_TRUE(engine.wait_until(5, 20s));
    engine.stop();  // saves the checkpoint
  }
  EXPECT_EQ(applies_a.load(), 5);

  AdminSession admin(base_uri_);
  ASSERT_TRUE(admin.ok()) << admin.error();
  auto row = admin.column("SELECT position FROM \"" + schema_ + "\".state_documents WHERE ns = 'projection' AND key = 'ticks'");
  ASSERT_TRUE(row.has_value()) << admin.error();
  EXPECT_EQ(*row, std::vector<std::string>{"5"}) << "the checkpoint is a row in PostgreSQL";

  rh::ProjectionEngine engine(b);
  ASSERT_TRUE(engine.add([&] { return std::make_unique<TickCount>(&applies_b); }).ok());
  append_ticks(*a, 1);
  ASSERT_TRUE(engine.wait_until(6, 20s));
  EXPECT_EQ(applies_b.load(), 1) << "resumed after position 5 instead of replaying";
  auto count = engine.query("ticks", "", {});
  ASSERT_TRUE(count.ok()) << count.error().message;
  EXPECT_EQ(count->to_number<int>(), 6);
}

#endif

}  // namespace
}  // namespace rh_test
