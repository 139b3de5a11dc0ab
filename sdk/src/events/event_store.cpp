#include "roundhouse/events/event_store.hpp"

#include <algorithm>
#include <future>

namespace roundhouse {

bool ExpectedVersion::matches(Version current) const noexcept {
  switch (kind_) {
    case Kind::any: return true;
    case Kind::no_stream: return current == 0;
    case Kind::stream_exists: return current > 0;
    case Kind::exact: return current == version_;
  }
  return false;
}

std::string ExpectedVersion::describe() const {
  switch (kind_) {
    case Kind::any: return "any";
    case Kind::no_stream: return "no stream";
    case Kind::stream_exists: return "stream exists";
    case Kind::exact: return "version " + std::to_string(version_);
  }
  return "?";
}

bool EventFilter::matches(const RecordedEvent& e) const {
  auto in = [](const std::vector<std::string>& set, const std::string& v) {
    return set.empty() || std::find(set.begin(), set.end(), v) != set.end();
  };
  return in(aggregate_types, e.stream.type) && in(event_types, e.type) && (!tenant || *tenant == e.tenant);
}

Subscription::~Subscription() = default;

std::string_view to_string(Subscription::State s) {
  switch (s) {
    case Subscription::State::catching_up: return "catching_up";
    case Subscription::State::live: return "live";
    case Subscription::State::stopped: return "stopped";
    case Subscription::State::failed: return "failed";
  }
  return "?";
}

EventStore::~EventStore() = default;

Result<AppendResult> EventStore::append(AppendRequest request) {
  std::promise<Result<AppendResult>> promise;
  auto future = promise.get_future();
  append_async(std::move(request), [&promise](Result<AppendResult> r) { promise.set_value(std::move(r)); });
  return future.get();
}

Result<std::vector<RecordedEvent>> EventStore::read_all(const ReadAllOptions& options) {
  std::vector<RecordedEvent> out;
  auto st = read_all(options, [&out](const RecordedEvent& e) {
    out.push_back(e);
    return true;
  });
  if (!st) return st.error();
  return out;
}

}  // namespace roundhouse
