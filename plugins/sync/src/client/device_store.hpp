#pragma once
// The device's durable state: an append-only file of records (identity, each operation, each ack,
// each applied pull), each framed as [u32 length][u32 FNV-1a checksum][payload] and fdatasync'ed
// before the call returns. Reopening replays the records into a DeviceReplica; a torn last record
// (a crash mid-append) is cut off, so only what was acknowledged to the caller survives.
//
// One process owns a file at a time; not thread-safe.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "protocol/device_replica.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::sync::client {

class DeviceStore {
 public:
  // Opens (or creates, when `create` is set with the identity) the store at `path`.
  static Result<std::unique_ptr<DeviceStore>> open(const std::filesystem::path& path);
  static Result<std::unique_ptr<DeviceStore>> create(const std::filesystem::path& path, const std::string& device_id,
                                                     ReplicaId replica);
  ~DeviceStore();
  DeviceStore(const DeviceStore&) = delete;
  DeviceStore& operator=(const DeviceStore&) = delete;

  const std::string& device_id() const noexcept { return device_id_; }
  const protocol::DeviceReplica& replica() const noexcept { return replica_; }

  // Each mutation is durable when it returns ok.
  Result<Dot> write(const std::string& key, Value value, std::int64_t physical_ms);
  Result<Dot> erase(const std::string& key);
  Status record_ack(std::uint64_t acked);
  Status record_pull(std::string_view wire_changes, std::uint64_t from, std::uint64_t cursor, std::int64_t physical_ms);

 private:
  DeviceStore(int fd, std::string device_id, ReplicaId replica);
  Status append(char kind, std::string_view payload);
  Status replay(std::string_view bytes);
  Status persist_last_op();

  int fd_ = -1;
  std::string device_id_;
  protocol::DeviceReplica replica_;
};

}  // namespace roundhouse::sync::client
