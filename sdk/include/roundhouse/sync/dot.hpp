#pragma once
// Replica ids and dots: the identity of one operation, (replica, per-replica sequence number).

#include <compare>
#include <cstdint>

namespace roundhouse::sync {

// A replica is one device or the server. Ids are assigned at registration and never reused;
// 0 is reserved for "no replica".
using ReplicaId = std::uint64_t;

// One event at one replica: the replica's `counter`-th operation (counting from 1). Dots are the
// idempotency key of an operation: the same dot twice is the same operation.
struct Dot {
  ReplicaId replica = 0;
  std::uint64_t counter = 0;

  friend auto operator<=>(const Dot&, const Dot&) = default;
  friend bool operator==(const Dot&, const Dot&) = default;
};

}  // namespace roundhouse::sync
