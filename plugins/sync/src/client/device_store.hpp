#pragma once
// The device's durable state: an append-only file of records (identity, each operation, each ack,
// each applied pull), each framed as [u32 length][u32 FNV-1a checksum][payload] and fdatasync'ed
// before the call returns. Reopening replays the records into a DeviceReplica; a torn last record
// (a crash mid-append) is cut off, so only what was acknowledged to the caller survives.
//
// An ack may be written without its own fdatasync (Durability::with_next): the next synced record
// or flush() makes it durable with everything before it. Losing one in a crash only means the
// device pushes those operations again, which the server answers as already acknowledged.
//
// It also holds the dead-letter list: operations the server refused permanently (acknowledged, so
// they never block the queue), kept with the reason until a person retries or discards them.
//
// One process owns a file at a time; not thread-safe.

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <memory>
#include <string>

#include "protocol/device_replica.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::sync::client {

// An operation the server refused permanently.
struct DeadLetter {
  std::uint64_t op_seq = 0;  // the refused operation's number on this device
  std::string key;
  Value value;
  std::string code;          // "forbidden", "conflict", "rule_violation", ...
  int status = 409;          // the HTTP status it stands for
  std::string reason;
};

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

  // Each mutation is durable when it returns ok (an ack with `with_next`: after the next synced one).
  enum class Durability { now, with_next };
  Result<Dot> write(const std::string& key, Value value, std::int64_t physical_ms);
  Result<Dot> erase(const std::string& key);
  // An increment of an additive field (labour hours, parts consumed): written under a key of its
  // own, "<key>+<replica>.<op number>", so queue compaction never folds two increments together.
  Result<Dot> add(const std::string& key, Value amount, std::int64_t physical_ms);
  Status record_ack(std::uint64_t acked, Durability durability = Durability::now);
  // Makes every record written so far durable (nothing to do when each was synced already).
  Status flush();
  Status record_pull(std::string_view wire_changes, std::uint64_t from, std::uint64_t cursor, std::int64_t physical_ms);

  const std::map<std::uint64_t, DeadLetter>& dead_letters() const noexcept { return dead_; }
  // Adds a refusal to the dead-letter list; false (and nothing written) when it is listed already or
  // was retried/discarded before (a repeated push reply).
  Result<bool> record_refusal(const DeadLetter& d);
  Status discard(std::uint64_t op_seq);
  // Writes the dead letter's value again as a new operation, then takes it off the list.
  Result<Dot> retry(std::uint64_t op_seq, std::int64_t physical_ms);

 private:
  DeviceStore(int fd, std::string device_id, ReplicaId replica);
  Status append(char kind, std::string_view payload, Durability durability = Durability::now);
  Status replay(std::string_view bytes);
  Status persist_last_op();

  int fd_ = -1;
  bool unsynced_ = false;  // records written since the last fdatasync
  std::string device_id_;
  protocol::DeviceReplica replica_;
  std::map<std::uint64_t, DeadLetter> dead_;
  std::set<std::uint64_t> settled_dead_;  // retried or discarded
};

}  // namespace roundhouse::sync::client
