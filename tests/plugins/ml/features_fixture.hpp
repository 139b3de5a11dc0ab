#pragma once
// A memory: store with the ml plugin registered, and helpers to append events at chosen
// occurred times (recorded_at is always the store's clock).
#include <chrono>
#include <cmath>
#include <thread>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "ml_plugin.hpp"
#include "roundhouse/ml/features.hpp"
#include "roundhouse/plugin/registry.hpp"
#include "storage_memory.hpp"

namespace rh = roundhouse;
namespace json = boost::json;

inline rh::Timestamp at(const char* text) { return rh::parse_timestamp(text).value(); }
inline constexpr rh::Timestamp kDay = 86'400'000'000LL;

class FeaturesTest : public ::testing::Test {
 public:
  void SetUp() override {
    ASSERT_TRUE(rh::plugins::register_storage_memory(registry_).ok());
    ASSERT_TRUE(rh::plugins::register_ml(registry_).ok());
    store_ = fresh_store();
  }
  std::shared_ptr<rh::EventStore> fresh_store() { return registry_.open_store("memory:").value(); }

  void append(const std::string& type, const std::string& id, const std::string& event_type, json::object payload,
              rh::Timestamp occurred, rh::EventStore* store = nullptr) {
    rh::AppendRequest req;
    req.stream = {type, id};
    req.tenant = "default";
    rh::NewEvent e;
    e.type = event_type;
    e.payload = std::move(payload);
    e.occurred_at = occurred;
    req.events.push_back(std::move(e));
    auto r = (store ? store : store_.get())->append(std::move(req));
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  // A time strictly after everything appended so far and before anything appended later.
  rh::Timestamp cut() {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const auto t = rh::now_micros();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return t;
  }
  rh::Result<rh::ml::FeatureMatrix> extract(const std::string& extractor, rh::ml::FeatureRequest request,
                                            rh::EventStore* store = nullptr) {
    return rh::ml::extract_features(registry_, store ? *store : *store_, extractor, request);
  }
  static rh::ml::FeatureRequest as_of(rh::Timestamp t, std::optional<rh::Timestamp> known = std::nullopt) {
    rh::ml::FeatureRequest r;
    r.as_of = {t};
    r.known_at = known;
    return r;
  }
  static double value(const rh::ml::FeatureMatrix& m, std::size_t row, const std::string& column) {
    auto c = m.schema.column_index(column);
    EXPECT_TRUE(c.has_value()) << "no column " << column;
    return c ? m.at(row, *c) : std::nan("");
  }
  // Same values, NaN equal to NaN.
  static void expect_same(const rh::ml::FeatureMatrix& a, const rh::ml::FeatureMatrix& b) {
    ASSERT_EQ(a.entity_ids, b.entity_ids);
    ASSERT_EQ(a.values.size(), b.values.size());
    for (std::size_t i = 0; i < a.values.size(); ++i) {
      if (std::isnan(a.values[i]) && std::isnan(b.values[i])) continue;
      EXPECT_EQ(a.values[i], b.values[i]) << "row " << i / a.cols() << " column " << a.schema.columns[i % a.cols()].name;
    }
  }

  rh::Registry registry_;
  std::shared_ptr<rh::EventStore> store_;
};
