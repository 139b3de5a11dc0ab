#pragma once
// One HTTP connection (internal to http_server.cpp / http_session.cpp).
//
// All of a session's work runs on its strand. A request is "busy" from its header until its
// response is written; shutdown() closes an idle connection at once and a busy one right after its
// response. The SessionHub tracks live sessions so the server can wait for them to drain.
//
// A streamed response (Response::stream, see stream_body.hpp) keeps the request busy until the
// stream ends: the session writes the producer's data as chunks, ticks it once a second, watches
// for the client leaving, and on shutdown lets the producer send a last piece before the final
// chunk. The connection closes after a stream (Connection: close).

#include <array>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "dispatcher.hpp"
#include "http_types.hpp"
#include "stream_body.hpp"

namespace roundhouse::host {

class HttpSession;

// Shared by the server and its sessions; thread-safe.
class SessionHub {
 public:
  SessionHub(std::shared_ptr<Dispatcher> dispatcher, std::size_t max_body_bytes, std::chrono::seconds idle_timeout);

  Dispatcher& dispatcher() { return *dispatcher_; }
  std::size_t max_body_bytes() const { return max_body_bytes_; }
  std::chrono::seconds idle_timeout() const { return idle_timeout_; }
  bool draining() const { return draining_.load(std::memory_order_acquire); }
  std::string next_request_id();

  void add(HttpSession* s, const std::weak_ptr<HttpSession>& w);
  void remove(HttpSession* s);
  // Marks the hub draining and asks every session to close (idle ones at once).
  void drain(bool force);
  // True when every session ended within the timeout.
  bool wait_empty(std::chrono::milliseconds timeout);
  std::size_t busy_sessions() const;

 private:
  std::shared_ptr<Dispatcher> dispatcher_;
  std::size_t max_body_bytes_;
  std::chrono::seconds idle_timeout_;
  std::atomic<bool> draining_{false};
  std::atomic<std::uint64_t> request_counter_{0};
  std::string id_prefix_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions_;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<SessionHub> hub);
  ~HttpSession();
  void run();
  // Thread-safe. force: close even when a request is in flight.
  void shutdown(bool force);
  bool busy() const { return busy_.load(std::memory_order_acquire); }

 private:
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void read_header();
  void on_header(boost::beast::error_code ec);
  void read_body();
  void on_body(boost::beast::error_code ec);
  void handle_request();
  void write(Response response);
  void on_write(boost::beast::error_code ec, bool keep_alive);
  template <class Message>
  void set_headers(Message& res, Response& r, bool keep_alive);
  // Streamed responses.
  void start_stream(Response r);
  void on_stream_started();
  void pump();
  void on_chunk(boost::beast::error_code ec, bool last);
  void watch_peer();
  void schedule_tick();
  // Answers a request the parser refused (413, 400) and closes: its body was not consumed.
  void reject(int status, std::string_view code, const std::string& detail);
  void linger();
  void on_linger(boost::beast::error_code ec, std::size_t n);
  void close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<SessionHub> hub_;
  std::optional<Parser> parser_;
  std::shared_ptr<void> response_;  // the response being written (kept alive until on_write)
  std::atomic<bool> busy_{false};
  bool closing_ = false;   // strand-only: close after the current response
  bool closed_ = false;    // strand-only
  bool keep_alive_ = false;
  bool head_ = false;      // HEAD request: send headers only
  bool lingering_ = false; // a refused body is still arriving: drain it before closing
  std::vector<char> discard_;
  std::size_t lingered_ = 0;
  std::string method_, target_, request_id_;
  std::chrono::steady_clock::time_point started_;
  // Streamed response state (strand-only).
  std::shared_ptr<StreamBody> body_stream_;
  std::string chunk_;          // the chunk being written
  bool chunk_writing_ = false; // a write (the head or a chunk) is in flight
  std::optional<boost::asio::steady_timer> tick_;
  std::array<char, 512> peer_probe_{};  // reads that only tell us when the client closes
};

}  // namespace roundhouse::host
