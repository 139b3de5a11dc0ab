// roundhouse ml import-cmapss: NASA C-MAPSS files as asset streams.
#include <chrono>
#include <memory>
#include <ostream>

#include "assets/cmapss.hpp"
#include "cli/ml_command.hpp"
#include "roundhouse/cli/args.hpp"
#include "roundhouse/cli/progress.hpp"
#include "roundhouse/core/json_text.hpp"

namespace roundhouse::ml::cli {
namespace {

constexpr const char* kUsage =
    "usage: roundhouse ml import-cmapss [--train FILE] [--test FILE] [--dataset NAME] [--start DATE]\n"
    "                                   [--cycle-seconds N]\n"
    "\n"
    "Appends each engine of NASA C-MAPSS files as the stream asset/<dataset>-<train|test>-<unit>:\n"
    "AssetRegistered, one SensorReadingsRecorded per cycle (channels s1..s21, settings\n"
    "setting1..setting3) and, for training engines, AssetFailed at the last cycle. Both files are\n"
    "read and checked before anything is written; an engine that exists already refuses the import.\n"
    "\n"
    "  --train FILE        run-to-failure engines (train_FD001.txt)\n"
    "  --test FILE         truncated engines (test_FD001.txt)\n"
    "  --dataset NAME      stream id prefix (default: from the file name, e.g. FD001)\n"
    "  --start DATE        occurred time of registration (default 2000-01-01)\n"
    "  --cycle-seconds N   time between cycles (default 3600): cycle c occurs at start + c x N\n";

int run(CliContext& ctx) {
  auto& err = *ctx.err;
  assets::CmapssOptions options;
  auto usage_error = [&](const std::string& m) {
    err << "roundhouse ml import-cmapss: " << m << " (see roundhouse ml import-cmapss --help)\n";
    return 2;
  };
  ArgReader arg(ctx.args);
  while (arg.next()) {
    if (arg.is_help()) {
      *ctx.out << kUsage;
      return 0;
    }
    const std::string name = arg.name();
    if (name == "--train" || name == "--test" || name == "--dataset" || name == "--start") {
      auto v = arg.value();
      if (!v || v->empty()) return usage_error(name + " needs a value");
      if (name == "--train") options.train = *v;
      else if (name == "--test") options.test = *v;
      else if (name == "--dataset") options.dataset = *v;
      else if (auto t = parse_timestamp(*v)) options.start = *t;
      else return usage_error("--start: '" + *v + "' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp");
    } else if (name == "--cycle-seconds") {
      auto n = arg.unsigned_value();
      if (!n || *n == 0) return usage_error("--cycle-seconds needs a whole number >= 1");
      options.cycle_length = static_cast<Timestamp>(*n) * 1'000'000;
    } else {
      return usage_error(arg.unknown().message);
    }
  }
  if (options.train.empty() && options.test.empty()) return usage_error("give --train and/or --test");
  if (!ctx.open_store) {
    err << "roundhouse ml import-cmapss: no store is configured\n";
    return 1;
  }
  auto store = ctx.open_store();
  if (!store) {
    err << "roundhouse ml import-cmapss: cannot open the store: " << store.error().message << "\n";
    return 1;
  }
  options.actor = ctx.actor;
  options.tenant = ctx.tenant;
  std::unique_ptr<ProgressBar> bar;
  options.progress = [&](std::uint64_t done, std::uint64_t total) {
    if (!bar) bar = std::make_unique<ProgressBar>(err, "engines", total, ctx.progress);
    bar->set(done);
  };
  const auto started = std::chrono::steady_clock::now();
  auto summary = assets::import_cmapss(**store, ctx.registry, options);
  bar.reset();
  if (!summary) {
    err << "roundhouse ml import-cmapss: " << summary.error().message << "\n";
    return 1;
  }
  auto json = summary->to_json();
  json["elapsed_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  *ctx.out << to_json_text(json) << "\n";
  return 0;
}

}  // namespace

MlSubcommand import_cmapss_subcommand() {
  return {"import-cmapss", "append NASA C-MAPSS engines as asset streams (sensor readings per cycle)", &run};
}

}  // namespace roundhouse::ml::cli
