// `roundhouse migrate --from URI --to URI`: copies a store's log as is into another store (e.g.
// SQLite to PostgreSQL), resumable and verified; see roundhouse/storage/migrate.hpp.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>

#include "cli.hpp"
#include "interrupt.hpp"
#include "roundhouse/cli/progress.hpp"
#include "roundhouse/storage/migrate.hpp"
#include "runtime.hpp"

namespace roundhouse::host {
namespace po = boost::program_options;

namespace {

std::string store_uri_option(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) throw UsageError(std::string("--") + name + " URI is required");
  const auto uri = vm[name].as<std::string>();
  if (uri.find(':') == std::string::npos)
    throw UsageError(std::string("--") + name + " '" + uri + "' is not a store URI (e.g. sqlite:FILE or postgresql://...)");
  return uri;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

}  // namespace

int cmd_migrate(const std::vector<std::string>& args) {
  po::options_description opts("Migrate options");
  opts.add_options()
      ("from", po::value<std::string>()->value_name("URI"), "the store to copy (not changed)")
      ("to", po::value<std::string>()->value_name("URI"),
       "the store to copy into: new, empty, or holding an earlier, interrupted copy")
      ("batch", po::value<std::size_t>()->default_value(5000)->value_name("N"), "events per target transaction");
  ConfigFlags flags;
  auto vm = parse_command(
      "migrate", "roundhouse migrate --from URI --to URI [--batch N]",
      "Copies every event of one store into another as is: same positions, versions, ids, times and\n"
      "chain hashes. Run it again after an interruption (Ctrl-C, a kill, a lost connection) and it\n"
      "continues where the target ends. A target holding other events is refused and left as it is.\n"
      "At the end it verifies counts, head positions and the target's hash chain against the source.\n"
      "Projection checkpoints and snapshots are not copied: hosts on the target rebuild them.\n"
      "Stop writers to the source before the final run (or run again to copy what they appended).",
      opts, args, flags);
  if (!vm) return kExitOk;
  if (flags.store) throw UsageError("--store does not apply to migrate (use --from and --to)");
  const auto from = store_uri_option(*vm, "from");
  const auto to = store_uri_option(*vm, "to");
  MigrationOptions options;
  options.batch_size = (*vm)["batch"].as<std::size_t>();
  if (options.batch_size < 1 || options.batch_size > 100000) throw UsageError("--batch must be 1..100000");

  auto config = load_command_config("migrate", flags, true);
  if (!config) return kExitFailure;
  Runtime rt;
  if (auto st = rt.load_plugins(*config); !st) {
    print_error("migrate", st.message());
    return kExitFailure;
  }

  const bool draw = ::isatty(STDERR_FILENO) == 1;
  std::optional<ProgressBar> bar;
  options.progress = [&](const MigrationProgress& p) {
    if (!bar) bar.emplace(std::cerr, "migrate", p.total, draw);
    bar->set(p.done);
  };
  InterruptFlag interrupted;
  options.cancelled = [&] { return interrupted.raised(); };

  auto report = migrate_store(rt.registry(), from, to, options);
  if (bar) bar->finish();
  const std::string route = redacted_store_uri(from) + " -> " + redacted_store_uri(to);
  if (!report) {
    print_error("migrate", report.error().message);
    return kExitFailure;
  }
  if (report->cancelled) {
    print_error("migrate", "interrupted at position " + std::to_string(report->target_head) + " of " +
                               std::to_string(report->source_head) + "; run the same command again to continue");
    return kExitFailure;
  }
  const double rate = report->seconds > 0 ? static_cast<double>(report->copied) / report->seconds : 0.0;
  std::cout << "migrated " << route << ": " << report->target_head << " events (" << report->copied << " copied, "
            << report->resumed_after << " already there) in " << seconds_text(report->seconds) << ", "
            << static_cast<long long>(rate) << " events/s; verified: head position " << report->target_head
            << ", hash chain intact, tip " << hex(report->tip_hash).substr(0, 16) << std::endl;
  if (report->source_grew_by > 0)
    std::cerr << "roundhouse migrate: note: " << report->source_grew_by
              << " events were appended to the source meanwhile; run migrate again to copy them" << std::endl;
  return kExitOk;
}

}  // namespace roundhouse::host
