#pragma once
// Feature extraction: turning the event log into a numeric matrix for models.
//
// Contract (every FeatureExtractor keeps it; tests/plugins/ml pins it for the built-in ones):
//  - As-of correctness. Row r of a matrix uses only events with occurred_at <= as_of[r] AND
//    recorded_at <= known_at[r]. By default known_at[r] = as_of[r]: a back-dated correction
//    recorded after T does not leak into the features at T. FeatureRequest::known_at relaxes the
//    recorded-time cutoff on purpose, for a history that was back-filled after the fact (an
//    import, the demo generator), where every recorded_at is later than the occurred times.
//  - Layout. Values are doubles, row-major and contiguous (rows x cols, row stride = cols), so
//    Python can expose them as a numpy array without copying (buffer protocol, the matrix kept
//    alive by the array) and Eigen can map them (ml/features_eigen.hpp). NaN means "not defined
//    at this time" (MTBF before a second failure, a window with too few readings).
//  - Schema. Column names, types and the resolved parameters form the FeatureSchema; its hash()
//    changes when any of them, or the extractor's version, changes. A model stores the hash it
//    was trained with and refuses a matrix with another (check_schema).
//  - Determinism. The same store contents and request give the same matrix, row order included:
//    entity ids ascending, then as-of times ascending.
//
// Thread-safety: extractors are immutable after registration; extract() may run concurrently.
// Ownership: registered as shared_ptr<const FeatureExtractor>; the providing plugin stays loaded.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/core/time.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/export.hpp"

namespace roundhouse {
class Registry;
}

namespace roundhouse::ml {

// How a column's doubles are to be read. Part of the schema hash.
enum class FeatureType : std::uint8_t {
  numeric,      // a real quantity (km, days, a rolling mean)
  count,        // a non-negative whole number
  boolean,      // 0 or 1
  categorical,  // an index into FeatureColumn::categories (0-based), NaN when absent
};
ROUNDHOUSE_API std::string_view to_string(FeatureType t) noexcept;

struct FeatureColumn {
  std::string name;                     // unique within the schema, snake_case, with unit suffix
  FeatureType type = FeatureType::numeric;
  std::vector<std::string> categories;  // categorical only: the levels, in code order
  std::string description;              // one line; not part of the hash
};

struct FeatureSchema {
  std::string extractor;               // registry name, e.g. "vehicle"
  int version = 1;                     // the extractor's definition version; bump on any change of meaning
  std::vector<FeatureColumn> columns;  // in matrix column order
  boost::json::object parameters;      // resolved parameters (defaults filled in)

  // Hex SHA-256 over the extractor name, version, parameters and each column's name, type and
  // categories (not descriptions), in a canonical text form.
  ROUNDHOUSE_API std::string hash() const;
  // Index of the column named `name`, or nullopt.
  ROUNDHOUSE_API std::optional<std::size_t> column_index(std::string_view name) const;
  ROUNDHOUSE_API boost::json::object to_json() const;  // {extractor, version, hash, parameters, columns:[...]}
};

// The output of an extractor. A plain value: copy or move it freely; share it (shared_ptr) to keep
// a zero-copy view (numpy, Eigen::Map) alive.
struct FeatureMatrix {
  FeatureSchema schema;
  std::vector<std::string> entity_ids;  // per row
  std::vector<Timestamp> as_of;         // per row: occurred-time cutoff
  std::vector<Timestamp> known_at;      // per row: recorded-time cutoff
  std::vector<double> values;           // rows() * cols(), row-major

  std::size_t rows() const noexcept { return entity_ids.size(); }
  std::size_t cols() const noexcept { return schema.columns.size(); }
  double* data() noexcept { return values.data(); }
  const double* data() const noexcept { return values.data(); }
  const double* row(std::size_t r) const noexcept { return values.data() + r * cols(); }
  double at(std::size_t r, std::size_t c) const noexcept { return values[r * cols() + c]; }
  // {schema, entity_ids, as_of (RFC 3339), known_at, rows: [[...], ...]} with NaN as null.
  ROUNDHOUSE_API boost::json::object to_json() const;
};

// Where the rows are taken.
enum class RowTimes : std::uint8_t {
  given,       // one row per entity per time in FeatureRequest::as_of
  each_event,  // one row per observation event of each entity (a sensor reading, a vehicle event),
               // as of that event: as_of = known_at = max(occurred_at, recorded_at) of the event,
               // or as_of = occurred_at and known_at = FeatureRequest::known_at when that is set
};

struct FeatureRequest {
  // Entities to describe; empty = every entity that exists (has an event visible) at the row's
  // time. An id that has no visible event at any requested time is a not_found error.
  std::vector<std::string> entity_ids;
  RowTimes rows = RowTimes::given;
  std::vector<Timestamp> as_of;      // RowTimes::given: 1..n times (rows = entities x times)
  std::optional<Timestamp> known_at; // recorded-time cutoff for every row; default: each row's as_of
  boost::json::object parameters;    // extractor-specific (window sizes, ...); unknown keys are refused
  std::optional<std::string> tenant; // read only this tenant's events
};

// A named way to compute features from the log.
class ROUNDHOUSE_API FeatureExtractor {
 public:
  virtual ~FeatureExtractor();
  virtual std::string name() const = 0;         // registry key, e.g. "vehicle"
  virtual std::string description() const = 0; // one line
  // The schema for these parameters (defaults filled in); invalid_argument names a bad or unknown
  // parameter ("window must be >= 1, got 0").
  virtual Result<FeatureSchema> schema(const boost::json::object& parameters) const = 0;
  // Reads the store once (filtered read_all) and builds the matrix. Errors: invalid_argument
  // (bad parameters, no as-of time), not_found (an unknown entity), and the store's own errors.
  virtual Result<FeatureMatrix> extract(EventStore& store, const FeatureRequest& request) const = 0;
};

using FeatureExtractorPtr = std::shared_ptr<const FeatureExtractor>;

// Looks the extractor up in registry.features and runs it; an unknown name is not_found listing
// the registered ones.
ROUNDHOUSE_API Result<FeatureMatrix> extract_features(const Registry& registry, EventStore& store,
                                                      const std::string& extractor,
                                                      const FeatureRequest& request);

// ok when `matrix` was produced under the schema whose hash is `expected_hash`; otherwise
// incompatible: "feature schema mismatch: model expects <a>, extractor 'vehicle' v2 produces <b>".
ROUNDHOUSE_API Status check_schema(const FeatureMatrix& matrix, std::string_view expected_hash);

}  // namespace roundhouse::ml
