#include "models/rescorer.hpp"

#include "models/serving.hpp"

#include <boost/json/array.hpp>

#include "roundhouse/core/time.hpp"

namespace roundhouse::ml::models {

boost::json::object rescore_report_json(const Result<RescoreReport>& r) {
  if (!r) return {{"error", r.error().message}};
  boost::json::array errors;
  for (const auto& e : r->errors) errors.emplace_back(e);
  return {{"at", format_timestamp(r->at)}, {"models", r->models}, {"predictions", r->predictions},
          {"errors", std::move(errors)}};
}

Result<std::chrono::seconds> parse_rescore_interval(const std::string& text) {
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(text, &used);
  } catch (...) {
    used = 0;
  }
  const std::string unit = text.substr(used);
  const long long scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
  if (used == 0 || n < 1 || scale == 0 || n > 10'000'000)
    return Error{ErrorCode::invalid_argument, "'" + text + "' is not a duration like 90s, 15m, 6h"};
  return std::chrono::seconds(n * scale);
}

Result<RescoreReport> rescore_once(const Registry& registry, EventStore& store, const RescoreOptions& options) {
  RescoreReport report;
  report.at = now_micros();
  std::vector<std::string> names = options.models;
  if (names.empty()) {
    auto all = list_models(store, options.scope);
    if (!all) return all.error();
    for (const auto& m : *all)
      if (m.promoted()) names.push_back(m.name);
  }
  for (const auto& name : names) {
    PredictRequest r;
    r.name = name;
    r.as_of = report.at;
    r.known_at = report.at;
    auto out = predict(registry, store, options.scope, r);
    if (!out) {
      report.errors.push_back(name + ": " + out.error().message);
      continue;
    }
    ++report.models;
    report.predictions += out->recorded;
  }
  return report;
}

Rescorer::Rescorer(const Registry& registry, std::shared_ptr<EventStore> store, RescoreOptions options,
                   PassCallback on_pass)
    : registry_(registry), store_(std::move(store)), options_(std::move(options)), on_pass_(std::move(on_pass)) {}

Rescorer::~Rescorer() { stop(); }

void Rescorer::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Rescorer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t Rescorer::passes() const {
  std::lock_guard lock(mu_);
  return passes_;
}

void Rescorer::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    // A pass that throws (a model type's bug, a malformed record) is reported like a failed one:
    // it must not end the thread, which in `roundhouse serve` would end the server.
    Result<RescoreReport> report = Error{ErrorCode::internal, "the pass did not run"};
    try {
      report = rescore_once(registry_, *store_, options_);
    } catch (const std::exception& e) {
      report = Error{ErrorCode::internal, std::string("re-scoring threw: ") + e.what()};
    }
    if (on_pass_) on_pass_(report);
    lock.lock();
    ++passes_;
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

}  // namespace roundhouse::ml::models
