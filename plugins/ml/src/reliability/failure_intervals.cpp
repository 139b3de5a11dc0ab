#include "reliability/failure_intervals.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "features/payload_scan.hpp"

namespace roundhouse::ml::reliability {
namespace {

constexpr double kMicrosPerDay = 86400.0 * 1e6;

struct Vehicle {
  bool registered = false;
  Timestamp start = 0;
  std::optional<Timestamp> retired;
  std::string vehicle_type;
  std::string depot;
  Timestamp depot_at = 0;  // occurred_at of the event that set `depot`
  std::vector<Timestamp> failures;
};

// The string members `keys` of a payload, in the order given (empty when absent).
std::vector<std::string> members(std::string_view payload, std::initializer_list<std::string_view> keys) {
  std::vector<std::string> out(keys.size());
  features::scan_object(payload, [&](std::string_view key, const features::JsonValueView& v) {
    std::size_t i = 0;
    for (auto k : keys) {
      if (key == k && v.kind == features::JsonValueView::Kind::string) out[i] = v.string();
      ++i;
    }
    return true;
  });
  return out;
}

void add_vehicle_event(Vehicle& v, const RecordedEvent& e) {
  if (e.type == "VehicleRegistered") {
    auto m = members(e.payload, {"vehicle_type", "depot"});
    v.registered = true;
    v.start = e.occurred_at;
    v.vehicle_type = m[0];
    if (e.occurred_at >= v.depot_at) v.depot = m[1], v.depot_at = e.occurred_at;
  } else if (e.type == "VehicleTransferred") {
    auto m = members(e.payload, {"to_depot"});
    if (e.occurred_at >= v.depot_at) v.depot = m[0], v.depot_at = e.occurred_at;
  } else if (e.type == "VehicleRetired") {
    v.retired = v.retired ? std::min(*v.retired, e.occurred_at) : e.occurred_at;
  }
}

}  // namespace

Result<FailureIntervals> failure_intervals(EventStore& store, const FailureIntervalQuery& query) {
  std::map<std::string, Vehicle> vehicles;
  ReadAllOptions options;
  options.filter.aggregate_types = {"vehicle", "failure"};
  options.filter.tenant = query.tenant;
  auto st = store.read_all(options, [&](const RecordedEvent& e) {
    if (e.occurred_at > query.until) return true;
    if (e.stream.type == "vehicle") {
      add_vehicle_event(vehicles[e.stream.id], e);
    } else if (e.type == "FailureReported") {
      auto m = members(e.payload, {"vehicle_id", "system"});
      if (m[1] == query.system) vehicles[m[0]].failures.push_back(e.occurred_at);
    }
    return true;
  });
  if (!st) return st.error();

  FailureIntervals out;
  for (auto& [id, v] : vehicles) {
    if (!v.registered) continue;  // a failure of a vehicle the log does not know
    if (!query.vehicle_type.empty() && v.vehicle_type != query.vehicle_type) continue;
    if (!query.depot.empty() && v.depot != query.depot) continue;
    const Timestamp end = v.retired ? std::min(*v.retired, query.until) : query.until;
    if (end <= v.start) continue;
    ++out.vehicles;
    std::sort(v.failures.begin(), v.failures.end());
    Timestamp cut = v.start;
    for (Timestamp f : v.failures) {
      if (f < v.start || f > end) continue;  // reported before registration or after retirement
      if (f == cut) {
        ++out.zero_intervals;
        continue;
      }
      out.data.failures.push_back(static_cast<double>(f - cut) / kMicrosPerDay);
      cut = f;
    }
    if (end > cut) out.data.right_censored.push_back(static_cast<double>(end - cut) / kMicrosPerDay);
  }
  return out;
}

}  // namespace roundhouse::ml::reliability
