#include "fleet_service.hpp"

#include <boost/json/serialize.hpp>

#include "aggregates.hpp"
#include "event_schemas.hpp"
#include "json_access.hpp"

namespace roundhouse::fleet {

Result<FleetOptions> fleet_options_from(const boost::json::object& config) {
  FleetOptions o;
  for (const auto& [key, value] : config) {
    const auto n = value.if_int64();
    if (key == "snapshot_every" && n && *n >= 0 && *n <= 1'000'000'000) {
      o.snapshot_every = static_cast<std::size_t>(*n);
    } else if (key == "max_retries" && n && *n >= 0 && *n <= 100) {
      o.max_retries = static_cast<int>(*n);
    } else if (key == "snapshot_every" || key == "max_retries") {
      return Error{ErrorCode::invalid_argument, "fleet: " + std::string(key) + " must be an integer in range, not " +
                                                    boost::json::serialize(value)};
    } else {
      return Error{ErrorCode::invalid_argument, "fleet: unknown setting '" + std::string(key) +
                                                    "' (known: snapshot_every, max_retries)"};
    }
  }
  return o;
}
namespace json = boost::json;

namespace {

// Loads other aggregates for a decision and remembers the version each was seen at.
class LoadingContext final : public CommandContext {
 public:
  LoadingContext(const FleetService& service, std::string tenant) : service_(service), tenant_(std::move(tenant)) {}
  Result<std::optional<json::object>> load(const std::string& aggregate, const std::string& id) override {
    auto loaded = service_.load(aggregate, id, tenant_);
    if (!loaded) return loaded.error();
    versions_[{aggregate, id}] = loaded->version;
    if (loaded->version == 0) return std::optional<json::object>{};
    return std::optional<json::object>{loaded->state->to_json()};
  }
  Version version_of(const std::string& aggregate, const std::string& id) const {
    auto it = versions_.find({aggregate, id});
    return it == versions_.end() ? 0 : it->second;
  }

