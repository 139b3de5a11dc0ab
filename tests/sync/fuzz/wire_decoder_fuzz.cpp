// libFuzzer target for the sync wire decoder. Any input must either decode, re-encode and decode to
// the same value and join into a state without breaking its invariants, or fail with a clear error.
// Built with clang -fsanitize=fuzzer when available, and always with replay_main.cpp as a driver.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "roundhouse/sync/wire.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace roundhouse::sync;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto cs = wire::decode_change_set(in); cs.ok()) {
    auto again = wire::decode_change_set(wire::encode(*cs));
    check(again.ok() && *again == *cs);
    for (const auto& [k, reg] : cs->entries())
      for (const auto& [d, _] : reg) check(cs->context().contains(d));
    // Joins are commutative and idempotent as long as a dot names one operation (the server
    // enforces that for pushes: a device only writes its own dots); the seed's dot is never forged
    // here because its replica is outside the input's.
    ChangeSet state;
    constexpr ReplicaId seed_replica = UINT64_MAX;
    state.set(seed_replica, "seed", FieldValue{std::int64_t{1}, HlcTimestamp{1, 0, seed_replica}});
    ChangeSet a = state, b = *cs;
    a.join(*cs);
    b.join(state);
    check(cs->context().replicas().count(seed_replica) || a == b);
    ChangeSet twice = a;
    twice.join(*cs);
    check(twice == a);
  } else {
    check(!cs.error().message.empty() && cs.error().code == roundhouse::ErrorCode::invalid_argument);
  }
  if (auto ctx = wire::decode_context(in); ctx.ok()) {
    auto again = wire::decode_context(wire::encode(*ctx));
    check(again.ok() && *again == *ctx);
  }
  return 0;
}
