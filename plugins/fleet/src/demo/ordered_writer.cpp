#include "demo/ordered_writer.hpp"

namespace roundhouse::fleet::demo {

OrderedWriter::OrderedWriter(std::shared_ptr<EventStore> store, std::string tenant, VersionLookup initial_version,
                             std::size_t max_events_in_flight, std::size_t max_events_per_append)
    : store_(std::move(store)),
      tenant_(std::move(tenant)),
      initial_version_(std::move(initial_version)),
      max_in_flight_(max_events_in_flight),
      max_per_append_(max_events_per_append) {}

OrderedWriter::~OrderedWriter() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return in_flight_ == 0; });
}

Status OrderedWriter::push(const StreamId& stream, NewEvent event) {
  {
    std::lock_guard lock(mu_);
    if (failure_) return *failure_;
  }
  if (pending_ && (pending_->stream != stream || pending_->events.size() >= max_per_append_)) flush();
  if (!pending_) {
    auto it = versions_.find(stream);
    if (it == versions_.end()) it = versions_.emplace(stream, initial_version_ ? initial_version_(stream) : 0).first;
    pending_ = AppendRequest{stream, ExpectedVersion::exact(it->second), {}, tenant_};
  }
  pending_->events.push_back(std::move(event));
  return {};
}

void OrderedWriter::flush() {
  if (!pending_) return;
  AppendRequest request = std::move(*pending_);
  pending_.reset();
  versions_[request.stream] += request.events.size();
  submit(std::move(request));
}

void OrderedWriter::submit(AppendRequest request) {
  const std::size_t n = request.events.size();
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_flight_ + n <= max_in_flight_ || in_flight_ == 0; });
    if (failure_) return;
    in_flight_ += n;
  }
  store_->append_async(std::move(request), [this, n](Result<AppendResult> r) {
    std::lock_guard lock(mu_);
    in_flight_ -= n;
    if (!r) {
      if (!failure_) failure_ = r.error();
    } else if (r->idempotent_replay) {
      replayed_ += n;
    } else {
      written_ += n;
    }
    cv_.notify_all();
  });
}

Status OrderedWriter::finish() {
  flush();
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return in_flight_ == 0; });
  if (failure_) return *failure_;
  return {};
}

std::uint64_t OrderedWriter::written() const {
  std::lock_guard lock(mu_);
  return written_;
}

std::uint64_t OrderedWriter::replayed() const {
  std::lock_guard lock(mu_);
  return replayed_;
}

}  // namespace roundhouse::fleet::demo
