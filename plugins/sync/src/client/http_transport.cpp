#include "http_transport.hpp"

#include <sys/socket.h>

#include <cctype>
#include <cerrno>
#include <mutex>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace roundhouse::sync::client {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

struct HttpTransport::Connection {
  net::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  std::chrono::milliseconds timeout{};  // for each connect, write and read
};

struct HttpTransport::Pool {
  std::mutex mu;
  std::unique_ptr<Connection> idle;
};

namespace {

using Connection = HttpTransport::Connection;
using Request = http::request<http::string_body>;

// Large reads: a pull reply is tens of kilobytes, and Beast reads what the buffer has room for.
constexpr std::size_t kReadBuffer = 64 << 10;

// A kept connection is usable when the server has neither closed it (idle timeout, restart: the
// peek sees the end of the stream) nor sent anything unasked.
bool still_open(Connection& c) {
  char byte;
  const ssize_t n = ::recv(c.stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

bool idempotent(http::verb v) {
  return v == http::verb::get || v == http::verb::head || v == http::verb::put || v == http::verb::delete_;
}

Error unreachable(const std::string& why) { return Error{ErrorCode::unavailable, "sync server unreachable: " + why}; }

// Beast's stream timeouts (expires_after) bound asynchronous operations only: a blocking read
// from a server that accepted and then stalled would wait forever. So every connect, write and
// read runs asynchronously on the connection's own io_context, driven here to completion by the
// calling thread; past the timeout the stream closes its socket and the operation fails.
template <class Start>
beast::error_code run_bounded(Connection& c, Start&& start) {
  beast::error_code result = net::error::would_block;
  c.stream.expires_after(c.timeout);
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  c.io.restart();
  c.io.run();
  return result;
}

// A message written or read piece by piece (`step`: one write_some or read_some) until `done()`.
// The timeout restarts with every piece, so it bounds how long the server stays silent, not how
// long a large pull takes over a slow link.
template <class Step, class Done>
beast::error_code run_pieces(Connection& c, Step&& step, Done&& done) {
  for (;;) {
    if (auto ec = run_bounded(c, step)) return ec;
    if (done()) return {};
  }
}

std::string describe(const beast::error_code& ec, std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout) return "no answer within " + std::to_string(timeout.count()) + " ms";
  return ec.message();
}

Result<std::unique_ptr<Connection>> open(const std::string& host, const std::string& port,
                                         std::chrono::milliseconds timeout) {
  try {
    auto c = std::make_unique<Connection>();
    c->timeout = timeout;
    net::ip::tcp::resolver resolver(c->io);
    const auto endpoints = resolver.resolve(host, port);
    if (auto ec = run_bounded(*c, [&](auto done) { c->stream.async_connect(endpoints, done); }))
      return unreachable(describe(ec, timeout));
    c->stream.socket().set_option(net::ip::tcp::no_delay(true));  // a request is one write: send it now
    return c;
  } catch (const std::exception& e) {
    return unreachable(e.what());
  }
}

bool send(Connection& c, Request& req, std::string& error) {
  http::request_serializer<http::string_body> writer{req};
  const auto ec = run_pieces(c, [&](auto piece) { http::async_write_some(c.stream, writer, piece); },
                             [&] { return writer.is_done(); });
  if (ec) error = describe(ec, c.timeout);
  return !ec;
}

struct Received {
  std::optional<HttpReply> reply;
  bool keep = false;          // the connection may carry the next request
  bool nothing_back = false;  // the connection ended before any byte of a reply
  std::string error;
};

Received receive(Connection& c) {
  Received out;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  c.buffer.clear();
  c.buffer.reserve(kReadBuffer);
  const auto ec = run_pieces(c, [&](auto piece) { http::async_read_some(c.stream, c.buffer, parser, piece); },
                             [&] { return parser.is_done(); });
  if (ec) {
    out.nothing_back = !parser.got_some() && (ec == http::error::end_of_stream || ec == net::error::connection_reset ||
                                              ec == net::error::eof);
    out.error = describe(ec, c.timeout);
    return out;
  }
  out.keep = parser.get().keep_alive();
  auto res = parser.release();
  out.reply = HttpReply{static_cast<int>(res.result_int()), std::move(res.body()), {}};
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.reply->headers.emplace(std::move(name), std::string(field.value()));
  }
  return out;
}

}  // namespace

