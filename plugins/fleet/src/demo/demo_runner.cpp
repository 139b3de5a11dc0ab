#include "demo/demo_runner.hpp"

#include <chrono>
#include <iostream>

#include "demo/ordered_writer.hpp"
#include "demo/simulation.hpp"
#include "roundhouse/cli/progress.hpp"

namespace roundhouse::fleet::demo {
namespace json = boost::json;

namespace {

// ok when the store is empty or begins with this configuration's first event.
Status check_target(EventStore& store, const DemoConfig& config) {
  auto head = store.head_position();
  if (!head) return head.error();
  if (*head == 0) return {};
  std::optional<DemoEvent> first;
  FleetSimulation probe(config);
  (void)probe.run([&](DemoEvent&& e) -> Status {
    first = std::move(e);
    return Error{ErrorCode::internal, "stop"};
  });
  if (first) {
    ReadStreamOptions read;
    read.max_count = 1;
    auto stored = store.read_stream(first->stream, read);
    if (stored && !stored->empty() && stored->front().id == first->event.id) return {};
  }
  return Error{ErrorCode::invalid_argument,
               "the store already holds " + std::to_string(*head) +
                   " events; `roundhouse demo` seeds an empty store (or repeats an earlier run with the same "
                   "--size, --seed and --start)"};
}

// Every aggregate starts with exactly one of these.
bool is_creation(const std::string& type) {
  return type == "VehicleRegistered" || type == "FailureReported" || type == "WorkOrderCreated" || type == "PartDefined";
}

}  // namespace

json::object DemoSummary::to_json() const {
  json::object types, per_aggregate, streams;
  for (const auto& [k, v] : by_type) types[k] = v;
  for (const auto& [k, v] : by_aggregate) per_aggregate[k] = v;
  for (const auto& [k, v] : aggregates) streams[k] = v;
  return json::object{{"size", config.size},
                      {"seed", config.seed},
                      {"start", format_timestamp(config.start).substr(0, 10)},
                      {"days", config.days},
                      {"vehicles", config.vehicles},
                      {"depots", config.depots},
                      {"dry_run", dry_run},
                      {"events", events},
                      {"written", written},
                      {"already_stored", already_stored},
                      {"elapsed_ms", static_cast<std::int64_t>(seconds * 1000)},
                      {"aggregates", std::move(streams)},
                      {"events_by_aggregate", std::move(per_aggregate)},
                      {"events_by_type", std::move(types)}};
}

Result<DemoSummary> run_demo(const DemoRunOptions& options, const std::shared_ptr<EventStore>& store,
                             const Registry* registry) {
  const auto started = std::chrono::steady_clock::now();
  const bool validate = options.dry_run || options.validate;
  if (validate && !registry) return Error{ErrorCode::invalid_argument, "validating the demo needs the registry"};
  if (!options.dry_run) {
    if (!store) return Error{ErrorCode::invalid_argument, "no store to write the demo fleet to"};
    if (auto st = check_target(*store, options.config); !st) return st.error();
  }

  DemoSummary summary;
  summary.config = options.config;
  summary.dry_run = options.dry_run;
  std::optional<OrderedWriter> writer;
  if (!options.dry_run) writer.emplace(store, options.tenant);
  ProgressBar bar(options.progress ? *options.progress : std::cerr, "demo days",
                  static_cast<std::uint64_t>(options.config.days), options.show_progress && options.progress);

  FleetSimulation simulation(options.config);
  Status st = simulation.run(
      [&](DemoEvent&& e) -> Status {
        if (validate) {
          if (auto v = registry->validate_payload(e.event.type, e.event.payload); !v)
            return Error{ErrorCode::internal, "the demo generated an invalid " + e.event.type + " on " +
                                                  to_string(e.stream) + ": " + v.message()};
        }
        ++summary.events;
        ++summary.by_type[e.event.type];
        ++summary.by_aggregate[e.stream.type];
        if (is_creation(e.event.type)) ++summary.aggregates[e.stream.type];
        if (writer) return writer->push(e.stream, std::move(e.event));
        return {};
      },
      [&](int day) { bar.set(static_cast<std::uint64_t>(day)); });
  if (writer) {
    const Status done = writer->finish();
    if (st) st = done;
    summary.written = writer->written();
    summary.already_stored = writer->replayed();
  }
  bar.finish();
  if (!st) {
    Error e = st.error();
    if (writer) e.message += " (" + std::to_string(summary.written) + " events were written before the failure)";
    return e;
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

std::vector<DemoEvent> generate_demo_events(const DemoConfig& config) {
  std::vector<DemoEvent> out;
  FleetSimulation simulation(config);
  (void)simulation.run([&](DemoEvent&& e) -> Status {
    out.push_back(std::move(e));
    return {};
  });
  return out;
}

}  // namespace roundhouse::fleet::demo
