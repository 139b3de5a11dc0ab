#include "roundhouse/ml/features.hpp"

#include <algorithm>
#include <cmath>

#include <openssl/sha.h>

#include "roundhouse/core/json_text.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml {
namespace {

// JSON with object keys sorted at every level: the same parameters always hash the same,
// whatever order a caller wrote them in.
void append_canonical(std::string& out, const boost::json::value& v) {
  if (!v.is_object()) {
    if (v.is_array()) {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        append_canonical(out, e);
      }
      out += ']';
      return;
    }
    append_json_text(out, v);
    return;
  }
  std::vector<std::pair<std::string_view, const boost::json::value*>> members;
  for (const auto& [k, m] : v.get_object()) members.emplace_back(k, &m);
  std::sort(members.begin(), members.end());
  out += '{';
  bool first = true;
  for (const auto& [k, m] : members) {
    if (!first) out += ',';
    first = false;
    append_json_text(out, boost::json::string(k));
    out += ':';
    append_canonical(out, *m);
  }
  out += '}';
}

std::string hex_digest(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace

std::string_view to_string(FeatureType t) noexcept {
  switch (t) {
    case FeatureType::numeric: return "numeric";
    case FeatureType::count: return "count";
    case FeatureType::boolean: return "boolean";
    case FeatureType::categorical: return "categorical";
  }
  return "numeric";
}

std::string FeatureSchema::hash() const {
  // Length-prefixed fields keep "ab"+"c" and "a"+"bc" apart.
  std::string text;
  auto field = [&text](std::string_view s) {
    text += std::to_string(s.size());
    text += ':';
    text += s;
  };
  field(extractor);
  field(std::to_string(version));
  std::string params;
  append_canonical(params, parameters);
  field(params);
  for (const auto& c : columns) {
    field(c.name);
    field(to_string(c.type));
    field(std::to_string(c.categories.size()));
    for (const auto& level : c.categories) field(level);
  }
  return hex_digest(text);
}

std::optional<std::size_t> FeatureSchema::column_index(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return i;
  return std::nullopt;
}

boost::json::object FeatureSchema::to_json() const {
  boost::json::array cols;
  for (const auto& c : columns) {
    boost::json::object o{{"name", c.name}, {"type", to_string(c.type)}, {"description", c.description}};
    if (c.type == FeatureType::categorical) {
      boost::json::array levels;
      for (const auto& l : c.categories) levels.emplace_back(l);
      o["categories"] = std::move(levels);
    }
    cols.emplace_back(std::move(o));
  }
  return {{"extractor", extractor}, {"version", version}, {"hash", hash()},
          {"parameters", parameters}, {"columns", std::move(cols)}};
}

boost::json::object FeatureMatrix::to_json() const {
  boost::json::array ids, asof, known, data;
  for (std::size_t r = 0; r < rows(); ++r) {
    ids.emplace_back(entity_ids[r]);
    asof.emplace_back(format_timestamp(as_of[r]));
    known.emplace_back(format_timestamp(known_at[r]));
    boost::json::array row;
    for (std::size_t c = 0; c < cols(); ++c) {
      const double v = at(r, c);
      if (std::isfinite(v)) row.emplace_back(v);
      else row.emplace_back(nullptr);
    }
    data.emplace_back(std::move(row));
  }
  return {{"schema", schema.to_json()}, {"entity_ids", std::move(ids)}, {"as_of", std::move(asof)},
          {"known_at", std::move(known)}, {"rows", std::move(data)}};
}

FeatureExtractor::~FeatureExtractor() = default;

Result<FeatureMatrix> extract_features(const Registry& registry, EventStore& store, const std::string& extractor,
                                       const FeatureRequest& request) {
  auto entry = registry.features.find(extractor);
  if (!entry) {
    std::string known;
    for (const auto& e : registry.features.list()) known += (known.empty() ? "" : ", ") + e.name;
    return Error{ErrorCode::not_found, "unknown feature extractor '" + extractor + "' (registered: " +
                                           (known.empty() ? "none" : known) + ")"};
  }
  return entry->value->extract(store, request);
}

Status check_schema(const FeatureMatrix& matrix, std::string_view expected_hash) {
  const std::string actual = matrix.schema.hash();
  if (actual == expected_hash) return {};
  return {ErrorCode::incompatible, "feature schema mismatch: model expects " + std::string(expected_hash) +
                                       ", extractor '" + matrix.schema.extractor + "' v" +
                                       std::to_string(matrix.schema.version) + " produces " + actual};
}

}  // namespace roundhouse::ml