Result<HttpTransport> HttpTransport::create(const std::string& base_url, std::string api_key,
                                            std::chrono::milliseconds timeout) {
  const std::string scheme = "http://";
  if (base_url.rfind(scheme, 0) != 0) return Error{ErrorCode::invalid_argument, "the server URL must start with http://"};
  std::string rest = base_url.substr(scheme.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto colon = rest.rfind(':');
  HttpTransport t;
  t.host_ = colon == std::string::npos ? rest : rest.substr(0, colon);
  t.port_ = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  if (t.host_.empty() || t.port_.empty() || rest.find('/') != std::string::npos)
    return Error{ErrorCode::invalid_argument, "the server URL must be http://host[:port]"};
  t.api_key_ = std::move(api_key);
  t.timeout_ = timeout;
  t.pool_ = std::make_shared<Pool>();
  return t;
}

struct HttpTransport::InFlight::State {
  HttpTransport transport;  // where to send the request again
  Request req;
  std::unique_ptr<Connection> conn;
  bool reused = false;  // a kept connection, which the server may have closed as the request went out
  bool finished = false;
};

HttpTransport::InFlight::InFlight(std::unique_ptr<State> state) : state_(std::move(state)) {}
HttpTransport::InFlight::InFlight(InFlight&&) noexcept = default;
HttpTransport::InFlight& HttpTransport::InFlight::operator=(InFlight&&) noexcept = default;
HttpTransport::InFlight::~InFlight() = default;

Result<HttpTransport::InFlight> HttpTransport::start(const std::string& method, const std::string& target,
                                                     const HttpBody& body) const {
  Request req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, host_);
  req.set(http::field::authorization, "Bearer " + api_key_);
  if (!body.accept.empty()) req.set(http::field::accept, body.accept);
  if (!body.bytes.empty()) {
    req.set(http::field::content_type, body.content_type);
    req.body() = body.bytes;
  }
  req.keep_alive(true);
  req.prepare_payload();

  std::unique_ptr<Connection> conn;
  {
    std::lock_guard lock(pool_->mu);
    conn = std::move(pool_->idle);
  }
  if (conn && !still_open(*conn)) conn.reset();
  bool kept = false;  // the request went out on a kept connection
  std::string error;
  if (conn) {
    kept = send(*conn, req, error);
    if (!kept && !idempotent(req.method())) return unreachable(error);
    if (!kept) conn.reset();
  }
  if (!conn) {
    auto fresh = open(host_, port_, timeout_);
    if (!fresh) return fresh.error();
    conn = std::move(*fresh);
    if (!send(*conn, req, error)) return unreachable(error);
  }
  return InFlight(std::make_unique<InFlight::State>(InFlight::State{*this, std::move(req), std::move(conn), kept, false}));
}

Result<HttpReply> HttpTransport::InFlight::finish() {
  if (!state_ || state_->finished) return Error{ErrorCode::invalid_argument, "this request's reply was read already"};
  State& s = *state_;
  s.finished = true;
  Received got = receive(*s.conn);
  // The server closed the kept connection as the request went out: nothing reached a handler that
  // could have answered, but only a request that may run twice is sent again by itself.
  if (!got.reply && s.reused && got.nothing_back && idempotent(s.req.method())) {
    auto fresh = open(s.transport.host_, s.transport.port_, s.transport.timeout_);
    if (!fresh) return fresh.error();
    s.conn = std::move(*fresh);
    if (std::string error; !send(*s.conn, s.req, error)) return unreachable(error);
    got = receive(*s.conn);
  }
  if (!got.reply) return unreachable(got.error);
  if (got.keep) {
    std::lock_guard lock(s.transport.pool_->mu);
    if (!s.transport.pool_->idle) s.transport.pool_->idle = std::move(s.conn);
  }
  return std::move(*got.reply);
}

Result<HttpReply> HttpTransport::request(const std::string& method, const std::string& target,
                                         const HttpBody& body) const {
  auto sent = start(method, target, body);
  if (!sent) return sent.error();
  return sent->finish();
}

Result<HttpReply> HttpTransport::request(const std::string& method, const std::string& target,
                                         const std::string& json_body) const {
  return request(method, target, HttpBody{json_body});
}

}  // namespace roundhouse::sync::client
