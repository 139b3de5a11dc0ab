#pragma once
// The event model (see ARCHITECTURE.md "Event model"):
//  - a stream is (aggregate type, aggregate id); versions in a stream start at 1 and have no gaps;
//  - the global position increases strictly in commit order and has no gaps;
//  - occurred_at is business time (may be back-dated), recorded_at is set by the store;
//  - payload and metadata are JSON; each event carries a SHA-256 hash chained over its predecessor.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/core/time.hpp"
#include "roundhouse/events/uuid.hpp"
#include "roundhouse/export.hpp"

namespace roundhouse {

using Position = std::uint64_t;  // global log position; the first event has position 1
using Version = std::uint64_t;   // per-stream version; 0 means "the stream has no events"
using Hash = std::array<std::uint8_t, 32>;

struct StreamId {
  std::string type;  // aggregate type, e.g. "vehicle"
  std::string id;    // aggregate id, e.g. "ICE-4711"
  friend bool operator==(const StreamId&, const StreamId&) = default;
  friend auto operator<=>(const StreamId&, const StreamId&) = default;
};
ROUNDHOUSE_API std::string to_string(const StreamId& s);  // "type/id"

// Who and what caused an event. Stored as a JSON object; unknown keys survive in `extra`.
struct EventMetadata {
  std::string actor;           // user or service that issued the command
  std::string tenant;          // owning tenant; set by the store from the append request
  std::string correlation_id;  // the business transaction this event belongs to
  std::string causation_id;    // the command or event that caused this one
  std::string device;          // source device for synced field edits
  boost::json::object extra;   // anything else the writer attached

  ROUNDHOUSE_API boost::json::object to_json() const;
  ROUNDHOUSE_API static Result<EventMetadata> from_json(const boost::json::value& v);
};

// An event as a writer proposes it.
struct NewEvent {
  Uuid id;                     // nil: the store generates a UUIDv7
  std::string type;            // e.g. "VehicleRegistered"
  boost::json::value payload;  // must be a JSON object
  EventMetadata metadata;
  Timestamp occurred_at = 0;   // 0: same as recorded_at
};

// An event as stored. Payload and metadata keep their stored JSON text: decoding them is the
// reader's choice (payload_json()/metadata_parsed()), which keeps bulk reads cheap.
struct RecordedEvent {
  Position position = 0;
  StreamId stream;
  Version version = 0;
  Uuid id;
  std::string type;
  Timestamp occurred_at = 0;
  Timestamp recorded_at = 0;
  std::string tenant;
  std::string payload;   // JSON object text
  std::string metadata;  // JSON object text
  Hash hash{};           // chain hash, see chain_hash.hpp

  ROUNDHOUSE_API boost::json::value payload_json() const;     // throws on corrupt JSON
  ROUNDHOUSE_API EventMetadata metadata_parsed() const;       // throws on corrupt JSON
  ROUNDHOUSE_API boost::json::object to_json() const;         // the wire form used by HTTP/CLI
};

ROUNDHOUSE_API std::string hex(const Hash& h);

}  // namespace roundhouse
