#pragma once
// Forecasting per-period demand for spare parts.
//
// Croston (intermittent demand): smooth the non-zero demand sizes z and the intervals p between
// them (in periods) separately with the same constant alpha, updating only in periods with demand:
//   z <- z + alpha (d - z),  p <- p + alpha (q - p),  q = periods since the previous demand.
// Initialization: z = the first non-zero demand, p = its 1-based period index (periods elapsed
// from the start of the series). Forecast per period: z / p. SBA (Syntetos-Boylan approximation)
// multiplies by (1 - alpha/2) to remove Croston's positive bias.
//
// Holt-Winters, additive seasonality with period m:
//   l_t = a (y_t - s_{t-m}) + (1-a)(l_{t-1} + b_{t-1})
//   b_t = g (l_t - l_{t-1}) + (1-g) b_{t-1}
//   s_t = d (y_t - l_t) + (1-d) s_{t-m}
//   forecast(h) = l_n + h b_n + s_{n-m+1+((h-1) mod m)}
// Initialization from the first two seasons, at the end of the first (t = m-1):
//   b = (mean(season 2) - mean(season 1)) / m,  l = mean(season 1) + b (m-1)/2,
//   s_i = y_i - (mean(season 1) + b (i - (m-1)/2)) for i < m;
// then the recursions run from t = m. A series that is exactly linear trend + a zero-sum seasonal
// pattern is reproduced exactly for any smoothing constants.
// Pure functions.

#include <span>
#include <vector>

#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

struct CrostonForecast {
  double demand_size = 0.0;  // smoothed non-zero demand z
  double interval = 0.0;     // smoothed periods between demands p
  double rate = 0.0;         // forecast demand per period: z/p (Croston) or (1-alpha/2) z/p (SBA)
};

enum class CrostonVariant { croston, sba };

// demand: >= 0 per period, at least one non-zero; alpha in (0, 1).
Result<CrostonForecast> croston_forecast(std::span<const double> demand, double alpha,
                                         CrostonVariant variant = CrostonVariant::croston);

struct HoltWintersParams {
  std::size_t season_length = 0;  // m >= 2
  double alpha = 0.5;             // level, in (0, 1)
  double beta = 0.1;              // trend, in (0, 1)
  double gamma = 0.1;             // season, in (0, 1)
};

struct HoltWintersForecast {
  double level = 0.0;
  double trend = 0.0;
  std::vector<double> season;           // the last m seasonal terms, oldest first
  std::vector<double> one_step_errors;  // y_t - (l_{t-1} + b_{t-1} + s_{t-m}) for t >= m
  std::vector<double> forecast;         // the requested horizon, h = 1..H
};

// Needs at least two full seasons of finite values.
Result<HoltWintersForecast> holt_winters_additive(std::span<const double> series,
                                                  const HoltWintersParams& params,
                                                  std::size_t horizon);

}  // namespace roundhouse::ml
