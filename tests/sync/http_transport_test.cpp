// The device client's HTTP transport against a scripted HTTP/1.1 server on a real loopback socket:
// a kept connection carries the next request, one the server closed meanwhile is replaced, and a
// request whose kept connection dies before any reply is sent again only when it is idempotent.
// Also a whole sync: its pull rides on its push's connection, or on a new one when that one closed.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/device_store.hpp"
#include "client/http_transport.hpp"
#include "client/sync_client.hpp"
#include "engine/base64.hpp"
#include "roundhouse/sync/wire.hpp"

namespace roundhouse::sync::client {
namespace {

// What the server does with one request: answer (keeping the connection or closing it after the
// answer), close the connection without answering, keep it open and never answer, or answer
// slowly (the reply in 40 pieces, 50 ms apart).
enum class Then { keep, close_after, drop, stall, trickle };

// Serves each connection on a thread of its own; `script` decides per request, given the request's
// method and the connection's number (from 1).
class ScriptedServer {
 public:
  using Script = std::function<Then(const std::string& method, int connection)>;
  using Body = std::function<std::string(const std::string& method)>;
  explicit ScriptedServer(Script script, Body body = {}) : script_(std::move(script)), body_(std::move(body)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(listener_, 8) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("cannot listen");
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~ScriptedServer() {
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    for (auto& t : handlers_) t.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }
  std::vector<std::string> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // Returns once the server has closed `n` connections (their end of stream is on its way).
  void wait_closed(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return closed_ >= n; });
  }

 private:
  void accept_loop() {
    for (;;) {
      int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      const int number = ++connections_;
      handlers_.emplace_back([this, fd, number] { serve(fd, number); });
    }
  }
  void serve(int fd, int number) {
    std::string in;
    char buf[4096];
    for (;;) {
      std::size_t end;
      while ((end = in.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return finish(fd);
        in.append(buf, static_cast<std::size_t>(n));
      }
      std::size_t length = 0;
      if (auto at = in.find("Content-Length: "); at != std::string::npos && at < end)
        length = std::stoul(in.substr(at + 16));
      while (in.size() < end + 4 + length) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return finish(fd);
        in.append(buf, static_cast<std::size_t>(n));
      }
      const std::string method = in.substr(0, in.find(' '));
      in.erase(0, end + 4 + length);
      {
        std::lock_guard lock(mu_);
        requests_.push_back(method + " #" + std::to_string(number));
      }
      const Then then = script_(method, number);
      if (then == Then::drop) return finish(fd);
      if (then == Then::stall) continue;  // until the client gives up and closes
      const std::string body = body_ ? body_(method) : "{\"ok\":true}";
      const std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body;
      if (then == Then::trickle) {
        const std::size_t piece = reply.size() / 40 + 1;
        for (std::size_t at = 0; at < reply.size(); at += piece) {
          const std::size_t n = std::min(piece, reply.size() - at);
          if (::send(fd, reply.data() + at, n, MSG_NOSIGNAL) != static_cast<ssize_t>(n)) return finish(fd);
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        continue;
      }
      if (::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(reply.size()) ||
          then == Then::close_after)
        return finish(fd);
    }
  }
  void finish(int fd) {
    ::close(fd);
    std::lock_guard lock(mu_);
    ++closed_;
    cv_.notify_all();
  }

  Script script_;
  Body body_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::vector<std::thread> handlers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> requests_;
  int closed_ = 0;
};

TEST(HttpTransportTest, KeptConnectionCarriesTheNextRequestsAndIsSharedByCopies) {
  ScriptedServer server([](const std::string&, int) { return Then::keep; });
  auto t = HttpTransport::create(server.url(), "key");
  ASSERT_TRUE(t.ok());
  HttpTransport copy = *t;
  ASSERT_EQ(t->request("POST", "/push", "{\"a\":1}")->status, 200);
  ASSERT_EQ(copy.request("GET", "/pull")->status, 200);
  ASSERT_EQ(t->request("GET", "/pull")->status, 200);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.requests(), (std::vector<std::string>{"POST #1", "GET #1", "GET #1"}));
}

TEST(HttpTransportTest, AConnectionTheServerClosedIsReplacedBeforeAnyRequestGoesOut) {
  // The server answers, then closes (an idle timeout or a restart between two syncs).
  ScriptedServer server([](const std::string&, int) { return Then::close_after; });
  auto t = HttpTransport::create(server.url(), "key");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->request("GET", "/pull")->status, 200);
  server.wait_closed(1);
  auto r = t->request("POST", "/push", "{\"a\":1}");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.requests(), (std::vector<std::string>{"GET #1", "POST #2"}));
}

