// The event log over HTTP: append (asynchronous: the I/O thread never waits for an fsync), read one
// stream, read everything (paged), follow it live (Server-Sent Events). Every read is filtered to
// the caller's tenant.
#include <charconv>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/pchars.hpp>

#include "append_codec.hpp"
#include "event_stream.hpp"
#include "handlers.hpp"
#include "problem.hpp"
#include "query_params.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::host {
namespace json = boost::json;

namespace {

constexpr std::uint64_t kMaxPage = 10000;

// The wire form of events (RecordedEvent::to_json), in order.
json::array events_json(const std::vector<RecordedEvent>& events) {
  json::array out;
  out.reserve(events.size());
  for (const auto& e : events) out.push_back(e.to_json());
  return out;
}

void append(AppContext& ctx, Request& req, Reply reply) {
  if (req.body.empty())
    return reply(problem(400, codes::malformed_json, "the request body is empty; expected an append request",
                         req.path));
  boost::system::error_code ec;
  json::value doc = json::parse(req.body, ec);
  if (ec) return reply(problem(400, codes::malformed_json, "the request body is not valid JSON: " + ec.message(), req.path));

  DecodedAppend decoded = decode_append(doc, ctx.registry);
  if (!decoded.ok()) {
    const auto& first = decoded.violations.front();
    return reply(problem(422, to_string(ErrorCode::schema_violation),
                         (first.path.empty() ? std::string("(root)") : first.path) + ": " + first.message, req.path,
                         decoded.violations));
  }
  AppendRequest request = std::move(decoded.request);
  request.tenant = req.principal.tenant;  // always the caller's, never from the body
  std::vector<std::string> ids;
  ids.reserve(request.events.size());
  for (auto& e : request.events) {
    ids.push_back(e.id.to_string());
    if (e.metadata.actor.empty()) e.metadata.actor = req.principal.subject;
  }
  const StreamId stream = request.stream;
  ctx.store->append_async(
      std::move(request), [reply = std::move(reply), metrics = ctx.metrics, stream, ids = std::move(ids),
                           path = req.path](Result<AppendResult> result) {
        if (!result) {
          metrics->count_append(to_string(result.error().code), 0);
          return reply(problem(result.error(), path));
        }
        const bool replay = result->idempotent_replay;
        metrics->count_append(replay ? "idempotent_replay" : "ok", replay ? 0 : result->positions.size());
        Response r = Response::json(201, encode_append_result(stream, ids, *result));
        r.headers.emplace_back("Location", "/api/v1/events/" + boost::urls::encode(stream.type, boost::urls::pchars) +
                                               "/" + boost::urls::encode(stream.id, boost::urls::pchars));
        reply(std::move(r));
      });
}

void read_stream(AppContext& ctx, Request& req, Reply reply) {
  if (auto st = check_known_params(req, {"from_version", "limit", "direction"}); !st)
    return reply(problem(st.error(), req.path));
  const StreamId stream{req.path_params.at("type"), req.path_params.at("id")};
  ReadStreamOptions opts;
  opts.tenant = req.principal.tenant;
  if (const std::string* dir = req.query_param("direction")) {
    if (*dir == "backward") opts.direction = Direction::backward;
    else if (*dir != "forward")
      return reply(problem(400, to_string(ErrorCode::invalid_argument),
                           "query parameter 'direction' must be 'forward' or 'backward'", req.path));
  }
  auto from = uint_param(req, "from_version", 0, 0, UINT64_MAX);
  auto limit = uint_param(req, "limit", 1000, 1, kMaxPage);
  if (!from) return reply(problem(from.error(), req.path));
  if (!limit) return reply(problem(limit.error(), req.path));
  opts.from_version = *from;
  opts.max_count = *limit;

  auto events = ctx.store->read_stream(stream, opts);
  if (!events) return reply(problem(events.error(), req.path));
  json::object o{{"stream", json::object{{"type", stream.type}, {"id", stream.id}}},
                 {"direction", opts.direction == Direction::backward ? "backward" : "forward"}};
  // A full page may have more behind it: tell the client where to continue.
  if (!events->empty() && events->size() == opts.max_count) {
    const Version last = events->back().version;
    if (opts.direction == Direction::forward) o["next_version"] = last + 1;
    else if (last > 1) o["next_version"] = last - 1;
  }
  o["events"] = events_json(*events);
  reply(Response::json(200, o));
}

void read_all(AppContext& ctx, Request& req, Reply reply) {
  if (auto st = check_known_params(req, {"from_position", "limit", "type", "aggregate_type"}); !st)
    return reply(problem(st.error(), req.path));
  auto from = uint_param(req, "from_position", 1, 0, UINT64_MAX);
  auto limit = uint_param(req, "limit", 100, 1, kMaxPage);
  if (!from) return reply(problem(from.error(), req.path));
  if (!limit) return reply(problem(limit.error(), req.path));

  ReadAllOptions opts;
  opts.from_position = std::max<std::uint64_t>(*from, 1);
  opts.max_count = *limit;
  opts.filter.event_types = list_param(req, "type");
  opts.filter.aggregate_types = list_param(req, "aggregate_type");
  opts.filter.tenant = req.principal.tenant;

  // Everything up to the head read before the scan is committed and will be scanned, so a short
  // page may skip past filtered-out events up to it.
  auto head = ctx.store->head_position();
  if (!head) return reply(problem(head.error(), req.path));
  auto events = ctx.store->read_all(opts);
  if (!events) return reply(problem(events.error(), req.path));
  Position next = opts.from_position;
  if (!events->empty()) next = events->back().position + 1;
  if (events->size() < opts.max_count) next = std::max<Position>(next, *head + 1);

  json::object o;
  o["events"] = events_json(*events);
  o["next_position"] = next;
  o["head_position"] = std::max<Position>(*head, events->empty() ? 0 : events->back().position);
  reply(Response::json(200, o));
}

// Where a stream starts: after the Last-Event-ID header (a reconnecting EventSource resends its URL
// with the id of the last event it got, which is newer than the URL's `after`), else `after`, else
// the head (only events committed from now on).
Result<Position> stream_start(AppContext& ctx, const Request& req) {
  if (const std::string* id = req.header("last-event-id"); id && !id->empty()) {
    Position p = 0;
    auto [end, ec] = std::from_chars(id->data(), id->data() + id->size(), p);
    if (ec != std::errc() || end != id->data() + id->size())
      return Error{ErrorCode::invalid_argument,
                   "header 'Last-Event-ID' must be an event position (a non-negative integer), got '" +
                       id->substr(0, 64) + "'"};
    return p;
  }
  if (req.query_param("after")) return uint_param(req, "after", 0, 0, UINT64_MAX);
  return ctx.store->head_position();
}

void stream_events(AppContext& ctx, Request& req, Reply reply) {
  if (auto st = check_known_params(req, {"after", "type", "aggregate_type", "heartbeat"}); !st)
    return reply(problem(st.error(), req.path));
  auto heartbeat = uint_param(req, "heartbeat", 15, 1, 300);
  if (!heartbeat) return reply(problem(heartbeat.error(), req.path));
  auto after = stream_start(ctx, req);
  if (!after) return reply(problem(after.error(), req.path));
  if (!ctx.streams || !ctx.streams->try_open())
    return reply(problem(503, to_string(ErrorCode::unavailable),
                         "too many open event streams; try again later", req.path));

  EventStreamOptions opts;
  opts.name = "events-stream:" + req.request_id;
  opts.after = *after;
  opts.filter.event_types = list_param(req, "type");
  opts.filter.aggregate_types = list_param(req, "aggregate_type");
  opts.filter.tenant = req.principal.tenant;
  opts.heartbeat = std::chrono::seconds(*heartbeat);

  Response r;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Accel-Buffering", "no");  // nginx: pass events through, do not buffer
  r.stream = open_event_stream(ctx.store, ctx.streams, ctx.metrics, std::move(opts));
  reply(std::move(r));
}

}  // namespace

Status add_event_routes(Router& router, std::shared_ptr<AppContext> ctx) {
  auto bind = [ctx](void (*fn)(AppContext&, Request&, Reply)) {
    return [ctx, fn](Request& req, Reply reply) { fn(*ctx, req, std::move(reply)); };
  };
  for (auto st : {router.add({"POST", "/api/v1/events", "writer", "Append events to one stream", "host", bind(append)}),
                  router.add({"GET", "/api/v1/events", "reader", "Read the whole log from a position (paged)", "host",
                              bind(read_all)}),
                  router.add({"GET", "/api/v1/events/{type}/{id}", "reader", "Read one stream", "host",
                              bind(read_stream)}),
                  router.add({"GET", "/api/v1/events/stream", "reader",
                              "Follow the log live as Server-Sent Events", "host", bind(stream_events)})})
    if (!st) return st;
  return {};
}

}  // namespace roundhouse::host
