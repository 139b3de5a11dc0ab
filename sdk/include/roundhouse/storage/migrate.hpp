#pragma once
// Migration: copies an event log from one store to another *as is* — same positions, versions,
// event ids, recorded/occurred times, tenants, payload and metadata bytes and chain hashes — so
// the target's hash chain is the source's chain. Used by `roundhouse migrate` (e.g. moving from
// SQLite to PostgreSQL) and meant for the Python module too.
//
// How it works: events are read from the source in position order, batch by batch; each event's
// chain hash is recomputed from its predecessor (a tampered source stops the copy before the bad
// event is written), and each batch is written through WriteTransaction::insert in one target
// transaction whose tip must be exactly where the previous batch ended.
//
// Resumable: a target that already holds a prefix of the source (the same hash at its tip
// position; the chain makes that imply the same events before it) is continued after that
// prefix, so an interrupted or killed migration is simply run again. A target that holds
// anything else is refused and left untouched.
//
// Verified at the end: the target's head equals the source's head as of the start, the target's
// chain verifies from the first event (EventStore::verify_chain over a LogStore on the target)
// with one event per position, and its tip hash equals the source's.
//
// Not copied: state documents (projection checkpoints with read-model state, aggregate
// snapshots). They are caches of the log (see state_store.hpp): the target's projections rebuild
// them from the copied events on first start.
//
// Writers: stop appending to the source before the final run, or run migrate again afterwards
// to copy what was appended meanwhile (MigrationReport::source_grew_by says how many). Nothing
// else may write to the target while it runs (a changed target tip stops the copy).

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

#include "roundhouse/core/status.hpp"
#include "roundhouse/events/event.hpp"
#include "roundhouse/export.hpp"
#include "roundhouse/storage/log_backend.hpp"

namespace roundhouse {

class Registry;

struct MigrationProgress {
  Position done = 0;              // events the target holds (a resumed prefix included)
  Position total = 0;             // the source's head when the migration started
  Position copied = 0;            // events copied by this run
  double events_per_second = 0;   // copy rate of this run so far
};

struct MigrationOptions {
  std::size_t batch_size = 5000;  // events per target transaction (1..100000)
  // Called after every committed batch, on the migrating thread.
  std::function<void(const MigrationProgress&)> progress;
  // Polled between batches: true stops the copy after the last committed batch (a rerun
  // continues from there); the report then has cancelled = true and nothing is verified.
  std::function<bool()> cancelled;
};

struct MigrationReport {
  Position source_head = 0;      // events to copy: the source's head at the start
  Position resumed_after = 0;    // events the target already held (from an earlier run)
  Position copied = 0;           // events copied by this run
  Position target_head = 0;      // the target's head at the end
  Position source_grew_by = 0;   // appended to the source during the copy, not copied
  Hash tip_hash{};               // the chain hash at target_head (equal to the source's)
  double seconds = 0;            // wall time of this run, verification included
  bool cancelled = false;
};

// Copies `source` into `target` (see above). Errors: invalid_argument for a target holding other
// events (nothing written), corrupted when the source's chain breaks (the target keeps the
// verified events before the break) or the final verification fails, plus any backend error.
// `target` stays open; a LogStore borrowing it is used for the final verification only.
ROUNDHOUSE_API Result<MigrationReport> migrate_log(LogBackend& source, const std::shared_ptr<LogBackend>& target,
                                                   const MigrationOptions& options = {});

// Opens both stores' backends through the registry's store_admin (creating an empty target when
// missing) and migrates. Refuses the same store given twice (by location) with invalid_argument.
ROUNDHOUSE_API Result<MigrationReport> migrate_store(const Registry& registry, std::string_view from_uri,
                                                     std::string_view to_uri, const MigrationOptions& options = {});

}  // namespace roundhouse
