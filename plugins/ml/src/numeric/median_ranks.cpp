#include "numeric/median_ranks.hpp"

#include <algorithm>

namespace roundhouse::ml {

Result<std::vector<RankedFailure>> benard_median_ranks(const LifeData& data) {
  if (auto s = validate_life_data(data, 1); !s) return s;

  struct Unit {
    double time;
    bool censored;
  };
  std::vector<Unit> units;
  units.reserve(data.failures.size() + data.right_censored.size());
  for (double t : data.failures) units.push_back({t, false});
  for (double t : data.right_censored) units.push_back({t, true});
  // At equal times the failure comes first: the suspended unit was known to survive that long.
  std::stable_sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) {
    return a.time < b.time || (a.time == b.time && !a.censored && b.censored);
  });

  const double n = static_cast<double>(units.size());
  std::vector<RankedFailure> ranked;
  ranked.reserve(data.failures.size());
  double previous = 0.0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (units[i].censored) continue;
    const double reverse_rank = n - static_cast<double>(i);
    const double rank = previous + (n + 1.0 - previous) / (1.0 + reverse_rank);
    ranked.push_back({units[i].time, rank, (rank - 0.3) / (n + 0.4)});
    previous = rank;
  }
  return ranked;
}

}  // namespace roundhouse::ml
