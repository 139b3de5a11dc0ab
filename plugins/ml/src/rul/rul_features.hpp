#pragma once
// Features for remaining-useful-life regression on run-to-failure sensor data (C-MAPSS layout:
// one row per unit and cycle). For each row, using only that unit's readings up to and including
// the row's cycle (no look-ahead):
//   cycle                      age in cycles
//   <ch>_mean<w>               rolling mean over the last w readings (fewer at the start)
//   <ch>_drift<w>              that mean minus the unit's baseline (mean of its first
//                              `baseline` readings): per-unit normalisation, since engines start
//                              with different manufacturing variation
//   <ch>_std<short>            rolling sample standard deviation (0 with one reading)
// for each kept channel and each window in `windows` (the std only for the shortest window).

#include <string>
#include <vector>

#include <Eigen/Core>

#include "rul/cmapss_file.hpp"

namespace roundhouse::ml {

struct RulFeatureSpec {
  std::vector<int> channels;           // column indexes into CmapssTable::channels
  std::vector<int> windows{10, 30};    // rolling window lengths, shortest first
  int baseline = 10;                   // readings that define a unit's baseline
  double rul_cap = 125.0;              // piecewise-linear target: min(cap, cycles left)
};

// Sensor channels (s1..s21, not the operating settings) with at least `min_distinct` distinct
// values in `train`: drops the constant sensors and the two-valued s6 on FD001.
std::vector<int> informative_sensors(const CmapssTable& train, int min_distinct = 3);

struct RulDataset {
  Eigen::MatrixXd x;               // one row per input row
  std::vector<std::string> names;  // one per column of x
  std::vector<int> unit;           // unit of each row
  std::vector<int> cycle;          // cycle of each row
};

// Rows must be grouped by unit with increasing cycles (the file order).
RulDataset rul_features(const CmapssTable& table, const RulFeatureSpec& spec);

// Capped RUL for run-to-failure data: each unit's last cycle is its failure.
Eigen::VectorXd capped_rul_target(const RulDataset& data, double cap);

// Row index of each unit's last cycle, in unit order (the test protocol predicts there).
std::vector<Eigen::Index> last_rows(const RulDataset& data);

}  // namespace roundhouse::ml
