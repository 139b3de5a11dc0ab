#include "store.hpp"

#include <sstream>

#include <pybind11/stl.h>

#include "convert.hpp"
#include "errors.hpp"
#include "events.hpp"
#include "json_bridge.hpp"
#include "roundhouse/core/json_text.hpp"
#include "roundhouse/storage/store_uri.hpp"

namespace roundhouse::py {
namespace pyb = pybind11;
using namespace pybind11::literals;

PyStore::PyStore(const std::string& uri, const std::string& plugin_dir, std::string tenant, std::string actor, bool create)
    : runtime_(runtime_for(resolve_plugin_dir(plugin_dir))), registry_(&runtime_->registry), uri_(uri),
      tenant_(std::move(tenant)), actor_(std::move(actor)) {
  if (tenant_.empty()) raise(ErrorCode::invalid_argument, "tenant must not be empty");
  auto parsed = StoreUri::parse(uri);
  if (!parsed) raise(ErrorCode::invalid_argument, "store URI '" + uri + "': " + parsed.error().message);
  if (!runtime_->registry.storage.find(parsed->scheme)) {
    std::string known;
    for (const auto& e : runtime_->registry.storage.list()) known += (known.empty() ? "" : ", ") + e.name + ":";
    raise(ErrorCode::incompatible, "no storage plugin handles '" + parsed->scheme + ":' (plugin folder " +
                                       runtime_->plugin_dir.string() + " provides " + (known.empty() ? "none" : known) + ")");
  }
  StoreOptions options;
  options.create_if_missing = create;
  Result<std::shared_ptr<EventStore>> opened = Error{};
  {
    pyb::gil_scoped_release nogil;
    opened = runtime_->registry.open_store(uri, options);
  }
  if (!opened) raise(opened.error().code, "cannot open store " + uri + ": " + opened.error().message);
  store_ = *opened;
}

PyStore::PyStore(std::shared_ptr<EventStore> store, const Registry* registry, std::string tenant, std::string actor)
    : registry_(registry), store_(std::move(store)), tenant_(std::move(tenant)), actor_(std::move(actor)) {
  uri_ = store_->uri();
}

PyStore::~PyStore() {
  if (!runtime_) return;  // an adopted store belongs to the host, which closes it
  pyb::gil_scoped_release nogil;  // close() waits for pending appends
  if (store_) store_->close();
}

const std::shared_ptr<EventStore>& PyStore::store() const {
  if (!store_) raise(ErrorCode::unavailable, "the store " + uri_ + " is closed");
  return store_;
}

void PyStore::close() {
  if (!runtime_) raise(ErrorCode::forbidden, "this store belongs to the host; it cannot be closed from a script");
  // Taken out while the GIL is held, so a call on another thread sees either the store or none.
  auto store = std::move(store_);
  store_.reset();
  if (!store) return;
  pyb::gil_scoped_release nogil;
  store->close();
}

namespace {

NewEvent to_new_event(const pyb::handle& obj, const std::string& actor) {
  if (!pyb::isinstance<pyb::dict>(obj))
    raise(ErrorCode::invalid_argument, "each event must be a dict with 'type' and 'payload'");
  pyb::dict d = pyb::reinterpret_borrow<pyb::dict>(obj);
  for (auto item : d) {
    auto key = pyb::str(item.first).cast<std::string>();
    if (key != "type" && key != "payload" && key != "metadata" && key != "id" && key != "occurred_at")
      raise(ErrorCode::invalid_argument, "unknown event field '" + key + "' (type, payload, metadata, id, occurred_at)");
  }
  NewEvent e;
  if (!d.contains("type") || !pyb::isinstance<pyb::str>(d["type"]))
    raise(ErrorCode::invalid_argument, "an event needs a 'type' (str)");
  e.type = d["type"].cast<std::string>();
  e.payload = d.contains("payload") ? py_to_json(d["payload"], "payload") : boost::json::object{};
  boost::json::value meta = d.contains("metadata") ? py_to_json(d["metadata"], "metadata") : boost::json::object{};
  e.metadata = unwrap(EventMetadata::from_json(meta));
  if (e.metadata.actor.empty()) e.metadata.actor = actor;
  if (d.contains("id") && !d["id"].is_none()) {
    auto text = pyb::str(d["id"]).cast<std::string>();
    auto id = Uuid::parse(text);
    if (!id) raise(ErrorCode::invalid_argument, "event id '" + text + "' is not a UUID");
    e.id = *id;
  }
  if (d.contains("occurred_at")) e.occurred_at = to_timestamp(d["occurred_at"], "occurred_at").value_or(0);
  return e;
}

// "/api/v1/fleet/vehicles/{id}" against "/api/v1/fleet/vehicles/EMU-1" -> {"id": "EMU-1"}.
std::optional<std::map<std::string, std::string>> match(const std::string& pattern, const std::string& path) {
  auto split = [](const std::string& s) {
    std::vector<std::string> parts;
    std::stringstream in(s);
    for (std::string p; std::getline(in, p, '/');)
      if (!p.empty()) parts.push_back(p);
    return parts;
  };
  auto pp = split(pattern), sp = split(path);
  if (pp.size() != sp.size()) return std::nullopt;
  std::map<std::string, std::string> params;
  for (std::size_t i = 0; i < pp.size(); ++i) {
    if (pp[i].size() > 2 && pp[i].front() == '{' && pp[i].back() == '}') {
      params[pp[i].substr(1, pp[i].size() - 2)] = sp[i];
    } else if (pp[i] != sp[i]) {
      return std::nullopt;
    }
  }
  return params;
}

}  // namespace

pyb::tuple call_plugin_route(const Registry& registry, std::shared_ptr<EventStore> store, Principal principal,
                             const std::string& method, const std::string& path, const pyb::object& body,
                             const pyb::object& query) {
  std::optional<Route> route;
  HttpRequest req;
  for (const auto& entry : registry.routes.list()) {
    if (entry.value.method != method) continue;
    if (auto params = match(entry.value.pattern, path)) {
      route = entry.value;
      req.path_params = std::move(*params);
      break;
    }
  }
  if (!route) raise(ErrorCode::not_found, "no plugin route " + method + " " + path);
  req.method = method;
  req.path = path;
  if (!body.is_none()) {
    req.json = py_to_json(body, "body");
    req.body = to_json_text(req.json);
  }
  if (!query.is_none())
    for (auto item : pyb::reinterpret_borrow<pyb::dict>(query))
      req.query.emplace(pyb::str(item.first).cast<std::string>(), pyb::str(item.second).cast<std::string>());
  req.principal = std::move(principal);
  Services services{std::move(store), nullptr, &registry};
  req.services = &services;
  Result<HttpResponse> res = Error{};
  {
    pyb::gil_scoped_release nogil;
    res = route->handler(req);
  }
  auto response = unwrap(std::move(res));
  pyb::object payload = response.body.empty() ? json_to_py(response.json) : pyb::object(pyb::str(response.body));
  return pyb::make_tuple(response.status, payload);
}

namespace {

pyb::tuple call_route(PyStore& s, const std::string& method, const std::string& path, const pyb::object& body,
                      const pyb::object& query) {
  return call_plugin_route(s.registry(), s.store(), Principal{s.actor(), s.tenant(), {"admin"}}, method, path, body, query);
}

pyb::tuple run_cli(PyStore& s, const std::string& name, const std::vector<std::string>& args) {
  auto entry = s.registry().cli_commands.find(name);
  if (!entry) raise(ErrorCode::not_found, "no plugin command '" + name + "'");
  std::ostringstream out, err;
  CliContext ctx;
  ctx.args = args;
  auto store = s.store();
  ctx.open_store = [store]() -> Result<std::shared_ptr<EventStore>> { return store; };
  ctx.registry = &s.registry();
  ctx.out = &out;
  ctx.err = &err;
  ctx.actor = s.actor();
  ctx.tenant = s.tenant();
  int code = 0;
  {
    pyb::gil_scoped_release nogil;
    code = entry->value.run(ctx);
  }
  return pyb::make_tuple(code, out.str(), err.str());
}

template <class T>
pyb::list names_of(const ExtensionPoint<T>& point) {
  pyb::list out;
  for (const auto& e : point.list()) out.append(e.name);
  return out;
}

}  // namespace

pyb::class_<PyStore, std::shared_ptr<PyStore>> bind_store(pyb::module_& m) {
  pyb::class_<AppendResult>(m, "AppendResult", "What append() stored.")
      .def_readonly("positions", &AppendResult::positions, "Global positions, one per event, ascending.")
      .def_readonly("first_version", &AppendResult::first_version)
      .def_readonly("last_version", &AppendResult::last_version, "The stream's version after the append.")
      .def_readonly("idempotent_replay", &AppendResult::idempotent_replay,
                    "True when every event id was stored already (nothing new was written).")
      .def("__repr__", [](const AppendResult& r) {
        return "<AppendResult versions " + std::to_string(r.first_version) + ".." + std::to_string(r.last_version) +
               (r.positions.empty() ? std::string() : " positions " + std::to_string(r.positions.front()) + ".." +
                                                          std::to_string(r.positions.back())) + ">";
      });

  auto cls = pyb::class_<PyStore, std::shared_ptr<PyStore>>(m, "Store", pyb::dynamic_attr(),
      "An open event store (see roundhouse.open). Use as a context manager or call close().")
      .def(pyb::init<const std::string&, const std::string&, std::string, std::string, bool>(), "uri"_a,
           pyb::kw_only(), "plugin_dir"_a = "", "tenant"_a = "default", "actor"_a = "python", "create"_a = true)
      .def_property_readonly("uri", &PyStore::uri)
      .def_property_readonly("tenant", &PyStore::tenant, "Tenant that appends and commands act for.")
      .def_property_readonly("actor", &PyStore::actor, "Recorded as metadata.actor when an event names none.")
      .def_property_readonly("plugin_dir", [](const PyStore& s) { return s.runtime() ? s.runtime()->plugin_dir.string() : std::string(); })
      .def_property_readonly("closed", &PyStore::closed)
      .def(pyb::init([](pyb::capsule store, pyb::capsule registry, std::string tenant, std::string actor) {
             if (std::string(store.name()) != "roundhouse.EventStore" || std::string(registry.name()) != "roundhouse.Registry")
               raise(ErrorCode::invalid_argument, "a Store is opened with a URI (see roundhouse.open)");
             return std::make_shared<PyStore>(*store.get_pointer<std::shared_ptr<EventStore>>(),
                                              registry.get_pointer<const Registry>(), std::move(tenant), std::move(actor));
           }),
           "Internal: wraps a host's store (the scripting plugin's capsules).", "store"_a, "registry"_a, pyb::kw_only(),
           "tenant"_a, "actor"_a)
      .def("close", &PyStore::close, "Waits for pending appends, then closes the store (idempotent).")
      .def("_detach", &PyStore::detach, "Internal: a host's store lent for one call is no longer usable.")
      .def("append", [](PyStore& s, const pyb::object& stream, const pyb::object& events, const pyb::object& expected) {
             AppendRequest req;
             req.stream = to_stream(stream);
             req.expected = to_expected(expected);
             req.tenant = s.tenant();
             if (pyb::isinstance<pyb::dict>(events)) {
               req.events.push_back(to_new_event(events, s.actor()));
             } else {
               for (auto e : pyb::iter(events)) req.events.push_back(to_new_event(e, s.actor()));
             }
             if (req.events.empty()) raise(ErrorCode::invalid_argument, "append needs at least one event");
             // As the host's POST /events does: a type with a registered schema must satisfy it.
             for (std::size_t i = 0; i < req.events.size(); ++i)
               if (auto st = s.registry().validate_payload(req.events[i].type, req.events[i].payload); !st)
                 raise(st.code(), "event " + std::to_string(i) + " (" + req.events[i].type + "): " + st.message());
             auto store = s.store();
             Result<AppendResult> r = Error{};
             {
               pyb::gil_scoped_release nogil;
               r = store->append(std::move(req));
             }
             return unwrap(std::move(r));
           },
           "Appends events to one stream atomically (all or none).\n\n"
           "stream: \"type/id\" or (type, id). events: a dict or a list of dicts with 'type', 'payload' (dict),\n"
           "optional 'metadata' (dict), 'id' (UUID str; a stored id is an idempotent retry) and 'occurred_at'.\n"
           "expected_version: \"any\" (default), \"no_stream\", \"stream_exists\" or the stream's current version;\n"
           "a mismatch raises ConcurrencyError and writes nothing.",
           "stream"_a, "events"_a, pyb::kw_only(), "expected_version"_a = "any")
      .def("read_stream", [](PyStore& s, const pyb::object& stream, const std::string& direction, const pyb::object& from_version,
                             const pyb::object& max_count, const pyb::object& tenant) {
             ReadStreamOptions o;
             if (direction != "forward" && direction != "backward")
               raise(ErrorCode::invalid_argument, "direction must be \"forward\" or \"backward\"");
             o.direction = direction == "forward" ? Direction::forward : Direction::backward;
             if (!from_version.is_none()) o.from_version = to_count(from_version, "from_version");
             o.max_count = to_count(max_count, "max_count");
             if (!tenant.is_none()) o.tenant = tenant.cast<std::string>();
             const auto id = to_stream(stream);
             auto store = s.store();
             Result<std::vector<RecordedEvent>> r = Error{};
             {
               pyb::gil_scoped_release nogil;
               r = store->read_stream(id, o);
             }
             return EventList{unwrap(std::move(r))};
           },
           "The events of one stream as an EventList. NotFound when the stream has no events.\n"
           "direction: \"forward\" (from_version = first version >= it) or \"backward\" (<= it).",
           "stream"_a, pyb::kw_only(), "direction"_a = "forward", "from_version"_a = pyb::none(), "max_count"_a = pyb::none(),
           "tenant"_a = pyb::none())
      .def("read_all", [](PyStore& s, const pyb::object& from_position, const pyb::object& max_count,
                          const pyb::object& aggregate_types, const pyb::object& event_types, const pyb::object& tenant) {
             EventScan scan;
             scan.store = s.store();
             const auto from = to_count(from_position, "from_position");
             scan.options.from_position = std::max<std::size_t>(from == std::numeric_limits<std::size_t>::max() ? 1 : from, 1);
             scan.options.max_count = to_count(max_count, "max_count");
             scan.options.filter.aggregate_types = to_strings(aggregate_types, "aggregate_types");
             scan.options.filter.event_types = to_strings(event_types, "event_types");
             if (!tenant.is_none()) scan.options.filter.tenant = tenant.cast<std::string>();
             return scan;
           },
           "The log in position order from from_position (inclusive), filtered, as a lazy EventScan:\n"
           "iterate it, or call to_list(), columns() or to_pandas().",
           pyb::kw_only(), "from_position"_a = 1, "max_count"_a = pyb::none(), "aggregate_types"_a = pyb::none(),
           "event_types"_a = pyb::none(), "tenant"_a = pyb::none())
      .def("head", [](PyStore& s) {
             auto store = s.store();
             Result<Position> r = Error{};
             {
               pyb::gil_scoped_release nogil;
               r = store->head_position();
             }
             return unwrap(std::move(r));
           }, "The last committed position (0 when the store is empty).")
      .def("verify", [](PyStore& s) {
             auto store = s.store();
             Result<ChainReport> r = Error{};
             {
               pyb::gil_scoped_release nogil;
               r = store->verify_chain();
             }
             auto rep = unwrap(std::move(r));
             pyb::dict d;
             d["ok"] = rep.ok;
             d["events_checked"] = rep.events_checked;
             d["last_position"] = rep.last_position;
             d["first_bad_position"] = rep.ok ? pyb::object(pyb::none()) : pyb::object(pyb::int_(rep.first_bad_position));
             d["reason"] = rep.reason;
             return d;
           }, "Recomputes the hash chain: {'ok', 'events_checked', 'last_position', 'first_bad_position', 'reason'}.")
      .def("call", &call_route,
           "Calls a plugin's HTTP route in-process (no server) as this store's actor and tenant with the admin\n"
           "role; returns (status, JSON body). Refusals raise the matching roundhouse.Error.",
           "method"_a, "path"_a, pyb::kw_only(), "body"_a = pyb::none(), "query"_a = pyb::none())
      .def("run_command", &run_cli,
           "Runs a plugin's CLI command (like `roundhouse NAME ARGS...` on this store); returns (exit code, stdout, stderr).",
           "name"_a, "args"_a = std::vector<std::string>{})
      .def("plugins", [](PyStore& s) {
             pyb::list out;
             if (!s.runtime()) return out;  // adopted from a host: its plugins are the host's business
             for (const auto& p : s.runtime()->host.records())
               out.append(pyb::dict("name"_a = p.name, "version"_a = p.version, "kind"_a = p.kind,
                                    "state"_a = std::string(to_string(p.state)), "path"_a = p.path.string(), "reason"_a = p.reason));
             return out;
           }, "The plugins of this store's plugin folder, with their state (started, refused, ...) and reason.")
      .def("projection_names", [](PyStore& s) { return names_of(s.registry().projections); }, "Built-in projections the plugins registered.")
      .def("aggregate_types", [](PyStore& s) { return names_of(s.registry().aggregates); }, "Aggregate (stream) types with a registered fold.")
      .def("command_names", [](PyStore& s) { return names_of(s.registry().cli_commands); }, "Plugin CLI commands (run_command).")
      .def("route_names", [](PyStore& s) { return names_of(s.registry().routes); }, "Plugin routes as \"METHOD pattern\" (call).")
      .def("__enter__", [](pyb::object self) { return self; })
      .def("__exit__", [](PyStore& s, pyb::args) { if (s.runtime()) s.close(); return false; })
      .def("__repr__", [](const PyStore& s) { return "<Store " + s.uri() + (s.closed() ? " (closed)>" : ">"); });
  return cls;
}

}  // namespace roundhouse::py
