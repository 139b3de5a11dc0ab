#pragma once
// Shared fixture of the history tests: a memory: store, a small "vehicle" aggregate folded from
// events, a "workorder" aggregate with its own describe(), and helpers to append events with
// explicit occurred_at, actor, tenant and other metadata.
//
// recorded_at comes from the store's clock. Tests that need distinct recorded times call
// next_recorded_tick(), which waits until the clock has passed the last recorded_at, so the next
// append gets a strictly later recorded_at; bounds are then taken from the events themselves.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "roundhouse/domain/repository.hpp"
#include "roundhouse/history/audit.hpp"
#include "roundhouse/history/time_travel.hpp"
#include "storage_memory.hpp"

namespace rh = roundhouse;
namespace json = boost::json;

namespace history_test {

// A vehicle whose state is the merge of its event payloads:
//   Registered {status, depot, ...}  StatusChanged {status}  Transferred {depot, location{...}}
//   MeterRead {km} (v1 stored as {miles}, upcast)  NoteCleared {} removes "note"
//   Poison: refused by apply()
class VehicleState : public rh::AggregateState {
 public:
  rh::Status apply(const rh::RecordedEvent& e) override {
    if (e.type == "Poison") return {rh::ErrorCode::rule_violation, "poison is not a vehicle event"};
    auto payload = json::parse(e.payload).as_object();
    if (e.type == "NoteCleared") {
      state_.erase("note");
      return {};
    }
    for (auto& kv : payload) state_[kv.key()] = kv.value();
    return {};
  }
  json::object to_json() const override { return state_; }
  rh::Status from_json(const json::object& snapshot) override {
    state_ = snapshot;
    return {};
  }

 private:
  json::object state_;
};

inline rh::AggregateType vehicle_type() {
  return {"vehicle", [] { return std::make_unique<VehicleState>(); }, {}};
}

inline rh::AggregateType workorder_type() {
  return {"workorder", [] { return std::make_unique<VehicleState>(); },
          [](const rh::RecordedEvent& e) { return "work order " + e.stream.id + ": " + e.type; }};
}

inline rh::Timestamp at(const char* text) { return rh::parse_timestamp(text).value(); }

struct EventSpec {
  std::string type;
  json::object payload;
  rh::Timestamp occurred_at = 0;  // 0: the store uses recorded_at
  std::string actor;
  std::string device;
  std::string correlation_id;
  json::object extra;  // extra metadata, e.g. schema_version
};

class HistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(rh::plugins::register_storage_memory(registry_).ok());
    ASSERT_TRUE(registry_.aggregates.add("vehicle", "test", vehicle_type()).ok());
    ASSERT_TRUE(registry_.aggregates.add("workorder", "test", workorder_type()).ok());
    store_ = registry_.open_store("memory:").value();
  }

  static rh::NewEvent make_event(const EventSpec& s) {
    rh::NewEvent e;
    e.type = s.type;
    e.payload = s.payload;
    e.occurred_at = s.occurred_at;
    e.metadata.actor = s.actor;
    e.metadata.device = s.device;
    e.metadata.correlation_id = s.correlation_id;
    e.metadata.extra = s.extra;
    return e;
  }

  // Appends the events atomically (one commit: they share one recorded_at) and returns them as stored.
  std::vector<rh::RecordedEvent> append_all(const std::string& stream_type, const std::string& id,
                                            const std::vector<EventSpec>& specs, const std::string& tenant = "") {
    rh::AppendRequest req{{stream_type, id}, rh::ExpectedVersion::any(), {}, tenant};
    for (const auto& s : specs) req.events.push_back(make_event(s));
    auto r = store_->append(std::move(req));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    std::vector<rh::RecordedEvent> out;
    if (!r.ok()) return out;
    for (auto p : r->positions) out.push_back(event_at(p));
    last_recorded_ = out.back().recorded_at;
    return out;
  }

  rh::RecordedEvent append(const std::string& stream_type, const std::string& id, const EventSpec& spec,
                           const std::string& tenant = "") {
    auto events = append_all(stream_type, id, {spec}, tenant);
    return events.empty() ? rh::RecordedEvent{} : events.front();
  }

  rh::RecordedEvent vehicle(const std::string& id, const EventSpec& spec, const std::string& tenant = "") {
    return append("vehicle", id, spec, tenant);
  }

  rh::RecordedEvent event_at(rh::Position p) {
    rh::ReadAllOptions read;
    read.from_position = p;
    read.max_count = 1;
    auto events = store_->read_all(read).value();
    EXPECT_EQ(events.size(), 1u);
    return events.front();
  }

  // Makes the next append get a recorded_at strictly later than every event so far.
  void next_recorded_tick() {
    while (rh::now_micros() <= last_recorded_) {
    }
  }

  rh::Registry registry_;
  std::shared_ptr<rh::EventStore> store_;
  rh::Timestamp last_recorded_ = 0;
};

inline std::string str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string("<missing>");
}

}  // namespace history_test
