#include "fleet_bridge.hpp"

#include <boost/json/serialize.hpp>

#include "roundhouse/plugin/registry.hpp"
#include "value_json.hpp"

namespace roundhouse::sync {
namespace json = boost::json;

namespace {

constexpr const char* kVehicle = "/api/v1/fleet/vehicles/{id}";
constexpr const char* kWorkOrder = "/api/v1/fleet/work-orders/{id}";

std::string fill(const std::string& pattern, const std::string& id) {
  std::string p = pattern;
  if (auto at = p.find("{id}"); at != std::string::npos) p.replace(at, 4, id);
  return p;
}

std::string text_of(const ChangeSet& state, const std::string& key) {
  const auto* reg = state.get(key);
  if (!reg) return {};
  const FieldValue* best = nullptr;
  for (const auto& [_, fv] : *reg)
    if (std::holds_alternative<std::string>(fv.value) && (!best || best->ts < fv.ts)) best = &fv;
  return best ? std::get<std::string>(best->value) : std::string();
}

Error bad_value(const KeyParts& k, const std::string& expected) {
  return {ErrorCode::schema_violation, "/" + k.field + ": " + k.type + " " + k.field_base + " must be " + expected};
}

// The one string value a mirrored field holds, or nullopt (absent, concurrent values, not a string).
std::optional<std::string> mirrored_text(const ChangeSet* state, const std::string& key) {
  const auto* reg = state ? state->get(key) : nullptr;
  if (!reg || reg->size() != 1) return std::nullopt;
  const auto* s = std::get_if<std::string>(&reg->begin()->second.value);
  return s ? std::optional<std::string>(*s) : std::nullopt;
}

}  // namespace

bool FleetBridge::has_fleet() const {
  return services_ && services_->registry && services_->registry->routes.find(std::string("GET ") + kVehicle);
}

Result<std::optional<json::object>> FleetBridge::read(const std::string& pattern, const std::string& id) {
  const std::string cache_key = pattern + "|" + id;
  if (auto it = cache_.find(cache_key); it != cache_.end()) return it->second;
  std::optional<json::object> state;
  if (auto route = has_fleet() ? services_->registry->routes.find("GET " + pattern) : std::nullopt) {
    HttpRequest req;
    req.method = "GET";
    req.path = fill(pattern, id);
    req.path_params = {{"id", id}};
    req.principal = who_;
    req.services = services_;
    auto res = route->value.handler(req);
    if (res && res->json.is_object()) {
      if (const auto* s = res->json.get_object().if_contains("state"); s && s->is_object()) state = s->get_object();
    } else if (!res && res.error().code != ErrorCode::not_found) {
      return res.error();
    }
  }
  cache_[cache_key] = state;
  return state;
}

Status FleetBridge::post(const std::string& pattern, const std::string& id, json::object body) {
  auto route = services_->registry->routes.find("POST " + pattern);
  if (!route) return {ErrorCode::not_found, "the fleet plugin has no route POST " + pattern};
  HttpRequest req;
  req.method = "POST";
  req.path = fill(pattern, id);
  req.path_params = {{"id", id}};
  req.json = std::move(body);
  req.body = json::serialize(req.json);
  req.principal = who_;
  req.services = services_;
  auto res = route->value.handler(req);
  cache_.clear();  // the aggregate moved on
  return res ? Status{} : Status{res.error()};
}

std::string FleetBridge::depot_of(const KeyParts& k, const ChangeSet* mirrored) {
  std::string vehicle = k.id;
  if (k.type == "work_order") {
    if (auto v = mirrored_text(mirrored, "work_order/" + k.id + "/vehicle_id"))
      return depot_of({"vehicle", *v, "depot", "depot"}, mirrored);
    auto wo = read(kWorkOrder, k.id);
    if (!wo || !*wo) return {};
    const auto* v = (*wo)->if_contains("vehicle_id");
    if (!v || !v->is_string()) return {};
    vehicle = std::string(v->get_string());
  } else if (k.type != "vehicle") {
    return {};
  }
  if (auto d = mirrored_text(mirrored, "vehicle/" + vehicle + "/depot")) return *d;
  auto veh = read(kVehicle, vehicle);
  if (!veh || !*veh) return {};
  const auto* d = (*veh)->if_contains("depot");
  return d && d->is_string() ? std::string(d->get_string()) : std::string();
}

std::string FleetBridge::permission_for(const KeyParts& k, const Value& v) {
  if (k.type == "vehicle" && k.field_base == "status" && v == Value{std::string("retired")}) return "vehicle/retire";
  return k.type + "/" + k.field_base;
}

Status FleetBridge::apply(const KeyParts& k, const Value& v, const ChangeSet& state) {
  if (!has_fleet()) return {};
  const auto* s = std::get_if<std::string>(&v);
  const auto* n = std::get_if<std::int64_t>(&v);
  const auto* x = std::get_if<double>(&v);
  const bool number = n || x;
  const json::value num = n ? json::value(*n) : x ? json::value(*x) : json::value();
  if (k.type == "vehicle") {
    const std::string base = "/api/v1/fleet/vehicles/{id}/";
    if (k.field == "status") {
      if (!s) return bad_value(k, "a string");
      if (*s == "retired") return post(base + "retire", k.id, {{"reason", "retired on device " + who_.device}});
      return post(base + "status", k.id, {{"status", *s}, {"reason", "synced from device " + who_.device}});
    }
    if (k.field == "depot") return s ? post(base + "transfer", k.id, {{"to_depot", *s}}) : bad_value(k, "a string");
    if (k.field == "odometer_km") return number ? post(base + "meters", k.id, {{"odometer_km", num}}) : bad_value(k, "a number");
    return {};
  }
  if (k.type == "work_order") {
    const std::string base = "/api/v1/fleet/work-orders/{id}/";
    const std::string notes = text_of(state, k.type + "/" + k.id + "/notes");
    if (k.field == "status") {
      if (!s) return bad_value(k, "a string");
      if (*s == "in_progress") return post(base + "start", k.id, {});
      if (*s == "cancelled")
        return post(base + "cancel", k.id, {{"reason", notes.empty() ? "cancelled on device " + who_.device : notes}});
      if (*s == "completed") {
        // A device's queue compacts "started" then "completed" into "completed": start first when needed.
        auto wo = read(kWorkOrder, k.id);
        if (!wo) return wo.error();
        const json::value* st = *wo ? (*wo)->if_contains("status") : nullptr;
        if (st && st->is_string() &&
            (st->get_string() == "created" || st->get_string() == "scheduled" || st->get_string() == "assigned"))
          if (auto r = post(base + "start", k.id, {}); !r) return r;
        json::object body;
        if (!notes.empty()) body["notes"] = notes;
        return post(base + "complete", k.id, std::move(body));
      }
      return bad_value(k, "in_progress, completed or cancelled (other states are set by planners)");
    }
    if (k.field == "technician") return s ? post(base + "assign", k.id, {{"technician", *s}}) : bad_value(k, "a string");
    if (k.field_base == "labour")
      return number ? post(base + "labour", k.id, {{"hours", num}, {"technician", who_.subject}}) : bad_value(k, "a number");
    if (k.field_base == "parts") {
      const auto dot = k.field.find('.'), plus = k.field.find('+');
      if (dot == std::string::npos || !n)
        return bad_value(k, "an integer quantity under parts.<part number>[+<unique suffix>]");
      return post(base + "parts", k.id,
                  {{"part_number", k.field.substr(dot + 1, plus == std::string::npos ? plus : plus - dot - 1)},
                   {"quantity", *n}});
    }
    return {};
  }
  if (k.type == "part" && k.field == "count")
    return n ? post("/api/v1/fleet/parts/{id}/count", k.id, {{"counted_quantity", *n}}) : bad_value(k, "an integer");
  return {};
}

}  // namespace roundhouse::sync
