#include "event_stream.hpp"

#include <algorithm>
#include <mutex>

#include <boost/json/serialize.hpp>

#include "log.hpp"

namespace roundhouse::host {
namespace {

constexpr std::string_view kHeartbeat = ": heartbeat\n\n";

std::string frame(const RecordedEvent& e) {
  std::string out = "id: " + std::to_string(e.position) + "\nevent: event\ndata: ";
  out += boost::json::serialize(e.to_json());  // one line: JSON escapes every newline
  out += "\n\n";
  return out;
}

// One client's stream. The StreamBody owns it; the current subscription's handler keeps it alive
// too, until on_end() retires that subscription. Every member is guarded by mu_, which the
// subscription thread takes once per event and the strand callbacks take briefly.
class EventStreamProducer final : public StreamProducer, public std::enable_shared_from_this<EventStreamProducer> {
 public:
  EventStreamProducer(std::shared_ptr<EventStore> store, std::shared_ptr<LiveStreams> streams,
                      std::shared_ptr<Metrics> metrics, EventStreamOptions options)
      : store_(std::move(store)), streams_(std::move(streams)), metrics_(std::move(metrics)),
        options_(std::move(options)), delivered_(options_.after) {}

  void start(const std::shared_ptr<StreamBody>& body) {
    std::lock_guard lock(mu_);
    body_ = body;
    subscribe();
  }

  void on_space() override {
    std::lock_guard lock(mu_);
    if (!ended_ && paused_generation_ == generation_) resubscribe();
  }

  void on_tick() override {
    std::lock_guard lock(mu_);
    if (ended_) return;
    const auto state = sub_ ? sub_->state() : Subscription::State::live;
    if (state == Subscription::State::failed && paused_generation_ != generation_) {
      // The store failed under the subscription (e.g. the database restarted): try again.
      if (!failing_)
        Log::warn("event stream: subscription failed, retrying every second",
                  {{"subscription", options_.name}, {"error", sub_->error() ? sub_->error()->message : ""}});
      failing_ = true;
      resubscribe();
    } else if (failing_ && state == Subscription::State::live) {
      Log::info("event stream: subscription live again", {{"subscription", options_.name}});
      failing_ = false;
    }
    if (++idle_ticks_ * StreamBody::kTickInterval >= options_.heartbeat) {
      idle_ticks_ = 0;
      if (auto body = body_.lock()) body->push(kHeartbeat);
    }
  }

  std::string on_end(End why) override {
    std::unique_ptr<Subscription> sub;
    {
      std::lock_guard lock(mu_);
      if (ended_) return {};
      ended_ = true;
      ++generation_;  // a handler still running delivers nothing more
      sub = std::move(sub_);
    }
    streams_->retire(std::move(sub));
    streams_->closed();
    metrics_->stream_closed();
    return why == End::shutdown ? "event: end\ndata: {\"reason\":\"shutdown\"}\n\n" : "";
  }

 private:
  // On the subscription's thread.
  Status deliver(const RecordedEvent& e, std::uint64_t generation) {
    std::lock_guard lock(mu_);
    if (generation != generation_) return {ErrorCode::unavailable, "superseded"};
    auto body = body_.lock();
    if (!body) return {ErrorCode::unavailable, "the client is gone"};
    if (!body->push(frame(e))) {
      // Stop here; on_space() continues from this checkpoint once the client has caught up.
      paused_generation_ = generation;
      metrics_->count_stream_pause();
      return {ErrorCode::unavailable, "the client's buffer is full"};
    }
    delivered_ = e.position;
    idle_ticks_ = 0;
    return {};
  }

  // mu_ held. The current subscription's checkpoint covers everything it delivered or skipped
  // (a refused event is not covered); bumping the generation first means it delivers no more.
  void resubscribe() {
    ++generation_;
    if (sub_) delivered_ = std::max(delivered_, sub_->position());
    streams_->retire(std::move(sub_));
    subscribe();
  }

  void subscribe() {  // mu_ held
    const std::uint64_t generation = ++generation_;
    SubscribeOptions o;
    o.name = options_.name + "#" + std::to_string(generation);  // unique while a retired one lingers
    o.after_position = delivered_;
    o.filter = options_.filter;
    sub_ = store_->subscribe(std::move(o), [self = shared_from_this(), generation](const RecordedEvent& e) {
      return self->deliver(e, generation);
    });
  }

  std::shared_ptr<EventStore> store_;
  std::shared_ptr<LiveStreams> streams_;
  std::shared_ptr<Metrics> metrics_;
  const EventStreamOptions options_;

  std::mutex mu_;
  std::weak_ptr<StreamBody> body_;  // the body owns this producer
  std::unique_ptr<Subscription> sub_;
  std::uint64_t generation_ = 0;         // of sub_; handlers of older subscriptions deliver nothing
  std::uint64_t paused_generation_ = 0;  // the subscription that stopped on a full buffer
  Position delivered_;                   // resume point: everything up to here was sent or skipped
  unsigned idle_ticks_ = 0;
  bool failing_ = false;
  bool ended_ = false;
};

}  // namespace

std::shared_ptr<StreamBody> open_event_stream(std::shared_ptr<EventStore> store, std::shared_ptr<LiveStreams> streams,
                                              std::shared_ptr<Metrics> metrics, EventStreamOptions options) {
  metrics->stream_opened();
  const std::size_t max_buffered = options.max_buffered_bytes;
  const std::string hello = ": roundhouse events after " + std::to_string(options.after) + "\n\n";
  auto producer = std::make_shared<EventStreamProducer>(std::move(store), std::move(streams), std::move(metrics),
                                                        std::move(options));
  auto body = std::make_shared<StreamBody>(producer, max_buffered);
  body->push(hello);
  producer->start(body);
  return body;
}

}  // namespace roundhouse::host
