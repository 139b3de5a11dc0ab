// `roundhouse append`: one append request per JSON line on stdin (the body of POST /api/v1/events),
// one JSON result line per input line on stdout, in input order. Appends are pipelined (up to
// --window in flight) so the store can group-commit them; the store keeps them in input order.
#include <deque>
#include <future>
#include <iostream>

#include <boost/json.hpp>

#include "append_codec.hpp"
#include "cli.hpp"
#include "runtime.hpp"
#include "roundhouse/core/json_text.hpp"

namespace roundhouse::host {
namespace po = boost::program_options;
namespace json = boost::json;

namespace {

json::object failure(std::size_t line, std::string_view code, const std::string& message,
                     const std::vector<SchemaViolation>& errors = {}) {
  json::object err{{"code", code}, {"message", message}};
  if (!errors.empty()) {
    json::array list;
    for (const auto& e : errors) list.push_back(json::object{{"path", e.path}, {"message", e.message}});
    err["errors"] = std::move(list);
  }
  return json::object{{"ok", false}, {"line", line}, {"error", std::move(err)}};
}

}  // namespace

int cmd_append(const std::vector<std::string>& args) {
  po::options_description opts("Append options");
  opts.add_options()
      ("tenant", po::value<std::string>()->default_value("default"), "owning tenant of the appended streams")
      ("actor", po::value<std::string>()->default_value("cli"), "metadata.actor for events that do not set one")
      ("window", po::value<unsigned>()->default_value(256), "appends in flight at once (1 = one at a time)");
  ConfigFlags flags;
  auto vm = parse_command(
      "append", "roundhouse append [--store URI] [--tenant T] < requests.jsonl",
      "Reads JSON lines from stdin, each {\"stream\":{\"type\",\"id\"}, \"expected_version\":\"any\"|\"no_stream\"|\n"
      "\"exists\"|N, \"events\":[{\"type\",\"payload\",\"id\"?,\"occurred_at\"?,\"metadata\"?}]}, appends each\n"
      "atomically, and prints one result per line: {\"ok\":true,\"line\",\"positions\",...} or\n"
      "{\"ok\":false,\"line\",\"error\":{\"code\",\"message\"}}. Exit code 1 if any line failed.",
      opts, args, flags);
  if (!vm) return kExitOk;
  const std::string tenant = (*vm)["tenant"].as<std::string>();
  const std::string actor = (*vm)["actor"].as<std::string>();
  const std::size_t window = std::max(1u, (*vm)["window"].as<unsigned>());
  if (tenant.empty()) throw UsageError("--tenant must not be empty");
  auto config = load_command_config("append", flags, true);
  if (!config) return kExitFailure;

  Runtime rt;
  if (auto st = rt.load_plugins(*config); !st) {
    print_error("append", st.message());
    return kExitFailure;
  }
  auto opened = rt.open_store(*config);
  if (!opened) {
    print_error("append", opened.error().message);
    return kExitFailure;
  }
  std::shared_ptr<EventStore> store = *opened;

  bool all_ok = true;
  std::deque<std::future<json::object>> pending;
  auto flush_one = [&] {
    json::object result = pending.front().get();
    pending.pop_front();
    if (!result.at("ok").as_bool()) all_ok = false;
    std::cout << to_json_text(result) << '\n';
  };
  auto ready = [](json::object o) {
    std::promise<json::object> p;
    p.set_value(std::move(o));
    return p.get_future();
  };

  std::string text;
  for (std::size_t line = 1; std::getline(std::cin, text); ++line) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::system::error_code ec;
    json::value doc = json::parse(text, ec);
    if (ec) {
      pending.push_back(ready(failure(line, "malformed_json", "not valid JSON: " + ec.message())));
    } else if (DecodedAppend decoded = decode_append(doc, &rt.registry()); !decoded.ok()) {
      const auto& v = decoded.violations.front();
      pending.push_back(ready(failure(line, "schema_violation",
                                      (v.path.empty() ? std::string("(root)") : v.path) + ": " + v.message,
                                      decoded.violations)));
    } else {
      AppendRequest request = std::move(decoded.request);
      request.tenant = tenant;
      std::vector<std::string> ids;
      for (auto& e : request.events) {
        ids.push_back(e.id.to_string());
        if (e.metadata.actor.empty()) e.metadata.actor = actor;
      }
      auto promise = std::make_shared<std::promise<json::object>>();
      pending.push_back(promise->get_future());
      const StreamId stream = request.stream;
      store->append_async(std::move(request), [promise, line, stream, ids](Result<AppendResult> r) {
        if (!r) return promise->set_value(failure(line, to_string(r.error().code), r.error().message));
        json::object o{{"ok", true}, {"line", line}};
        for (auto& kv : encode_append_result(stream, ids, *r)) o[kv.key()] = kv.value();
        promise->set_value(std::move(o));
      });
    }
    while (pending.size() >= window) flush_one();
  }
  while (!pending.empty()) flush_one();
  std::cout.flush();
  store->close();
  store.reset();
  rt.shutdown();
  return all_ok ? kExitOk : kExitFailure;
}

}  // namespace roundhouse::host
