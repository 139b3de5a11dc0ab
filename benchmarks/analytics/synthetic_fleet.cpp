#include "analytics/synthetic_fleet.hpp"

#include <algorithm>
#include <queue>
#include <string>
#include <vector>

namespace roundhouse::bench {

namespace {

constexpr Timestamp kHour = 3'600'000'000;
constexpr Timestamp kDay = 24 * kHour;
constexpr const char* kSystems[] = {"brakes", "doors", "hvac", "traction", "pantograph", "bogie"};
constexpr const char* kDepots[] = {"North", "South", "East", "West", "Central", "Harbour", "Hill", "Valley"};
constexpr const char* kTypes[] = {"emu_car", "dmu_car", "locomotive", "coach", "wagon"};

struct Lcg {
  std::uint64_t s = 0x9E3779B97F4A7C15ull;
  std::uint64_t next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return s >> 33;
  }
  std::int64_t between(std::int64_t lo, std::int64_t hi) { return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1)); }
};

struct Pending {
  Timestamp at;
  std::uint64_t seq;
  std::string stream_type, id, type, payload;
  bool operator>(const Pending& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

std::string date(Timestamp t) { return format_timestamp(t).substr(0, 10); }

}  // namespace

std::uint64_t synthetic_fleet(std::uint64_t work_orders, const EventSink& sink) {
  const Timestamp start = parse_timestamp("2021-01-01").value();
  const int days = 5 * 365;
  // ~250 orders per vehicle over five years (two thirds corrective), like a busy fleet.
  const std::uint64_t vehicles = std::max<std::uint64_t>(10, work_orders / 250);
  Lcg rng;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> q;
  std::uint64_t seq = 0, produced = 0, position = 0;
  auto emit = [&](Timestamp at, const char* st, std::string id, const char* type, std::string payload) {
    q.push({at, seq++, st, std::move(id), type, std::move(payload)});
  };
  RecordedEvent e;
  e.metadata = "{}";
  // Flushes every event up to `until` to the sink, in time order.
  auto flush = [&](Timestamp until) {
    while (!q.empty() && q.top().at <= until) {
      const Pending& p = q.top();
      e.position = ++position;
      e.stream = {p.stream_type, p.id};
      e.type = p.type;
      e.occurred_at = e.recorded_at = p.at;
      e.payload = p.payload;
      sink(e);
      ++produced;
      q.pop();
    }
  };
  for (int p = 0; p < 40; ++p) {
    const std::string id = "PART-" + std::to_string(p);
    emit(start, "part", id, "PartDefined", R"({"part_number":")" + id + R"(","description":"part","unit_cost":)" +
                                              std::to_string(20 + p * 5) + R"(,"reorder_point":10})");
  }
  for (std::uint64_t v = 0; v < vehicles; ++v)
    emit(start, "vehicle", "V" + std::to_string(v), "VehicleRegistered",
         R"({"number":"V)" + std::to_string(v) + R"(","vehicle_type":")" + kTypes[v % 5] + R"(","depot":")" +
             kDepots[v % 8] + R"(","commissioned_on":"2015-01-01"})");
  std::vector<double> odometer(vehicles, 100000.0);
  const auto n_days = static_cast<std::uint64_t>(days);
  std::uint64_t wo = 0, failure = 0;
  for (int d = 0; d < days && wo < work_orders; ++d) {
    const Timestamp day = start + d * kDay;
    if (d % 30 == 0)
      for (int p = 0; p < 40; ++p)
        emit(day + kHour, "part", "PART-" + std::to_string(p), "StockReceived",
             R"({"quantity":)" + std::to_string(rng.between(2000, 4000)) + R"(,"unit_cost":)" +
                 std::to_string(20 + p * 5 + rng.between(0, 3)) + "}");
    if (d % 7 == 0)
      for (std::uint64_t v = 0; v < vehicles; ++v) {
        odometer[v] += static_cast<double>(rng.between(2000, 4000));
        emit(day + 2 * kHour, "vehicle", "V" + std::to_string(v), "MeterReadingRecorded",
             R"({"odometer_km":)" + std::to_string(odometer[v]) + "}");
      }
    // Spread evenly: day d ends with work_orders * (d + 1) / days orders created.
    const std::uint64_t until = work_orders * (static_cast<std::uint64_t>(d) + 1) / n_days;
    for (; wo < until; ++wo) {
      const std::string v = "V" + std::to_string(rng.next() % vehicles);
      const std::string id = "WO-" + std::to_string(wo);
      const Timestamp t0 = day + rng.between(0, 20) * kHour;
      const char* system = kSystems[rng.next() % 6];
      if (wo % 3 != 2) {  // corrective: failure, out of service, repair, back in service
        const std::string f = "F-" + std::to_string(failure++);
        const bool sa = rng.next() % 2 == 0;
        emit(t0, "failure", f, "FailureReported", R"({"vehicle_id":")" + v + R"(","system":")" + system +
                                                      R"(","severity":"major","service_affecting":)" + (sa ? "true" : "false") + "}");
        emit(t0 + 1, "vehicle", v, "VehicleStatusChanged", R"({"status":"out_of_service","previous_status":"in_service"})");
        emit(t0 + 2, "workorder", id, "WorkOrderCreated", R"({"vehicle_id":")" + v + R"(","category":"corrective","priority":"high","due_date":")" +
                                                             date(t0 + 3 * kDay) + R"(","system":")" + system + "\"}");
        const Timestamp s = t0 + rng.between(1, 12) * kHour, c = s + rng.between(1, 30) * kHour;
        emit(s, "workorder", id, "WorkOrderStarted", "{}");
        const std::string part = "PART-" + std::to_string(rng.next() % 40);
        const auto qty = rng.between(1, 3);
        emit(s + 1, "part", part, "StockIssued", R"({"quantity":)" + std::to_string(qty) + R"(,"work_order_id":")" + id + R"(","unit_cost":30})");
        emit(s + 2, "workorder", id, "WorkOrderPartsConsumed", R"({"part_number":")" + part + R"(","quantity":)" + std::to_string(qty) + R"(,"unit_cost":30})");
        emit(c - 1, "workorder", id, "WorkOrderLabourBooked", R"({"technician":"t","hours":)" + std::to_string(rng.between(1, 8)) + "}");
        emit(c, "workorder", id, "WorkOrderCompleted", "{}");
        emit(c + 1, "vehicle", v, "VehicleStatusChanged", R"({"status":"in_service","previous_status":"out_of_service"})");
      } else {  // preventive: scheduled a few days ahead, sometimes late, sometimes never done
        const Timestamp slot = t0 + rng.between(1, 10) * kDay;
        emit(t0, "workorder", id, "WorkOrderCreated", R"({"vehicle_id":")" + v + R"(","category":"preventive","priority":"medium","due_date":")" +
                                                         date(slot + 2 * kDay) + "\"}");
        emit(t0, "workorder", id, "WorkOrderScheduled", R"({"start":")" + format_timestamp(slot) + R"(","end":")" +
                                                           format_timestamp(slot + 8 * kHour) + "\"}");
        if (rng.next() % 20 != 0) {
          emit(slot, "workorder", id, "WorkOrderStarted", "{}");
          emit(slot + rng.between(2, 60) * kHour, "workorder", id, "WorkOrderCompleted", "{}");
        }
      }
    }
    flush(day);  // everything that happened before this day's end is final
  }
  flush(std::numeric_limits<Timestamp>::max());
  return produced;
}

}  // namespace roundhouse::bench
