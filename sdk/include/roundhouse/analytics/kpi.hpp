#pragma once
// Pluggable KPIs: a plugin (or, later, Python) adds a KPI to Registry::kpis and the analytics
// plugin serves it beside its built-in ones (list, value per window and scope, previous period,
// trend, time series).
//
// Contract for implementers: make() creates one calculator per tenant's read model. apply() sees
// that tenant's events matching `filter`, in position order, each once, from one thread at a time;
// value() may run concurrently with other value() calls but never with apply(). A calculator keeps
// its own incremental state; value() should be cheap (it is called per bucket of a time series).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "roundhouse/core/status.hpp"
#include "roundhouse/core/time.hpp"
#include "roundhouse/events/event_store.hpp"

namespace roundhouse {

// The half-open business-time window [from, to) a KPI is asked about.
struct KpiWindow {
  Timestamp from = 0;
  Timestamp to = 0;
};

// Which vehicles count: true for a vehicle id in the asked scope (vehicle, type, depot or fleet).
using VehicleScope = std::function<bool(std::string_view vehicle_id)>;

class KpiCalculator {
 public:
  virtual ~KpiCalculator() = default;
  virtual Status apply(const RecordedEvent& event) = 0;
  // nullopt when the KPI is undefined for the window (no denominator).
  virtual std::optional<double> value(const KpiWindow& window, const VehicleScope& in_scope) const = 0;
};

struct KpiDefinition {
  std::string title;        // "Door failures"
  std::string unit;         // "count", "h", "km", "ratio", ...
  std::string description;  // the definition, as shown to users
  bool higher_is_better = true;
  EventFilter filter;       // the events apply() needs
  std::function<std::unique_ptr<KpiCalculator>()> make;
};

}  // namespace roundhouse
