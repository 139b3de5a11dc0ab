#include "domain/replay.hpp"

#include <boost/json/serialize.hpp>

namespace roundhouse::bench {

ProjectionSet ProjectionSet::fleet(const Registry& registry) {
  ProjectionSet set;
  for (const auto& entry : registry.projections.list()) {
    set.projections_.push_back(entry.value());
    set.filters_.push_back(set.projections_.back()->filter());
  }
  return set;
}

std::vector<std::string> ProjectionSet::names() const {
  std::vector<std::string> out;
  for (const auto& p : projections_) out.push_back(p->name());
  return out;
}

std::vector<std::size_t> ProjectionSet::state_bytes() const {
  std::vector<std::size_t> out;
  for (const auto& p : projections_) out.push_back(boost::json::serialize(p->save_state()).size());
  return out;
}

Result<ReplayCounts> ProjectionSet::replay(EventStore& store, int only) {
  ReplayCounts counts;
  Status failed;
  const std::size_t n = projections_.size();
  auto st = store.read_all(ReadAllOptions{}, [&](const RecordedEvent& e) {
    ++counts.events;
    for (std::size_t i = 0; i < n; ++i) {
      if ((only >= 0 && i != static_cast<std::size_t>(only)) || !filters_[i].matches(e)) continue;
      ++counts.applied;
      if (Status s = projections_[i]->apply(e); !s) {
        failed = Status{s.code(), projections_[i]->name() + " at position " + std::to_string(e.position) + ": " + s.message()};
        return false;
      }
    }
    return true;
  });
  if (!st) return st.error();
  if (!failed) return failed.error();
  return counts;
}

}  // namespace roundhouse::bench
