#pragma once
// run_demo: generates the demo fleet history and writes it to a store (or, in a dry run, only
// validates every payload against its schema), with a progress bar and a per-type count summary.
//
// Writing goes straight to the store (no commands: the simulation already keeps every invariant)
// through OrderedWriter, in chronological order of occurred_at; recorded_at is the time of writing.
// A store that already holds events is refused, unless it holds an earlier run of the same
// configuration: the deterministic event ids then make the run an idempotent replay that only adds
// what is missing (e.g. after an interrupted run).

#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "demo/demo_config.hpp"
#include "demo/demo_event.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::fleet::demo {

struct DemoRunOptions {
  DemoConfig config;
  bool dry_run = false;           // generate and validate; write nothing
  bool validate = false;          // also validate payloads when writing (slower)
  std::string tenant;             // owner of the written streams
  std::ostream* progress = nullptr;
  bool show_progress = false;     // draw a progress bar (over simulated days) on *progress
};

struct DemoSummary {
  DemoConfig config;
  bool dry_run = false;
  std::uint64_t events = 0;        // generated
  std::uint64_t written = 0;       // newly stored
  std::uint64_t already_stored = 0;  // stored by an earlier identical run
  std::map<std::string, std::uint64_t> by_type;       // event type -> count
  std::map<std::string, std::uint64_t> by_aggregate;  // stream type -> events
  std::map<std::string, std::uint64_t> aggregates;    // stream type -> streams
  double seconds = 0;
  boost::json::object to_json() const;
};

// `store` may be null for a dry run; `registry` is needed when payloads are validated.
Result<DemoSummary> run_demo(const DemoRunOptions& options, const std::shared_ptr<EventStore>& store,
                             const Registry* registry);

// Every event of a configuration, in order, in memory (tests and small sizes only).
std::vector<DemoEvent> generate_demo_events(const DemoConfig& config);

}  // namespace roundhouse::fleet::demo
