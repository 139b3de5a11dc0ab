// roundhouse-sync-client: the device-side client library as a command, for scripts and the end-to-end
// tests. Every write is durable in the store file before the command returns.
//
//   roundhouse-sync-client register --store FILE --server URL --api-key ADMIN_KEY --device ID [--name N] [--depot D]
//                                   [--role technician|supervisor|...] [--timeout SECONDS]
//   roundhouse-sync-client write    --store FILE KEY JSON_VALUE
//   roundhouse-sync-client add      --store FILE KEY NUMBER     an increment of an additive field (labour, parts)
//   roundhouse-sync-client erase    --store FILE KEY
//   roundhouse-sync-client sync     --store FILE --server URL --api-key KEY [--timeout SECONDS] [--max-attempts N]
//   roundhouse-sync-client show     --store FILE
//   roundhouse-sync-client dead-letters --store FILE            operations the server refused, with the reason
//   roundhouse-sync-client retry    --store FILE OP_SEQ         write a dead letter's value again (a new operation)
//   roundhouse-sync-client discard  --store FILE OP_SEQ         drop a dead letter
//
// --timeout bounds connecting and each wait for the server (default 30 s); --max-attempts is how often sync
// tries a transport error, a 5xx or a 429 (default 6, with jittered exponential waits).
// Exit status: 0 done, 1 refused or failed (one line on stderr), 2 usage.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "client/sync_client.hpp"
#include "engine/value_json.hpp"
#include "roundhouse/core/time.hpp"

