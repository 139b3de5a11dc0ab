#pragma once
// Internal: turns an AppendRequest into rows ready for the writer (caller's thread, before
// queueing), so the single writer thread only assigns positions, versions and hashes.

#include <vector>

#include "roundhouse/events/event_store.hpp"
#include "roundhouse/storage/log_store.hpp"

namespace roundhouse::detail {

struct PreparedAppend {
  StreamId stream;
  ExpectedVersion expected = ExpectedVersion::any();
  std::string tenant;
  std::vector<RecordedEvent> events;  // stream, id, type, occurred_at (0 = now), tenant, payload, metadata
  bool has_client_ids = false;        // false: every id was generated here, so none can be stored yet
};

Result<PreparedAppend> prepare_append(AppendRequest&& request, const LogStoreOptions& options);

}  // namespace roundhouse::detail
