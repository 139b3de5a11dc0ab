#pragma once
// Row subsets of a FeatureMatrix / LabelledDataset, shared by the model types and the pipeline.

#include <cstddef>
#include <vector>

#include "roundhouse/ml/model.hpp"

namespace roundhouse::ml::models {

// The rows `keep` (ascending indexes) of `m`, schema unchanged.
FeatureMatrix select_rows(const FeatureMatrix& m, const std::vector<std::size_t>& keep);
// The same rows of features and labels; labels must have m.rows() values.
LabelledDataset select_rows(const LabelledDataset& d, const std::vector<std::size_t>& keep);

// Distinct entity ids of the matrix, ascending.
std::vector<std::string> distinct_entities(const FeatureMatrix& m);

// "too little data: <found>; <needed>" as a rule_violation.
Error too_little_data(const std::string& found, const std::string& needed);

}  // namespace roundhouse::ml::models
