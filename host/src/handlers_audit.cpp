// Audit over HTTP (history/audit.hpp): the trail of who recorded what (paged, JSON or CSV), anomaly
// flags, and the replay of a recorded-time window into a fresh projection. Role "auditor" (admins
// have it too); everything is limited to the caller's tenant.
#include <boost/json.hpp>

#include "handlers.hpp"
#include "history_codec.hpp"
#include "problem.hpp"
#include "projections.hpp"

namespace roundhouse::host {
namespace json = boost::json;

namespace {

constexpr const char* kCsv = "text/csv; charset=utf-8";

std::vector<const char*> with_format(std::vector<const char*> names) {
  names.push_back("format");
  return names;
}

Response csv_response(std::string body, const char* filename) {
  Response r;
  r.body = std::move(body);
  r.content_type = kCsv;
  r.headers.emplace_back("Content-Disposition", std::string("attachment; filename=\"") + filename + "\"");
  return r;
}

void trail(AppContext& ctx, Request& req, Reply reply) {
  static const auto known = with_format(audit_query_params());
  if (auto st = check_known_params(req, known); !st) return reply(problem(st.error(), req.path));
  const Params params = Params::query(req.query);
  auto format = choice_param(params, "format", {"json", "csv"});
  if (!format) return reply(problem(format.error(), req.path));
  auto query = decode_audit_query(params);
  if (!query) return reply(problem(query.error(), req.path));
  query->tenant = req.principal.tenant;
  auto page = audit_trail(ctx.store, *query);
  if (!page) return reply(problem(page.error(), req.path));

  // The cursor is opaque to clients; today it is the last position of the page.
  const std::optional<std::string> next =
      page->next_after ? std::optional<std::string>(std::to_string(*page->next_after)) : std::nullopt;
  if (*format == "csv") {
    Response r = csv_response(audit_to_csv(page->entries), "audit-trail.csv");
    if (next) r.headers.emplace_back("X-Next-Cursor", *next);
    return reply(std::move(r));
  }
  json::object o{{"entries", audit_to_json(page->entries)},
                 {"count", page->entries.size()},
                 {"next_cursor", next ? json::value(*next) : json::value(nullptr)}};
  reply(Response::json(200, o));
}

void anomalies(AppContext& ctx, Request& req, Reply reply) {
  static const auto known = with_format(anomaly_rule_params());
  if (auto st = check_known_params(req, known); !st) return reply(problem(st.error(), req.path));
  const Params params = Params::query(req.query);
  auto format = choice_param(params, "format", {"json", "csv"});
  if (!format) return reply(problem(format.error(), req.path));
  auto rules = decode_anomaly_rules(params);
  if (!rules) return reply(problem(rules.error(), req.path));
  rules->tenant = req.principal.tenant;
  auto report = audit_anomalies(ctx.store, *rules);
  if (!report) return reply(problem(report.error(), req.path));
  if (*format == "csv") return reply(csv_response(anomalies_to_csv(report->flags), "audit-anomalies.csv"));
  reply(Response::json(200, to_json(*report)));
}

// {"projection": name, "from"?: time, "to"?: time}; a missing bound is unbounded.
struct ReplayBody {
  std::string projection;
  std::optional<Timestamp> from, to;
};

// The violations of `doc` (empty: `body` is filled in).
std::vector<SchemaViolation> decode_replay(const json::value& doc, ReplayBody& body) {
  if (!doc.is_object()) return {{"", "must be an object {\"projection\", \"from\"?, \"to\"?}"}};
  std::vector<SchemaViolation> violations;
  for (const auto& kv : doc.get_object()) {
    const std::string key(kv.key());
    if (key == "projection") {
      if (kv.value().is_string() && !kv.value().get_string().empty()) body.projection = kv.value().get_string();
      else violations.push_back({"/projection", "must be a non-empty string"});
    } else if (key == "from" || key == "to") {
      auto t = kv.value().is_string() ? parse_timestamp(kv.value().get_string()) : std::nullopt;
      if (!t) violations.push_back({"/" + key, "must be an ISO-8601 timestamp such as 2026-03-02T14:05:00Z"});
      (key == "from" ? body.from : body.to) = t;
    } else {
      violations.push_back({"/" + key, "unknown field (allowed: projection, from, to)"});
    }
  }
  if (!doc.get_object().contains("projection")) violations.push_back({"/projection", "is required"});
  return violations;
}

void replay(AppContext& ctx, Request& req, Reply reply) {
  if (auto st = check_known_params(req, {}); !st) return reply(problem(st.error(), req.path));
  boost::system::error_code ec;
  json::value doc = json::parse(req.body, ec);
  if (ec)
    return reply(problem(400, codes::malformed_json, "the request body is not valid JSON: " + ec.message(), req.path));
  ReplayBody body;
  if (auto violations = decode_replay(doc, body); !violations.empty()) {
    const auto& first = violations.front();
    return reply(problem(422, to_string(ErrorCode::schema_violation),
                         (first.path.empty() ? std::string("(root)") : first.path) + ": " + first.message, req.path,
                         violations));
  }
  auto outcome =
      replay_projection(ctx.store, *ctx.registry, body.projection, body.from, body.to, req.principal.tenant);
  if (!outcome) return reply(problem(outcome.error(), req.path));
  reply(Response::json(200, to_json(body.projection, body.from, body.to, *outcome)));
}

}  // namespace

Status add_audit_routes(Router& router, std::shared_ptr<AppContext> ctx) {
  for (auto st : {router.add({"GET", "/api/v1/audit/trail", kAuditorRole,
                              "Who recorded what and when (paged; JSON or CSV)", "host", bind_handler(ctx, trail)}),
                  router.add({"GET", "/api/v1/audit/anomalies", kAuditorRole,
                              "Bulk changes, off-hours edits and back-dated events", "host",
                              bind_handler(ctx, anomalies)}),
                  router.add({"POST", "/api/v1/audit/replay", kAuditorRole,
                              "Replay a recorded-time window into a fresh projection", "host",
                              bind_handler(ctx, replay)})})
    if (!st) return st;
  return {};
}

}  // namespace roundhouse::host
