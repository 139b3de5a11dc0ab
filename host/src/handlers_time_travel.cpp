// Time travel over HTTP (history/time_travel.hpp): one aggregate at a bitemporal point, the field
// diff between two points, its change history, every aggregate of a type at a point, and the
// registered aggregate types. Every read is limited to the caller's tenant, so another tenant's
// aggregate is a 404 exactly like one that does not exist.
#include "handlers.hpp"
#include "history_codec.hpp"
#include "problem.hpp"

namespace roundhouse::host {

namespace {

struct Target {
  std::string type, id;
};

Result<Target> target(const Params& params) {
  auto type = required_param(params, "type");
  if (!type) return type.error();
  auto id = required_param(params, "id");
  if (!id) return id.error();
  return Target{std::move(type).value(), std::move(id).value()};
}

void state_at(AppContext& ctx, Request& req, Reply reply) {
  if (auto st = check_known_params(req, {"type", "id", "occurred", "recorded"}); !st)
    return reply(problem(st.error(), req.path));
  const Params params = Params::query(req.query);
  auto t = target(params);
  if (!t) return reply(problem(t.error(), req.path));
  auto as_of = decode_as_of(params);
  if (!as_of) return reply(problem(as_of.error(), req.path));
  auto snapshot = roundhouse::state_at(ctx.store, *ctx.registry, t->type, t->id, *as_of, req.principal.tenant);
  if (!snapshot) return reply(problem(snapshot.error(), req.path));
  reply(Response::json(200, to_json(*snapshot)));
}

void compare(AppContext& ctx, Request& req, Reply reply) {
  if (auto st = check_known_params(
          req, {"type", "id", "before_occurred", "before_recorded", "after_occurred", "after_recorded"});
      !st)
    return reply(problem(st.error(), req.path));
  const Params params = Params::query(req.query);
  auto t = target(params);
  if (!t) return reply(problem(t.error(), req.path));
  auto before = decode_as_of(params, "before_");
  if (!before) return reply(problem(before.error(), req.path));
  auto after = decode_as_of(params, "after_");
  if (!after) return reply(problem(after.error(), req.path));
  auto diff = roundhouse::compare(ctx.store, *ctx.registry, t->type, t->id, *before, *after, req.principal.tenant);
  if (!diff) return reply(problem(diff.error(), req.path));
  reply(Response::json(200, to_json(*diff)));
}

void history(AppContext& ctx, Request& req, Reply reply) {
  if (auto st = check_known_params(req, {"type", "id", "limit", "order"}); !st) return reply(problem(st.error(), req.path));
  const Params params = Params::query(req.query);
  auto t = target(params);
  if (!t) return reply(problem(t.error(), req.path));
  auto options = decode_history_options(params);
  if (!options) return reply(problem(options.error(), req.path));
  options->tenant = req.principal.tenant;
  auto entries = roundhouse::history(ctx.store, *ctx.registry, t->type, t->id, *options);
  if (!entries) return reply(problem(entries.error(), req.path));
  reply(Response::json(200, history_to_json({t->type, t->id}, options->order, *entries)));
}

// Parameters other than type/occurred/recorded are equality filters on top-level state fields,
// so they cannot be checked for typos.
void fleet_at(AppContext& ctx, Request& req, Reply reply) {
  const Params params = Params::query(req.query);
  auto type = required_param(params, "type");
  if (!type) return reply(problem(type.error(), req.path));
  auto as_of = decode_as_of(params);
  if (!as_of) return reply(problem(as_of.error(), req.path));
  FieldEquals wanted;
  for (const auto& [key, value] : req.query)
    if (!key.empty() && key != "type" && key != "occurred" && key != "recorded") wanted.emplace_back(key, value);
  auto fleet = roundhouse::fleet_at(ctx.store, *ctx.registry, *type, *as_of, req.principal.tenant,
                                    state_filter(std::move(wanted)));
  if (!fleet) return reply(problem(fleet.error(), req.path));
  reply(Response::json(200, to_json(*fleet)));
}

void types(AppContext& ctx, Request& req, Reply reply) {
  if (auto st = check_known_params(req, {}); !st) return reply(problem(st.error(), req.path));
  reply(Response::json(200, aggregate_types_to_json(*ctx.registry)));
}

}  // namespace

Status add_time_travel_routes(Router& router, std::shared_ptr<AppContext> ctx) {
  for (auto st : {router.add({"GET", "/api/v1/time-travel/state-at", "reader",
                              "One aggregate as of an occurred and/or recorded time", "host", bind_handler(ctx, state_at)}),
                  router.add({"GET", "/api/v1/time-travel/compare", "reader",
                              "Field-level diff of one aggregate between two points in time", "host",
                              bind_handler(ctx, compare)}),
                  router.add({"GET", "/api/v1/time-travel/history", "reader",
                              "Change history of one aggregate, described per event", "host", bind_handler(ctx, history)}),
                  router.add({"GET", "/api/v1/time-travel/fleet-at", "reader",
                              "Every aggregate of a type as of a point in time, filtered by state fields", "host",
                              bind_handler(ctx, fleet_at)}),
                  router.add({"GET", "/api/v1/time-travel/types", "reader", "Aggregate types time travel knows",
                              "host", bind_handler(ctx, types)})})
    if (!st) return st;
  return {};
}

}  // namespace roundhouse::host
