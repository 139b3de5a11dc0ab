#pragma once
// Scheduled re-scoring: every `interval`, each chosen model's promoted version predicts every
// entity its feature extractor describes now, and each prediction is recorded as PredictionMade
// (serving.hpp). Off unless started; `roundhouse ml rescore` runs it as a worker process.
//
// Thread-safety: start()/stop() from one owner thread; stop() wakes the sleeping worker at once
// and joins it (a pass in progress finishes its current model first). The destructor stops.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/object.hpp>

#include "models/model_registry.hpp"

namespace roundhouse {
class Registry;
}

namespace roundhouse::ml::models {

struct RescoreOptions {
  std::vector<std::string> models;  // empty: every model of the tenant with a promoted version
  std::chrono::seconds interval{3600};
  RegistryScope scope;              // tenant and actor of the recorded predictions
};

struct RescoreReport {
  Timestamp at = 0;
  std::size_t models = 0, predictions = 0;
  std::vector<std::string> errors;  // "<model>: <message>", one per model that failed
};

// A pass as one JSON object: {at, models, predictions, errors} or {error}.
boost::json::object rescore_report_json(const Result<RescoreReport>& report);

// A time between passes: "90s", "15m", "6h" or plain seconds (a count from 1 to 10,000,000).
Result<std::chrono::seconds> parse_rescore_interval(const std::string& text);

// One pass now. Errors of single models are collected in the report (one broken model does not
// stop the others); only failing to list the models is an error.
Result<RescoreReport> rescore_once(const Registry& registry, EventStore& store, const RescoreOptions& options);

class Rescorer {
 public:
  using PassCallback = std::function<void(const Result<RescoreReport>&)>;
  Rescorer(const Registry& registry, std::shared_ptr<EventStore> store, RescoreOptions options,
           PassCallback on_pass = {});
  ~Rescorer();
  Rescorer(const Rescorer&) = delete;
  Rescorer& operator=(const Rescorer&) = delete;

  void start();  // first pass at once, then one every interval
  void stop();   // idempotent
  std::size_t passes() const;

 private:
  void run();
  const Registry& registry_;
  std::shared_ptr<EventStore> store_;
  RescoreOptions options_;
  PassCallback on_pass_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::size_t passes_ = 0;
  std::thread thread_;
};

}  // namespace roundhouse::ml::models
