#include "projections.hpp"

#include <limits>

#include <boost/json/array.hpp>

#include "log.hpp"
#include "roundhouse/history/audit.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::host {
namespace json = boost::json;

namespace {

// Narrows a projection's filter to one tenant. replay_window() has no tenant of its own and reads
// with projection.filter(), so this is how a replay stays inside the caller's tenant.
class TenantScoped final : public Projection {
 public:
  TenantScoped(std::unique_ptr<Projection> inner, std::string tenant)
      : inner_(std::move(inner)), tenant_(std::move(tenant)) {}
  std::string name() const override { return inner_->name(); }
  EventFilter filter() const override {
    EventFilter f = inner_->filter();
    f.tenant = tenant_;
    return f;
  }
  Status apply(const RecordedEvent& event) override { return inner_->apply(event); }
  json::value save_state() const override { return inner_->save_state(); }
  Status restore_state(const json::value& state) override { return inner_->restore_state(state); }
  Result<json::value> query(const json::object& params) const override { return inner_->query(params); }

 private:
  std::unique_ptr<Projection> inner_;
  std::string tenant_;
};

}  // namespace

std::unique_ptr<ProjectionEngine> start_projections(const Registry& registry, const std::shared_ptr<EventStore>& store) {
  auto factories = registry.projections.list();
  if (factories.empty()) return nullptr;
  auto engine = std::make_unique<ProjectionEngine>(store);
  for (const auto& f : factories) {
    if (auto st = engine->add(f.value); !st)
      Log::warn("projection not started", {{"projection", f.name}, {"provider", f.provider}, {"reason", st.message()}});
  }
  return engine;
}

json::object to_json(const ProjectionStatus& s) {
  return {{"name", s.name},
          {"state", s.state},
          {"position", s.position},
          {"head", s.head},
          {"lag", s.lag},
          {"failed_at", s.failed_at ? json::value(*s.failed_at) : json::value(nullptr)},
          {"error", s.error},
          {"rebuilding", s.rebuilding},
          {"rebuild_position", s.rebuild_position}};
}

json::object query_object(const std::multimap<std::string, std::string>& params) {
  json::object out;
  for (const auto& [key, value] : params) {
    json::value* existing = out.if_contains(key);
    if (!existing) {
      out[key] = value;
    } else if (existing->is_array()) {
      existing->get_array().emplace_back(value);
    } else {
      *existing = json::array{std::move(*existing), json::value(value)};
    }
  }
  return out;
}

Result<ReplayOutcome> replay_projection(const std::shared_ptr<EventStore>& store, const Registry& registry,
                                        const std::string& name, std::optional<Timestamp> from,
                                        std::optional<Timestamp> to, const std::optional<std::string>& tenant) {
  auto factory = registry.projections.find(name);
  if (!factory) {
    std::string known;
    for (const auto& e : registry.projections.list()) known += (known.empty() ? "" : ", ") + e.name;
    return Error{ErrorCode::not_found,
                 "no projection named '" + name + "' (registered: " + (known.empty() ? "none" : known) + ")"};
  }
  std::unique_ptr<Projection> projection = factory->value();
  if (!projection) return Error{ErrorCode::internal, "projection factory '" + name + "' returned nothing"};
  if (tenant) projection = std::make_unique<TenantScoped>(std::move(projection), *tenant);
  auto applied = replay_window(store, from.value_or(std::numeric_limits<Timestamp>::min()),
                               to.value_or(std::numeric_limits<Timestamp>::max()), *projection);
  if (!applied) return applied.error();
  return ReplayOutcome{*applied, projection->save_state()};
}

json::object to_json(const std::string& name, std::optional<Timestamp> from, std::optional<Timestamp> to,
                     const ReplayOutcome& outcome) {
  auto bound = [](const std::optional<Timestamp>& t) { return t ? json::value(format_timestamp(*t)) : json::value(nullptr); };
  return {{"projection", name}, {"from", bound(from)}, {"to", bound(to)}, {"events", outcome.events}, {"state", outcome.state}};
}

}  // namespace roundhouse::host
