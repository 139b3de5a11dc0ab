// roundhouse ml features: a feature matrix as CSV or JSON.
#include <charconv>
#include <cmath>
#include <ostream>

#include <boost/json/parse.hpp>

#include "cli/ml_command.hpp"
#include "roundhouse/cli/args.hpp"
#include "roundhouse/core/json_text.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml::cli {
namespace {

constexpr const char* kUsage =
    "usage: roundhouse ml features EXTRACTOR [--as-of T]... [--each-event] [--known-at T|now]\n"
    "                              [--entity ID]... [--params JSON] [--format csv|json]\n"
    "       roundhouse ml features --list\n"
    "\n"
    "Extracts features from the store as they were at each as-of time: a row at T uses only events\n"
    "that occurred at or before T and were recorded at or before T (or --known-at).\n"
    "\n"
    "  --as-of T        an as-of time (YYYY-MM-DD or RFC 3339); repeat for several; default: now\n"
    "  --each-event     one row per observation event (sensor reading, ...) instead of --as-of\n"
    "  --known-at T     recorded-time cutoff for every row (\"now\" for back-filled history)\n"
    "  --entity ID      only this entity (repeatable); default: every entity that exists at T\n"
    "  --params JSON    extractor parameters, e.g. '{\"window\": 20}'\n"
    "  --format F       csv (default: entity_id, as_of, known_at, then the columns) or json\n"
    "  --list           the registered extractors with their default columns\n";

void write_csv(std::ostream& out, const FeatureMatrix& m) {
  out << "entity_id,as_of,known_at";
  for (const auto& c : m.schema.columns) out << ',' << c.name;
  out << '\n';
  std::string line;
  for (std::size_t r = 0; r < m.rows(); ++r) {
    line.clear();
    line += m.entity_ids[r];  // ids never hold commas or quotes in practice; quote when they do
    if (line.find_first_of(",\"\n") != std::string::npos) {
      std::string q = "\"";
      for (char ch : m.entity_ids[r]) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      line = q + "\"";
    }
    line += ',' + format_timestamp(m.as_of[r]) + ',' + format_timestamp(m.known_at[r]);
    for (std::size_t c = 0; c < m.cols(); ++c) {
      line += ',';
      const double v = m.at(r, c);
      if (std::isfinite(v)) append_json_number(line, v);
    }
    out << line << '\n';
  }
}

int list(CliContext& ctx) {
  boost::json::array out;
  for (const auto& e : ctx.registry->features.list()) {
    boost::json::object o{{"name", e.name}, {"provider", e.provider}, {"description", e.value->description()}};
    if (auto s = e.value->schema({})) o["schema"] = s->to_json();
    out.emplace_back(std::move(o));
  }
  *ctx.out << to_json_text(out) << "\n";
  return 0;
}

int run(CliContext& ctx) {
  auto& err = *ctx.err;
  auto usage_error = [&](const std::string& m) {
    err << "roundhouse ml features: " << m << " (see roundhouse ml features --help)\n";
    return 2;
  };
  FeatureRequest request;
  std::string extractor, format = "csv";
  bool listing = false;
  ArgReader arg(ctx.args);
  while (arg.next()) {
    const std::string name = arg.name();
    if (arg.is_help()) {
      *ctx.out << kUsage;
      return 0;
    }
    if (name == "--list") {
      listing = true;
    } else if (name == "--each-event") {
      request.rows = RowTimes::each_event;
    } else if (name == "--as-of" || name == "--known-at") {
      auto v = arg.value();
      if (!v) return usage_error(name + " needs a time");
      auto t = *v == "now" ? std::optional<Timestamp>(now_micros()) : parse_timestamp(*v);
      if (!t) return usage_error(name + ": '" + *v + "' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp");
      if (name == "--as-of") request.as_of.push_back(*t);
      else request.known_at = *t;
    } else if (name == "--entity") {
      auto v = arg.value();
      if (!v || v->empty()) return usage_error("--entity needs an id");
      request.entity_ids.push_back(*v);
    } else if (name == "--params") {
      auto v = arg.value();
      if (!v) return usage_error("--params needs a JSON object");
      boost::system::error_code ec;
      auto doc = boost::json::parse(*v, ec);
      if (ec || !doc.is_object()) return usage_error("--params: not a JSON object");
      request.parameters = doc.as_object();
    } else if (name == "--format") {
      auto v = arg.value();
      if (!v || (*v != "csv" && *v != "json")) return usage_error("--format is csv or json");
      format = *v;
    } else if (!arg.is_option() && extractor.empty()) {
      extractor = name;
    } else {
      return usage_error(arg.unknown().message);
    }
  }
  if (!ctx.registry) {
    err << "roundhouse ml features: no registry\n";
    return 1;
  }
  if (listing) return list(ctx);
  if (extractor.empty()) return usage_error("name an extractor (roundhouse ml features --list)");
  if (request.rows == RowTimes::each_event && !request.as_of.empty())
    return usage_error("--each-event and --as-of exclude each other");
  if (request.rows == RowTimes::given && request.as_of.empty()) request.as_of.push_back(now_micros());
  if (!ctx.open_store) {
    err << "roundhouse ml features: no store is configured\n";
    return 1;
  }
  auto store = ctx.open_store();
  if (!store) {
    err << "roundhouse ml features: cannot open the store: " << store.error().message << "\n";
    return 1;
  }
  request.tenant = ctx.tenant.empty() ? std::nullopt : std::optional<std::string>(ctx.tenant);
  auto m = extract_features(*ctx.registry, **store, extractor, request);
  if (!m) {
    err << "roundhouse ml features: " << m.error().message << "\n";
    return m.error().code == ErrorCode::invalid_argument ? 2 : 1;
  }
  if (format == "json") *ctx.out << to_json_text(m->to_json()) << "\n";
  else write_csv(*ctx.out, *m);
  return 0;
}

}  // namespace

MlSubcommand features_subcommand() {
  return {"features", "extract a feature matrix (as of given times) as CSV or JSON", &run};
}

}  // namespace roundhouse::ml::cli
