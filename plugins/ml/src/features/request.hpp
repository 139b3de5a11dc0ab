#pragma once
// Checking a FeatureRequest and its parameters, shared by every built-in extractor.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "roundhouse/ml/features.hpp"

namespace roundhouse::ml::features {

constexpr Timestamp kMicrosPerDay = 86'400'000'000LL;

// The request with its times checked and sorted.
struct RowSpec {
  RowTimes rows = RowTimes::given;
  std::vector<Timestamp> as_of;        // given: ascending, unique
  std::optional<Timestamp> known_at;
  std::vector<std::string> entity_ids; // explicit ids (empty = all), ascending, unique

  // Upper bounds on what any row can see: events beyond them need not be decoded.
  Timestamp max_occurred() const;
  Timestamp max_recorded() const;
};

// invalid_argument for: no as-of time in `given` mode, an empty entity id.
Result<RowSpec> row_spec(const FeatureRequest& request);

// Reads typed parameters and refuses keys nobody asked for (typos must not pass silently).
class ParameterReader {
 public:
  // Messages read "<extractor> <noun>: parameter 'x' ..." (noun: "features", or "model" for model types).
  ParameterReader(std::string extractor, const boost::json::object& parameters, std::string noun = "features")
      : extractor_(std::move(extractor)), noun_(std::move(noun)), params_(parameters) {}
  // A whole number >= min (default when absent).
  Result<std::int64_t> integer(const std::string& key, std::int64_t fallback, std::int64_t min);
  Result<double> number(const std::string& key, double fallback, double min);
  // A list of distinct non-empty strings; nullopt when absent.
  Result<std::optional<std::vector<std::string>>> strings(const std::string& key);
  // A list of distinct whole numbers >= min.
  Result<std::vector<std::int64_t>> integers(const std::string& key, std::vector<std::int64_t> fallback,
                                             std::int64_t min);
  // The value as given (nullptr when absent), for parameters with a shape of their own.
  const boost::json::value* raw(const std::string& key);
  // invalid_argument "<extractor> <noun>: parameter 'key' <what>".
  Error bad(const std::string& key, const std::string& what) const;
  // invalid_argument naming the first key that was never read.
  Status finish() const;

 private:
  std::string extractor_;
  std::string noun_;
  const boost::json::object& params_;
  std::set<std::string> read_;
};

}  // namespace roundhouse::ml::features
