// `roundhouse serve`: start plugins, open the store, serve HTTP until SIGTERM/SIGINT, then drain
// in-flight requests, close the store (every accepted append durable) and stop the plugins.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <thread>

#include "auth.hpp"
#include "cli.hpp"
#include "dispatcher.hpp"
#include "handlers.hpp"
#include "http_server.hpp"
#include "log.hpp"
#include "projections.hpp"
#include "runtime.hpp"
#include "serving_tasks.hpp"

namespace roundhouse::host {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// Each open event stream costs a subscription thread while it is catching up or live.
constexpr std::size_t kMaxEventStreams = 256;

// Written via a temporary file and a rename, so a reader never sees a half-written port.
bool write_port_file(const fs::path& file, unsigned short port) {
  const fs::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!(out << port << "\n")) return false;
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  return !ec;
}

// Blocks SIGINT/SIGTERM in this thread and every thread started after it, so the main thread can
// receive them synchronously with sigwait() instead of in an async signal handler.
sigset_t block_shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int cmd_serve(const std::vector<std::string>& args) {
  po::options_description opts("Serve options");
  opts.add_options()
      ("listen", po::value<std::string>()->value_name("HOST:PORT"),
       "address to serve on (default 127.0.0.1:8080; port 0 picks a free port); env ROUNDHOUSE_LISTEN")
      ("port-file", po::value<std::string>()->value_name("FILE"), "write the bound port to FILE once listening");
  ConfigFlags flags;
  auto vm = parse_command("serve", "roundhouse serve [--config FILE] [--store URI] [--listen HOST:PORT] [--plugins DIR]",
                          "Serves the REST API, /health and /metrics until SIGTERM or SIGINT.", opts, args, flags);
  if (!vm) return kExitOk;
  auto config = load_command_config("serve", flags, false);
  if (!config) return kExitFailure;

  const sigset_t signals = block_shutdown_signals();
  ::signal(SIGPIPE, SIG_IGN);

  Runtime rt;
  if (auto st = rt.load_plugins(*config); !st) {
    Log::error("cannot load plugins", {{"error", st.message()}});
    return kExitFailure;
  }
  std::shared_ptr<EventStore> store;
  if (auto opened = rt.open_store(*config); opened) {
    store = *opened;
  } else {
    Log::error("cannot open the store", {{"store", redacted_store_uri(config->store)}, {"error", opened.error().message}});
    return kExitFailure;
  }

  std::string generated_admin_key;  // for the dashboard link below, only when the host made the key
  if (config->api_keys.empty() && config->jwt_secret.empty()) {
    auto admin = ensure_admin_key(config->data_dir);
    if (!admin) {
      Log::error("no credentials configured and cannot create an admin key", {{"error", admin.error().message}});
      return kExitFailure;
    }
    config->api_keys.push_back({admin->key, "admin", "default", {"admin"}});
    generated_admin_key = admin->key;
    Log::info(admin->generated ? "generated an admin API key (no auth configured)"
                               : "using the admin API key from the data folder (no auth configured)",
              {{"tenant", "default"}, {"key", admin->key}, {"file", admin->file.string()},
               {"usage", "Authorization: Bearer " + admin->key}});
  }

  auto ctx = std::make_shared<AppContext>();
  ctx->store = store;
  ctx->registry = &rt.registry();
  ctx->plugins = &rt.plugins();
  ctx->metrics = std::make_shared<Metrics>();
  ctx->streams = std::make_shared<LiveStreams>(kMaxEventStreams);
  auto projections = start_projections(rt.registry(), store);
  ctx->projections = projections.get();
  ctx->services = Services{store, projections.get(), &rt.registry()};

  Router router;
  if (auto st = add_system_routes(router, ctx); !st) throw std::logic_error(st.message());
  if (auto st = add_event_routes(router, ctx); !st) throw std::logic_error(st.message());
  if (auto st = add_projection_routes(router, ctx); !st) throw std::logic_error(st.message());
  if (auto st = add_time_travel_routes(router, ctx); !st) throw std::logic_error(st.message());
  if (auto st = add_audit_routes(router, ctx); !st) throw std::logic_error(st.message());
  add_plugin_routes(router, ctx);

  // The plugins' work for as long as this host serves, for the tenants its API keys name.
  std::vector<std::string> tenants;
  for (const auto& k : config->api_keys) tenants.push_back(k.tenant);
  ServingTasks tasks(rt.registry(), ctx->services, std::move(tenants));
  tasks.start();

  auto auth = std::make_shared<const Authenticator>(config->api_keys, config->jwt_secret, config->jwt_leeway);
  auto dispatcher = std::make_shared<Dispatcher>(std::move(router), auth, ctx->metrics, config->access_log);
  HttpServer server({config->listen, config->threads, config->max_body_bytes}, dispatcher);
  auto bound = server.start();
  if (!bound) {
    Log::error("cannot listen", {{"error", bound.error().message}});
    tasks.stop();
    rt.shutdown();
    return kExitFailure;
  }
  if (vm->count("port-file") && !write_port_file((*vm)["port-file"].as<std::string>(), bound->port())) {
    Log::error("cannot write the port file", {{"file", (*vm)["port-file"].as<std::string>()}});
    server.shutdown(std::chrono::milliseconds(0));
    tasks.stop();
    rt.shutdown();
    return kExitFailure;
  }
  const std::string address = bound->address().to_string();
  const std::string host_part = bound->address().is_v6() ? "[" + address + "]" : address;
  Log::info("listening", {{"address", address},
                          {"port", bound->port()},
                          {"url", "http://" + host_part + ":" + std::to_string(bound->port())},
                          {"pid", static_cast<std::int64_t>(::getpid())},
                          {"threads", config->threads},
                          {"store", redacted_store_uri(config->store)},
                          {"plugin_dir", rt.plugin_dir().string()},
                          {"auth", boost::json::object{{"api_keys", auth->key_count()}, {"jwt", auth->accepts_jwt()}}}});
  // One click for the operator of an unconfigured server: the web dashboard (when a plugin serves
  // "/") with the admin key in the URL fragment, which browsers never send to the server.
  if (!generated_admin_key.empty() && rt.registry().routes.find("GET /"))
    Log::info("dashboard", {{"url", "http://" + host_part + ":" + std::to_string(bound->port()) +
                                        "/#key=" + generated_admin_key}});

  int sig = 0;
  sigwait(&signals, &sig);
  Log::info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  // A second signal while draining means "now": exit without waiting any further.
  std::thread([signals] {
    int again = 0;
    sigwait(&signals, &again);
    Log::warn("second signal: exiting without draining");
    ::_exit(kExitFailure);
  }).detach();

  ctx->draining = true;
  const std::size_t cut_off = server.shutdown(config->shutdown_timeout);
  if (cut_off > 0) Log::warn("requests cut off by the shutdown timeout", {{"requests", cut_off}});
  ctx->streams->shutdown();  // every event stream ended with the server: stop their subscriptions
  tasks.stop();
  if (projections) projections->stop();
  store->close();  // every accepted append is durable from here on
  // Drop the host's references so the runtime releases the store before it stops the plugins.
  projections.reset();
  ctx->projections = nullptr;
  ctx->store.reset();
  ctx->services = {};
  store.reset();
  rt.shutdown();
  Log::info("stopped");
  return kExitOk;
}

}  // namespace roundhouse::host
