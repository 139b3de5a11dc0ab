#pragma once
// The live event log as Server-Sent Events (GET /api/v1/events/stream): one store subscription per
// client, each matching event framed as
//   id: <position>\nevent: event\ndata: <the event's JSON, as GET /api/v1/events>\n\n
// into a StreamBody.
//
// Flow control: when the client's buffer is full the subscription is stopped (nothing is held in
// the store for a slow client) and started again from its checkpoint once the client has taken
// half of it, so a slow client gets every event, in order, at its own pace. A subscription that
// fails (the store is unreachable) is restarted from its checkpoint on the next tick, once a
// second, until the store answers again: clients do not see an outage except as a pause.
// While no event is sent for `heartbeat`, a comment line keeps proxies from closing the stream.

#include <chrono>
#include <memory>
#include <string>

#include "live_streams.hpp"
#include "metrics.hpp"
#include "roundhouse/events/event_store.hpp"
#include "stream_body.hpp"

namespace roundhouse::host {

struct EventStreamOptions {
  std::string name;  // subscription name, unique per stream (metrics)
  Position after = 0;  // the first event sent is the first matching one after this position
  EventFilter filter;
  std::chrono::seconds heartbeat{15};
  std::size_t max_buffered_bytes = 256 * 1024;
};

// Starts the stream: subscribes and returns the body to reply with. The caller has taken a slot
// with streams->try_open(); the stream gives it back when it ends.
std::shared_ptr<StreamBody> open_event_stream(std::shared_ptr<EventStore> store, std::shared_ptr<LiveStreams> streams,
                                              std::shared_ptr<Metrics> metrics, EventStreamOptions options);

}  // namespace roundhouse::host
