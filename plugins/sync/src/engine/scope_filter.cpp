#include "scope_filter.hpp"

#include <algorithm>
#include <map>
#include <vector>

namespace roundhouse::sync {

ChangeSet without_keys(const ChangeSet& cs, const std::set<std::string>& keys) {
  if (keys.empty()) return cs;
  ChangeSet::Entries entries;
  std::map<ReplicaId, std::vector<std::uint64_t>> dropped;
  for (const auto& [key, reg] : cs.entries()) {
    if (!keys.count(key)) {
      entries.emplace(key, reg);
      continue;
    }
    for (const auto& [dot, _] : reg) dropped[dot.replica].push_back(dot.counter);
  }
  CausalContext ctx;
  for (const auto& [replica, set] : cs.context().replicas()) {
    auto& out = dropped[replica];
    std::sort(out.begin(), out.end());
    auto skip = out.begin();
    for (const auto& range : set.ranges()) {
      std::uint64_t lo = range.lo;
      while (skip != out.end() && *skip < lo) ++skip;
      for (; skip != out.end() && *skip <= range.hi; ++skip) {
        if (*skip > lo) ctx.insert_range(replica, lo, *skip - 1);
        lo = *skip + 1;
      }
      if (lo <= range.hi && lo != 0) ctx.insert_range(replica, lo, range.hi);
    }
  }
  return ChangeSet::from_parts(std::move(entries), std::move(ctx));
}

}  // namespace roundhouse::sync
