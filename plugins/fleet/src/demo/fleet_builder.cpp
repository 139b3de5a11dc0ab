// Draws the demo fleet: vehicle numbers, types, models, depots, ages, initial meters, the systems
// each vehicle has, and the expected parts demand that sizes the store's reorder points.
#include <cmath>
#include <cstdio>

#include "demo/simulation_state.hpp"

namespace roundhouse::fleet::demo {

std::string date_of(Timestamp t) { return format_timestamp(t).substr(0, 10); }

double round_to(double value, double step) { return std::round(value / step) * step; }

std::string padded(const char* prefix, std::uint64_t n, int width) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%0*llu", prefix, width, static_cast<unsigned long long>(n));
  return buf;
}

std::vector<PartNeed> preventive_needs(const Vehicle& v) {
  std::vector<PartNeed> needs = v.type->pm_parts;
  if (v.model->power == Power::diesel) {
    needs.push_back({"OIL-FILTER", 1, 2, 1.0});
    needs.push_back({"FUEL-FILTER", 1, 2, 1.0});
  } else if (v.model->power == Power::electric) {
    needs.push_back({"PANTO-STRIP", 1, 2, 0.5});
  }
  return needs;
}

std::vector<Vehicle> build_fleet(const DemoConfig& config, Rng& rng) {
  const auto& types = vehicle_types();
  std::vector<std::uint64_t> per_type(types.size(), 0);
  const int width = config.vehicles >= 10000 ? 5 : 4;
  const auto initial = static_cast<int>(std::ceil(config.vehicles * 0.94));  // the rest are delivered later
  std::vector<Vehicle> fleet(static_cast<std::size_t>(config.vehicles));
  for (int i = 0; i < config.vehicles; ++i) {
    Vehicle& v = fleet[static_cast<std::size_t>(i)];
    double u = rng.uniform(), acc = 0;
    std::size_t t = 0;
    for (; t + 1 < types.size(); ++t) {
      acc += types[t].share;
      if (u < acc) break;
    }
    v.type = &types[t];
    v.number = padded((std::string(v.type->prefix) + "-").c_str(), ++per_type[t], width);
    v.model = &v.type->models[static_cast<std::size_t>(rng.below(v.type->models.size()))];
    v.depot = static_cast<std::uint32_t>(rng.below(static_cast<std::uint64_t>(config.depots)));
    for (const auto& use : v.type->systems)
      v.systems.emplace_back(static_cast<std::uint32_t>(system_index(use.system)),
                             system_catalogue()[static_cast<std::size_t>(system_index(use.system))].scale_days * use.scale_factor);
    if (v.model->power != Power::hauled) {
      const char* extra = v.model->power == Power::diesel ? "engine" : "pantograph";
      const int s = system_index(extra);
      v.systems.emplace_back(static_cast<std::uint32_t>(s), system_catalogue()[static_cast<std::size_t>(s)].scale_days);
    }
    if (i < initial) {
      const double age_days = rng.uniform(0.05, 1.0) * v.type->max_age_years * 365.0;
      v.registered_at = config.start + (i + 1) * 1'000'000LL;
      v.commissioned_on = date_of(config.start - static_cast<Timestamp>(age_days) * kDay);
      v.odometer = round_to(age_days * v.type->annual_km / 365.0 * rng.uniform(0.8, 1.1), 0.1);
      v.last_pm = config.start - static_cast<Timestamp>(rng.uniform(0, v.type->pm_days)) * kDay;
      v.km_since_pm = rng.uniform(0, 0.9) * v.type->pm_km;
    } else {
      const auto day = rng.between(30, std::max<std::int64_t>(31, config.days * 8 / 10));
      v.registered_at = config.start + day * kDay + 10 * kHour + rng.between(0, 300) * kMinute;
      v.commissioned_on = date_of(v.registered_at);
      v.odometer = static_cast<double>(rng.between(50, 800));
      v.last_pm = v.registered_at;
    }
    if (v.model->power == Power::diesel) v.engine_hours = round_to(v.odometer / 55.0, 0.1);
  }
  return fleet;
}

std::vector<double> expected_daily_demand(const std::vector<Vehicle>& fleet) {
  std::vector<double> demand(part_catalogue().size(), 0.0);
  auto add = [&](const PartNeed& need, double per_day) {
    if (const int p = part_index(need.part); p >= 0)
      demand[static_cast<std::size_t>(p)] += per_day * need.probability * (need.qty_min + need.qty_max) / 2.0;
  };
  for (const auto& v : fleet) {
    for (const auto& [s, scale] : v.systems) {
      const auto& spec = system_catalogue()[s];
      const double per_day = 1.0 / (scale * std::tgamma(1.0 + 1.0 / spec.shape));
      for (const auto& need : spec.parts) add(need, per_day);
    }
    const double km_per_day = v.type->annual_km / 365.0;
    const double interval = std::min<double>(v.type->pm_days, v.type->pm_km / km_per_day);
    for (const auto& need : preventive_needs(v)) add(need, 1.0 / interval);
  }
  return demand;
}

}  // namespace roundhouse::fleet::demo
