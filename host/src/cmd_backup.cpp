// `roundhouse backup` and `roundhouse restore`: a whole store into one file and back, in the
// backend's own format (see roundhouse/storage/store_admin.hpp and the storage plugin READMEs).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli.hpp"
#include "roundhouse/cli/progress.hpp"
#include "roundhouse/storage/store_admin.hpp"
#include "runtime.hpp"

namespace roundhouse::host {
namespace po = boost::program_options;

namespace {

// A progress bar drawn on a terminal once the total is known (pg_dump's is not: no bar).
class TransferBar {
 public:
  explicit TransferBar(std::string label) : label_(std::move(label)), draw_(::isatty(STDERR_FILENO) == 1) {}
  TransferProgress callback() {
    return [this](std::uint64_t done, std::uint64_t total) {
      if (total == 0) return;
      if (!bar_) bar_.emplace(std::cerr, label_, total, draw_);
      bar_->set(done);
    };
  }
  void finish() {
    if (bar_) bar_->finish();
  }

 private:
  std::string label_;
  bool draw_;
  std::optional<ProgressBar> bar_;
};

std::string size_text(const std::filesystem::path& file) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(file, ec);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(ec ? 0 : bytes) / 1e6);
  return buf;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string file_option(const po::variables_map& vm, const char* name) {
  if (!vm.count(name) || vm[name].as<std::string>().empty())
    throw UsageError(std::string("--") + name + " FILE is required");
  return vm[name].as<std::string>();
}

}  // namespace

int cmd_backup(const std::vector<std::string>& args) {
  po::options_description opts("Backup options");
  opts.add_options()("to", po::value<std::string>()->value_name("FILE"), "the backup file to write (must not exist)");
  ConfigFlags flags;
  auto vm = parse_command(
      "backup", "roundhouse backup [--store URI] --to FILE",
      "Writes a consistent copy of the store into FILE while hosts keep running: a SQLite database file\n"
      "(online backup API) for sqlite: stores, a pg_dump custom-format archive of the store's schema\n"
      "for postgresql:// stores. FILE appears only when complete; an existing FILE is refused.",
      opts, args, flags);
  if (!vm) return kExitOk;
  const std::filesystem::path file = file_option(*vm, "to");
  auto config = load_command_config("backup", flags, true);
  if (!config) return kExitFailure;
  Runtime rt;
  if (auto st = rt.load_plugins(*config); !st) {
    print_error("backup", st.message());
    return kExitFailure;
  }
  const auto start = std::chrono::steady_clock::now();
  TransferBar bar("backup");
  auto st = rt.registry().backup_store(config->store, file, bar.callback());
  bar.finish();
  if (!st) {
    print_error("backup", st.message());
    return kExitFailure;
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s", seconds_since(start));
  std::cout << "backed up " << redacted_store_uri(config->store) << " to " << file.string() << " ("
            << size_text(file) << ") in " << seconds << std::endl;
  return kExitOk;
}

int cmd_restore(const std::vector<std::string>& args) {
  po::options_description opts("Restore options");
  opts.add_options()
      ("from", po::value<std::string>()->value_name("FILE"), "the backup file (from roundhouse backup)")
      ("force", "replace a store that already holds events");
  ConfigFlags flags;
  auto vm = parse_command(
      "restore", "roundhouse restore --from FILE [--store URI] [--force]",
      "Puts a backup made by `roundhouse backup` into the store, then verifies its hash chain.\n"
      "A store that holds events is refused unless --force; the replacement is one transaction\n"
      "(nothing changes when it fails). Stop hosts using the store first. A SQLite backup restores\n"
      "to sqlite: stores, a PostgreSQL one to postgresql:// stores with the same schema name;\n"
      "`roundhouse migrate` moves a store between backends.",
      opts, args, flags);
  if (!vm) return kExitOk;
  const std::filesystem::path file = file_option(*vm, "from");
  RestoreOptions options;
  options.force = vm->count("force") > 0;
  auto config = load_command_config("restore", flags, true);
  if (!config) return kExitFailure;
  Runtime rt;
  if (auto st = rt.load_plugins(*config); !st) {
    print_error("restore", st.message());
    return kExitFailure;
  }
  const auto start = std::chrono::steady_clock::now();
  TransferBar bar("restore");
  auto restored = rt.registry().restore_store(file, config->store, options, bar.callback());
  bar.finish();
  if (!restored) {
    print_error("restore", restored.error().message);
    return kExitFailure;
  }
  auto store = rt.open_store(*config);
  if (!store) {
    print_error("restore", "restored, but the store does not open: " + store.error().message);
    return kExitFailure;
  }
  auto chain = (*store)->verify_chain();
  if (!chain || !chain->ok) {
    print_error("restore", "restored, but the hash chain does not verify: " +
                               (chain ? chain->reason : chain.error().message));
    return kExitFailure;
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s", seconds_since(start));
  std::cout << "restored " << file.string() << " into " << redacted_store_uri(config->store) << ": "
            << chain->events_checked << " events, head position " << chain->last_position << ", hash chain verified";
  if (restored->replaced_events > 0) std::cout << " (replaced " << restored->replaced_events << " events)";
  std::cout << " in " << seconds << std::endl;
  return kExitOk;
}

}  // namespace roundhouse::host
