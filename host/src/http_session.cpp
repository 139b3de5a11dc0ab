#include "http_session.hpp"

#include <cctype>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/rand.h>

#include "log.hpp"
#include "problem.hpp"

namespace roundhouse::host {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {
constexpr std::uint64_t kBodyReadChunk = 64 << 10;  // the most a body read asks for at once
constexpr std::size_t kIdleBufferBytes = 8 << 10;     // what a connection keeps between requests
}  // namespace
using tcp = net::ip::tcp;

// ---- SessionHub ----

SessionHub::SessionHub(std::shared_ptr<Dispatcher> dispatcher, std::size_t max_body_bytes,
                       std::chrono::seconds idle_timeout)
    : dispatcher_(std::move(dispatcher)), max_body_bytes_(max_body_bytes), idle_timeout_(idle_timeout) {
  unsigned char r[4] = {};
  RAND_bytes(r, sizeof r);
  static constexpr char digits[] = "0123456789abcdef";
  for (unsigned char b : r) {
    id_prefix_ += digits[b >> 4];
    id_prefix_ += digits[b & 0xF];
  }
  id_prefix_ += '-';
}

std::string SessionHub::next_request_id() {
  return id_prefix_ + std::to_string(request_counter_.fetch_add(1, std::memory_order_relaxed) + 1);
}

void SessionHub::add(HttpSession* s, const std::weak_ptr<HttpSession>& w) {
  std::lock_guard lock(mu_);
  sessions_.emplace(s, w);
}

void SessionHub::remove(HttpSession* s) {
  std::lock_guard lock(mu_);
  sessions_.erase(s);
  if (sessions_.empty()) cv_.notify_all();
}

void SessionHub::drain(bool force) {
  draining_.store(true, std::memory_order_release);
  std::vector<std::shared_ptr<HttpSession>> live;
  {
    std::lock_guard lock(mu_);
    for (auto& [_, w] : sessions_)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->shutdown(force);
}

bool SessionHub::wait_empty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return sessions_.empty(); });
}

std::size_t SessionHub::busy_sessions() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [_, w] : sessions_)
    if (auto s = w.lock(); s && s->busy()) ++n;
  return n;
}

// ---- HttpSession ----

HttpSession::HttpSession(tcp::socket&& socket, std::shared_ptr<SessionHub> hub)
    : stream_(std::move(socket)), hub_(std::move(hub)) {
  beast::error_code ec;
  stream_.socket().set_option(tcp::no_delay(true), ec);  // small responses must not wait for Nagle
}

HttpSession::~HttpSession() { hub_->remove(this); }

void HttpSession::run() {
  hub_->add(this, weak_from_this());
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
}

void HttpSession::shutdown(bool force) {
  net::post(stream_.get_executor(), [self = shared_from_this(), force] {
    self->closing_ = true;
    if (self->body_stream_ && !force && !self->closed_) {
      // End the stream cleanly: the producer's last piece, then the final chunk, then close.
      self->body_stream_->end(StreamProducer::End::shutdown);
      return self->pump();
    }
    if (force || !self->busy()) self->close();
  });
}

void HttpSession::read_header() {
  if (closing_ || hub_->draining()) return close();
  parser_.emplace();
  parser_->body_limit(hub_->max_body_bytes());
  parser_->header_limit(64 * 1024);
  stream_.expires_after(hub_->idle_timeout());
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void HttpSession::on_header(beast::error_code ec) {
  if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout ||
      ec == net::error::connection_reset || ec == net::error::eof)
    return close();
  busy_.store(true, std::memory_order_release);
  started_ = std::chrono::steady_clock::now();
  request_id_ = hub_->next_request_id();
  const auto& req = parser_->get();
  method_ = std::string(req.method_string());
  target_ = std::string(req.target());
  if (ec == http::error::body_limit)
    return reject(413, to_string(ErrorCode::payload_too_large),
                  "the request body exceeds the limit of " + std::to_string(hub_->max_body_bytes()) + " bytes");
  if (ec) {
    if (method_.empty()) return close();  // not even a request line: nothing to answer
    return reject(400, codes::bad_request, "malformed HTTP request: " + ec.message());
  }
  if (auto id = req["X-Request-Id"]; !id.empty() && id.size() <= 128) request_id_ = std::string(id);

  // curl and others wait for "100 Continue" before sending a large body.
  if (beast::iequals(req[http::field::expect], "100-continue") && !parser_->is_done()) {
    auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
    response_ = cont;
    http::async_write(stream_, *cont, [self = shared_from_this()](beast::error_code wec, std::size_t) {
      if (wec) return self->close();
      self->read_body();
    });
    return;
  }
  read_body();
}

