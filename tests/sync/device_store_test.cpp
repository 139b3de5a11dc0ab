// The device client's durable store and retry loop: what was acknowledged survives a reopen, a torn
// last record (a crash mid-append) is cut off, and an unreachable server is retried with growing,
// jittered waits and leaves the queue intact.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "client/device_store.hpp"
#include "client/sync_client.hpp"
#include "roundhouse/sync/wire.hpp"

namespace roundhouse::sync::client {
namespace {

namespace fs = std::filesystem;

class DeviceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rh-sync-store-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = dir_ / "device.rhs";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_, path_;
};

TEST_F(DeviceStoreTest, DeadLettersSurviveReopenAndAreRetriedOrDiscardedOnce) {
  {
    auto s = DeviceStore::create(path_, "tablet-a", 2);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->write("work_order/WO-1/status", std::string("completed"), 1'700'000'000'000).ok());
    auto added = (*s)->add("work_order/WO-1/labour", 1.5, 1'700'000'000'000);
    ASSERT_TRUE(added.ok());
    EXPECT_EQ((*s)->replica().state().entries().count("work_order/WO-1/labour+2.2"), 1u);
    ASSERT_TRUE((*s)->record_ack(2).ok());
    DeadLetter d{1, "work_order/WO-1/status", std::string("completed"), "rule_violation", 409, "it was cancelled"};
    EXPECT_TRUE((*s)->record_refusal(d).value());
    EXPECT_FALSE((*s)->record_refusal(d).value()) << "a repeated reply lists it once";
    DeadLetter e{2, "work_order/WO-1/labour+2.2", 1.5, "forbidden", 403, "not your depot"};
    EXPECT_TRUE((*s)->record_refusal(e).value());
  }
  auto s = DeviceStore::open(path_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ((*s)->dead_letters().size(), 2u);
  EXPECT_EQ((*s)->dead_letters().at(1).reason, "it was cancelled");
  EXPECT_EQ((*s)->dead_letters().at(2).value, Value{1.5});
  EXPECT_EQ((*s)->replica().pending(), 0u) << "refused operations never block the queue";
  auto again = (*s)->retry(1, 1'700'000'001'000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->counter, 3u);
  EXPECT_EQ((*s)->replica().pending(), 1u);
  ASSERT_TRUE((*s)->discard(2).ok());
  EXPECT_EQ((*s)->discard(2).error().code, ErrorCode::not_found);
  EXPECT_EQ((*s)->retry(7, 0).error().code, ErrorCode::not_found);
  DeadLetter d{1, "work_order/WO-1/status", std::string("completed"), "rule_violation", 409, "again"};
  EXPECT_FALSE((*s)->record_refusal(d).value()) << "a settled letter does not come back";
  s = DeviceStore::open(path_);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE((*s)->dead_letters().empty());
  EXPECT_EQ((*s)->replica().pending(), 1u);
}

TEST_F(DeviceStoreTest, ReopenRestoresStateQueueAcksPullsAndClock) {
  ChangeSet server_state;
  {
    auto s = DeviceStore::create(path_, "tablet-a", 2);
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_TRUE((*s)->write("vehicle/V1/status", std::string("in_service"), 1'700'000'000'000).ok());
    ASSERT_TRUE((*s)->write("vehicle/V1/km", std::int64_t{12}, 1'700'000'000'000).ok());
    ASSERT_TRUE((*s)->erase("vehicle/V1/km").ok());
    ASSERT_TRUE((*s)->record_ack(1).ok());
    ChangeSet other;
    other.set(3, "vehicle/V2/status", FieldValue{std::string("stored"), HlcTimestamp{1'700'000'000'500, 0, 3}});
    ASSERT_TRUE((*s)->record_pull(wire::encode(other), 0, 4, 1'700'000'000'000).ok());
    server_state = (*s)->replica().state();
    EXPECT_EQ((*s)->replica().pending(), 2u);
  }
  auto s = DeviceStore::open(path_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ((*s)->device_id(), "tablet-a");
  EXPECT_EQ((*s)->replica().state(), server_state);
  EXPECT_EQ((*s)->replica().pending(), 2u);
  EXPECT_EQ((*s)->replica().acked(), 1u);
  EXPECT_EQ((*s)->replica().cursor(), 4u);
  auto next = (*s)->write("vehicle/V1/status", std::string("stored"), 1'600'000'000'000);  // clock stepped back
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->counter, 4u) << "operation ids continue after the last durable one";
  const auto& reg = *(*s)->replica().state().get("vehicle/V1/status");
  EXPECT_GT(reg.begin()->second.ts.wall_ms, 1'700'000'000'000 - 1) << "the restored clock never goes back";
}

TEST_F(DeviceStoreTest, ATornLastRecordIsCutOffAndTheStoreStaysUsable) {
  {
    auto s = DeviceStore::create(path_, "tablet-a", 2);
    ASSERT_TRUE((*s)->write("vehicle/V1/status", std::string("a"), 1).ok());
    ASSERT_TRUE((*s)->write("vehicle/V1/status", std::string("b"), 2).ok());
  }
  const auto full = fs::file_size(path_);
  fs::resize_file(path_, full - 3);  // the second write was being appended when the power went
  {
    auto s = DeviceStore::open(path_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ((*s)->replica().pending(), 1u);
    EXPECT_EQ((*s)->replica().state().get("vehicle/V1/status")->begin()->second.value, Value(std::string("a")));
    ASSERT_TRUE((*s)->write("vehicle/V1/status", std::string("c"), 3).ok());
  }
  auto s = DeviceStore::open(path_);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->replica().pending(), 2u);
  EXPECT_EQ((*s)->replica().state().get("vehicle/V1/status")->begin()->second.value, Value(std::string("c")));
}

TEST_F(DeviceStoreTest, AnAckSyncedWithTheNextRecordSurvivesAndLosingItOnlyQueuesTheOpsAgain) {
  std::uintmax_t before_ack = 0;
  {
    auto s = DeviceStore::create(path_, "tablet-a", 2);
    ASSERT_TRUE((*s)->write("vehicle/V1/status", std::string("a"), 1).ok());
    ASSERT_TRUE((*s)->write("vehicle/V1/km", std::int64_t{7}, 2).ok());
    before_ack = fs::file_size(path_);
    ASSERT_TRUE((*s)->record_ack(2, DeviceStore::Durability::with_next).ok());
    EXPECT_EQ((*s)->replica().pending(), 0u);
    ASSERT_TRUE((*s)->record_pull(wire::encode(ChangeSet{}), 0, 3, 3).ok());  // synced: the ack with it
    ASSERT_TRUE((*s)->flush().ok()) << "nothing left to sync is fine";
  }
  {
    auto s = DeviceStore::open(path_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ((*s)->replica().acked(), 2u);
    EXPECT_EQ((*s)->replica().pending(), 0u);
    EXPECT_EQ((*s)->replica().cursor(), 3u);
  }
  // A crash before anything synced the ack: the operations are pending again, whole, and the next
  // push sends them once more (the server answers them as acknowledged already).
  fs::resize_file(path_, before_ack);
  auto s = DeviceStore::open(path_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ((*s)->replica().acked(), 0u);
  EXPECT_EQ((*s)->replica().pending(), 2u);
  EXPECT_EQ((*s)->replica().first_pending(), 1u);
  EXPECT_EQ((*s)->replica().batch().size(), 2u);
}

TEST_F(DeviceStoreTest, RefusesWhatIsNotADeviceStore) {
  std::ofstream(path_) << "hello";
  auto s = DeviceStore::open(path_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::corrupted);
  EXPECT_EQ(DeviceStore::open(dir_ / "missing").error().code, ErrorCode::not_found);
  EXPECT_FALSE(DeviceStore::create(path_, "x", 2).ok()) << "never overwrites an existing file";
}

TEST_F(DeviceStoreTest, UnreachableServerIsRetriedWithJitteredBackoffAndKeepsTheQueue) {
  auto s = DeviceStore::create(path_, "tablet-a", 2);
  ASSERT_TRUE((*s)->write("vehicle/V1/status", std::string("a"), 1).ok());
  // Port 1 on loopback: connection refused at once.
  auto t = HttpTransport::create("http://127.0.0.1:1", "key");
  ASSERT_TRUE(t.ok());
  std::vector<std::chrono::milliseconds> waits;
  SyncClient c(**s, *t, RetryPolicy{5, std::chrono::milliseconds(100), std::chrono::milliseconds(250)},
               [&](std::chrono::milliseconds d) { waits.push_back(d); });
  auto r = c.sync();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  ASSERT_EQ(waits.size(), 4u) << "5 attempts, 4 waits";
  const long caps[] = {100, 200, 250, 250};
  for (std::size_t i = 0; i < waits.size(); ++i) EXPECT_LE(waits[i].count(), caps[i]);
  EXPECT_FALSE(waits[0] == waits[1] && waits[1] == waits[2] && waits[2] == waits[3]) << "jittered";
  EXPECT_EQ((*s)->replica().pending(), 1u);
  EXPECT_TRUE(HttpTransport::create("https://x", "k").error().message.find("http://") != std::string::npos);
}

}  // namespace
}  // namespace roundhouse::sync::client
