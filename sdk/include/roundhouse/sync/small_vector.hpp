#pragma once
// A vector of trivially copyable values that keeps its first N inline: the wire decoder's replica
// table, key list and register slots hold one or two items for a one-operation message, and a heap
// allocation each was a third of the decode time.

#include <array>
#include <cstddef>
#include <type_traits>
#include <vector>

namespace roundhouse::sync::wire::detail {

// Value type; not thread-safe. Only the operations the decoder needs (append, index, back).
template <class T, std::size_t N>
class SmallVector {
  static_assert(std::is_trivially_copyable_v<T>, "inline items are copied bytewise when spilling");

 public:
  std::size_t size() const noexcept { return heap_ ? spill_.size() : size_; }
  bool empty() const noexcept { return size() == 0; }
  // Reserves room for n items: inline when n <= N, else one heap allocation up front.
  void reserve(std::size_t n) {
    if (n <= N) return;
    spill();
    spill_.reserve(n);
  }
  void push_back(const T& v) {
    if (!heap_ && size_ < N) {
      inline_[size_++] = v;
      return;
    }
    spill();
    spill_.push_back(v);
  }
  T& operator[](std::size_t i) noexcept { return data()[i]; }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }
  const T& back() const noexcept { return data()[size() - 1]; }

 private:
  T* data() noexcept { return heap_ ? spill_.data() : inline_.data(); }
  const T* data() const noexcept { return heap_ ? spill_.data() : inline_.data(); }
  void spill() {
    if (heap_) return;
    spill_.assign(inline_.begin(), inline_.begin() + static_cast<std::ptrdiff_t>(size_));
    heap_ = true;
  }

  std::array<T, N> inline_{};
  std::size_t size_ = 0;  // items in inline_ (until spilled)
  bool heap_ = false;     // items live in spill_ from now on
  std::vector<T> spill_;
};

}  // namespace roundhouse::sync::wire::detail
