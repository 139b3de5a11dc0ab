#pragma once
// The device-side sync client: pushes the durable queue, then pulls what the server has, over HTTP.
// Transport failures, 5xx and 429 are retried with exponential backoff and full jitter (bounded
// attempts per sync() call; call sync() again on every reconnect). Other refusals of a whole request
// are permanent and returned as errors; the queue stays intact either way. Single operations the
// server refuses (acknowledged, with a reason) go to the store's dead-letter list.
//
// Not thread-safe; one client per DeviceStore.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "device_store.hpp"
#include "http_transport.hpp"

namespace roundhouse::sync::client {

struct RetryPolicy {
  int max_attempts = 6;
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{30'000};
};

struct SyncReport {
  std::uint64_t pushed_ops = 0;  // operations the server newly acknowledged
  std::uint64_t pulled_ops = 0;  // values received
  std::uint64_t acked = 0;
  std::uint64_t cursor = 0;
  int attempts = 0;              // HTTP requests made, retries included
  std::vector<std::string> conflicts;
  std::vector<DeadLetter> refused;  // operations the server refused permanently, now dead letters
};

class SyncClient {
 public:
  using Sleeper = std::function<void(std::chrono::milliseconds)>;
  SyncClient(DeviceStore& store, HttpTransport transport, RetryPolicy retry = {}, Sleeper sleep = {});

  // Registers a device with the server (an admin key) and returns its replica id.
  static Result<ReplicaId> register_device(const HttpTransport& admin, const std::string& device_id,
                                           const std::string& name, const std::string& depot,
                                           const std::string& role = {});

  // Registers the device, creates its store file at `path` and pulls its scope once with the same
  // key (enrolment: a tablet starts with its depot's vehicles and work orders, so its first edits
  // are made over what the server holds, not concurrent with it). A failed first pull keeps the
  // store (the next sync() pulls everything) and is reported in `initial_pull`.
  struct Enrolment {
    std::unique_ptr<DeviceStore> store;
    Status initial_pull;
    SyncReport report;
  };
  static Result<Enrolment> enrol(const HttpTransport& admin, const std::filesystem::path& path,
                                 const std::string& device_id, const std::string& name, const std::string& depot,
                                 const std::string& role = {}, RetryPolicy retry = {});

  Result<SyncReport> sync();

 private:
  Result<HttpReply> call(const std::string& method, const std::string& target, const HttpBody& body, SyncReport& report);
  // `pull_sent`: the pull, sent as soon as a reply acknowledges the whole queue (before the reply is
  // recorded), for pull() to read.
  Status push(SyncReport& report, std::optional<HttpTransport::InFlight>& pull_sent);
  Status pull(SyncReport& report, std::optional<HttpTransport::InFlight> pull_sent);
  std::string pull_target() const;
  Status dead_letter(const boost::json::object& reply, SyncReport& report);

  DeviceStore& store_;
  HttpTransport transport_;
  RetryPolicy retry_;
  Sleeper sleep_;
  std::uint64_t jitter_state_;
};

}  // namespace roundhouse::sync::client