 private:
  const FleetService& service_;
  std::string tenant_;
  std::map<std::pair<std::string, std::string>, Version> versions_;
};

std::string short_id(const char* prefix) {
  const std::string u = Uuid::generate_v7().to_string();
  return std::string(prefix) + u.substr(24);  // the last 12 hex digits are random
}

}  // namespace

json::object CommandResult::to_json() const {
  json::array positions_json, types_json, warnings_json;
  for (auto p : positions) positions_json.push_back(p);
  for (const auto& t : event_types) types_json.push_back(json::value(t));
  for (const auto& w : warnings) warnings_json.push_back(json::value(w));
  json::object o{{"aggregate", aggregate}, {"id", id}, {"version", version}, {"positions", positions_json},
                 {"events", types_json}, {"state", state}};
  if (!warnings.empty()) o["warnings"] = warnings_json;
  return o;
}

FleetService::FleetService(std::shared_ptr<EventStore> store, const Registry& registry, FleetOptions options)
    : store_(std::move(store)), registry_(registry), options_(options) {
  for (auto type : {vehicle_type(), failure_type(), work_order_type(), part_type()}) {
    const std::string name = type.name;
    repos_[name] = std::make_unique<AggregateRepository>(store_, registry_, std::move(type), options_.snapshot_every);
  }
  for (const auto& spec : command_table()) {
    auto schema = input_schema(spec.event_type, spec.derived);
    if (!schema) throw std::logic_error("fleet command " + spec.name + ": " + schema.error().message);
    input_schemas_.emplace(spec.name, std::move(schema).value());
  }
}

const AggregateRepository* FleetService::repository(const std::string& aggregate) const {
  auto it = repos_.find(aggregate);
  return it == repos_.end() ? nullptr : it->second.get();
}

Result<LoadedAggregate> FleetService::load(const std::string& aggregate, const std::string& id,
                                           const std::optional<std::string>& tenant) const {
  const auto* repo = repository(aggregate);
  if (!repo) return Error{ErrorCode::not_found, "unknown aggregate type '" + aggregate + "'"};
  return repo->load(id, tenant);
}

Result<CommandResult> FleetService::execute(const std::string& command, std::string id, json::object body,
                                            const Principal& who) {
  const CommandSpec* spec = find_command(command);
  if (!spec) return Error{ErrorCode::not_found, "unknown fleet command '" + command + "'"};

  Timestamp occurred_at = 0;
  if (auto* v = body.if_contains("occurred_at")) {
    auto t = v->is_string() ? parse_timestamp(v->get_string()) : std::nullopt;
    if (!t) return Error{ErrorCode::schema_violation, "/occurred_at: must be an RFC 3339 timestamp"};
    occurred_at = *t;
    body.erase("occurred_at");
  }
  std::optional<Version> pinned;
  if (auto* v = body.if_contains("expected_version")) {
    if (!v->is_int64() || v->get_int64() < 0)
      return Error{ErrorCode::schema_violation, "/expected_version: must be a non-negative integer"};
    pinned = static_cast<Version>(v->get_int64());
    body.erase("expected_version");
  }
  if (spec->creates) {
    if (auto* v = body.if_contains(spec->id_field)) {
      if (!v->is_string() || v->get_string().empty())
        return Error{ErrorCode::schema_violation, std::string("/") + spec->id_field + ": must be a non-empty string"};
      id = std::string(v->get_string());
      body.erase(spec->id_field);
    } else if (spec->id_prefix && id.empty()) {
      id = short_id(spec->id_prefix);
    }
  }
  // Malformed input is reported before any business rule, with the path of the offending field.
  if (auto st = input_schemas_.at(spec->name).check(body); !st) return st.error();
  if (id.empty()) return Error{ErrorCode::schema_violation, std::string("/") + (spec->id_field ? spec->id_field : "id") + ": is required"};

  const std::string correlation = Uuid::generate_v7().to_string();
  auto to_request = [&](const std::vector<PlannedEvent>& planned, size_t from, size_t to, ExpectedVersion expected) {
    AppendRequest req{{planned[from].aggregate, planned[from].id}, expected, {}, who.tenant};
    for (size_t i = from; i < to; ++i) {
      NewEvent e;
      e.type = planned[i].type;
      e.payload = planned[i].payload;
      e.occurred_at = occurred_at;
      e.metadata.actor = who.subject;
      e.metadata.device = who.device;
      e.metadata.correlation_id = correlation;
      e.metadata.causation_id = "command:" + command;
      if (int v = current_schema_version(e.type); v > 1) e.metadata.extra["schema_version"] = v;
      req.events.push_back(std::move(e));
    }
    return req;
  };

  for (int attempt = 0;; ++attempt) {
    LoadingContext ctx(*this, who.tenant);
    auto loaded = load(spec->aggregate, id, who.tenant);
    if (!loaded) return loaded.error();
    if (spec->creates && loaded->version > 0)
      return Error{ErrorCode::rule_violation, std::string(spec->aggregate) + " '" + id + "' already exists"};
    if (!spec->creates && loaded->version == 0)
      return Error{ErrorCode::not_found, std::string(spec->aggregate) + " '" + id + "' does not exist"};
    if (pinned && *pinned != loaded->version)
      return Error{ErrorCode::wrong_expected_version, std::string(spec->aggregate) + " '" + id + "' is at version " +
                                                          std::to_string(loaded->version) + "; expected version " +
                                                          std::to_string(*pinned)};
    auto decision = spec->decide(loaded->state->to_json(), CommandInput{id, body}, ctx);
    if (!decision) return decision.error();
    for (const auto* group : {&decision->before, &decision->events, &decision->compensate, &decision->after})
      for (const auto& e : *group)
        if (auto st = registry_.validate_payload(e.type, e.payload); !st) return st.error();

    bool retry = false;
    for (size_t i = 0; i < decision->before.size() && !retry; ++i) {
      const auto& b = decision->before[i];
      auto r = store_->append(to_request(decision->before, i, i + 1, ExpectedVersion::exact(ctx.version_of(b.aggregate, b.id))));
      if (!r && r.error().code == ErrorCode::wrong_expected_version && attempt < options_.max_retries) retry = true;
      else if (!r) return r.error();
    }
    if (retry) continue;

    auto main = store_->append(to_request(decision->events, 0, decision->events.size(), ExpectedVersion::exact(loaded->version)));
    if (!main) {
      if (!decision->compensate.empty())
        for (size_t i = 0; i < decision->compensate.size(); ++i)
          (void)store_->append(to_request(decision->compensate, i, i + 1, ExpectedVersion::any()));
      if (main.error().code == ErrorCode::wrong_expected_version && !pinned && attempt < options_.max_retries) continue;
      return main.error();
    }

    CommandResult result;
    result.aggregate = spec->aggregate;
    result.id = id;
    result.version = main->last_version;
    result.positions = main->positions;
    for (const auto& e : decision->events) result.event_types.push_back(e.type);
    for (size_t i = 0; i < decision->after.size(); ++i) {
      auto r = store_->append(to_request(decision->after, i, i + 1, ExpectedVersion::stream_exists()));
      if (!r) result.warnings.push_back(decision->after[i].type + " on " + decision->after[i].aggregate + "/" +
                                        decision->after[i].id + " failed: " + r.error().message);
    }
    if (auto now = load(spec->aggregate, id, who.tenant)) {
      result.state = now->state->to_json();
      (void)repository(spec->aggregate)->maybe_snapshot(id, *now);
    }
    return result;
  }
}

}  // namespace roundhouse::fleet
