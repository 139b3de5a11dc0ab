// `roundhouse read`: events as JSON lines (the wire form of GET /api/v1/events), from one stream
// or from the whole log, optionally following it live. A local tool: no tenant filter unless
// --tenant is given.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <iostream>

#include <boost/json.hpp>

#include "cli.hpp"
#include "runtime.hpp"
#include "roundhouse/core/json_text.hpp"

namespace roundhouse::host {
namespace po = boost::program_options;
namespace json = boost::json;

namespace {

void print(const RecordedEvent& e) {
  std::string line = to_json_text(e.to_json());
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stdout);
}

// --follow: a subscription prints the log (catch-up, then live) until SIGINT/SIGTERM, --limit
// events, or a store failure (exit 1).
int follow(EventStore& store, const ReadAllOptions& o) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the subscription's thread starts

  std::atomic<std::uint64_t> printed{0};
  SubscribeOptions so;
  so.name = "cli:read --follow";
  so.after_position = o.from_position - 1;
  so.filter = o.filter;
  auto sub = store.subscribe(std::move(so), [&](const RecordedEvent& e) -> Status {
    if (printed.load() >= o.max_count) return {ErrorCode::unavailable, "--limit reached"};
    print(e);
    std::fflush(stdout);  // a reader of the pipe sees each event as it comes
    printed.fetch_add(1);
    return {};
  });
  if (!sub) {
    print_error("read", "this store does not support subscriptions");
    return kExitFailure;
  }
  const timespec tick{0, 100'000'000};
  while (printed.load() < o.max_count && sigtimedwait(&signals, nullptr, &tick) < 0) {
    if (sub->state() == Subscription::State::failed && printed.load() < o.max_count) {
      print_error("read", sub->error() ? sub->error()->message : "the subscription failed");
      return kExitFailure;
    }
  }
  sub->stop();
  return kExitOk;
}

}  // namespace

int cmd_read(const std::vector<std::string>& args) {
  po::options_description opts("Read options");
  opts.add_options()
      ("stream", po::value<std::string>()->value_name("TYPE/ID"), "read one stream instead of the whole log")
      ("from-version", po::value<std::uint64_t>()->value_name("N"), "--stream: first version (backward: last)")
      ("backward", "--stream: newest first")
      ("from-position", po::value<std::uint64_t>()->value_name("N"), "whole log: first global position (default 1)")
      ("type", po::value<std::vector<std::string>>()->composing()->value_name("EVENT_TYPE"),
       "whole log: only these event types (repeatable)")
      ("aggregate-type", po::value<std::vector<std::string>>()->composing()->value_name("TYPE"),
       "whole log: only streams of these types (repeatable)")
      ("follow", "whole log: keep printing new events as they are committed, until SIGINT/SIGTERM or --limit")
      ("limit", po::value<std::uint64_t>()->value_name("N"), "at most N events")
      ("tenant", po::value<std::string>(), "only events of this tenant");
  ConfigFlags flags;
  auto vm = parse_command("read",
                          "roundhouse read [--stream TYPE/ID | --from-position N --type T [--follow]] [--limit N] [--store URI]",
                          "Prints events as JSON lines in version order (--stream) or global position order.", opts,
                          args, flags);
  if (!vm) return kExitOk;
  const bool one_stream = vm->count("stream") > 0;
  if (one_stream && (vm->count("from-position") || vm->count("type") || vm->count("aggregate-type")))
    throw UsageError("--stream cannot be combined with --from-position, --type or --aggregate-type");
  if (!one_stream && (vm->count("from-version") || vm->count("backward")))
    throw UsageError("--from-version and --backward need --stream");
  if (one_stream && vm->count("follow")) throw UsageError("--follow reads the whole log; it cannot be combined with --stream");
  StreamId stream;
  if (one_stream) {
    const std::string s = (*vm)["stream"].as<std::string>();
    const auto slash = s.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == s.size())
      throw UsageError("--stream must be TYPE/ID, got '" + s + "'");
    stream = {s.substr(0, slash), s.substr(slash + 1)};
  }
  if (vm->count("limit") && (*vm)["limit"].as<std::uint64_t>() == 0) throw UsageError("--limit must be at least 1");

  auto config = load_command_config("read", flags, true);
  if (!config) return kExitFailure;
  Runtime rt;
  if (auto st = rt.load_plugins(*config); !st) {
    print_error("read", st.message());
    return kExitFailure;
  }
  auto store = rt.open_store(*config);
  if (!store) {
    print_error("read", store.error().message);
    return kExitFailure;
  }
  std::optional<std::string> tenant;
  if (vm->count("tenant")) tenant = (*vm)["tenant"].as<std::string>();

  Status st;
  if (one_stream) {
    ReadStreamOptions o;
    o.tenant = tenant;
    if (vm->count("backward")) o.direction = Direction::backward;
    if (vm->count("from-version")) o.from_version = (*vm)["from-version"].as<std::uint64_t>();
    if (vm->count("limit")) o.max_count = (*vm)["limit"].as<std::uint64_t>();
    auto events = (*store)->read_stream(stream, o);
    if (events) for (const auto& e : *events) print(e);
    st = events.status();
  } else {
    ReadAllOptions o;
    o.filter.tenant = tenant;
    if (vm->count("from-position")) o.from_position = std::max<std::uint64_t>(1, (*vm)["from-position"].as<std::uint64_t>());
    if (vm->count("limit")) o.max_count = (*vm)["limit"].as<std::uint64_t>();
    if (vm->count("type")) o.filter.event_types = (*vm)["type"].as<std::vector<std::string>>();
    if (vm->count("aggregate-type")) o.filter.aggregate_types = (*vm)["aggregate-type"].as<std::vector<std::string>>();
    if (vm->count("follow")) return follow(**store, o);
    st = (*store)->read_all(o, [](const RecordedEvent& e) {
      print(e);
      return true;
    });
  }
  std::fflush(stdout);
  if (!st) {
    print_error("read", st.message());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace roundhouse::host
