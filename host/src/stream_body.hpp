#pragma once
// A response body written while it is being produced (Server-Sent Events). A handler replies with
// a Response whose `stream` is set; the session sends the headers (chunked transfer encoding,
// Connection: close), then writes whatever the producer queues until one side ends the stream.
//
// Memory: at most `max_buffered_bytes` wait in the host per stream (queued plus being written).
// push() refuses more and returns false; once the client has taken the queue down to half, the
// producer hears on_space() and may push again. A producer therefore never blocks on a slow client,
// and never holds more than the limit for it.
//
// Threads: push() from any thread (e.g. a store subscription's). The session calls the rest on its
// strand; the producer's callbacks run there, one at a time, and must not block. on_end() runs
// exactly once: when the session ends the stream, or from the destructor if it never started.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace roundhouse::host {

class StreamProducer {
 public:
  enum class End : unsigned char {
    disconnected,  // the client went away or the connection failed: nothing more can be sent
    shutdown,      // the server is shutting down: a last message can still be sent
  };
  virtual ~StreamProducer() = default;
  virtual void on_space() = 0;  // a refused push() may be retried now
  virtual void on_tick() = 0;   // every kTickInterval while the stream is open (heartbeats, checks)
  // Stop producing and let go of resources. Returns a last piece of body to send (shutdown only).
  virtual std::string on_end(End why) = 0;
};

class StreamBody {
 public:
  static constexpr std::chrono::seconds kTickInterval{1};

  StreamBody(std::shared_ptr<StreamProducer> producer, std::size_t max_buffered_bytes);
  ~StreamBody();
  StreamBody(const StreamBody&) = delete;
  StreamBody& operator=(const StreamBody&) = delete;

  // Producer side, any thread. Queues `data` unless the buffer is full or the stream has ended.
  bool push(std::string_view data);
  std::size_t max_buffered_bytes() const { return max_buffered_; }

  // Session side, on its strand.
  // `wake` is called (from any thread) when data arrives after take() found none.
  void set_waker(std::function<void()> wake);
  // Moves the queued data into `out` (which the session then writes). Returns true once the stream
  // has ended and nothing more will come.
  bool take(std::string& out);
  void written();  // the data of the last take() is out: its room is free again
  void tick();
  void end(StreamProducer::End why);  // idempotent

 private:
  std::shared_ptr<StreamProducer> take_producer();

  const std::size_t max_buffered_;
  std::mutex mu_;
  std::string queue_;
  std::size_t in_flight_ = 0;  // taken, not yet written
  bool refused_ = false;       // a push was refused: tell the producer when there is room
  bool waiting_ = false;       // take() found nothing: the next push wakes the session
  bool ended_ = false;         // push() refuses
  bool finished_ = false;      // ended, and the producer's last piece is queued
  std::function<void()> wake_;
  std::shared_ptr<StreamProducer> producer_;  // null once ended
};

}  // namespace roundhouse::host
