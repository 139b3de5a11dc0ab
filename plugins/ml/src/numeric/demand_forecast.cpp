#include "numeric/demand_forecast.hpp"

#include <numeric>
#include <sstream>

#include "numeric/checks.hpp"

namespace roundhouse::ml {
namespace {

double mean(std::span<const double> v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace

Result<CrostonForecast> croston_forecast(std::span<const double> demand, double alpha,
                                         CrostonVariant variant) {
  if (auto s = require_non_negative(demand, "demand"); !s) return s;
  if (auto s = require_open_unit(alpha, "Croston alpha"); !s) return s;
  CrostonForecast f;
  bool seen = false;
  double since_last = 0.0;
  for (double d : demand) {
    since_last += 1.0;
    if (d == 0.0) continue;
    if (!seen) {
      f.demand_size = d;
      f.interval = since_last;
      seen = true;
    } else {
      f.demand_size += alpha * (d - f.demand_size);
      f.interval += alpha * (since_last - f.interval);
    }
    since_last = 0.0;
  }
  if (!seen) return invalid("Croston: the demand series has no non-zero demand to estimate from");
  f.rate = f.demand_size / f.interval;
  if (variant == CrostonVariant::sba) f.rate *= 1.0 - alpha / 2.0;
  return f;
}

Result<HoltWintersForecast> holt_winters_additive(std::span<const double> series,
                                                  const HoltWintersParams& params,
                                                  std::size_t horizon) {
  const std::size_t m = params.season_length;
  if (m < 2) return invalid("Holt-Winters: season length must be >= 2");
  if (series.size() < 2 * m) {
    std::ostringstream out;
    out << "Holt-Winters: need at least two seasons (" << 2 * m << " values), got " << series.size();
    return invalid(out.str());
  }
  if (auto s = require_finite(series, "series"); !s) return s;
  if (auto s = require_open_unit(params.alpha, "Holt-Winters alpha"); !s) return s;
  if (auto s = require_open_unit(params.beta, "Holt-Winters beta"); !s) return s;
  if (auto s = require_open_unit(params.gamma, "Holt-Winters gamma"); !s) return s;

  const double first = mean(series.first(m));
  const double trend = (mean(series.subspan(m, m)) - first) / static_cast<double>(m);
  const double centre = (static_cast<double>(m) - 1.0) / 2.0;
  HoltWintersForecast f;
  f.level = first + trend * centre;
  f.trend = trend;
  std::vector<double> season(series.size());  // s_t for every t
  for (std::size_t i = 0; i < m; ++i) {
    season[i] = series[i] - (first + trend * (static_cast<double>(i) - centre));
  }
  for (std::size_t t = m; t < series.size(); ++t) {
    const double previous_level = f.level;
    const double seasonal = season[t - m];
    f.one_step_errors.push_back(series[t] - (previous_level + f.trend + seasonal));
    f.level = params.alpha * (series[t] - seasonal) + (1 - params.alpha) * (previous_level + f.trend);
    f.trend = params.beta * (f.level - previous_level) + (1 - params.beta) * f.trend;
    season[t] = params.gamma * (series[t] - f.level) + (1 - params.gamma) * seasonal;
  }
  f.season.assign(season.end() - static_cast<std::ptrdiff_t>(m), season.end());
  for (std::size_t h = 1; h <= horizon; ++h) {
    f.forecast.push_back(f.level + static_cast<double>(h) * f.trend + f.season[(h - 1) % m]);
  }
  return f;
}

}  // namespace roundhouse::ml
