// libFuzzer target for the sync wire decoder. Any input must either decode, re-encode and decode to
// the same value and join into a state without breaking its invariants, or fail with a clear error;
// and reading it without building anything (what the server does with a batch it holds back) must
// give the same verdict as decoding it.
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

// Validates only, as protocol::ServerLog does for a held batch.
struct Validator {
  static constexpr bool kValues = false;
  std::size_t entries = 0;
  void key(std::string_view) {}
  void context(const roundhouse::sync::wire::ContextRanges&) {}
  void entry(std::size_t, const roundhouse::sync::Dot&, roundhouse::sync::FieldValue&&) { ++entries; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace roundhouse::sync;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto cs = wire::decode_change_set(in);
  Validator v;
  const roundhouse::Status validated = wire::read_change_set(in, v);
  check(validated.ok() == cs.ok());
  if (!cs.ok()) check(validated.message() == cs.error().message);
  if (cs.ok()) {
    std::size_t dots = 0;
    for (const auto& [_, reg] : cs->entries()) dots += reg.size();
    check(v.entries == dots);
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
