#pragma once
// HTTP/1.1 server on Boost.Beast + Asio: one io_context run by N threads, one strand per
// connection, keep-alive, a request body limit (413), and a graceful shutdown that stops accepting,
// lets every in-flight request finish (including appends waiting for the store), then closes idle
// connections.
//
// Lifecycle: construct, start() once, shutdown() once (from a thread that is not an I/O thread).
// The object must outlive every callback that may still reach a connection (e.g. a store's
// append callback): destroy it only after the store is closed.

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "config.hpp"
#include "dispatcher.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::host {

struct ServerOptions {
  ListenAddress listen;
  unsigned threads = 1;
  std::size_t max_body_bytes = 1 << 20;
  std::chrono::seconds idle_timeout{60};  // keep-alive connections idle longer than this are closed
};

class SessionHub;

class HttpServer {
 public:
  HttpServer(ServerOptions options, std::shared_ptr<Dispatcher> dispatcher);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads. Returns the bound endpoint (the real port when 0
  // was asked for). unavailable when the address cannot be bound.
  Result<boost::asio::ip::tcp::endpoint> start();

  // Stops accepting, waits up to `grace` for in-flight requests, closes every connection and
  // joins the I/O threads. Returns the number of requests that were cut off (0 normally).
  std::size_t shutdown(std::chrono::milliseconds grace);

  boost::asio::io_context& io_context() { return ioc_; }

 private:
  void accept();

  ServerOptions options_;
  boost::asio::io_context ioc_;
  // Keeps the I/O threads running while nothing but a store callback is pending (e.g. the last
  // appends during a drain, when the acceptor is closed and sessions wait for their commit).
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<SessionHub> hub_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace roundhouse::host
