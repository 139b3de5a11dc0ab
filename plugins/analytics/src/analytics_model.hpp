#pragma once
// The analytics read model: the fact tables, the plugin-registered KPI calculators and a result
// cache, run by the host's ProjectionEngine as projection "analytics" (one instance per tenant,
// fed in position order). Every analytics endpoint is a query() of this model; `op` names the
// question (kpis, kpi, timeseries, dashboard, summary, top, definitions).
//
// Incremental: apply() folds one event into the facts and the calculators and clears the cache,
// so a result is computed once per question between two events.
// Persistence: the facts are rebuilt from the log at start (save_state() writes no snapshot and
// restore_state() declines it, which makes the engine replay from position 0).
// Thread-safety: as Projection — apply() exclusive, query() concurrent; the cache has its own lock.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "evaluator.hpp"
#include "roundhouse/projections/projection.hpp"

namespace roundhouse::analytics {

struct ExternalKpi {
  std::string name, provider;
  KpiDefinition definition;
};

class AnalyticsModel final : public Projection {
 public:
  AnalyticsModel(Settings settings, const std::vector<ExternalKpi>& externals);

  static constexpr const char* kName = "analytics";
  std::string name() const override { return kName; }
  EventFilter filter() const override;
  Status apply(const RecordedEvent& event) override;
  boost::json::value save_state() const override;
  Status restore_state(const boost::json::value& state) override;
  Result<boost::json::value> query(const boost::json::object& params) const override;

  const FactStore& facts() const { return facts_; }

 private:
  Result<boost::json::value> answer(const AnalyticsQuery& q) const;
  boost::json::object summary() const;

  Settings settings_;
  FactStore facts_;
  std::vector<std::pair<EventFilter, std::unique_ptr<KpiCalculator>>> calculators_;
  std::vector<KpiRef> catalogue_;
  Position position_ = 0;
  mutable std::mutex cache_mu_;
  mutable std::map<std::string, boost::json::value> cache_;
};

}  // namespace roundhouse::analytics
