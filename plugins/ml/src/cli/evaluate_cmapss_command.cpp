// roundhouse ml evaluate-cmapss: the C-MAPSS RUL protocol (rul/cmapss_protocol.hpp) against the
// configured store, so anyone can reproduce the README's FD001 figures with one command.
#include <chrono>

#include "cli/command_support.hpp"
#include "roundhouse/cli/args.hpp"
#include "rul/cmapss_protocol.hpp"

namespace roundhouse::ml::cli {
namespace {

constexpr const char* kUsage =
    "usage: roundhouse ml evaluate-cmapss --data DIR [--subset FD001] [--name NAME]\n"
    "                                     [--extractor-params JSON] [--hyperparameters JSON]\n"
    "\n"
    "Imports DIR/train_<subset>.txt and test_<subset>.txt as asset streams, trains the rul model\n"
    "NAME (default cmapss-rul) on every training engine with depth and rounds chosen by 3-fold\n"
    "cross-validation grouped by engine (training engines only), promotes it, predicts each test\n"
    "engine at its last cycle (recorded as PredictionMade) and scores the predictions against\n"
    "DIR/RUL_<subset>.txt: RMSE, MAE and NASA score on the true (uncapped) remaining life.\n"
    "The store must not hold the subset's engines yet. Takes about a minute on 2 cores.\n"
    "\n"
    "  --data DIR                the C-MAPSS files\n"
    "  --subset NAME             FD001 (default) ... FD004; asset ids start with it\n"
    "  --name NAME               the model's name in the registry\n"
    "  --extractor-params JSON   sensor-window parameters (default: windows 10 and 30 with drift\n"
    "                            from each engine's first 10 readings, the 14 FD001 sensors that vary)\n"
    "  --hyperparameters JSON    the rul type's trees (default: {\"search\": {\"folds\": 3,\n"
    "                            \"max_depth\": [3, 4], \"rounds\": [200, 400, 600]}})\n";

int run(CliContext& ctx) {
  Command c{ctx, "evaluate-cmapss", kUsage};
  rul::CmapssProtocol protocol;
  ArgReader arg(ctx.args);
  while (arg.next()) {
    if (arg.is_help()) return c.help();
    const std::string name = arg.name();
    auto v = arg.value();
    if (!v || v->empty()) return c.usage_error(name + " needs a value");
    if (name == "--data") protocol.dir = *v;
    else if (name == "--subset") protocol.subset = *v;
    else if (name == "--name") protocol.model_name = *v;
    else if (name == "--extractor-params" || name == "--hyperparameters") {
      auto o = json_object_arg(name, *v);
      if (!o) return c.usage_error(o.error().message);
      (name == "--hyperparameters" ? protocol.hyperparameters : protocol.extractor_parameters) = std::move(*o);
    } else {
      return c.usage_error(arg.unknown().message);
    }
  }
  if (protocol.dir.empty()) return c.usage_error("give --data DIR");
  auto store = c.store();
  if (!store) return c.failed(store.error());
  const auto started = std::chrono::steady_clock::now();
  auto result = rul::run_cmapss_protocol(*ctx.registry, **store, c.scope(), protocol);
  if (!result) return c.failed(result.error());
  const auto& record = result->version.record;
  const auto& trees = record.at("hyperparameters").as_object();
  json::object out{{"subset", protocol.subset},
                   {"model", protocol.model_name},
                   {"version", result->version.version},
                   {"max_depth", trees.at("max_depth")},
                   {"rounds", trees.at("rounds")},
                   {"test", {{"engines", result->predicted.size()},
                             {"rmse", result->rmse},
                             {"mae", result->mae},
                             {"nasa_score", result->nasa_score}}},
                   {"fit_seconds", record.at("fit_seconds")},
                   {"elapsed_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now() - started)
                                      .count()}};
  if (const auto* search = trees.if_contains("search")) out["cv_rmse"] = search->as_object().at("best_cv_rmse");
  return c.print(out);
}

}  // namespace

MlSubcommand evaluate_cmapss_subcommand() {
  return {"evaluate-cmapss", "the C-MAPSS RUL protocol end to end: import, train with grouped CV, score the test engines",
          &run};
}

}  // namespace roundhouse::ml::cli
