// roundhouse ml rescore: scheduled re-scoring as a worker process. Each pass predicts every entity
// with each model's promoted version and records PredictionMade events; one JSON line per pass on
// stdout. Runs until SIGINT/SIGTERM (stopping cleanly between passes), or once with --once.
#include <csignal>
#include <mutex>
#include <ostream>

#include <pthread.h>

#include "cli/ml_command.hpp"
#include "models/rescorer.hpp"
#include "roundhouse/cli/args.hpp"
#include "roundhouse/core/json_text.hpp"

namespace roundhouse::ml::cli {
namespace {

constexpr const char* kUsage =
    "usage: roundhouse ml rescore [--model NAME]... [--every DURATION] [--once]\n"
    "\n"
    "Predicts every entity with the promoted version of each model (default: every model with a\n"
    "promoted version) and records each prediction as a PredictionMade event, now and then every\n"
    "DURATION (default 1h; 90s, 15m, 6h or plain seconds) until interrupted (SIGINT/SIGTERM).\n"
    "One JSON line per pass on stdout.\n"
    "\n"
    "  --model NAME     a model to re-score (repeatable)\n"
    "  --every D        time between passes\n"
    "  --once           one pass, then exit (for cron); exit 1 when a model failed\n";

int run(CliContext& ctx) {
  auto usage_error = [&](const std::string& m) {
    *ctx.err << "roundhouse ml rescore: " << m << " (see roundhouse ml rescore --help)\n";
    return 2;
  };
  models::RescoreOptions options;
  bool once = false;
  ArgReader arg(ctx.args);
  while (arg.next()) {
    if (arg.is_help()) {
      *ctx.out << kUsage;
      return 0;
    }
    const std::string opt = arg.name();
    if (opt == "--once") {
      once = true;
    } else if (opt == "--model" || opt == "--every") {
      auto v = arg.value();
      if (!v || v->empty()) return usage_error(opt + " needs a value");
      if (opt == "--model") {
        options.models.push_back(*v);
      } else if (auto d = models::parse_rescore_interval(*v)) {
        options.interval = *d;
      } else {
        return usage_error("--every: " + d.error().message);
      }
    } else {
      return usage_error(arg.unknown().message);
    }
  }
  if (!ctx.open_store) {
    *ctx.err << "roundhouse ml rescore: no store is configured\n";
    return 1;
  }
  auto store = ctx.open_store();
  if (!store) {
    *ctx.err << "roundhouse ml rescore: cannot open the store: " << store.error().message << "\n";
    return 1;
  }
  options.scope = {ctx.tenant, ctx.actor};
  if (once) {
    auto report = models::rescore_once(*ctx.registry, **store, options);
    *ctx.out << to_json_text(models::rescore_report_json(report)) << "\n";
    if (!report) *ctx.err << "roundhouse ml rescore: " << report.error().message << "\n";
    else if (!report->errors.empty()) *ctx.err << "roundhouse ml rescore: " << report->errors.front() << "\n";
    return report && report->errors.empty() ? 0 : 1;
  }
  // The worker thread inherits a mask blocking SIGINT/SIGTERM; this thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::mutex out_mu;
  models::Rescorer rescorer(*ctx.registry, *store, options, [&](const Result<models::RescoreReport>& r) {
    std::lock_guard lock(out_mu);
    *ctx.out << to_json_text(models::rescore_report_json(r)) << std::endl;
  });
  rescorer.start();
  int sig = 0;
  sigwait(&signals, &sig);
  rescorer.stop();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  *ctx.err << "roundhouse ml rescore: stopped after " << rescorer.passes() << " pass(es)\n";
  return 0;
}

}  // namespace

MlSubcommand rescore_subcommand() {
  return {"rescore", "re-score every entity with promoted models, now and on an interval (PredictionMade events)",
          &run};
}

}  // namespace roundhouse::ml::cli
