// The inventory extractor against values computed by hand.
#include "features_fixture.hpp"

namespace {

TEST_F(FeaturesTest, InventoryColumnsMatchHandComputedValues) {
  auto a = [&](const char* ev, json::object p, const char* when) { append("part", "P1", ev, std::move(p), at(when)); };
  a("PartDefined", {{"part_number", "P1"}, {"description", "door motor"}, {"unit_cost", 10.0}, {"reorder_point", 5}}, "2024-01-01");
  a("StockReceived", {{"quantity", 10}, {"unit_cost", 10.0}}, "2024-01-01");
  a("StockReserved", {{"quantity", 3}, {"work_order_id", "WO1"}}, "2024-01-10");  // available 7
  a("StockIssued", {{"quantity", 3}, {"work_order_id", "WO1"}}, "2024-01-12");     // on hand 7, reserved 0
  a("StockIssued", {{"quantity", 2}}, "2024-01-20");  // available 5 = reorder point: the wait starts
  a("StockReceived", {{"quantity", 10}, {"unit_cost", 12.0}}, "2024-01-27");  // 7 days later
  a("StockCounted", {{"counted_quantity", 14}, {"adjustment", -1}}, "2024-02-01");
  a("StockReserved", {{"quantity", 4}, {"work_order_id", "WO2"}}, "2024-02-02");

  auto r = as_of(at("2024-02-05"), rh::now_micros());
  r.parameters = {{"demand_window_days", 28}};
  auto m = extract("inventory", r).value();
  ASSERT_EQ(m.entity_ids, std::vector<std::string>{"P1"});
  EXPECT_EQ(value(m, 0, "on_hand"), 14);
  EXPECT_EQ(value(m, 0, "reserved"), 4);
  EXPECT_EQ(value(m, 0, "available"), 10);
  EXPECT_EQ(value(m, 0, "reorder_point"), 5);
  EXPECT_EQ(value(m, 0, "below_reorder_point"), 0);
  EXPECT_EQ(value(m, 0, "unit_cost"), 12);
  EXPECT_EQ(value(m, 0, "stock_value"), 14 * 12);
  // Window (Jan 8, Feb 5]: issues of 3 (Jan 12) and 2 (Jan 20).
  EXPECT_EQ(value(m, 0, "demand_qty_28d"), 5);
  EXPECT_EQ(value(m, 0, "demand_events_28d"), 2);
  EXPECT_DOUBLE_EQ(value(m, 0, "demand_rate_per_day"), 5.0 / 28);
  EXPECT_DOUBLE_EQ(value(m, 0, "demand_adi_days"), 8);
  EXPECT_DOUBLE_EQ(value(m, 0, "demand_size_cv2"), 0.25 / 6.25);  // sizes 3, 2: variance 0.25, mean 2.5
  // Weeks back from Feb 5: [0, 0, 2 (Jan 20: 16 days back), 3 (Jan 12: 24 days back)]; sample std 1.5.
  EXPECT_DOUBLE_EQ(value(m, 0, "weekly_demand_std"), 1.5);
  EXPECT_DOUBLE_EQ(value(m, 0, "lead_time_days"), 7);
  EXPECT_EQ(value(m, 0, "replenishments"), 1);
  EXPECT_DOUBLE_EQ(value(m, 0, "stock_cover_days"), 10 / (5.0 / 28));
  EXPECT_EQ(value(m, 0, "stockouts_to_date"), 0);
  EXPECT_DOUBLE_EQ(value(m, 0, "days_since_last_receipt"), 9);
}

TEST_F(FeaturesTest, InventoryCountsAStockOut) {
  auto a = [&](const char* ev, json::object p, const char* when) { append("part", "P2", ev, std::move(p), at(when)); };
  a("PartDefined", {{"part_number", "P2"}, {"description", "brake pad"}, {"unit_cost", 4.0}, {"reorder_point", 1}}, "2024-01-01");
  a("StockReceived", {{"quantity", 2}}, "2024-01-01");
  a("StockIssued", {{"quantity", 2}}, "2024-01-05");
  auto m = extract("inventory", as_of(at("2024-01-06"), rh::now_micros())).value();
  EXPECT_EQ(value(m, 0, "stockouts_to_date"), 1);
  EXPECT_EQ(value(m, 0, "below_reorder_point"), 1);
  EXPECT_TRUE(std::isnan(value(m, 0, "lead_time_days")));  // still waiting
  EXPECT_TRUE(std::isnan(value(m, 0, "demand_adi_days")));  // one issue only
}

}  // namespace
