#pragma once
// Small helpers for declaring columns and coding categories.

#include <cstdint>
#include <limits>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include "roundhouse/ml/features.hpp"

namespace roundhouse::ml::features {

inline FeatureColumn column(std::string name, FeatureType type, std::string description,
                            std::vector<std::string> categories = {}) {
  return {std::move(name), type, std::move(categories), std::move(description)};
}

// Index of `value` among `levels`, or -1.
inline std::int8_t category_code(std::string_view value, const std::vector<std::string>& levels) {
  for (std::size_t i = 0; i < levels.size(); ++i)
    if (levels[i] == value) return static_cast<std::int8_t>(i);
  return -1;
}
inline double code_value(std::int8_t code) {
  return code < 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(code);
}

// A hash map keyed by std::string that string_views can look up without building a string
// (a million lookups per extraction).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <class T>
using StringMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

// Interns ids of related aggregates (a work order's id) to dense indices.
class IdIndex {
 public:
  std::uint32_t intern(std::string_view id) {
    if (auto it = index_.find(id); it != index_.end()) return it->second;
    return index_.emplace(std::string(id), static_cast<std::uint32_t>(index_.size())).first->second;
  }

 private:
  StringMap<std::uint32_t> index_;
};

}  // namespace roundhouse::ml::features
