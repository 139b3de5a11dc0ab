#pragma once
// FleetSimulation: the demo fleet's history as a discrete-event simulation. Vehicles are
// registered, run their daily kilometres (read weekly), fail per system after Weibull-distributed
// intervals, get corrective, predictive and preventive work orders (created -> assigned -> started
// -> parts -> labour -> completed, with the vehicle under maintenance meanwhile), consume parts that
// are restocked below their reorder point, are occasionally parked, transferred or retired.
//
// Determinism: the same DemoConfig (size, seed, start) yields the same events, ids, payloads and
// occurred_at, byte for byte. Every event satisfies the fleet commands' invariants (legal
// transitions, meters never decrease, stock never negative, nothing after retirement) and its
// payload schema. Events come out in non-decreasing occurred_at order.
// Single use, not thread-safe.

#include <functional>
#include <memory>

#include "demo/demo_config.hpp"
#include "demo/demo_event.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::fleet::demo {

class FleetSimulation {
 public:
  using Sink = std::function<Status(DemoEvent&&)>;
  using DayCallback = std::function<void(int days_done)>;

  explicit FleetSimulation(const DemoConfig& config);
  ~FleetSimulation();
  FleetSimulation(const FleetSimulation&) = delete;
  FleetSimulation& operator=(const FleetSimulation&) = delete;

  // Runs the whole history through `sink`; stops at and returns the first non-ok Status it returns.
  Status run(const Sink& sink, const DayCallback& on_day = {});

  struct State;  // defined in simulation_state.hpp

 private:
  std::unique_ptr<State> state_;
};

}  // namespace roundhouse::fleet::demo
