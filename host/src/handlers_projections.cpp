// The projection engine over HTTP: status of every read model, one read model's state (its own
// query parameters), and a rebuild from position 0 beside the serving instance.
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/pchars.hpp>

#include "handlers.hpp"
#include "problem.hpp"
#include "projections.hpp"
#include "query_params.hpp"

namespace roundhouse::host {
namespace json = boost::json;

namespace {

// The engine, or not_found worded like the engine's own answer when no plugin registered any.
Result<ProjectionEngine*> engine(AppContext& ctx, const std::string& name) {
  if (!ctx.projections) return Error{ErrorCode::not_found, "no projection named '" + name + "'"};
  return ctx.projections;
}

void list(AppContext& ctx, Request& req, Reply reply) {
  if (auto st = check_known_params(req, {}); !st) return reply(problem(st.error(), req.path));
  json::array out;
  if (ctx.projections)
    for (const auto& s : ctx.projections->status()) out.push_back(to_json(s));
  reply(Response::json(200, json::object{{"projections", std::move(out)}}));
}

void one(AppContext& ctx, Request& req, Reply reply) {
  if (auto st = check_known_params(req, {}); !st) return reply(problem(st.error(), req.path));
  const std::string& name = req.path_params.at("name");
  auto e = engine(ctx, name);
  if (!e) return reply(problem(e.error(), req.path));
  auto status = (*e)->status(name);
  if (!status) return reply(problem(status.error(), req.path));
  reply(Response::json(200, to_json(*status)));
}

// The parameters belong to the projection, which rejects the ones it does not know.
void state(AppContext& ctx, Request& req, Reply reply) {
  const std::string& name = req.path_params.at("name");
  auto e = engine(ctx, name);
  if (!e) return reply(problem(e.error(), req.path));
  auto model = (*e)->query(name, req.principal.tenant, query_object(req.query));
  if (!model) return reply(problem(model.error(), req.path));
  reply(Response::json(200, *model));
}

void rebuild(AppContext& ctx, Request& req, Reply reply) {
  if (auto st = check_known_params(req, {}); !st) return reply(problem(st.error(), req.path));
  const std::string& name = req.path_params.at("name");
  auto e = engine(ctx, name);
  if (!e) return reply(problem(e.error(), req.path));
  if (auto st = (*e)->rebuild(name); !st) return reply(problem(st.error(), req.path));
  auto status = (*e)->status(name);
  if (!status) return reply(problem(status.error(), req.path));
  // 202: the rebuild runs on; the status resource shows its progress and when it has swapped in.
  Response r = Response::json(202, to_json(*status));
  r.headers.emplace_back("Location", "/api/v1/projections/" + boost::urls::encode(name, boost::urls::pchars));
  reply(std::move(r));
}

}  // namespace

Status add_projection_routes(Router& router, std::shared_ptr<AppContext> ctx) {
  for (auto st : {router.add({"GET", "/api/v1/projections", "reader", "Status of every projection (read model)", "host",
                              bind_handler(ctx, list)}),
                  router.add({"GET", "/api/v1/projections/{name}", "reader", "Status of one projection", "host",
                              bind_handler(ctx, one)}),
                  router.add({"GET", "/api/v1/projections/{name}/state", "reader",
                              "Query one projection's read model", "host", bind_handler(ctx, state)}),
                  router.add({"POST", "/api/v1/projections/{name}/rebuild", "admin",
                              "Rebuild a projection from position 0 without downtime", "host",
                              bind_handler(ctx, rebuild)})})
    if (!st) return st;
  return {};
}

}  // namespace roundhouse::host
