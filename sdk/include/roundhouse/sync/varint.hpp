#pragma once
// LEB128 varints and zigzag for the sync wire format: a bounds-checked reader that never reads past
// its input and a writer appending to a byte string.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace roundhouse::sync::wire {

inline std::uint64_t zigzag(std::int64_t v) noexcept {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline std::int64_t unzigzag(std::uint64_t v) noexcept {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// Appends to a byte string. Not thread-safe.
class Writer {
 public:
  void byte(std::uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      byte(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    byte(static_cast<std::uint8_t>(v));
  }
  void svarint(std::int64_t v) { varint(zigzag(v)); }
  void bytes(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }
  void f64(double d) {
    std::uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    for (int i = 0; i < 8; ++i) byte(static_cast<std::uint8_t>(bits >> (8 * i)));
  }
  std::string& str() noexcept { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads from a borrowed byte range. Every read returns false (and leaves `failed()` set) instead of
// reading past the end or accepting an over-long varint. Not thread-safe.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::size_t offset() const noexcept { return pos_; }
  std::size_t remaining() const noexcept { return in_.size() - pos_; }
  bool at_end() const noexcept { return pos_ == in_.size(); }

  bool byte(std::uint8_t& b) noexcept {
    if (pos_ >= in_.size()) return false;
    b = static_cast<std::uint8_t>(in_[pos_++]);
    return true;
  }
  // At most 10 bytes; the 10th may only carry the top bit of a 64-bit value.
  bool varint(std::uint64_t& v) noexcept {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      std::uint8_t b;
      if (!byte(b)) return false;
      if (shift == 63 && b > 1) return false;
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool svarint(std::int64_t& v) noexcept {
    std::uint64_t u;
    if (!varint(u)) return false;
    v = unzigzag(u);
    return true;
  }
  bool bytes(std::string_view& s) noexcept {
    std::uint64_t n;
    if (!varint(n) || n > remaining()) return false;
    s = in_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return true;
  }
  bool f64(double& d) noexcept {
    if (remaining() < 8) return false;
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(in_[pos_ + i])) << (8 * i);
    pos_ += 8;
    std::memcpy(&d, &bits, sizeof d);
    return true;
  }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace roundhouse::sync::wire
