#pragma once
// FNV-1a: a tiny non-cryptographic hash that is the same in every build, process and platform, for
// values that must agree across hosts or survive on disk (advisory lock keys, record checksums,
// short stable names). Not for anything an attacker chooses to collide.

#include <cstdint>
#include <string_view>

namespace roundhouse {

constexpr std::uint32_t fnv1a_32(std::string_view text) noexcept {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : text) h = (h ^ c) * 16777619u;
  return h;
}

inline constexpr std::uint64_t kFnv1a64Basis = 14695981039346656037ULL;

// `basis`: the standard offset basis unless a stored value was derived with another one.
constexpr std::uint64_t fnv1a_64(std::string_view text, std::uint64_t basis = kFnv1a64Basis) noexcept {
  std::uint64_t h = basis;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

static_assert(fnv1a_32("a") == 0xe40c292cu && fnv1a_64("a") == 0xaf63dc4c8601ec8cULL, "FNV-1a test vectors");

}  // namespace roundhouse