void HttpSession::read_body() {
  if (parser_->is_done()) return handle_request();
  // Beast reads what the buffer has room for (512 bytes when it is fresh): a body of tens of
  // kilobytes gets room for itself (up to 64 KiB) instead of a read per 512 bytes.
  if (auto length = parser_->content_length(); length && buffer_.capacity() - buffer_.size() < *length)
    buffer_.reserve(buffer_.size() + static_cast<std::size_t>(std::min<std::uint64_t>(*length, kBodyReadChunk)));
  stream_.expires_after(hub_->idle_timeout());
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void HttpSession::on_body(beast::error_code ec) {
  if (ec == http::error::body_limit)
    return reject(413, to_string(ErrorCode::payload_too_large),
                  "the request body exceeds the limit of " + std::to_string(hub_->max_body_bytes()) + " bytes");
  if (ec) return close();  // the client went away mid-body: nobody to answer
  handle_request();
}

void HttpSession::handle_request() {
  stream_.expires_never();  // the handler may take a while (an append waits for its fsync)
  auto msg = parser_->release();
  parser_.reset();
  // An idle keep-alive connection does not hold on to the room a large body got.
  if (buffer_.size() == 0 && buffer_.capacity() > kIdleBufferBytes) buffer_.shrink_to_fit();
  keep_alive_ = msg.keep_alive();
  head_ = msg.method() == http::verb::head;

  Request req;
  req.method = head_ ? "HEAD" : method_;
  req.target = target_;
  req.body = std::move(msg.body());
  req.content_type = std::string(msg[http::field::content_type]);
  req.authorization = std::string(msg[http::field::authorization]);
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace(std::move(name), std::string(field.value()));
  }
  req.request_id = request_id_;

  hub_->dispatcher().dispatch(std::move(req), [self = shared_from_this()](Response response) {
    // Handlers may answer from any thread (store callbacks): hop back onto the connection's strand.
    net::dispatch(self->stream_.get_executor(),
                  [self, response = std::move(response)]() mutable { self->write(std::move(response)); });
  });
}

template <class Message>
void HttpSession::set_headers(Message& res, Response& r, bool keep_alive) {
  res.set(http::field::server, "roundhouse/" ROUNDHOUSE_HOST_VERSION);
  res.set(http::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers) res.insert(k, v);
  res.keep_alive(keep_alive);
}

void HttpSession::write(Response r) {
  if (closed_) {
    if (r.stream) r.stream->end(StreamProducer::End::disconnected);
    busy_.store(false, std::memory_order_release);
    return;
  }
  if (r.stream) {
    if (!head_) return start_stream(std::move(r));
    r.stream->end(StreamProducer::End::disconnected);  // HEAD: the headers are all there is
    r.stream.reset();
  }
  const bool keep_alive = keep_alive_ && !closing_ && !hub_->draining();
  stream_.expires_after(hub_->idle_timeout());
  auto done = [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
    self->on_write(ec, keep_alive);
  };
  if (head_) {  // headers only, with the Content-Length the GET would have
    auto res = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(r.status), 11);
    set_headers(*res, r, keep_alive);
    res->content_length(r.body.size());
    response_ = res;
    http::async_write(stream_, *res, std::move(done));
    return;
  }
  auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
  set_headers(*res, r, keep_alive);
  res->body() = std::move(r.body);
  res->prepare_payload();
  response_ = res;
  http::async_write(stream_, *res, std::move(done));
}

// ---- streamed responses ----

