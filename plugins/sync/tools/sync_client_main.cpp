// roundhouse-sync-client: the device-side client library as a command, for scripts and the end-to-end
// tests. Every write is durable in the store file before the command returns.
//
//   roundhouse-sync-client register --store FILE --server URL --api-key ADMIN_KEY --device ID [--name N] [--depot D]
//   roundhouse-sync-client write    --store FILE KEY JSON_VALUE
//   roundhouse-sync-client erase    --store FILE KEY
//   roundhouse-sync-client sync     --store FILE --server URL --api-key KEY
//   roundhouse-sync-client show     --store FILE
//
// Exit status: 0 done, 1 refused or failed (one line on stderr), 2 usage.

#include <cstdio>
#include <map>
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

json::object show(const client::DeviceStore& store) {
  const auto& r = store.replica();
  json::object fields;
  for (const auto& [key, reg] : r.state().entries()) {
    json::array values;
    for (const auto& [dot, fv] : reg) values.push_back(to_json(fv.value));
    fields[key] = std::move(values);
  }
  return {{"device_id", store.device_id()}, {"replica_id", r.id()}, {"acked", r.acked()}, {"cursor", r.cursor()},
          {"pending", r.pending()}, {"fields", std::move(fields)}};
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

  if (cmd == "register") {
    for (const char* k : {"server", "api-key", "device"})
      if (!opt.count(k)) return usage(std::string("--") + k + " is required");
    auto t = client::HttpTransport::create(opt["server"], opt["api-key"]);
    if (!t) return fail(t.error());
    auto replica = client::SyncClient::register_device(*t, opt["device"], opt["name"], opt["depot"]);
    if (!replica) return fail(replica.error());
    auto store = client::DeviceStore::create(path, opt["device"], *replica);
    if (!store) return fail(store.error());
    std::printf("%s\n", json::serialize(show(**store)).c_str());
    return 0;
  }
  auto store = client::DeviceStore::open(path);
  if (!store) return fail(store.error());
  if (cmd == "write" || cmd == "erase") {
    if (args.size() != (cmd == "write" ? 2u : 1u)) return usage(cmd + " takes KEY" + (cmd == "write" ? " JSON_VALUE" : ""));
    Result<Dot> dot = Error{};
    if (cmd == "write") {
      json::value parsed;
      try {
        parsed = json::parse(args[1]);
      } catch (const std::exception&) {
        return usage("JSON_VALUE is not JSON: " + args[1]);
      }
      auto v = value_from_json(parsed);
      if (!v) return fail(v.error());
      dot = (*store)->write(args[0], *v, now_micros() / 1000);
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
    auto t = client::HttpTransport::create(opt["server"], opt["api-key"]);
    if (!t) return fail(t.error());
    client::SyncClient c(**store, *t);
    auto rep = c.sync();
    if (!rep) return fail(rep.error());
    json::array conflicts;
    for (const auto& k : rep->conflicts) conflicts.push_back(json::string(k));
    std::printf("%s\n", json::serialize(json::object{{"pushed_ops", rep->pushed_ops}, {"pulled_ops", rep->pulled_ops},
                                                     {"acked", rep->acked}, {"cursor", rep->cursor},
                                                     {"attempts", rep->attempts}, {"conflicts", std::move(conflicts)}})
                            .c_str());
    return 0;
  }
  if (cmd == "show") {
    std::printf("%s\n", json::serialize(show(**store)).c_str());
    return 0;
  }
  return usage("unknown command " + cmd);
}
