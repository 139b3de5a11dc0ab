// roundhouse_analytics_bench: the analytics plugin's rows (kpi.incremental, dashboard.<name>,
// kpi.all); benchmarks/analytics_bench.py runs it beside the pandas baseline and makes the rows.
//
//   roundhouse_analytics_bench [--demo-size=10m|1m|small] [--work-orders=N] [--export=DIR] [--reps=N]
//
// 1. The demo fleet of --demo-size is generated in memory (the `roundhouse demo` simulation) and
//    applied to the analytics model in batches: kpi.incremental = apply time per event, beside a
//    parse-only pass over the same payloads (the JSON decoding every consumer pays).
// 2. Each dashboard is asked --reps times over that model, each time with a different `limit` so
//    no answer comes from the cache: the time of a full computation.
// 3. A synthetic history with --work-orders work orders is applied to a second model; kpi.all is
//    a `kpis` query (all KPIs, current and previous period) over its whole five years; the fact
//    tables are written to --export for the pandas baseline.
// Prints one JSON object on stdout.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "analytics/export_facts.hpp"
#include "analytics/synthetic_fleet.hpp"
#include "analytics_model.hpp"
#include "demo/demo_config.hpp"
#include "demo/simulation.hpp"

namespace json = boost::json;
namespace rh = roundhouse;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU time of this thread: on a shared machine, what the work itself cost apart from waiting.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct Feeder {  // applies events in batches, timing the apply and a parse-only pass separately
  rh::analytics::AnalyticsModel& model;
  std::vector<rh::RecordedEvent> batch;
  double apply_s = 0, parse_s = 0;
  std::uint64_t events = 0, checksum = 0;
  void add(rh::RecordedEvent e) {
    batch.push_back(std::move(e));
    if (batch.size() == 65536) drain();
  }
  void drain() {
    auto t = Clock::now();
    for (const auto& e : batch) checksum += json::parse(e.payload).as_object().size();
    parse_s += seconds_since(t);
    t = Clock::now();
    for (const auto& e : batch)
      if (!model.apply(e)) throw std::runtime_error("apply failed at " + std::to_string(e.position));
    apply_s += seconds_since(t);
    events += batch.size();
    batch.clear();
  }
};

json::object ask(const rh::analytics::AnalyticsModel& m, json::object params) {
  auto r = m.query(params);
  if (!r) throw std::runtime_error(r.error().message);
  return r->as_object();
}

}  // namespace

int main(int argc, char** argv) {
  std::string demo_size = "10m", export_dir;
  std::uint64_t work_orders = 5'000'000;
  int reps = 5;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.starts_with("--demo-size=")) demo_size = a.substr(12);
    else if (a.starts_with("--work-orders=")) work_orders = std::stoull(a.substr(14));
    else if (a.starts_with("--export=")) export_dir = a.substr(9);
    else if (a.starts_with("--reps=")) reps = std::stoi(a.substr(7));
    else {
      std::cerr << "usage: roundhouse_analytics_bench [--demo-size=10m|1m|small] [--work-orders=N] [--export=DIR] [--reps=N]\n";
      return 2;
    }
  }
  json::object out;
  try {
    // 1. kpi.incremental over the demo fleet.
    auto config = rh::fleet::demo::make_demo_config(demo_size);
    if (!config) throw std::runtime_error(config.error().message);
    rh::analytics::AnalyticsModel demo_model({}, {});
    Feeder feed{demo_model};
    rh::Position pos = 0;
    rh::fleet::demo::FleetSimulation sim(*config);
    auto st = sim.run([&](rh::fleet::demo::DemoEvent&& d) -> rh::Status {
      rh::RecordedEvent e;
      e.position = ++pos;
      e.stream = std::move(d.stream);
      e.type = std::move(d.event.type);
      e.occurred_at = e.recorded_at = d.event.occurred_at;
      e.payload = json::serialize(d.event.payload);
      e.metadata = "{}";
      feed.add(std::move(e));
      return {};
    });
    if (!st) throw std::runtime_error(st.message());
    feed.drain();
    out["incremental"] = {{"demo_size", demo_size}, {"events", feed.events},
                          {"apply_us_per_event", feed.apply_s * 1e6 / static_cast<double>(feed.events)},
                          {"parse_us_per_event", feed.parse_s * 1e6 / static_cast<double>(feed.events)},
                          {"rebuild_seconds", feed.apply_s}};

    // 2. dashboard.<name>, uncached.
    json::object dashboards;
    for (const char* name : {"executive", "operations", "maintenance", "inventory"}) {
      std::vector<double> ms, cpu_ms;
      for (int r = 0; r < reps; ++r) {
        const auto t = Clock::now();
        const double c = thread_cpu_seconds();
        auto d = ask(demo_model, {{"op", "dashboard"}, {"name", name}, {"limit", std::to_string(10 + r)}});
        cpu_ms.push_back((thread_cpu_seconds() - c) * 1e3);
        ms.push_back(seconds_since(t) * 1e3);
        if (d.at("kpis").as_array().empty()) throw std::runtime_error("empty dashboard");
      }
      dashboards[name] = {{"ms_median", median(ms)}, {"runs_ms", json::value_from(ms)},
                          {"cpu_ms_median", median(cpu_ms)}};
    }
    out["dashboards"] = std::move(dashboards);

    // 3. kpi.all over the synthetic history.
    rh::analytics::AnalyticsModel big({}, {});
    const auto t = Clock::now();
    std::uint64_t applied = 0;
    rh::bench::synthetic_fleet(work_orders, [&](const rh::RecordedEvent& e) {
      if (!big.apply(e)) throw std::runtime_error("apply failed");
      ++applied;
    });
    const double build_s = seconds_since(t);
    std::vector<double> runs;
    json::object answer;
    for (int r = 0; r < reps; ++r) {
      const auto t0 = Clock::now();
      // A different `limit` each time (it does not change the answer) so the cache never answers.
      auto a = ask(big, {{"op", "kpis"}, {"from", "2021-01-01"}, {"to", "2026-01-01T00:00:00Z"}, {"limit", std::to_string(10 + r)}});
      runs.push_back(seconds_since(t0));
      if (r == 0) answer = std::move(a);
    }
    json::object values;
    for (const auto& k : answer.at("kpis").as_array()) values[k.at("name").as_string()] = k.at("value");
    out["kpi_all"] = {{"work_orders", big.facts().work_orders().size()}, {"events", applied},
                      {"vehicles", big.facts().vehicles().size()}, {"build_seconds", build_s},
                      {"seconds_median", median(runs)}, {"runs_s", json::value_from(runs)},
                      {"window", {{"from", "2021-01-01T00:00:00Z"}, {"to", "2026-01-01T00:00:00Z"}}},
                      {"values", std::move(values)}};
    if (!export_dir.empty()) rh::bench::export_facts(big.facts(), export_dir);
  } catch (const std::exception& e) {
    std::cerr << "roundhouse_analytics_bench: " << e.what() << "\n";
    return 1;
  }
  std::cout << json::serialize(out) << "\n";
  return 0;
}
