#pragma once
// Tamper evidence: hash(n) = SHA-256(hash(n-1) || canonical bytes of event n), hash(0) = 32 zero
// bytes. The canonical bytes are, in order: position (u64 LE), stream type, stream id, version
// (u64 LE), event id (16 bytes), event type, occurred_at (i64 LE), recorded_at (i64 LE), tenant,
// payload text, metadata text; every string is prefixed by its byte length (u32 LE). Changing,
// removing or reordering any stored event breaks every later hash.

#include "roundhouse/events/event.hpp"
#include "roundhouse/export.hpp"

namespace roundhouse {

ROUNDHOUSE_API Hash chain_hash(const Hash& previous, const RecordedEvent& e);

struct ChainReport {
  bool ok = true;
  Position events_checked = 0;
  Position last_position = 0;
  Position first_bad_position = 0;  // 0 when ok
  std::string reason;               // empty when ok
};

}  // namespace roundhouse
