#pragma once
// Plotting positions for probability plots and rank regression.
// Units are ordered by time (a failure before a suspension at the same time). Without censoring the
// rank of the i-th failure is i; with right censoring it is Johnson's adjusted rank
//   O_i = O_prev + (N + 1 - O_prev) / (1 + reverse_rank),  reverse_rank = N - position + 1,
// where position counts failures and suspensions. Benard's approximation turns a rank into the
// median rank F = (O - 0.3) / (N + 0.4).

#include <vector>

#include "numeric/weibull.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

struct RankedFailure {
  double time = 0.0;
  double adjusted_rank = 0.0;  // Johnson's rank (equals the order number when nothing is censored)
  double median_rank = 0.0;    // Benard: (rank - 0.3) / (N + 0.4), an estimate of F(time)
};

// One entry per failure, in time order. Needs at least one failure and positive, finite times.
Result<std::vector<RankedFailure>> benard_median_ranks(const LifeData& data);

}  // namespace roundhouse::ml
