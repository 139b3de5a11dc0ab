#include "cli/ml_command.hpp"

#include <ostream>

namespace roundhouse::ml::cli {

std::vector<MlSubcommand> ml_subcommands() {
  std::vector<MlSubcommand> out{
      features_subcommand(),
      import_cmapss_subcommand(),
      evaluate_cmapss_subcommand(),
  };
  for (auto& s : model_subcommands()) out.push_back(std::move(s));
  out.push_back(rescore_subcommand());
  return out;
}

namespace {

std::string usage() {
  std::string text = "usage: roundhouse ml <command> [options]   (roundhouse ml <command> --help)\n\ncommands:\n";
  for (const auto& s : ml_subcommands()) {
    text += "  " + s.name;
    text += std::string(s.name.size() < 16 ? 16 - s.name.size() : 1, ' ');
    text += s.summary + "\n";
  }
  return text;
}

int run(CliContext& ctx) {
  if (ctx.args.empty() || ctx.args[0] == "--help" || ctx.args[0] == "-h") {
    (ctx.args.empty() ? *ctx.err : *ctx.out) << usage();
    return ctx.args.empty() ? 2 : 0;
  }
  const std::string name = ctx.args[0];
  for (const auto& s : ml_subcommands())
    if (s.name == name) {
      ctx.args.erase(ctx.args.begin());
      return s.run(ctx);
    }
  *ctx.err << "roundhouse ml: unknown command '" << name << "' (see roundhouse ml --help)\n";
  return 2;
}

}  // namespace

CliCommand ml_command() {
  return CliCommand{"ml", "machine learning: features, condition data import, model training, registry and predictions", usage(), &run};
}

}  // namespace roundhouse::ml::cli
