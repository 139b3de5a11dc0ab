#include "rul/rul_features.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace roundhouse::ml {
namespace {

// [begin, end) row ranges of consecutive rows with the same unit.
std::vector<std::pair<Eigen::Index, Eigen::Index>> unit_ranges(const std::vector<int>& unit) {
  std::vector<std::pair<Eigen::Index, Eigen::Index>> ranges;
  Eigen::Index begin = 0;
  const auto n = static_cast<Eigen::Index>(unit.size());
  for (Eigen::Index i = 1; i <= n; ++i) {
    if (i == n || unit[i] != unit[begin]) {
      ranges.emplace_back(begin, i);
      begin = i;
    }
  }
  return ranges;
}

}  // namespace

std::vector<int> informative_sensors(const CmapssTable& train, int min_distinct) {
  std::vector<int> kept;
  for (int c = 3; c < CmapssTable::kChannels; ++c) {
    std::set<double> distinct;
    for (Eigen::Index r = 0; r < train.channels.rows() && static_cast<int>(distinct.size()) < min_distinct; ++r)
      distinct.insert(train.channels(r, c));
    if (static_cast<int>(distinct.size()) >= min_distinct) kept.push_back(c);
  }
  return kept;
}

RulDataset rul_features(const CmapssTable& table, const RulFeatureSpec& spec) {
  RulDataset out;
  out.unit = table.unit;
  out.cycle = table.cycle;
  const auto& channel_names = CmapssTable::channel_names();
  out.names.push_back("cycle");
  for (int w : spec.windows)
    for (int c : spec.channels) {
      out.names.push_back(channel_names[c] + "_mean" + std::to_string(w));
      out.names.push_back(channel_names[c] + "_drift" + std::to_string(w));
    }
  const int short_window = spec.windows.front();
  for (int c : spec.channels) out.names.push_back(channel_names[c] + "_std" + std::to_string(short_window));

  const Eigen::Index rows = table.channels.rows();
  out.x.resize(rows, static_cast<Eigen::Index>(out.names.size()));
  for (auto [begin, end] : unit_ranges(table.unit)) {
    for (Eigen::Index r = begin; r < end; ++r) {
      Eigen::Index col = 0;
      out.x(r, col++) = table.cycle[r];
      const Eigen::Index seen = r - begin + 1;
      const Eigen::Index base_n = std::min<Eigen::Index>(spec.baseline, end - begin);
      for (int w : spec.windows) {
        const Eigen::Index n = std::min<Eigen::Index>(w, seen);
        for (int c : spec.channels) {
          const double mean = table.channels.col(c).segment(r - n + 1, n).mean();
          // The baseline uses the first readings only once they exist; before that, what is seen.
          const double base = table.channels.col(c).segment(begin, std::min(base_n, seen)).mean();
          out.x(r, col++) = mean;
          out.x(r, col++) = mean - base;
        }
      }
      const Eigen::Index n = std::min<Eigen::Index>(short_window, seen);
      for (int c : spec.channels) {
        const auto window = table.channels.col(c).segment(r - n + 1, n);
        const double mean = window.mean();
        out.x(r, col++) = n > 1 ? std::sqrt((window.array() - mean).square().sum() / static_cast<double>(n - 1)) : 0.0;
      }
    }
  }
  return out;
}

Eigen::VectorXd capped_rul_target(const RulDataset& data, double cap) {
  Eigen::VectorXd y(static_cast<Eigen::Index>(data.unit.size()));
  for (auto [begin, end] : unit_ranges(data.unit)) {
    const int last = data.cycle[end - 1];
    for (Eigen::Index r = begin; r < end; ++r) y(r) = std::min(cap, static_cast<double>(last - data.cycle[r]));
  }
  return y;
}

std::vector<Eigen::Index> last_rows(const RulDataset& data) {
  std::vector<Eigen::Index> rows;
  for (auto [begin, end] : unit_ranges(data.unit)) rows.push_back(end - 1);
  return rows;
}

}  // namespace roundhouse::ml
