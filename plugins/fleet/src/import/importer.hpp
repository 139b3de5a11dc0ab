#pragma once
// run_import: executes an import plan as fleet commands, all or nothing.
//
//  1. validate: every step runs through FleetService against a ScratchStore over the target store,
//     in plan (chronological) order — schemas, invariants and references (a failure's vehicle, a
//     work order's failure) are checked exactly as for any other command, and later rows see the
//     effects of earlier ones. The first refused step fails the import with "file:line: problem".
//  2. write (unless dry_run): the staged events are appended to the target store in the same
//     order, with the same ids and occurred_at, exact expected versions, through OrderedWriter.
// So a bad row writes nothing, and a dry run reports exactly what a real run would write. If the
// target changes between the passes (another writer), the write stops at the conflict and says
// how many events were written.

#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include "import/import_plan.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::fleet::import {

struct ImportOptions {
  bool dry_run = false;
  std::string actor = "import";  // metadata.actor of every event
  std::string tenant;
  std::ostream* progress = nullptr;
  bool show_progress = false;
};

struct ImportSummary {
  bool dry_run = false;
  std::map<std::string, std::size_t> rows;         // per file kind
  std::size_t commands = 0;
  std::uint64_t events = 0;                        // staged (dry run) or written
  std::map<std::string, std::uint64_t> by_type;    // event type -> count
  double seconds = 0;
  boost::json::object to_json() const;
};

Result<ImportSummary> run_import(const ImportPlan& plan, const std::shared_ptr<EventStore>& store,
                                 const Registry& registry, const ImportOptions& options);

}  // namespace roundhouse::fleet::import
