#include "routes.hpp"

#include <atomic>
#include <charconv>
#include <map>
#include <mutex>
#include <thread>

#include "base64.hpp"
#include "engine_detail.hpp"
#include "sync_config.hpp"
#include "sync_engine.hpp"
#include "value_json.hpp"

namespace roundhouse::sync {
namespace json = boost::json;

namespace {

// The plugin's configuration, set once at start.
SyncConfig& config() {
  static SyncConfig c;
  return c;
}

// One engine per (store, tenant), loaded from the log on first use (settling what a stopped host
// left unsettled), with its fleet mirror running.
struct Engines {
  std::mutex mu;
  std::map<std::pair<const EventStore*, std::string>, std::shared_ptr<SyncEngine>> by_store;
};
Engines& engines() {
  static Engines e;
  return e;
}

Result<std::shared_ptr<SyncEngine>> engine_for(const Services& services, const std::string& tenant) {
  auto& all = engines();
  std::lock_guard lock(all.mu);
  auto& e = all.by_store[{services.store.get(), tenant}];
  if (!e) {
    auto fresh = std::make_shared<SyncEngine>(services.store, tenant, config());
    if (auto st = fresh->load(); !st) return st.error();
    if (auto st = fresh->settle_unsettled(&services); !st) return st.error();
    if (auto st = fresh->start_mirror(services); !st) return st.error();
    e = fresh;
  }
  return e;
}

Result<std::shared_ptr<SyncEngine>> engine_for(const HttpRequest& req) {
  return engine_for(*req.services, req.principal.tenant);
}

// The engine, with the fleet changes committed so far in its sync state (answers read from it).
Result<std::shared_ptr<SyncEngine>> caught_up_engine(const HttpRequest& req) {
  auto engine = engine_for(req);
  if (!engine) return engine;
  if (auto st = (*engine)->catch_up(); !st) return st.error();
  return engine;
}

Result<std::string> string_field(const HttpRequest& req, const char* name, bool required) {
  if (!req.json.is_object()) return Error{ErrorCode::invalid_argument, "the request body must be a JSON object"};
  const auto* v = req.json.get_object().if_contains(name);
  if (!v) {
    if (required) return Error{ErrorCode::invalid_argument, std::string("'") + name + "' is required"};
    return std::string();
  }
  if (!v->is_string()) return Error{ErrorCode::invalid_argument, std::string("'") + name + "' must be a string"};
  return std::string(v->get_string());
}

HttpResponse ok(json::value body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.json = std::move(body);
  return r;
}

// Pushes and pulls carry the wire bytes as they are when the device asks for this media type.
constexpr const char* kBinary = "application/octet-stream";
bool binary(const std::string& media_types) { return media_types.find(kBinary) != std::string::npos; }

std::optional<std::uint64_t> parse_u64(const std::string& s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<std::string> unhex(const std::string& s) {
  if (s.size() % 2) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data() + i, s.data() + i + 2, v, 16);
    if (ec != std::errc() || p != s.data() + i + 2) return std::nullopt;
    out.push_back(static_cast<char>(v));
  }
  return out;
}

Result<HttpResponse> register_device(const HttpRequest& req) {
  auto id = string_field(req, "device_id", true);
  if (!id) return id.error();
  auto name = string_field(req, "name", false);
  if (!name) return name.error();
  auto depot = string_field(req, "depot", false);
  if (!depot) return depot.error();
  auto role = string_field(req, "role", false);
  if (!role) return role.error();
  auto engine = engine_for(req);
  if (!engine) return engine.error();
  auto d = (*engine)->register_device(*id, *name, *depot, req.principal.subject, role->empty() ? "technician" : *role);
  if (!d) return d.error();
  return ok(d->to_json(), 201);
}

Result<HttpResponse> list_devices(const HttpRequest& req) {
  auto engine = engine_for(req);
  if (!engine) return engine.error();
  json::array out;
  for (const auto& d : (*engine)->devices()) out.push_back(d.to_json());
  return ok(json::object{{"devices", std::move(out)}});
}

Result<HttpResponse> revoke_device(const HttpRequest& req) {
  auto engine = engine_for(req);
  if (!engine) return engine.error();
  if (auto st = (*engine)->revoke_device(req.path_params.at("device_id"), req.principal.subject); !st)
    return st.error();
  return ok(json::object{{"device_id", req.path_params.at("device_id")}, {"status", "revoked"}});
}

// A push's batch: the JSON form {device_id, first_op, changes: base64}, or the wire bytes themselves
// as an application/octet-stream body with device_id and first_op in the query (what the device
// client sends: a third fewer bytes, no base64 either side).
struct PushBatch {
  std::string device;
  std::uint64_t first_op = 0;
  std::string bytes;
};

Result<PushBatch> push_batch(const HttpRequest& req) {
  const Error no_first{ErrorCode::invalid_argument,
                       "'first_op' (the first operation number the batch covers, >= 1) is required"};
  if (binary(req.header("content-type"))) {
    PushBatch b{req.query_param("device_id"), 0, req.body};
    if (b.device.empty()) return Error{ErrorCode::invalid_argument, "'device_id' is required (a query parameter)"};
    auto first = parse_u64(req.query_param("first_op"));
    if (!first || *first < 1) return no_first;
    b.first_op = *first;
    return b;
  }
  auto id = string_field(req, "device_id", true);
  if (!id) return id.error();
  auto changes = string_field(req, "changes", true);
  if (!changes) return changes.error();
  auto bytes = base64_decode(*changes);
  if (!bytes) return Error{ErrorCode::invalid_argument, "'changes' must be base64 (RFC 4648, padded)"};
  const auto* first = req.json.get_object().if_contains("first_op");
  if (!first || !first->is_number() || first->kind() == json::kind::double_ || first->to_number<std::int64_t>() < 1)
    return no_first;
  return PushBatch{std::move(*id), first->to_number<std::uint64_t>(), std::move(*bytes)};
}

Result<HttpResponse> push(const HttpRequest& req) {
  auto batch = push_batch(req);
  if (!batch) return batch.error();
  const std::string* id = &batch->device;
  auto engine = caught_up_engine(req);
  if (!engine) return engine.error();
  auto out = (*engine)->push(*id, batch->first_op, batch->bytes, req.principal, req.services);
  if (!out) return out.error();
  json::array conflicts, settled, refused;
  for (const auto& k : out->conflicts) conflicts.push_back(json::string(k));
  for (const auto& k : out->settled) settled.push_back(json::string(k));
  for (const auto& r : out->refused) refused.push_back(r.to_json());
  return ok(json::object{{"device_id", *id}, {"acked", out->acked}, {"applied", out->applied},
                         {"ops_in", out->ops_in}, {"conflicts", std::move(conflicts)},
                         {"settled", std::move(settled)}, {"refused", std::move(refused)}});
}

Result<HttpResponse> pull(const HttpRequest& req) {
  auto cursor = parse_u64(req.query_param("cursor", "0"));
  if (!cursor) return Error{ErrorCode::invalid_argument, "cursor must be a non-negative integer"};
  auto engine = caught_up_engine(req);
  if (!engine) return engine.error();
  const auto& id = req.path_params.at("device_id");
  auto out = (*engine)->pull(id, *cursor, req.principal.subject, req.services);
  if (!out) return out.error();
  if (binary(req.header("accept"))) {
    // The wire bytes as the body; what the JSON form has beside them, in headers.
    HttpResponse r;
    r.body = std::move(out->changes);
    r.content_type = kBinary;
    r.headers = {{"X-Sync-From", std::to_string(out->from)},
                 {"X-Sync-Cursor", std::to_string(out->cursor)},
                 {"X-Sync-Ops", std::to_string(out->ops_out)}};
    return r;
  }
  return ok(json::object{{"device_id", id}, {"from", out->from}, {"cursor", out->cursor},
                         {"ops", out->ops_out}, {"changes", base64_encode(out->changes)}});
}

Result<HttpResponse> list_sessions(const HttpRequest& req) {
  auto limit = parse_u64(req.query_param("limit", "100"));
  if (!limit || *limit == 0 || *limit > 10'000) return Error{ErrorCode::invalid_argument, "limit must be 1..10000"};
  auto engine = engine_for(req);
  if (!engine) return engine.error();
  json::array out;
  for (const auto& s : (*engine)->sessions(*limit)) out.push_back(s.to_json());
  return ok(json::object{{"sessions", std::move(out)}});
}

Result<HttpResponse> list_conflicts(const HttpRequest& req) {
  const std::string status = req.query_param("status", "open");
  if (status != "open" && status != "resolved" && status != "all")
    return Error{ErrorCode::invalid_argument, "status must be open, resolved or all"};
  auto engine = caught_up_engine(req);
  if (!engine) return engine.error();
  return ok(json::object{{"conflicts", (*engine)->conflicts(status)}});
}

Result<HttpResponse> strategies(const HttpRequest& req) {
  json::object out = config().to_json();
  json::array merges;
  for (const auto& m : req.services->registry ? req.services->registry->sync_merges.list()
                                              : std::vector<ExtensionPoint<CustomMerge>::Entry>{})
    merges.push_back(json::object{{"name", m.name}, {"provider", m.provider}});
  out["custom_merges"] = std::move(merges);
  const std::string key = req.query_param("key");
  if (!key.empty()) out["key"] = json::object{{"key", key}, {"strategy", config().strategies.rule_for(key).text()}};
  if (auto engine = engine_for(req)) out["mirror_status"] = (*engine)->mirror_status();  // the configuration answers anyway
  return ok(std::move(out));
}

Result<HttpResponse> resolve(const HttpRequest& req) {
  auto key = unhex(req.path_params.at("id"));
  if (!key) return Error{ErrorCode::invalid_argument, "a conflict id is the hex form of its key (see GET /api/v1/sync/conflicts)"};
  // No conflict is on a key the engine would refuse (and its bytes must not reach the answer).
  if (!engine_detail::check_key(*key))
    return Error{ErrorCode::not_found, "no open conflict has id '" + req.path_params.at("id") + "'"};
  if (!req.json.is_object() || !req.json.get_object().contains("value"))
    return Error{ErrorCode::invalid_argument, "the body must be {\"value\": <the resolved value>}"};
  auto value = value_from_json(req.json.get_object().at("value"));
  if (!value) return value.error();
  auto engine = caught_up_engine(req);
  if (!engine) return engine.error();
  auto out = (*engine)->resolve(*key, *value, req.principal, req.services);
  if (!out) return out.error();
  return ok(std::move(*out));
}

}  // namespace

void stop_engines() {
  std::map<std::pair<const EventStore*, std::string>, std::shared_ptr<SyncEngine>> stopping;
  {
    std::lock_guard lock(engines().mu);
    stopping.swap(engines().by_store);
  }
  for (auto& [_, e] : stopping) e->stop_mirror();
}

Status register_routes(Registry& registry, const std::string& provider, const boost::json::object& section) {
  auto parsed = SyncConfig::from_json(section);
  if (!parsed) return parsed.error();
  config() = std::move(*parsed);
  const Route routes[] = {
      {"POST", "/api/v1/sync/devices/register", "admin", "Register a field device for sync", register_device},
      {"GET", "/api/v1/sync/devices", "reader", "List registered sync devices", list_devices},
      {"POST", "/api/v1/sync/devices/{device_id}/revoke", "admin", "Revoke a sync device", revoke_device},
      {"POST", "/api/v1/sync/push", "writer", "Push a device's queued operations (wire-format change set)", push},
      {"GET", "/api/v1/sync/pull/{device_id}", "writer", "Pull the changes after a cursor (the device's sync key)", pull},
      {"GET", "/api/v1/sync/sessions", "reader", "List recent sync sessions", list_sessions},
      {"GET", "/api/v1/sync/conflicts", "reader", "List fields with concurrent values", list_conflicts},
      {"POST", "/api/v1/sync/conflicts/{id}/resolve", "writer", "Resolve a conflict with a value", resolve},
      {"GET", "/api/v1/sync/strategies", "reader", "Conflict strategies per field, roles, scope and custom merges",
       strategies},
  };
  for (const auto& r : routes)
    if (auto st = registry.add_route(provider, r); !st) return st;
  return {};
}

Status register_serving_task(Registry& registry, const std::string& provider) {
  ServingTask task;
  task.description =
      "loads the sync engine of each tenant that has synced, at start: settles what a stopped push left unsettled "
      "and starts the fleet mirror, before the first sync request";
  task.start = [](const ServingContext& ctx) -> Result<ServingStop> {
    if (!ctx.services.store) return Error{ErrorCode::unavailable, "no store"};
    auto stopping = std::make_shared<std::atomic<bool>>(false);
    // On a thread of its own: a large store's first mirror catch-up must not delay listening. While
    // a tenant loads, the engines' lock is held: sync requests of every tenant wait for it, as they
    // would for a tenant loading on first use; stop() waits for the tenant being loaded.
    const Services* services = &ctx.services;
    auto worker = std::make_shared<std::thread>([services, tenants = ctx.tenants, log = ctx.log, stopping] {
      for (const auto& tenant : tenants) {
        if (*stopping) return;
        Result<std::shared_ptr<SyncEngine>> engine = std::shared_ptr<SyncEngine>();
        try {
          auto synced = SyncEngine::has_synced(*services->store, tenant);
          if (synced && !*synced) continue;  // never synced: nothing to settle, no mirror to keep
          engine = synced ? engine_for(*services, tenant) : Result<std::shared_ptr<SyncEngine>>(synced.error());
        } catch (const std::exception& e) {
          engine = Error{ErrorCode::internal, e.what()};
        }
        if (engine)
          log("info", "sync: tenant '" + tenant + "' loaded at start (stopped pushes settled, fleet mirror running)");
        else
          log("warn", "sync: tenant '" + tenant + "' not loaded at start, it will be on its first request: " +
                          engine.error().message);
      }
    });
    return ServingStop([stopping, worker] {
      *stopping = true;
      if (worker->joinable()) worker->join();
    });
  };
  return registry.serving.add("sync.engines", provider, std::move(task));
}

}  // namespace roundhouse::sync
