#include "import/import_command.hpp"

#include <filesystem>
#include <ostream>

#include "cli_commands.hpp"
#include "import/importer.hpp"
#include "roundhouse/cli/args.hpp"

namespace roundhouse::fleet::import {
namespace {

constexpr const char* kUsage =
    "usage: roundhouse import [--vehicles F.csv] [--failures F.csv] [--work-orders F.csv] [--parts F.csv]\n"
    "                         [--dir DIR] [--dry-run]\n"
    "\n"
    "Loads existing fleet records from CSV files (RFC 4180, header row required) as fleet commands,\n"
    "in chronological order of their date columns, so every schema and domain rule applies.\n"
    "Everything is validated first: a bad row stops the import with file:line and the problem, and\n"
    "nothing is written. Prints a JSON summary with counts per event type.\n"
    "\n"
    "  --vehicles F     number, vehicle_type, depot, commissioned_on, [model, status, odometer_km,\n"
    "                   engine_hours, meters_read_at, retired_on, retirement_reason]\n"
    "  --failures F     failure_id, vehicle_id, reported_at, system, severity, service_affecting,\n"
    "                   [description, closed_at, resolution]\n"
    "  --work-orders F  work_order_id, vehicle_id, category, priority, status, created_at, due_date,\n"
    "                   [system, failure_id, description, technician, started_at, completed_at,\n"
    "                   labour_hours, notes, cancelled_at, cancel_reason]\n"
    "  --parts F        part_number, description, unit_cost, reorder_point, as_of, [unit, on_hand]\n"
    "  --dir DIR        use DIR/vehicles.csv, failures.csv, work_orders.csv, parts.csv (those present)\n"
    "  --dry-run        validate everything and print the summary; write nothing\n"
    "\n"
    "Dates are YYYY-MM-DD (midnight UTC) or RFC 3339 timestamps; an empty cell is an absent value.\n";

struct Parsed {
  ImportSources sources;
  bool dry_run = false, help = false;
};

Result<Parsed> parse(const std::vector<std::string>& args) {
  static const std::map<std::string, Kind> flags = {{"--vehicles", Kind::vehicles},
                                                    {"--failures", Kind::failures},
                                                    {"--work-orders", Kind::work_orders},
                                                    {"--parts", Kind::parts}};
  Parsed p;
  std::string dir;
  ArgReader arg(args);
  while (arg.next()) {
    if (arg.is_help()) {
      p.help = true;
    } else if (arg.name() == "--dry-run") {
      p.dry_run = true;
    } else if (auto f = flags.find(arg.name()); arg.name() == "--dir" || f != flags.end()) {
      auto v = arg.value();
      if (!v || v->empty()) return Error{ErrorCode::invalid_argument, arg.name() + " needs a file"};
      (f == flags.end() ? dir : p.sources.files[f->second]) = *v;
    } else {
      return arg.unknown();
    }
  }
  if (!dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return Error{ErrorCode::invalid_argument, dir + ": no such directory"};
    for (Kind k : {Kind::parts, Kind::vehicles, Kind::failures, Kind::work_orders}) {
      const auto file = (std::filesystem::path(dir) / (std::string(kind_name(k)) + ".csv")).string();
      if (!p.sources.files.count(k) && std::filesystem::exists(file, ec)) p.sources.files[k] = file;
    }
  }
  if (p.sources.files.empty() && !p.help)
    return Error{ErrorCode::invalid_argument, "nothing to import: give --vehicles, --failures, --work-orders, --parts or --dir"};
  return p;
}

int run(CliContext& ctx) {
  std::ostream& err = *ctx.err;
  auto parsed = parse(ctx.args);
  if (!parsed) {
    err << "roundhouse import: " << parsed.error().message << " (see roundhouse import --help)\n";
    return 2;
  }
  if (parsed->help) {
    *ctx.out << kUsage;
    return 0;
  }
  if (!ctx.registry || !ctx.open_store) {
    err << "roundhouse import: no store is configured\n";
    return 1;
  }
  auto plan = plan_import(parsed->sources);
  if (!plan) {
    err << "roundhouse import: " << plan.error().message << "\n";
    return 1;
  }
  auto store = ctx.open_store();
  if (!store) {
    err << "roundhouse import: cannot open the store: " << store.error().message << "\n";
    return 1;
  }
  ImportOptions options;
  options.dry_run = parsed->dry_run;
  options.actor = ctx.actor;
  options.tenant = ctx.tenant;
  options.progress = ctx.err;
  options.show_progress = ctx.progress;
  auto summary = run_import(*plan, *store, *ctx.registry, options);
  if (!summary) {
    err << "roundhouse import: " << summary.error().message << "\n";
    return 1;
  }
  write_pretty_json(*ctx.out, summary->to_json());
  return 0;
}

}  // namespace

CliCommand import_command() {
  return CliCommand{"import", "load vehicles, failures, work orders and parts from CSV files", kUsage, &run};
}

}  // namespace roundhouse::fleet::import
