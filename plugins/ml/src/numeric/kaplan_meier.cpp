#include "numeric/kaplan_meier.hpp"

#include <algorithm>

namespace roundhouse::ml {

Result<KaplanMeier> KaplanMeier::fit(const LifeData& data) {
  if (auto s = validate_life_data(data, 1); !s) return s;
  std::vector<double> failures = data.failures;
  std::vector<double> censored = data.right_censored;
  std::sort(failures.begin(), failures.end());
  std::sort(censored.begin(), censored.end());

  KaplanMeier km;
  double survival = 1.0, greenwood_sum = 0.0;
  std::size_t at_risk = failures.size() + censored.size();
  auto next_censored = censored.begin();
  for (auto it = failures.begin(); it != failures.end();) {
    const double t = *it;
    // Units censored strictly before t left the risk set.
    const auto censored_end = std::lower_bound(next_censored, censored.end(), t);
    at_risk -= static_cast<std::size_t>(censored_end - next_censored);
    next_censored = censored_end;
    const auto tied_end = std::upper_bound(it, failures.end(), t);
    const auto d = static_cast<std::size_t>(tied_end - it);

    const double n = static_cast<double>(at_risk), dd = static_cast<double>(d);
    survival *= 1.0 - dd / n;
    if (d < at_risk) greenwood_sum += dd / (n * (n - dd));
    km.steps_.push_back({t, at_risk, d, survival, survival * survival * greenwood_sum});
    at_risk -= d;
    it = tied_end;
  }
  return km;
}

double KaplanMeier::survival(double t) const {
  const auto after = std::upper_bound(steps_.begin(), steps_.end(), t,
                                      [](double v, const KaplanMeierStep& s) { return v < s.time; });
  return after == steps_.begin() ? 1.0 : std::prev(after)->survival;
}

}  // namespace roundhouse::ml
