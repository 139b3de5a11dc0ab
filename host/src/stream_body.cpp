#include "stream_body.hpp"

namespace roundhouse::host {

StreamBody::StreamBody(std::shared_ptr<StreamProducer> producer, std::size_t max_buffered_bytes)
    : max_buffered_(max_buffered_bytes), producer_(std::move(producer)) {}

StreamBody::~StreamBody() {
  // A stream that never reached a session (the client left first) still stops its producer.
  if (producer_) producer_->on_end(StreamProducer::End::disconnected);
}

bool StreamBody::push(std::string_view data) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    if (ended_) return false;
    const std::size_t buffered = queue_.size() + in_flight_;
    // One piece larger than the whole limit still goes through when nothing else is waiting.
    if (buffered > 0 && buffered + data.size() > max_buffered_) {
      refused_ = true;
      return false;
    }
    queue_.append(data);
    if (waiting_) {
      waiting_ = false;
      wake = wake_;
    }
  }
  if (wake) wake();
  return true;
}

void StreamBody::set_waker(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  wake_ = std::move(wake);
}

bool StreamBody::take(std::string& out) {
  std::lock_guard lock(mu_);
  if (out.empty()) out.swap(queue_);
  else out.append(queue_);
  queue_.clear();
  in_flight_ = out.size();
  waiting_ = out.empty() && !finished_;
  return finished_;
}

void StreamBody::written() {
  std::shared_ptr<StreamProducer> producer;
  {
    std::lock_guard lock(mu_);
    in_flight_ = 0;
    if (!refused_ || ended_ || queue_.size() > max_buffered_ / 2) return;
    refused_ = false;
    producer = producer_;
  }
  producer->on_space();
}

void StreamBody::tick() {
  std::shared_ptr<StreamProducer> producer;
  {
    std::lock_guard lock(mu_);
    producer = producer_;
  }
  if (producer) producer->on_tick();
}

std::shared_ptr<StreamProducer> StreamBody::take_producer() {
  std::lock_guard lock(mu_);
  return std::move(producer_);
}

void StreamBody::end(StreamProducer::End why) {
  auto producer = take_producer();
  if (!producer) return;
  {
    std::lock_guard lock(mu_);
    ended_ = true;  // from here on push() refuses: the producer may still be mid-push elsewhere
  }
  std::string last = producer->on_end(why);
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    if (why == StreamProducer::End::shutdown) queue_.append(last);
    finished_ = true;
    if (waiting_) {
      waiting_ = false;
      wake = wake_;
    }
  }
  if (wake) wake();
}

}  // namespace roundhouse::host
