#pragma once
// The window pass of window_stats.hpp for a whole time series at once: one pass over the facts
// distributes every stretch of status, km, failure, repair, schedule slot, due date, open order
// and stock issue into its bucket, instead of one full pass per bucket. Each bucket's sums are
// exactly those collect() gives for that bucket's window (same stretches, same order of addition),
// except per_vehicle, which is left empty.

#include <vector>

#include "window_stats.hpp"

namespace roundhouse::analytics {

// `buckets` must be contiguous and in order (each one's `to` is the next one's `from`).
std::vector<WindowStats> collect_series(const FactStore& facts, const std::vector<KpiWindow>& buckets,
                                        const Scope& scope, const Needs& needs);

}  // namespace roundhouse::analytics
