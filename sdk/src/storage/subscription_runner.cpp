#include "subscription_runner.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

namespace roundhouse::detail {
namespace {

// State shared between the handle, the thread and the store's status list.
struct RunnerState {
  std::string name;
  mutable std::mutex mu;
  mutable std::condition_variable cv;
  Position position = 0;
  Subscription::State state = Subscription::State::catching_up;
  std::optional<Error> error;
  mutable int waiters = 0;  // threads in wait_for(); set() skips the wake-up when there are none
  std::atomic<bool> stop_requested{false};
};

class Runner final : public Subscription {
 public:
  Runner(std::shared_ptr<EventStore> store, std::shared_ptr<CommitSignal> signal,
         std::chrono::milliseconds poll, SubscribeOptions options, EventHandler handler)
      : store_(std::move(store)), signal_(std::move(signal)), poll_(poll),
        options_(std::move(options)), handler_(std::move(handler)),
        state_(std::make_shared<RunnerState>()) {
    state_->name = options_.name;
    state_->position = options_.after_position;
    if (options_.batch_size == 0) options_.batch_size = 1;
  }
  ~Runner() override { stop(); }

  void launch() { thread_ = std::thread([this] { run(); }); }
  std::shared_ptr<RunnerState> shared_state() const { return state_; }

  void stop() override {
    {
      std::lock_guard lock(state_->mu);  // a waiter between its check and its sleep still wakes
      state_->stop_requested = true;
    }
    signal_->wake_all();
    state_->cv.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
    std::lock_guard lock(state_->mu);
    if (state_->state != State::failed) state_->state = State::stopped;
  }
  Position position() const override {
    std::lock_guard lock(state_->mu);
    return state_->position;
  }
  State state() const override {
    std::lock_guard lock(state_->mu);
    return state_->state;
  }
  std::optional<Error> error() const override {
    std::lock_guard lock(state_->mu);
    return state_->error;
  }
  const std::string& name() const override { return state_->name; }
  bool wait_for(Position p, std::chrono::milliseconds timeout) const override {
    std::unique_lock lock(state_->mu);
    ++state_->waiters;
    state_->cv.wait_for(lock, timeout, [&] {
      return state_->position >= p || state_->state == State::stopped || state_->state == State::failed;
    });
    --state_->waiters;
    return state_->position >= p;
  }

 private:
  void set(Position pos, std::optional<State> st = std::nullopt, std::optional<Error> err = std::nullopt) {
    bool waited_on = false;
    {
      std::lock_guard lock(state_->mu);
      state_->position = pos;
      if (st) state_->state = *st;
      if (err) state_->error = std::move(err);
      waited_on = state_->waiters > 0;
    }
    // Called once per delivered event: waking nobody must cost nothing.
    if (waited_on) state_->cv.notify_all();
  }

  // A store that is unavailable for a while (server restart, lock contention) is not a reason to
  // give up: the subscription waits, with growing pauses, and reads again from its checkpoint, so
  // nothing is skipped or delivered twice. Other read errors stop it as failed.
  bool retry_later(const Error& error, Position checkpoint) {
    if (error.code != ErrorCode::unavailable) return false;
    set(checkpoint, State::catching_up);
    std::unique_lock lock(state_->mu);
    state_->cv.wait_for(lock, backoff_, [&] { return state_->stop_requested.load(); });
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    return true;
  }

  void run() {
    Position checkpoint = options_.after_position;
    auto stopping = [this] { return state_->stop_requested.load(); };
    while (!stopping()) {
      // Everything committed up to `head` is visible to the read that starts after this line, so
      // once a page comes back short, the checkpoint may advance to `head` even if the filter
      // matched nothing there. Positions are assigned in commit order, so nothing can land below.
      const auto hints = signal_->hints();  // before reading: a hint from here on wakes the wait below
      auto head = store_->head_position();
      if (!head) {
        if (retry_later(head.error(), checkpoint)) continue;
        set(checkpoint, State::failed, head.error());
        return;
      }
      ReadAllOptions read{checkpoint + 1, options_.batch_size, options_.filter};
      std::size_t delivered = 0;
      std::optional<Error> failure;
      auto st = store_->read_all(read, [&](const RecordedEvent& e) {
        if (stopping()) return false;
        Status handled;
        try {
          handled = handler_(e);
        } catch (const std::exception& ex) {
          handled = Status{ErrorCode::internal, std::string("handler threw: ") + ex.what()};
        }
        if (!handled) {
          failure = Error{handled.code(), "handler failed at position " + std::to_string(e.position) +
                                              ": " + handled.message()};
          return false;
        }
        checkpoint = e.position;
        ++delivered;
        set(checkpoint);
        return true;
      });
      if (failure) {
        set(checkpoint, State::failed, failure);
        return;
      }
      if (!st) {
        if (retry_later(st.error(), checkpoint)) continue;
        set(checkpoint, State::failed, st.error());
        return;
      }
      backoff_ = kFirstBackoff;
      if (stopping()) break;
      if (delivered == options_.batch_size) continue;  // more to catch up on
      if (*head > checkpoint) checkpoint = *head;
      set(checkpoint, State::live);
      signal_->wait(checkpoint, hints, poll_, stopping);
    }
  }

  std::shared_ptr<EventStore> store_;
  std::shared_ptr<CommitSignal> signal_;
  std::chrono::milliseconds poll_;
  SubscribeOptions options_;
  EventHandler handler_;
  std::shared_ptr<RunnerState> state_;
  std::thread thread_;
  static constexpr std::chrono::milliseconds kFirstBackoff{50}, kMaxBackoff{2000};
  std::chrono::milliseconds backoff_ = kFirstBackoff;
};

}  // namespace

std::unique_ptr<Subscription> start_subscription(std::shared_ptr<EventStore> store,
                                                 std::shared_ptr<CommitSignal> signal,
                                                 std::chrono::milliseconds poll_interval,
                                                 SubscribeOptions options, EventHandler handler,
                                                 std::function<void(std::shared_ptr<void>)> track) {
  auto runner = std::make_unique<Runner>(std::move(store), std::move(signal), poll_interval,
                                         std::move(options), std::move(handler));
  track(runner->shared_state());
  runner->launch();
  return runner;
}

SubscriptionStatus status_of(const std::shared_ptr<void>& tracked) {
  const auto& s = *static_cast<const RunnerState*>(tracked.get());
  std::lock_guard lock(s.mu);
  return {s.name, s.position, s.state};
}

}  // namespace roundhouse::detail
