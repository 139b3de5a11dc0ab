#include "append_window.hpp"

namespace roundhouse::bench {

bool AppendWindow::submit(AppendRequest request, std::function<void(const AppendResult&)> on_ack) {
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_flight_ < window_ || failure_; });
    if (failure_) return false;
    ++in_flight_;
  }
  store_.append_async(std::move(request), [this, on_ack = std::move(on_ack)](Result<AppendResult> r) {
    if (r && on_ack) on_ack(*r);
    std::lock_guard lock(mu_);
    --in_flight_;
    if (r) acked_events_ += r->positions.size();
    else if (!failure_) failure_ = r.error();
    cv_.notify_all();
  });
  return true;
}

std::optional<Error> AppendWindow::drain() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return in_flight_ == 0; });
  return failure_;
}

std::size_t AppendWindow::acked_events() const {
  std::lock_guard lock(mu_);
  return acked_events_;
}

}  // namespace roundhouse::bench
