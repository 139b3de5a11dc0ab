// roundhouse ml train | models | versions | promote | rollback | predict: the model registry and
// prediction service from the command line (the same functions the HTTP routes call).
// Exit codes: 0 ok, 2 usage (bad options or parameters), 1 refusal (unknown model, too little
// data, no promoted version, store errors).
#include <memory>
#include <ostream>

#include <boost/json/parse.hpp>

#include "cli/command_support.hpp"
#include "http/json_input.hpp"
#include "models/serving.hpp"
#include "models/training.hpp"
#include "roundhouse/cli/args.hpp"
#include "roundhouse/cli/progress.hpp"
#include "roundhouse/core/json_text.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml::cli {
namespace {

namespace json = boost::json;

// ---- train ----

constexpr const char* kTrainUsage =
    "usage: roundhouse ml train TYPE [--name NAME] [--params JSON] [--extractor-params JSON]\n"
    "                           [--hyperparameters JSON] [--split JSON] [--as-of T] [--known-at T] [--promote]\n"
    "\n"
    "Builds TYPE's dataset from the store, splits it by entity (and time), fits, evaluates on the\n"
    "held-out entities and stores the result as the next version of model NAME (default: TYPE).\n"
    "Types: rul, failure-risk, work-order-duration (roundhouse ml models lists them).\n"
    "\n"
    "  --params JSON            the type's parameters, e.g. '{\"rul_cap\": 125, \"asset_prefix\": \"FD001-train-\"}'\n"
    "  --extractor-params JSON  feature extractor parameters, e.g. '{\"window\": 20}'\n"
    "  --hyperparameters JSON   e.g. '{\"rounds\": 300, \"max_depth\": 4, \"learning_rate\": 0.05}'\n"
    "  --split JSON             '{\"test_fraction\": 0.2, \"seed\": 0, \"train_until\": \"2026-01-01\"}'\n"
    "  --as-of T                newest occurred time used (default now)\n"
    "  --known-at T             recorded-time cutoff (default: --as-of)\n"
    "  --promote                serve the new version at once\n";

int train(CliContext& ctx) {
  Command cmd{ctx, "train", kTrainUsage};
  models::TrainRequest r;
  ArgReader arg(ctx.args);
  while (arg.next()) {
    if (arg.is_help()) return cmd.help();
    const std::string opt = arg.name();
    if (!arg.is_option()) {
      if (!r.model_type.empty()) return cmd.usage_error("one model type only, got '" + opt + "' too");
      r.model_type = opt;
      continue;
    }
    if (opt == "--promote") {
      r.promote = true;
      continue;
    }
    auto v = arg.value();
    if (!v) return cmd.usage_error(opt == "--name" || opt == "--params" || opt == "--extractor-params" ||
                                           opt == "--hyperparameters" || opt == "--split" || opt == "--as-of" ||
                                           opt == "--known-at"
                                       ? opt + " needs a value"
                                       : arg.unknown().message);
    if (opt == "--name") {
      r.name = *v;
    } else if (opt == "--params" || opt == "--extractor-params" || opt == "--hyperparameters" || opt == "--split") {
      auto o = json_object_arg(opt, *v);
      if (!o) return cmd.usage_error(o.error().message);
      if (opt == "--params") r.dataset.parameters = *o;
      else if (opt == "--extractor-params") r.dataset.extractor_parameters = *o;
      else if (opt == "--hyperparameters") r.hyperparameters = *o;
      else if (auto s = models::split_options(*o)) r.split = *s;
      else return cmd.usage_error(s.error().message);
    } else if (opt == "--as-of" || opt == "--known-at") {
      auto t = http::time_param(opt, *v);
      if (!t) return cmd.usage_error(t.error().message);
      (opt == "--as-of" ? r.dataset.as_of : r.dataset.known_at) = *t;
    } else {
      return cmd.usage_error(arg.unknown().message);
    }
  }
  if (r.model_type.empty()) return cmd.usage_error("give the model type (rul, failure-risk, work-order-duration)");
  if (r.name.empty()) r.name = r.model_type;
  auto store = cmd.store();
  if (!store) return cmd.failed(store.error());
  // A bar on a terminal; otherwise a line every tenth of the rounds, so logs show progress too.
  std::unique_ptr<ProgressBar> bar;
  int last_tenth = -1;
  r.progress = [&](int done, int total) {
    if (ctx.progress) {
      if (!bar) bar = std::make_unique<ProgressBar>(*ctx.err, "boosting rounds", total, true);
      bar->set(static_cast<std::uint64_t>(done));
    } else if (const int tenth = done * 10 / total; tenth != last_tenth) {
      last_tenth = tenth;
      *ctx.err << "training " << r.name << ": " << done << "/" << total << " boosting rounds\n";
    }
  };
  auto out = models::train_model(*ctx.registry, **store, cmd.scope(), r);
  bar.reset();
  if (!out) return cmd.failed(out.error());
  json::object version = out->version.record;
  version["trained_at"] = format_timestamp(out->version.trained_at);
  return cmd.print(json::object{{"model", out->model.summary_json()}, {"version", std::move(version)}});
}

// ---- models, versions, promote, rollback ----

// Parses NAME [VERSION] positionals (count = 0, 1 or 2) and --help.
int positionals(Command& cmd, std::vector<std::string>& out, std::size_t count) {
  ArgReader arg(cmd.ctx.args);
  while (arg.next()) {
    if (arg.is_help()) return cmd.help();
    if (arg.is_option() || out.size() == count) return cmd.usage_error(arg.unknown().message);
    out.push_back(arg.name());
  }
  if (out.size() != count) return cmd.usage_error("expected " + std::to_string(count) + " argument(s)");
  return -1;
}

constexpr const char* kModelsUsage = "usage: roundhouse ml models\n\nThe model types and the trained models with their latest and promoted versions (JSON).\n";
constexpr const char* kVersionsUsage = "usage: roundhouse ml versions NAME\n\nEvery version of model NAME: metrics, feature schema, training data range (JSON).\n";
constexpr const char* kPromoteUsage = "usage: roundhouse ml promote NAME VERSION\n\nMakes VERSION of model NAME the one predictions use.\n";
constexpr const char* kRollbackUsage = "usage: roundhouse ml rollback NAME\n\nServes the version promoted before the current one again.\n";

int models_cmd(CliContext& ctx) {
  Command cmd{ctx, "models", kModelsUsage};
  std::vector<std::string> args;
  if (int rc = positionals(cmd, args, 0); rc >= 0) return rc;
  auto store = cmd.store();
  if (!store) return cmd.failed(store.error());
  auto list = models::list_models(**store, cmd.scope());
  if (!list) return cmd.failed(list.error());
  json::array models, types;
  for (const auto& m : *list) models.push_back(m.summary_json());
  for (const auto& e : ctx.registry->models.list())
    types.push_back(json::object{{"name", e.name}, {"kind", to_string(e.value->kind())},
                                 {"extractor", e.value->extractor()}, {"description", e.value->description()}});
  return cmd.print(json::object{{"models", std::move(models)}, {"types", std::move(types)}});
}

json::object versions_json(const models::ModelInfo& info) {
  json::object out = info.summary_json();
  json::array versions;
  for (const auto& v : info.versions) {
    json::object o = v.record;
    o["trained_at"] = format_timestamp(v.trained_at);
    versions.push_back(std::move(o));
  }
  out["versions"] = std::move(versions);
  return out;
}

int versions_cmd(CliContext& ctx) {
  Command cmd{ctx, "versions", kVersionsUsage};
  std::vector<std::string> args;
  if (int rc = positionals(cmd, args, 1); rc >= 0) return rc;
  auto store = cmd.store();
  if (!store) return cmd.failed(store.error());
  auto info = models::read_model(**store, cmd.scope(), args[0]);
  if (!info) return cmd.failed(info.error());
  return cmd.print(versions_json(*info));
}

int promote_cmd(CliContext& ctx) {
  Command cmd{ctx, "promote", kPromoteUsage};
  std::vector<std::string> args;
  if (int rc = positionals(cmd, args, 2); rc >= 0) return rc;
  if (args[1].empty() || args[1].size() > 6 || args[1].find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(args[1]) < 1)
    return cmd.usage_error("VERSION must be a whole number >= 1, got '" + args[1] + "'");
  auto store = cmd.store();
  if (!store) return cmd.failed(store.error());
  auto info = models::promote(**store, cmd.scope(), args[0], std::stoi(args[1]));
  if (!info) return cmd.failed(info.error());
  return cmd.print(info->summary_json());
}

int rollback_cmd(CliContext& ctx) {
  Command cmd{ctx, "rollback", kRollbackUsage};
  std::vector<std::string> args;
  if (int rc = positionals(cmd, args, 1); rc >= 0) return rc;
  auto store = cmd.store();
  if (!store) return cmd.failed(store.error());
  auto info = models::rollback(**store, cmd.scope(), args[0]);
  if (!info) return cmd.failed(info.error());
  return cmd.print(info->summary_json());
}

// ---- predict ----

constexpr const char* kPredictUsage =
    "usage: roundhouse ml predict NAME [ENTITY...] [--as-of T] [--known-at T] [--version V] [--no-record]\n"
    "\n"
    "Applies the promoted (or --version) version of model NAME to the entities (default: every\n"
    "entity its feature extractor describes) and records each prediction as a PredictionMade event\n"
    "on the stream prediction/NAME (not with --no-record).\n";

int predict_cmd(CliContext& ctx) {
  Command cmd{ctx, "predict", kPredictUsage};
  models::PredictRequest r;
  ArgReader arg(ctx.args);
  while (arg.next()) {
    if (arg.is_help()) return cmd.help();
    const std::string opt = arg.name();
    if (!arg.is_option()) {
      (r.name.empty() ? r.name : r.entity_ids.emplace_back()) = opt;
      continue;
    }
    if (opt == "--no-record") {
      r.record = false;
      continue;
    }
    if (opt != "--as-of" && opt != "--known-at" && opt != "--version") return cmd.usage_error(arg.unknown().message);
    auto v = arg.value();
    if (!v) return cmd.usage_error(opt + " needs a value");
    if (opt == "--version") {
      if (v->empty() || v->size() > 6 || v->find_first_not_of("0123456789") != std::string::npos || std::stoi(*v) < 1)
        return cmd.usage_error("--version must be a whole number >= 1");
      r.version = std::stoi(*v);
      continue;
    }
    auto t = http::time_param(opt, *v);
    if (!t) return cmd.usage_error(t.error().message);
    (opt == "--as-of" ? r.as_of : r.known_at) = *t;
  }
  if (r.name.empty()) return cmd.usage_error("give the model name");
  auto store = cmd.store();
  if (!store) return cmd.failed(store.error());
  auto out = models::predict(*ctx.registry, **store, cmd.scope(), r);
  if (!out) return cmd.failed(out.error());
  return cmd.print(out->to_json());
}

}  // namespace

std::vector<MlSubcommand> model_subcommands() {
  return {
      {"train", "train a new version of a model from the store (progress on stderr)", &train},
      {"models", "list model types and trained models", &models_cmd},
      {"versions", "every version of a model with metrics and training data range", &versions_cmd},
      {"promote", "serve a version of a model", &promote_cmd},
      {"rollback", "serve the previously promoted version again", &rollback_cmd},
      {"predict", "predict with a model's promoted version; records PredictionMade events", &predict_cmd},
  };
}

}  // namespace roundhouse::ml::cli
