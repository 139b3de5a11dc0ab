#pragma once
// Internal: the catch-up-then-live subscription used by LogStore.

#include <memory>

#include "commit_signal.hpp"
#include "roundhouse/events/event_store.hpp"

namespace roundhouse::detail {

// Starts a subscription thread reading `store` from options.after_position. Keeps `store` alive.
std::unique_ptr<Subscription> start_subscription(std::shared_ptr<EventStore> store,
                                                 std::shared_ptr<CommitSignal> signal,
                                                 std::chrono::milliseconds poll_interval,
                                                 SubscribeOptions options, EventHandler handler,
                                                 std::function<void(std::shared_ptr<void>)> track);

// Read-only view of a running subscription, for EventStore::subscriptions().
SubscriptionStatus status_of(const std::shared_ptr<void>& tracked);

}  // namespace roundhouse::detail
