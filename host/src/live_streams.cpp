#include "live_streams.hpp"

namespace roundhouse::host {

LiveStreams::LiveStreams(std::size_t max_open) : max_open_(max_open), reaper_([this] { run(); }) {}

LiveStreams::~LiveStreams() { shutdown(); }

bool LiveStreams::try_open() {
  std::lock_guard lock(mu_);
  if (open_ >= max_open_) return false;
  ++open_;
  return true;
}

void LiveStreams::closed() {
  std::lock_guard lock(mu_);
  if (open_ > 0) --open_;
}

std::size_t LiveStreams::open() const {
  std::lock_guard lock(mu_);
  return open_;
}

void LiveStreams::retire(std::unique_ptr<Subscription> subscription) {
  if (!subscription) return;
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      retired_.push_back(std::move(subscription));
      cv_.notify_one();
      return;
    }
  }
  subscription.reset();  // after shutdown: nobody else will stop it
}

void LiveStreams::shutdown() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (reaper_.joinable()) reaper_.join();
}

void LiveStreams::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !retired_.empty(); });
    if (retired_.empty()) return;  // stopping, and everything retired is stopped
    auto next = std::move(retired_.front());
    retired_.pop_front();
    lock.unlock();
    next.reset();  // stops the subscription and joins its thread
    lock.lock();
  }
}

}  // namespace roundhouse::host
