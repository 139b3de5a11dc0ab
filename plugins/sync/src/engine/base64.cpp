#include "base64.hpp"

#include <array>
#include <cstdint>

namespace roundhouse::sync {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int, 256> reverse_table() {
  std::array<int, 256> t{};
  for (auto& x : t) x = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = i;
  return t;
}
constexpr auto kReverse = reverse_table();

}  // namespace

// Both directions write into a buffer sized up front (a pull's changes are tens of kilobytes).
std::string base64_encode(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4, '=');
  char* o = out.data();
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3, o += 4) {
    const std::uint32_t n = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    o[0] = kAlphabet[n >> 18];
    o[1] = kAlphabet[(n >> 12) & 63];
    o[2] = kAlphabet[(n >> 6) & 63];
    o[3] = kAlphabet[n & 63];
  }
  if (const std::size_t rest = bytes.size() - i) {
    std::uint32_t n = std::uint32_t{in[i]} << 16;
    if (rest == 2) n |= std::uint32_t{in[i + 1]} << 8;
    o[0] = kAlphabet[n >> 18];
    o[1] = kAlphabet[(n >> 12) & 63];
    if (rest == 2) o[2] = kAlphabet[(n >> 6) & 63];  // the rest stays '='
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  char* o = out.data();
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const unsigned char c = in[i + j];
      if (c == '=' && last && j >= 2) {
        v[j] = 0;
        ++pad;
        continue;
      }
      if (pad) return std::nullopt;  // data after padding
      v[j] = kReverse[c];
      if (v[j] < 0) return std::nullopt;
    }
    const std::uint32_t n = (std::uint32_t(v[0]) << 18) | (std::uint32_t(v[1]) << 12) | (std::uint32_t(v[2]) << 6) |
                            std::uint32_t(v[3]);
    *o++ = static_cast<char>(n >> 16);
    if (pad < 2) *o++ = static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) *o++ = static_cast<char>(n & 0xff);
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
  return out;
}

}  // namespace roundhouse::sync
