// roundhouse_ml_bench: feature extraction over the demo fleet (benchmark id ml.features).
//
// Writes the demo history (--size 1m: ~1M events) into a memory: store, then times each built-in
// fleet extractor over the whole log (one row per entity, as of the end of the history, as known
// now), median of --repetitions runs. The events are already in the store's memory, so the time is
// extraction itself: the filtered read, payload decoding, the as-of sweep. Prints JSON.
// --events-csv writes the vehicle extractor's input events flattened (for the pandas baseline,
// benchmarks/ml_features_bench.py) and --matrix-csv its output (to check the two agree).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <fstream>
#include <iostream>

#include <boost/json/parse.hpp>

#include "demo/demo_config.hpp"
#include "demo/demo_runner.hpp"
#include "fleet_plugin.hpp"
#include "ml_plugin.hpp"
#include "roundhouse/core/json_text.hpp"
#include "roundhouse/ml/features.hpp"
#include "storage_memory.hpp"

namespace rh = roundhouse;

namespace {

// CPU time of the calling thread: extraction runs on it, and on a shared machine wall time
// also counts the waits for a core.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string csv_number(const boost::json::value* v) {
  if (!v || v->is_null()) return "";
  std::string s;
  rh::append_json_number(s, v->to_number<double>());
  return s;
}

void write_events_csv(rh::EventStore& store, const std::string& file) {
  std::ofstream out(file);
  out << "position,stream_type,stream_id,type,occurred,recorded,vehicle_id,odometer_km,quantity,unit_cost,hours\n";
  rh::ReadAllOptions o;
  o.filter.aggregate_types = {"vehicle", "failure", "workorder"};
  (void)store.read_all(o, [&](const rh::RecordedEvent& e) {
    auto p = e.payload_json().as_object();
    auto str = [&](const char* k) { return p.contains(k) ? std::string(p.at(k).as_string()) : std::string(); };
    out << e.position << ',' << e.stream.type << ',' << e.stream.id << ',' << e.type << ',' << e.occurred_at << ','
        << e.recorded_at << ',' << str("vehicle_id") << ',' << csv_number(p.if_contains("odometer_km")) << ','
        << csv_number(p.if_contains("quantity")) << ',' << csv_number(p.if_contains("unit_cost")) << ','
        << csv_number(p.if_contains("hours")) << '\n';
    return true;
  });
}

void write_matrix_csv(const rh::ml::FeatureMatrix& m, const std::string& file) {
  std::ofstream out(file);
  out << "entity_id";
  for (const auto& c : m.schema.columns) out << ',' << c.name;
  out << '\n';
  for (std::size_t r = 0; r < m.rows(); ++r) {
    std::string line = m.entity_ids[r];
    for (std::size_t c = 0; c < m.cols(); ++c) {
      line += ',';
      if (std::isfinite(m.at(r, c))) rh::append_json_number(line, m.at(r, c));
    }
    out << line << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string size = "1m", events_csv, matrix_csv;
  int repetitions = 3;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--size") size = next();
    else if (a == "--repetitions") repetitions = std::max(1, std::stoi(next()));
    else if (a == "--events-csv") events_csv = next();
    else if (a == "--matrix-csv") matrix_csv = next();
    else {
      std::cerr << "usage: roundhouse_ml_bench [--size small|1m] [--repetitions N] [--events-csv F] [--matrix-csv F]\n";
      return 2;
    }
  }
  rh::Registry registry;
  if (!rh::plugins::register_storage_memory(registry) || !rh::plugins::register_fleet(registry) ||
      !rh::plugins::register_ml(registry)) {
    std::cerr << "roundhouse_ml_bench: plugin registration failed\n";
    return 1;
  }
  auto store = registry.open_store("memory:").value();
  auto config = rh::fleet::demo::make_demo_config(size);
  if (!config) {
    std::cerr << "roundhouse_ml_bench: " << config.error().message << "\n";
    return 2;
  }
  rh::fleet::demo::DemoRunOptions demo;
  demo.config = *config;
  demo.tenant = "default";
  auto summary = rh::fleet::demo::run_demo(demo, store, &registry);
  if (!summary) {
    std::cerr << "roundhouse_ml_bench: demo: " << summary.error().message << "\n";
    return 1;
  }
  // As of the end of the simulated history, as known now (the demo back-fills its history).
  rh::Timestamp last_occurred = 0;
  (void)store->read_all(rh::ReadAllOptions{}, [&](const rh::RecordedEvent& e) {
    last_occurred = std::max(last_occurred, e.occurred_at);
    return true;
  });
  rh::ml::FeatureRequest request;
  request.as_of = {last_occurred};
  request.known_at = rh::now_micros();

  boost::json::object out{{"size", size}, {"events", store->head_position().value()},
                          {"as_of", rh::format_timestamp(last_occurred)}, {"repetitions", repetitions}};
  {
    // What the vehicle extractor's filtered read alone costs (the store's part).
    std::vector<double> cpu;
    for (int r = 0; r < repetitions; ++r) {
      rh::ReadAllOptions o;
      o.filter.aggregate_types = {"vehicle", "failure", "workorder"};
      std::size_t bytes = 0;
      const double c0 = thread_cpu_seconds();
      (void)store->read_all(o, [&](const rh::RecordedEvent& e) {
        bytes += e.payload.size();
        return true;
      });
      cpu.push_back(thread_cpu_seconds() - c0);
    }
    std::sort(cpu.begin(), cpu.end());
    out["read_only_cpu_s"] = cpu[cpu.size() / 2];
  }
  for (const char* name : {"vehicle", "work-order", "inventory"}) {
    std::vector<double> runs, cpu_runs;
    rh::ml::FeatureMatrix m;
    // One untimed call first (first-touch page faults, lazily built lookups), as the Python bench.
    (void)rh::ml::extract_features(registry, *store, name, request);
    for (int r = 0; r < repetitions; ++r) {
      const double c0 = thread_cpu_seconds();
      const auto t0 = std::chrono::steady_clock::now();
      auto result = rh::ml::extract_features(registry, *store, name, request);
      const auto t1 = std::chrono::steady_clock::now();
      cpu_runs.push_back(thread_cpu_seconds() - c0);
      if (!result) {
        std::cerr << "roundhouse_ml_bench: " << name << ": " << result.error().message << "\n";
        return 1;
      }
      runs.push_back(std::chrono::duration<double>(t1 - t0).count());
      m = std::move(result).value();
    }
    auto sorted = runs;
    std::sort(sorted.begin(), sorted.end());
    boost::json::array js;
    for (double s : runs) js.emplace_back(s);
    std::sort(cpu_runs.begin(), cpu_runs.end());
    out[name] = {{"median_s", sorted[sorted.size() / 2]}, {"runs_s", std::move(js)},
                 {"median_cpu_s", cpu_runs[cpu_runs.size() / 2]}, {"rows", m.rows()},
                 {"cols", m.cols()}};
    if (std::string(name) == "vehicle" && !matrix_csv.empty()) write_matrix_csv(m, matrix_csv);
  }
  if (!events_csv.empty()) write_events_csv(*store, events_csv);
  out["known_at"] = rh::format_timestamp(request.known_at.value());
  out["as_of_micros"] = last_occurred;
  out["known_at_micros"] = request.known_at.value();
  std::cout << rh::to_json_text(out) << "\n";
  return 0;
}
