#include "roundhouse/events/uuid.hpp"

#include <random>

#include "roundhouse/core/time.hpp"

namespace roundhouse {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Uuid Uuid::generate_v7() {
  // One generator per thread: no lock on the append path.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::array<std::uint8_t, 16> b{};
  const auto ms = static_cast<std::uint64_t>(now_micros() / 1000);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  const std::uint64_t r1 = rng(), r2 = rng();
  for (int i = 6; i < 16; ++i) b[i] = static_cast<std::uint8_t>((i < 14 ? r1 : r2) >> (8 * (i % 8)));
  b[6] = static_cast<std::uint8_t>(0x70 | (b[6] & 0x0F));  // version 7
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3F));  // RFC 4122 variant
  return Uuid{b};
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  std::array<std::uint8_t, 16> b{};
  std::size_t byte = 0;
  for (std::size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    const int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    b[byte++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return Uuid{b};
}

bool Uuid::is_nil() const noexcept {
  for (auto x : bytes_)
    if (x) return false;
  return true;
}

std::string Uuid::to_string() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(digits[bytes_[i] >> 4]);
    s.push_back(digits[bytes_[i] & 0xF]);
  }
  return s;
}

}  // namespace roundhouse
