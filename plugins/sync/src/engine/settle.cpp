#include "settle.hpp"

#include "value_json.hpp"
#include <boost/json/serialize.hpp>

namespace roundhouse::sync {

namespace {

// The candidate with the greatest timestamp among those with incoming == `incoming` (any when
// `either`); nullptr when there is none.
const ConflictCandidate* latest(const std::vector<ConflictCandidate>& cs, bool incoming, bool either = false) {
  const ConflictCandidate* best = nullptr;
  for (const auto& c : cs)
    if ((either || c.incoming == incoming) && (!best || best->ts < c.ts)) best = &c;
  return best;
}

// What the server held before the push: its own write first, else the latest earlier value.
const ConflictCandidate* held(const std::vector<ConflictCandidate>& cs) {
  const ConflictCandidate* server = nullptr;
  for (const auto& c : cs)
    if (!c.incoming && c.device == "server" && (!server || server->ts < c.ts)) server = &c;
  return server ? server : latest(cs, false);
}

Settlement replace(const ConflictCandidate& c) { return {Settlement::Kind::replace, c.value, c.incoming, {}}; }

}  // namespace

Settlement settle(Strategy strategy, const std::vector<ConflictCandidate>& cs, const CustomMerge* custom,
                  const std::string& key, const std::string& custom_name) {
  const ConflictCandidate* incoming = latest(cs, true);
  const ConflictCandidate* before = held(cs);
  if (!incoming || !before) return {};  // nothing pushed conflicts with anything held: nothing to settle
  switch (strategy) {
    case Strategy::manual:
    case Strategy::additive: return {};
    case Strategy::timestamp: return replace(*latest(cs, false, true));
    case Strategy::server_wins: return replace(*before);
    case Strategy::client_wins: return replace(*incoming);
    case Strategy::version:
      return {Settlement::Kind::refuse, before->value, false,
              "stale write: " + key + " changed to " + boost::json::serialize(to_json(before->value)) +
                  " (by " + before->device + ") before this device saw it; pull and redo the change"};
    case Strategy::custom: {
      if (!custom) return {Settlement::Kind::keep, {}, false, "no custom merge '" + custom_name + "' is registered"};
      Result<MergeDecision> d = Error{};
      try {
        d = (*custom)(key, cs);
      } catch (const std::exception& e) {
        d = Error{ErrorCode::internal, e.what()};
      }
      if (!d) return {Settlement::Kind::keep, {}, false, "custom merge '" + custom_name + "' failed: " + d.error().message};
      if (!d->value)
        return {Settlement::Kind::refuse, before->value, false,
                d->reason.empty() ? "refused by custom merge '" + custom_name + "'" : d->reason};
      return {Settlement::Kind::replace, *d->value, *d->value == incoming->value, {}};
    }
  }
  return {};
}

}  // namespace roundhouse::sync
