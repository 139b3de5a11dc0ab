#include "pg_commit_feed.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "pg_connection.hpp"

namespace roundhouse::postgres {
namespace {

using namespace std::chrono_literals;

constexpr auto kPollTimeout = 1000ms;  // a safety net: a stop request wakes the wait at once
constexpr auto kFirstRetry = 100ms, kMaxRetry = 2000ms;

std::optional<Position> parse_position(const char* text) {
  if (!text) return std::nullopt;
  Position p = 0;
  const char* end = text + std::char_traits<char>::length(text);
  auto [ptr, ec] = std::from_chars(text, end, p);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return p;
}

class PgCommitFeed final : public CommitFeed {
 public:
  PgCommitFeed(PgUri uri, CommitCallback on_commit)
      : uri_(std::move(uri)), channel_(commit_channel(uri_)), on_commit_(std::move(on_commit)),
        wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    thread_ = std::thread([this] { run(); });
  }
  ~PgCommitFeed() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (wake_fd_ >= 0) {
      const std::uint64_t one = 1;
      (void)!::write(wake_fd_, &one, sizeof one);  // ends the socket wait
    }
    thread_.join();
    if (wake_fd_ >= 0) ::close(wake_fd_);
  }

 private:
  bool stopping() {
    std::lock_guard lock(mu_);
    return stopping_;
  }
  void pause(std::chrono::milliseconds d) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, d, [&] { return stopping_; });
  }

  void run() {
    auto retry = kFirstRetry;
    while (!stopping()) {
      if (listen_once()) retry = kFirstRetry;  // it was connected: start over quickly
      if (stopping()) break;
      pause(retry);
      retry = std::min(retry * 2, kMaxRetry);
    }
  }

  // Connects, listens until the connection drops or a stop is requested. True if it got as far
  // as listening.
  bool listen_once() {
    auto opened = Connection::open(uri_);
    if (!opened) return false;
    Connection& c = **opened;
    PGconn* conn = c.native();
    // LISTEN before reading the head: a commit after the LISTEN is notified, one before it is
    // counted in the head, so nothing committed while disconnected goes unreported.
    const std::string sql = "LISTEN " + channel_ + "; SELECT COALESCE(MAX(position), 0) FROM events";
    Rows head(PQexec(conn, sql.c_str()));
    if (!head.get() || PQresultStatus(head.get()) != PGRES_TUPLES_OK || head.count() != 1) return false;
    if (auto p = parse_position(PQgetvalue(head.get(), 0, 0))) on_commit_(*p);

    while (!stopping()) {
      Position newest = 0;
      while (PGnotify* note = PQnotifies(conn)) {
        if (auto p = parse_position(note->extra)) newest = std::max(newest, *p);
        PQfreemem(note);
      }
      if (newest > 0) on_commit_(newest);
      if (PQstatus(conn) != CONNECTION_OK) break;
      pollfd fds[2] = {{PQsocket(conn), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      const int ready = ::poll(fds, wake_fd_ >= 0 ? 2 : 1, static_cast<int>(kPollTimeout.count()));
      if (ready < 0 && errno != EINTR) break;
      // Reads what arrived; 0 when the server closed the connection (restart, terminated backend).
      if (ready > 0 && fds[0].revents != 0 && !PQconsumeInput(conn)) break;
    }
    return true;
  }

  PgUri uri_;
  std::string channel_;
  CommitCallback on_commit_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  int wake_fd_;  // written once by the destructor; -1 if eventfd failed (the poll timeout remains)
  std::thread thread_;
};

}  // namespace

std::string commit_channel(const PgUri& uri) {
  std::string name = "roundhouse_log";
  if (!uri.schema.empty()) name += ":" + uri.schema;
  name.resize(std::min<std::size_t>(name.size(), 63));  // PostgreSQL's identifier limit
  return "\"" + name + "\"";
}

std::unique_ptr<CommitFeed> start_commit_feed(const PgUri& uri, CommitCallback on_commit) {
  return std::make_unique<PgCommitFeed>(uri, std::move(on_commit));
}

}  // namespace roundhouse::postgres
