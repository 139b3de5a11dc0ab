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

// Interns ids of related aggregates (a work order's id) to dense indices.
class IdIndex {
 public:
  std::uint32_t intern(const std::string& id) { return index_.emplace(id, static_cast<std::uint32_t>(index_.size())).first->second; }
  std::uint32_t find(const std::string& id) const {
    auto it = index_.find(id);
    return it == index_.end() ? std::numeric_limits<std::uint32_t>::max() : it->second;
  }

 private:
  std::unordered_map<std::string, std::uint32_t> index_;
};

}  // namespace roundhouse::ml::features