TEST(HttpTransportTest, OnlyAnIdempotentRequestIsSentAgainWhenItsKeptConnectionDiesUnanswered) {
  // The first connection's second request is read and left unanswered (the server went away as
  // it arrived); every later connection is served normally.
  std::atomic<int> on_first{0};
  ScriptedServer server([&](const std::string&, int connection) {
    return connection == 1 && ++on_first == 2 ? Then::drop : Then::keep;
  });
  auto t = HttpTransport::create(server.url(), "key");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->request("GET", "/pull")->status, 200);
  auto again = t->request("GET", "/pull");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(server.requests(), (std::vector<std::string>{"GET #1", "GET #1", "GET #2"}));

  std::atomic<int> posts_on_first{0};
  ScriptedServer posts([&](const std::string&, int connection) {
    return connection == 1 && ++posts_on_first == 2 ? Then::drop : Then::keep;
  });
  auto p = HttpTransport::create(posts.url(), "key");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->request("POST", "/register", "{}")->status, 200);
  auto lost = p->request("POST", "/register", "{}");
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code, ErrorCode::unavailable) << "retryable by the caller, which knows what may repeat";
  EXPECT_EQ(posts.requests(), (std::vector<std::string>{"POST #1", "POST #1"})) << "not sent a second time";
  auto next = p->request("POST", "/register", "{}");
  ASSERT_TRUE(next.ok()) << "the dead connection is not kept";
  EXPECT_EQ(posts.connections(), 2);
}

TEST(HttpTransportTest, AServerThatStopsAnsweringFailsTheRequestAtTheTimeoutAndItsConnectionIsNotKept) {
  // The server takes the first request and never answers it (hung, or a half-open connection).
  ScriptedServer server([](const std::string&, int connection) { return connection == 1 ? Then::stall : Then::keep; });
  auto t = HttpTransport::create(server.url(), "key", std::chrono::milliseconds(200));
  ASSERT_TRUE(t.ok());
  auto stalled = t->request("GET", "/pull");
  ASSERT_FALSE(stalled.ok()) << "the request must not wait forever";
  EXPECT_EQ(stalled.error().code, ErrorCode::unavailable) << "retryable";
  EXPECT_NE(stalled.error().message.find("no answer within 200 ms"), std::string::npos) << stalled.error().message;
  EXPECT_EQ(server.requests(), (std::vector<std::string>{"GET #1"})) << "a timed-out request is not sent again by itself";
  auto next = t->request("GET", "/pull");
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(server.connections(), 2) << "the timed-out connection was dropped, not reused";
}

TEST(HttpTransportTest, TheTimeoutBoundsSilenceNotTheWholeReply) {
  // A 2 s reply whose pieces arrive 50 ms apart: slower in all than the 1 s timeout, never silent
  // for that long (a large first pull over a slow link).
  ScriptedServer server([](const std::string&, int) { return Then::trickle; },
                        [](const std::string&) { return "{\"data\":\"" + std::string(4000, 'x') + "\"}"; });
  auto t = HttpTransport::create(server.url(), "key", std::chrono::milliseconds(1000));
  ASSERT_TRUE(t.ok());
  auto r = t->request("GET", "/pull");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.size(), 4000u + 11u);
}

// What a sync server answers a device whose one operation it stores: the push acknowledged, a pull
// with nothing in it.
std::string sync_reply(const std::string& method) {
  if (method == "POST")
    return R"({"device_id":"tablet-a","acked":1,"applied":true,"ops_in":1,"conflicts":[],"settled":[],"refused":[]})";
  return R"({"device_id":"tablet-a","from":0,"cursor":5,"ops":0,"changes":")" + base64_encode(wire::encode(ChangeSet{})) +
         "\"}";
}

class SyncOverHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("rh-sync-http-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".rhs");
    std::filesystem::remove(path_);
    auto s = DeviceStore::create(path_, "tablet-a", 2);
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ASSERT_TRUE(store_->write("checklist/V1/km", std::int64_t{7}, 1'700'000'000'000).ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove(path_);
  }
  Result<SyncReport> sync(const std::string& url) {
    auto t = HttpTransport::create(url, "key");
    if (!t) return t.error();
    SyncClient client(*store_, *t, RetryPolicy{2, std::chrono::milliseconds(1), std::chrono::milliseconds(1)},
                      [](std::chrono::milliseconds) {});
    return client.sync();
  }
  // The scripted server's one operation is acknowledged and its pull's cursor recorded.
  static void expect_synced(const Result<SyncReport>& r) {
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->acked, 1u);
    EXPECT_EQ(r->cursor, 5u);
  }
  std::filesystem::path path_;
  std::unique_ptr<DeviceStore> store_;
};

TEST_F(SyncOverHttpTest, ThePullGoesOutOnThePushConnectionOnceTheQueueIsAcknowledged) {
  ScriptedServer server([](const std::string&, int) { return Then::keep; }, sync_reply);
  auto r = sync(server.url());
  ASSERT_NO_FATAL_FAILURE(expect_synced(r));
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(store_->replica().pending(), 0u);
  EXPECT_EQ(server.requests(), (std::vector<std::string>{"POST #1", "GET #1"}));
}

TEST_F(SyncOverHttpTest, APullWhosePushConnectionClosedGoesOutOnANewOne) {
  // The server closes each connection after its answer (an HTTP/1.0-style proxy, a draining host).
  ScriptedServer server([](const std::string&, int) { return Then::close_after; }, sync_reply);
  auto r = sync(server.url());
  ASSERT_NO_FATAL_FAILURE(expect_synced(r));
  const auto seen = server.requests();
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen.front(), "POST #1");
  EXPECT_EQ(seen.back(), "GET #" + std::to_string(server.connections())) << "answered on a connection of its own";
  EXPECT_GE(server.connections(), 2);
}

}  // namespace
}  // namespace roundhouse::sync::client
