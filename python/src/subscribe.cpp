#include "subscribe.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

#include <pybind11/stl.h>

#include "convert.hpp"
#include "errors.hpp"
#include "events.hpp"
#include "store.hpp"

namespace roundhouse::py {
namespace pyb = pybind11;
using namespace pybind11::literals;

namespace {

// Events flow from the store's subscription thread into a bounded queue (iterator mode) or into a
// Python callback (callback mode, the GIL taken per event). A full queue makes the store thread
// wait, so a slow reader slows the subscription instead of growing memory.
class PySubscription {
 public:
  PySubscription(std::shared_ptr<EventStore> store, SubscribeOptions options, pyb::object callback, std::size_t capacity)
      : store_(std::move(store)), callback_(std::move(callback)), capacity_(capacity) {
    auto handler = [this](const RecordedEvent& e) -> Status { return callback_.is_none() ? enqueue(e) : call(e); };
    pyb::gil_scoped_release nogil;
    sub_ = store_->subscribe(std::move(options), handler);
  }
  ~PySubscription() {
    {
      pyb::gil_scoped_release nogil;  // the handler may be waiting for the GIL
      stop_native();
    }
  }

  void stop() {
    pyb::gil_scoped_release nogil;
    stop_native();
  }

  // The next event, or None after `timeout` seconds (None: wait until one arrives or the
  // subscription ends; then StopIteration from __next__). Ctrl-C interrupts the wait.
  std::optional<RecordedEvent> get(std::optional<double> timeout) {
    const auto deadline = timeout ? std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                                             std::chrono::duration<double>(*timeout))
                                  : std::chrono::steady_clock::time_point::max();
    while (true) {
      {
        pyb::gil_scoped_release nogil;
        std::unique_lock lock(mu_);
        auto slice = std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
        cv_.wait_until(lock, slice, [&] { return !queue_.empty() || stopped_ || failed(); });
        if (!queue_.empty()) {
          RecordedEvent e = std::move(queue_.front());
          queue_.pop_front();
          cv_.notify_all();
          return e;
        }
      }
      if (stopped_ || failed()) {
        raise_if_failed();
        throw pyb::stop_iteration();
      }
      if (PyErr_CheckSignals() != 0) throw pyb::error_already_set();
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    }
  }

  void raise_if_failed() {
    if (pending_) {
      pyb::error_already_set e = std::move(*pending_);
      pending_.reset();
      throw e;
    }
    if (auto err = sub_ ? sub_->error() : std::nullopt) throw NativeError(*err);
  }

  Subscription* native() const { return sub_.get(); }
  bool failed() const { return sub_ && sub_->state() == Subscription::State::failed; }

 private:
  Status enqueue(const RecordedEvent& e) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < capacity_ || stopping_; });
    if (stopping_) return {ErrorCode::unavailable, "subscription stopped"};
    queue_.push_back(e);
    cv_.notify_all();
    return {};
  }
  Status call(const RecordedEvent& e) {
    pyb::gil_scoped_acquire gil;
    try {
      callback_(PyEvent(e));
      return {};
    } catch (pyb::error_already_set& err) {
      std::string what = err.what();
      pending_.emplace(std::move(err));
      return {ErrorCode::internal, "the callback raised at position " + std::to_string(e.position) + ": " + what};
    }
  }
  void stop_native() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      cv_.notify_all();
    }
    if (sub_) sub_->stop();
    std::lock_guard lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }

  std::shared_ptr<EventStore> store_;
  pyb::object callback_;
  std::size_t capacity_;
  std::unique_ptr<Subscription> sub_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<RecordedEvent> queue_;
  bool stopping_ = false, stopped_ = false;
  std::optional<pyb::error_already_set> pending_;  // the callback's exception, re-raised on the caller's thread
};

}  // namespace

