#pragma once
// 128-bit event identifiers. Generated ids are UUIDv7 (time-ordered), which keeps the store's
// unique index append-mostly; any RFC 4122 textual UUID supplied by a client is accepted.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "roundhouse/export.hpp"

namespace roundhouse {

class ROUNDHOUSE_API Uuid {
 public:
  Uuid() = default;  // the nil UUID
  explicit Uuid(const std::array<std::uint8_t, 16>& bytes) : bytes_(bytes) {}

  // A fresh UUIDv7: 48-bit Unix milliseconds + random bits. Thread-safe.
  static Uuid generate_v7();
  // Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (case-insensitive); nullopt when malformed.
  static std::optional<Uuid> parse(std::string_view text);

  bool is_nil() const noexcept;
  std::string to_string() const;  // lower-case canonical form
  const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }

  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

struct UuidHash {
  std::size_t operator()(const Uuid& u) const noexcept {
    std::uint64_t a = 0, b = 0;
    for (int i = 0; i < 8; ++i) a = (a << 8) | u.bytes()[i];
    for (int i = 8; i < 16; ++i) b = (b << 8) | u.bytes()[i];
    return static_cast<std::size_t>(a ^ (b * 0x9E3779B97F4A7C15ULL));
  }
};

}  // namespace roundhouse
