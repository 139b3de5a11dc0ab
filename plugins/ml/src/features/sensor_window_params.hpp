#pragma once
// Parameters of the "sensor-window" extractor and the columns they ask for.
//
// One window:   {"window": 30}                  columns <ch>_last, <ch>_mean, ... (default)
// Several:      {"windows": [10, 30]}           columns <ch>_mean10, <ch>_mean30, ...
//               {"windows": [{"readings": 10, "stats": ["mean", "std"]}, 30]}
// Statistics:   "stats" (default last, mean, std, min, max, slope) for windows given as numbers;
//               "drift" = the window mean minus the asset's baseline, the mean of its first
//               `baseline` readings, so it needs "baseline": N.
// The parameters that reach the schema (and its hash) are the caller's with defaults filled in;
// keys left at their defaults are not added, so a schema from before these options hashes the same.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/ml/features.hpp"

namespace roundhouse::ml::features {

enum class WindowStat { last, mean, std, min, max, slope, drift };

struct SensorWindow {
  std::size_t readings = 30;
  std::vector<WindowStat> stats;
};

struct SensorWindowParams {
  std::vector<SensorWindow> windows;     // at least one
  bool suffixed = false;                 // "windows" given: column names carry the window length
  std::optional<std::int64_t> baseline;  // readings that define an asset's baseline (drift)
  std::optional<std::vector<std::string>> channels;
  boost::json::object resolved;          // the schema's parameters, without channels

  std::size_t longest() const;
  bool has_window_readings() const { return !suffixed; }  // the single-window count column
};

// invalid_argument naming the parameter: window and windows together, a window < 1, an unknown
// or repeated statistic, drift without baseline, a baseline nothing uses, unknown keys.
Result<SensorWindowParams> parse_sensor_window_params(const boost::json::object& parameters);

// The schema; p.channels must be set.
FeatureSchema sensor_window_schema(const SensorWindowParams& p);

}  // namespace roundhouse::ml::features
