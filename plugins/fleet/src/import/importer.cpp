#include "import/importer.hpp"

#include <chrono>
#include <iostream>

#include "demo/ordered_writer.hpp"
#include "fleet_service.hpp"
#include "import/scratch_store.hpp"
#include "roundhouse/cli/progress.hpp"

namespace roundhouse::fleet::import {
namespace json = boost::json;

json::object ImportSummary::to_json() const {
  json::object rows_json, types;
  for (const auto& [k, v] : rows) rows_json[k] = v;
  for (const auto& [k, v] : by_type) types[k] = v;
  return json::object{{"dry_run", dry_run},
                      {"rows", std::move(rows_json)},
                      {"commands", commands},
                      {dry_run ? "events_to_write" : "events_written", events},
                      {"elapsed_ms", static_cast<std::int64_t>(seconds * 1000)},
                      {"events_by_type", std::move(types)}};
}

Result<ImportSummary> run_import(const ImportPlan& plan, const std::shared_ptr<EventStore>& store,
                                 const Registry& registry, const ImportOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  std::ostream& progress_out = options.progress ? *options.progress : std::cerr;
  const bool show = options.show_progress && options.progress;

  // Pass 1: run every command against the scratch store.
  auto scratch = std::make_shared<ScratchStore>(store);
  FleetService service(scratch, registry, FleetOptions{.snapshot_every = 0});
  const Principal who{options.actor, options.tenant, {"writer"}};
  {
    ProgressBar bar(progress_out, "validate", plan.steps.size(), show);
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
      const ImportStep& step = plan.steps[i];
      auto r = service.execute(step.command, step.id, step.body, who);
      const char* nothing = options.dry_run ? "" : " (nothing was written)";
      if (!r) return Error{r.error().code, step.where + ": " + r.error().message + nothing};
      if (!r->warnings.empty()) return Error{ErrorCode::rule_violation, step.where + ": " + r->warnings.front() + nothing};
      bar.set(i + 1);
    }
  }

  ImportSummary summary;
  summary.dry_run = options.dry_run;
  summary.rows = plan.rows;
  summary.commands = plan.steps.size();
  const auto staged = scratch->staged();
  for (const auto& s : staged) ++summary.by_type[s.event.type];
  summary.events = staged.size();

  // Pass 2: copy the staged events to the target store, in order.
  if (!options.dry_run) {
    demo::OrderedWriter writer(store, options.tenant, [&](const StreamId& s) { return scratch->base_version(s); });
    ProgressBar bar(progress_out, "write", staged.size(), show);
    Status st;
    for (std::size_t i = 0; i < staged.size() && st; ++i) {
      st = writer.push(staged[i].stream, staged[i].event);
      if (i % 256 == 0) bar.set(i);
    }
    const Status done = writer.finish();
    if (st) st = done;
    bar.set(writer.written());
    summary.events = writer.written();
    if (!st)
      return Error{st.code(), "writing the import failed after " + std::to_string(writer.written()) + " of " +
                                  std::to_string(staged.size()) + " events: " + st.message()};
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace roundhouse::fleet::import
