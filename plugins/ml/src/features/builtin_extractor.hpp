#pragma once
// The shape every built-in extractor shares: parameters -> schema; extract = check parameters and
// request, then read and sweep (run()).

#include <optional>
#include <string>

#include "features/request.hpp"
#include "roundhouse/ml/features.hpp"

namespace roundhouse::ml::features {

template <class Params>
class BuiltinExtractor : public FeatureExtractor {
 public:
  Result<FeatureSchema> schema(const boost::json::object& parameters) const override {
    auto p = parse(parameters);
    if (!p) return p.error();
    return make_schema(*p);
  }
  Result<FeatureMatrix> extract(EventStore& store, const FeatureRequest& request) const override {
    auto p = parse(request.parameters);
    if (!p) return p.error();
    auto spec = row_spec(request);
    if (!spec) return spec.error();
    return run(store, *spec, request.tenant, *p);
  }

 protected:
  virtual Result<Params> parse(const boost::json::object& parameters) const = 0;
  virtual FeatureSchema make_schema(const Params& p) const = 0;
  virtual Result<FeatureMatrix> run(EventStore& store, const RowSpec& spec, const std::optional<std::string>& tenant,
                                    const Params& p) const = 0;
};

}  // namespace roundhouse::ml::features