namespace {
namespace json = boost::json;
using namespace roundhouse;
using namespace roundhouse::sync;

int usage(const std::string& why) {
  std::fprintf(stderr, "roundhouse-sync-client: %s (see the comment at the top of sync_client_main.cpp)\n", why.c_str());
  return 2;
}
int fail(const Error& e) {
  std::fprintf(stderr, "roundhouse-sync-client: %s\n", e.message.c_str());
  return 1;
}

json::object dead_letter_json(const client::DeadLetter& d) {
  return {{"op_seq", d.op_seq}, {"key", d.key}, {"value", to_json(d.value)}, {"code", d.code},
          {"status", d.status}, {"reason", d.reason}};
}

// A positive number of the option (seconds may have a fraction), at most `max`.
std::optional<double> positive(const std::map<std::string, std::string>& opt, const char* name, double fallback,
                               double max) {
  auto it = opt.find(name);
  if (it == opt.end()) return fallback;
  try {
    std::size_t used = 0;
    const double v = std::stod(it->second, &used);
    if (used == it->second.size() && v > 0 && v <= max) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::optional<std::uint64_t> op_number(const std::string& s) {
  try {
    std::size_t used = 0;
    const unsigned long long v = std::stoull(s, &used);
    if (used == s.size() && v > 0 && s[0] != '-') return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

json::object show(const client::DeviceStore& store) {
  const auto& r = store.replica();
  json::object fields;
  for (const auto& [key, reg] : r.state().entries()) {
    json::array values;
    for (const auto& [dot, fv] : reg) values.push_back(to_json(fv.value));
    fields[key] = std::move(values);
  }
  return {{"device_id", store.device_id()}, {"replica_id", r.id()}, {"acked", r.acked()}, {"cursor", r.cursor()},
          {"pending", r.pending()}, {"dead_letters", store.dead_letters().size()}, {"fields", std::move(fields)}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("missing command");
  const std::string cmd = argv[1];
  std::map<std::string, std::string> opt;
  std::vector<std::string> args;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0) {
      if (i + 1 >= argc) return usage("option " + a + " needs a value");
      opt[a.substr(2)] = argv[++i];
    } else {
      args.push_back(a);
    }
  }
  if (!opt.count("store")) return usage("--store FILE is required");
  const std::string path = opt["store"];
  const auto timeout = positive(opt, "timeout", 30, 86400);
  if (!timeout) return usage("--timeout takes seconds (> 0, at most 86400)");
  const auto max_attempts = positive(opt, "max-attempts", 6, 100);
  if (!max_attempts || *max_attempts != static_cast<int>(*max_attempts))
    return usage("--max-attempts takes a whole number from 1 to 100");
  const auto timeout_ms = std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(*timeout * 1000)));

  if (cmd == "register") {
    for (const char* k : {"server", "api-key", "device"})
      if (!opt.count(k)) return usage(std::string("--") + k + " is required");
    auto t = client::HttpTransport::create(opt["server"], opt["api-key"], timeout_ms);
    if (!t) return fail(t.error());
    // Enrolment: register, create the store, pull the device's scope once.
    auto enrolled = client::SyncClient::enrol(*t, path, opt["device"], opt["name"], opt["depot"], opt["role"]);
    if (!enrolled) return fail(enrolled.error());
    json::object out = show(*enrolled->store);
    if (!enrolled->initial_pull) out["initial_pull_error"] = enrolled->initial_pull.message();
    std::printf("%s\n", json::serialize(out).c_str());
    return 0;
  }
  auto store = client::DeviceStore::open(path);
  if (!store) return fail(store.error());
  if (cmd == "write" || cmd == "erase" || cmd == "add") {
    if (args.size() != (cmd == "erase" ? 1u : 2u)) return usage(cmd + " takes KEY" + (cmd == "erase" ? "" : " VALUE"));
    Result<Dot> dot = Error{};
    if (cmd == "write" || cmd == "add") {
      json::value parsed;
      try {
        parsed = json::parse(args[1]);
      } catch (const std::exception&) {
        return usage("JSON_VALUE is not JSON: " + args[1]);
      }
      auto v = value_from_json(parsed);
      if (!v) return fail(v.error());
      if (cmd == "add" && !parsed.is_number()) return usage("add takes a number, not " + args[1]);
      dot = cmd == "add" ? (*store)->add(args[0], *v, now_micros() / 1000) : (*store)->write(args[0], *v, now_micros() / 1000);
    } else {
      dot = (*store)->erase(args[0]);
    }
    if (!dot) return fail(dot.error());
    std::printf("{\"op_seq\":%llu}\n", static_cast<unsigned long long>(dot->counter));
    return 0;
  }
  if (cmd == "sync") {
    for (const char* k : {"server", "api-key"})
      if (!opt.count(k)) return usage(std::string("--") + k + " is required");
    auto t = client::HttpTransport::create(opt["server"], opt["api-key"], timeout_ms);
    if (!t) return fail(t.error());
    client::RetryPolicy retry;
    retry.max_attempts = static_cast<int>(*max_attempts);
    client::SyncClient c(**store, *t, retry);
    auto rep = c.sync();
    if (!rep) return fail(rep.error());
    json::array conflicts, refused;
    for (const auto& k : rep->conflicts) conflicts.push_back(json::string(k));
    for (const auto& d : rep->refused) refused.push_back(dead_letter_json(d));
    std::printf("%s\n", json::serialize(json::object{{"pushed_ops", rep->pushed_ops}, {"pulled_ops", rep->pulled_ops},
                                                     {"acked", rep->acked}, {"cursor", rep->cursor},
                                                     {"attempts", rep->attempts}, {"conflicts", std::move(conflicts)},
                                                     {"refused", std::move(refused)}})
                            .c_str());
    return 0;
  }
  if (cmd == "dead-letters") {
    json::array out;
    for (const auto& [_, d] : (*store)->dead_letters()) out.push_back(dead_letter_json(d));
    std::printf("%s\n", json::serialize(json::object{{"dead_letters", std::move(out)}}).c_str());
    return 0;
  }
  if (cmd == "retry" || cmd == "discard") {
    auto seq = args.size() == 1 ? op_number(args[0]) : std::nullopt;
    if (!seq) return usage(cmd + " takes OP_SEQ (a positive integer, see dead-letters)");
    if (cmd == "discard") {
      if (auto st = (*store)->discard(*seq); !st) return fail(st.error());
      std::printf("{\"discarded\":%llu}\n", static_cast<unsigned long long>(*seq));
      return 0;
    }
    auto dot = (*store)->retry(*seq, now_micros() / 1000);
    if (!dot) return fail(dot.error());
    std::printf("{\"retried\":%llu,\"op_seq\":%llu}\n", static_cast<unsigned long long>(*seq),
                static_cast<unsigned long long>(dot->counter));
    return 0;
  }
  if (cmd == "show") {
    std::printf("%s\n", json::serialize(show(**store)).c_str());
    return 0;
  }
  return usage("unknown command " + cmd);
}