void bind_subscribe(pyb::module_& m, pyb::class_<PyStore, std::shared_ptr<PyStore>>& store) {
  pyb::class_<PySubscription>(m, "Subscription",
      "A running subscription: catch-up from after_position, then live, each event once and in order.\n"
      "Iterate it (blocks, releasing the GIL, until the next event; Ctrl-C interrupts) or pass a callback\n"
      "to subscribe(). Use as a context manager or call stop().")
      .def("__iter__", [](pyb::object self) { return self; })
      .def("__next__", [](PySubscription& s) { return PyEvent(*s.get(std::nullopt)); })
      .def("get", [](PySubscription& s, std::optional<double> timeout) -> pyb::object {
        try {
          auto e = s.get(timeout);
          return e ? pyb::cast(PyEvent(std::move(*e))) : pyb::object(pyb::none());
        } catch (pyb::stop_iteration&) {
          return pyb::none();
        }
      }, "The next event, or None when `timeout` seconds pass (or the subscription stopped).", "timeout"_a = pyb::none())
      .def("stop", &PySubscription::stop, "Stops the subscription (idempotent); returns once its handler is idle.")
      .def("wait", [](PySubscription& s, Position position, double timeout) {
        bool reached;
        {
          pyb::gil_scoped_release nogil;
          reached = s.native()->wait_for(position, std::chrono::milliseconds(static_cast<long long>(timeout * 1000)));
        }
        s.raise_if_failed();
        return reached;
      }, "Blocks until every event up to `position` was handled (True) or `timeout` seconds pass (False).\n"
         "Re-raises a callback's exception.", "position"_a, pyb::kw_only(), "timeout"_a = 10.0)
      .def_property_readonly("position", [](PySubscription& s) { return s.native()->position(); },
                             "Checkpoint: every event up to here was handled (or queued, in iterator mode).")
      .def_property_readonly("state", [](PySubscription& s) { return std::string(to_string(s.native()->state())); },
                             "\"catching_up\", \"live\", \"stopped\" or \"failed\".")
      .def_property_readonly("error", [](PySubscription& s) -> pyb::object {
        auto e = s.native()->error();
        return e ? pyb::object(pyb::str(e->message)) : pyb::object(pyb::none());
      })
      .def("__enter__", [](pyb::object self) { return self; })
      .def("__exit__", [](PySubscription& s, pyb::args) { s.stop(); return false; });

  store.def("subscribe", [](PyStore& s, const pyb::object& after_position, const pyb::object& aggregate_types,
                            const pyb::object& event_types, const pyb::object& tenant, const std::string& name,
                            pyb::object callback, std::size_t queue_size) {
         SubscribeOptions o;
         o.name = name;
         o.after_position = after_position.is_none() ? 0 : to_count(after_position, "after_position");
         o.filter.aggregate_types = to_strings(aggregate_types, "aggregate_types");
         o.filter.event_types = to_strings(event_types, "event_types");
         if (!tenant.is_none()) o.filter.tenant = tenant.cast<std::string>();
         if (!callback.is_none() && !PyCallable_Check(callback.ptr()))
           raise(ErrorCode::invalid_argument, "callback must be callable");
         if (queue_size == 0) raise(ErrorCode::invalid_argument, "queue_size must be >= 1");
         return std::make_unique<PySubscription>(s.store(), std::move(o), std::move(callback), queue_size);
       },
       "Subscribes to events with position > after_position: the stored ones first, then new commits.\n"
       "Without callback, iterate the returned Subscription; with callback, it is called with each Event\n"
       "on the subscription's thread (holding the GIL); if it raises, the subscription stops at that\n"
       "event and wait()/get() re-raise the exception.",
       pyb::kw_only(), "after_position"_a = 0, "aggregate_types"_a = pyb::none(), "event_types"_a = pyb::none(),
       "tenant"_a = pyb::none(), "name"_a = "python", "callback"_a = pyb::none(), "queue_size"_a = 10000);
}

}  // namespace roundhouse::py
