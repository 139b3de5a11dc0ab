// storage-postgres: every connection a store opens to a TCP server carries TCP keepalives (probe
// after 30 s idle) and a user timeout unless the URI says otherwise, so a host notices a server
// that vanished without closing its sockets. Checked on the real sockets of this process. Needs a
// live server (tests/storage/with-postgres); skipped without one.
#include "conformance.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

namespace rh_test {
namespace {

#if ROUNDHOUSE_CONFORMANCE_HAVE_POSTGRES

struct SocketOptions {
  int keepalive = 0, idle = 0, interval = 0, count = 0;
  unsigned user_timeout_ms = 0;
};

// The options of every TCP socket of this process connected to `port` on the loopback.
std::vector<SocketOptions> sockets_to(int port) {
  std::vector<SocketOptions> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::atoi(entry.path().filename().c_str());
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0 || peer.sin_family != AF_INET) continue;
    if (ntohs(peer.sin_port) != port) continue;
    SocketOptions o;
    socklen_t n = sizeof(int);
    ::getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &o.keepalive, &n);
    ::getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &o.idle, &n);
    ::getsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &o.interval, &n);
    ::getsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &o.count, &n);
    socklen_t u = sizeof o.user_timeout_ms;
    ::getsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &o.user_timeout_ms, &u);
    out.push_back(o);
  }
  return out;
}

class PostgresKeepalive : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* uri = std::getenv("ROUNDHOUSE_TEST_POSTGRES_URI");
    if (!uri) GTEST_SKIP() << "no live PostgreSQL (run under tests/storage/with-postgres)";
    uri_ = uri;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(uri_, m, std::regex(R"(@127\.0\.0\.1:(\d+)/)"))) << uri_;
    port_ = std::stoi(m[1]);
    register_storage_plugins(registry_);
  }

  // Opens a store (writer, LISTEN and pooled reader connections), reads through it so a reader
  // connection exists, and returns the options of its sockets to the server.
  std::vector<SocketOptions> open_and_inspect(const std::string& uri) {
    const auto before = sockets_to(port_).size();
    auto store = registry_.open_store(uri);
    EXPECT_TRUE(store.ok()) << store.error().message;
    if (!store.ok()) return {};
    EXPECT_TRUE((*store)->read_all({}, [](const rh::RecordedEvent&) { return true; }).ok());
    auto all = sockets_to(port_);
    EXPECT_GT(all.size(), before) << "the store opened no TCP connection to the server";
    (*store)->close();
    return all;
  }

  std::string with_params(const std::string& params) const {
    return uri_ + (uri_.find('?') == std::string::npos ? "?" : "&") + params;
  }

  std::string uri_;
  int port_ = 0;
  rh::Registry registry_;
};

TEST_F(PostgresKeepalive, ConnectionsProbeAnIdleServerAfterThirtySeconds) {
  for (const auto& s : open_and_inspect(with_params("schema=t_keepalive_default"))) {
    EXPECT_EQ(s.keepalive, 1);
    EXPECT_EQ(s.idle, 30);
    EXPECT_EQ(s.interval, 10);
    EXPECT_EQ(s.count, 3);
    EXPECT_EQ(s.user_timeout_ms, 60000u);
  }
}

TEST_F(PostgresKeepalive, TheUriOverridesTheDefaults) {
  for (const auto& s : open_and_inspect(with_params("schema=t_keepalive_own&keepalives_idle=7&tcp_user_timeout=0"))) {
    EXPECT_EQ(s.idle, 7);
    EXPECT_EQ(s.interval, 10);
    EXPECT_EQ(s.user_timeout_ms, 0u);
  }
}

#endif

}  // namespace
}  // namespace rh_test
