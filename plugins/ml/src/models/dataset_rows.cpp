#include "models/dataset_rows.hpp"

#include <algorithm>

namespace roundhouse::ml::models {

FeatureMatrix select_rows(const FeatureMatrix& m, const std::vector<std::size_t>& keep) {
  FeatureMatrix out;
  out.schema = m.schema;
  out.entity_ids.reserve(keep.size());
  out.values.reserve(keep.size() * m.cols());
  for (std::size_t r : keep) {
    out.entity_ids.push_back(m.entity_ids[r]);
    out.as_of.push_back(m.as_of[r]);
    out.known_at.push_back(m.known_at[r]);
    out.values.insert(out.values.end(), m.row(r), m.row(r) + m.cols());
  }
  return out;
}

LabelledDataset select_rows(const LabelledDataset& d, const std::vector<std::size_t>& keep) {
  LabelledDataset out;
  out.features = select_rows(d.features, keep);
  out.labels.reserve(keep.size());
  for (std::size_t r : keep) out.labels.push_back(d.labels[r]);
  out.description = d.description;
  return out;
}

std::vector<std::string> distinct_entities(const FeatureMatrix& m) {
  std::vector<std::string> out(m.entity_ids);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Error too_little_data(const std::string& found, const std::string& needed) {
  return Error{ErrorCode::rule_violation, "too little data: " + found + "; " + needed};
}

}  // namespace roundhouse::ml::models
