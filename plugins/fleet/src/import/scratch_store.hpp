#pragma once
// ScratchStore: an EventStore that reads through to a base store and keeps every append in memory,
// never touching the base. `import` runs its commands against it first (through the real
// FleetService, so every schema and invariant applies and later rows see earlier ones), and only
// when all of them succeed copies the staged events to the base store — so a bad file writes
// nothing, and a dry run is exactly the first pass.
//
// Supports what command execution needs: append (expected versions and stream tenants checked as
// the real store does), read_stream (base events then staged ones), read_all, head_position and a
// private StateStore (snapshots of staged state never reach the base). Subscriptions and chain
// verification are not supported (subscribe returns nullptr; verify_chain fails).
// Thread-safe (one mutex); completion callbacks run on the caller's thread.

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "roundhouse/events/event_store.hpp"

namespace roundhouse::fleet::import {

class ScratchStore final : public EventStore {
 public:
  struct Staged {
    StreamId stream;
    NewEvent event;  // as proposed, with its id filled in
  };

  explicit ScratchStore(std::shared_ptr<EventStore> base);

  void append_async(AppendRequest request, std::function<void(Result<AppendResult>)> done) override;
  Result<std::vector<RecordedEvent>> read_stream(const StreamId& stream, const ReadStreamOptions& options) override;
  Status read_all(const ReadAllOptions& options, const EventVisitor& visit) override;
  using EventStore::read_all;
  Result<Position> head_position() override;
  std::unique_ptr<Subscription> subscribe(SubscribeOptions options, EventHandler handler) override;
  std::vector<SubscriptionStatus> subscriptions() const override { return {}; }
  Result<ChainReport> verify_chain() override;
  void close() override {}
  std::string uri() const override;
  std::shared_ptr<StateStore> state_store() override { return state_; }

  // Every staged event in append order.
  std::vector<Staged> staged() const;
  // The version the base store had for `stream` when it was first touched (0: new stream).
  Version base_version(const StreamId& stream) const;

 private:
  struct StreamInfo {
    Version base_version = 0;
    std::string tenant;               // owner (base owner, else the first staged append's tenant)
    std::vector<std::size_t> staged;  // indexes into recorded_
  };
  Result<StreamInfo*> touch(const StreamId& stream);  // requires mu_

  std::shared_ptr<EventStore> base_;
  std::shared_ptr<StateStore> state_;
  Position base_head_ = 0;
  mutable std::mutex mu_;
  std::map<StreamId, StreamInfo> streams_;
  std::vector<RecordedEvent> recorded_;
  std::vector<Staged> proposed_;
};

}  // namespace roundhouse::fleet::import
