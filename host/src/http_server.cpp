#include "http_server.hpp"

#include <future>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "http_session.hpp"
#include "log.hpp"

namespace roundhouse::host {
namespace net = boost::asio;
using tcp = net::ip::tcp;

HttpServer::HttpServer(ServerOptions options, std::shared_ptr<Dispatcher> dispatcher)
    : options_(std::move(options)),
      ioc_(static_cast<int>(options_.threads)),
      work_(boost::asio::make_work_guard(ioc_)),
      acceptor_(net::make_strand(ioc_)),
      hub_(std::make_shared<SessionHub>(std::move(dispatcher), options_.max_body_bytes, options_.idle_timeout)) {}

HttpServer::~HttpServer() { shutdown(std::chrono::milliseconds(0)); }

Result<tcp::endpoint> HttpServer::start() {
  boost::system::error_code ec;
  tcp::resolver resolver(ioc_);
  auto results = resolver.resolve(options_.listen.host, std::to_string(options_.listen.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    return Error{ErrorCode::unavailable, "cannot resolve listen host '" + options_.listen.host + "': " + ec.message()};
  const tcp::endpoint wanted = results.begin()->endpoint();
  auto fail = [&](const char* what) {
    return Error{ErrorCode::unavailable, std::string("cannot ") + what + " " + wanted.address().to_string() + ":" +
                                             std::to_string(wanted.port()) + ": " + ec.message()};
  };
  acceptor_.open(wanted.protocol(), ec);
  if (ec) return fail("open a socket for");
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  acceptor_.bind(wanted, ec);
  if (ec) return fail("bind");
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  const tcp::endpoint bound = acceptor_.local_endpoint(ec);

  accept();
  threads_.reserve(options_.threads);
  for (unsigned i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {  // a handler bug must not take the server down
          Log::error("uncaught exception on an I/O thread", {{"error", e.what()}});
        }
      }
    });
  }
  return bound;
}

void HttpServer::accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      Log::warn("accept failed", {{"error", ec.message()}});
    } else if (hub_->draining()) {
      return;  // stop accepting; dropping `socket` closes it
    } else {
      std::make_shared<HttpSession>(std::move(socket), hub_)->run();
    }
    accept();
  });
}

std::size_t HttpServer::shutdown(std::chrono::milliseconds grace) {
  if (stopped_) return 0;
  stopped_ = true;
  std::size_t cut_off = 0;
  if (!threads_.empty()) {
    // Close the acceptor on its own strand (it is not thread-safe), then drain the sessions.
    std::promise<void> closed;
    net::post(acceptor_.get_executor(), [&] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      closed.set_value();
    });
    closed.get_future().wait();
    hub_->drain(false);
    if (!hub_->wait_empty(grace)) {
      cut_off = hub_->busy_sessions();
      hub_->drain(true);
      hub_->wait_empty(std::chrono::milliseconds(1000));
    }
  }
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  return cut_off;
}

}  // namespace roundhouse::host