void HttpSession::start_stream(Response r) {
  body_stream_ = std::move(r.stream);
  auto res = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(r.status), 11);
  set_headers(*res, r, false);
  res->chunked(true);
  auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*res);
  stream_.expires_after(hub_->idle_timeout());
  chunk_writing_ = true;  // the head is a write too: pump() waits for it
  http::async_write_header(stream_, *serializer,
                           [self = shared_from_this(), res, serializer](beast::error_code ec, std::size_t) {
                             self->chunk_writing_ = false;
                             if (ec) return self->close();
                             self->on_stream_started();
                           });
}

void HttpSession::on_stream_started() {
  if (closed_) return;
  body_stream_->set_waker([weak = weak_from_this()] {
    if (auto self = weak.lock()) net::post(self->stream_.get_executor(), [self] { self->pump(); });
  });
  // A stream that starts while the server drains ends at once (after the producer's last piece).
  if (closing_ || hub_->draining()) body_stream_->end(StreamProducer::End::shutdown);
  watch_peer();
  schedule_tick();
  pump();
}

void HttpSession::pump() {
  if (chunk_writing_ || closed_ || !body_stream_) return;
  chunk_.clear();
  const bool finished = body_stream_->take(chunk_);
  if (chunk_.empty() && !finished) return;  // the waker calls again when there is data
  chunk_writing_ = true;
  stream_.expires_after(hub_->idle_timeout());  // a client that takes nothing for this long is dropped
  if (!chunk_.empty()) {
    net::async_write(stream_, http::make_chunk(net::buffer(chunk_)),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_chunk(ec, false); });
  } else {
    net::async_write(stream_, http::make_chunk_last(),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_chunk(ec, true); });
  }
}

void HttpSession::on_chunk(beast::error_code ec, bool last) {
  chunk_writing_ = false;
  if (ec || last || closed_) return close();
  body_stream_->written();
  pump();
}

// The session does not read while it streams; this read only notices the client closing (EOF or
// reset), so the producer stops without waiting for the next write to fail.
void HttpSession::watch_peer() {
  stream_.socket().async_read_some(net::buffer(peer_probe_),
                                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                     if (self->closed_) return;
                                     if (ec) return self->close();
                                     self->watch_peer();  // whatever a client sends mid-stream is ignored
                                   });
}

void HttpSession::schedule_tick() {
  if (!tick_) tick_.emplace(stream_.get_executor());
  tick_->expires_after(StreamBody::kTickInterval);
  tick_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closed_ || !self->body_stream_) return;
    self->body_stream_->tick();
    self->schedule_tick();
  });
}

void HttpSession::on_write(beast::error_code ec, bool keep_alive) {
  response_.reset();
  busy_.store(false, std::memory_order_release);
  if (ec) return close();
  if (lingering_) return linger();
  if (!keep_alive) return close();
  read_header();
}

// After refusing a request whose body we did not read, keep reading (and dropping) for a moment
// before closing: closing a socket with unread input makes the kernel send a reset, and the client
// would see "connection reset" instead of our 413.
void HttpSession::linger() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.expires_after(std::chrono::seconds(2));
  discard_.resize(64 * 1024);
  lingered_ = 0;
  on_linger({}, 0);
}

void HttpSession::on_linger(beast::error_code ec, std::size_t n) {
  lingered_ += n;
  if (ec || closing_ || lingered_ > 64 * hub_->max_body_bytes()) return close();
  stream_.async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code e, std::size_t k) {
    self->on_linger(e, k);
  });
}

void HttpSession::reject(int status, std::string_view code, const std::string& detail) {
  hub_->dispatcher().record(method_, target_, status, started_, request_id_);
  Response r = problem(status, code, detail, target_.substr(0, target_.find('?')));
  r.headers.emplace_back("X-Request-Id", request_id_);
  keep_alive_ = false;  // the unread body makes the connection unusable
  lingering_ = true;
  head_ = false;
  parser_.reset();
  write(std::move(r));
}

void HttpSession::close() {
  if (closed_) return;
  closed_ = true;
  if (body_stream_) {
    body_stream_->end(StreamProducer::End::disconnected);  // no-op when it ended already
    body_stream_.reset();
    busy_.store(false, std::memory_order_release);
  }
  if (tick_) tick_->cancel();
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.close();
}

}  // namespace roundhouse::host
