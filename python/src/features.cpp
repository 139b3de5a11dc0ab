#include "features.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "columns.hpp"
#include "convert.hpp"
#include "json_bridge.hpp"
#include "nogil.hpp"
#include "roundhouse/ml/features.hpp"
#include "roundhouse/plugin/registry.hpp"
#include "store.hpp"

namespace roundhouse::py {
namespace pyb = pybind11;
using namespace pybind11::literals;

namespace {

// Owns the matrix; every numpy view of it holds a reference to this object.
struct PyFeatures {
  ml::FeatureMatrix m;
};

pyb::buffer_info buffer_of(PyFeatures& f) {
  const auto rows = static_cast<pyb::ssize_t>(f.m.rows()), cols = static_cast<pyb::ssize_t>(f.m.cols());
  return pyb::buffer_info(f.m.data(), sizeof(double), pyb::format_descriptor<double>::format(), 2, {rows, cols},
                          {cols * static_cast<pyb::ssize_t>(sizeof(double)), static_cast<pyb::ssize_t>(sizeof(double))});
}

pyb::array values_of(const pyb::object& self) {
  auto& f = self.cast<PyFeatures&>();
  const auto rows = static_cast<pyb::ssize_t>(f.m.rows()), cols = static_cast<pyb::ssize_t>(f.m.cols());
  if (f.m.values.empty()) return pyb::array_t<double>({rows, cols});  // nothing to share
  return pyb::array_t<double>({rows, cols}, {cols * 8, pyb::ssize_t{8}}, f.m.data(), self);
}

pyb::array times_of(const std::vector<Timestamp>& times) {
  return micros_to_datetime64(std::vector<std::int64_t>(times.begin(), times.end()));
}

std::vector<Timestamp> as_of_times(const pyb::object& as_of) {
  std::vector<Timestamp> out;
  if (as_of.is_none()) return out;
  const bool single = pyb::isinstance<pyb::str>(as_of) || !pyb::hasattr(as_of, "__iter__");
  if (single) {
    out.push_back(*to_timestamp(as_of, "as_of"));
    return out;
  }
  for (auto t : pyb::iter(as_of)) {
    auto ts = to_timestamp(t, "as_of");
    if (!ts) raise(ErrorCode::invalid_argument, "as_of: a list of times must not hold None");
    out.push_back(*ts);
  }
  if (out.empty()) raise(ErrorCode::invalid_argument, "as_of: give at least one time (or none for now)");
  return out;
}

std::optional<Timestamp> known_at_time(const pyb::object& known_at) {
  if (pyb::isinstance<pyb::str>(known_at) && known_at.cast<std::string>() == "now") return now_micros();
  return to_timestamp(known_at, "known_at");
}

std::shared_ptr<PyFeatures> extract(PyStore& s, const std::string& extractor, const pyb::object& entities,
                                    const pyb::object& as_of, const pyb::object& known_at, bool each_event,
                                    const pyb::object& tenant, const pyb::object& params) {
  ml::FeatureRequest r;
  r.entity_ids = to_strings(entities, "entities");
  r.rows = each_event ? ml::RowTimes::each_event : ml::RowTimes::given;
  r.as_of = as_of_times(as_of);
  if (each_event && !r.as_of.empty()) raise(ErrorCode::invalid_argument, "each_event=True and as_of exclude each other");
  if (!each_event && r.as_of.empty()) r.as_of.push_back(now_micros());  // as the HTTP route: now
  r.known_at = known_at_time(known_at);
  if (!params.is_none()) {
    auto p = py_to_json(params, "params");
    if (!p.is_object()) raise(ErrorCode::invalid_argument, "params must be a dict");
    r.parameters = std::move(p.as_object());
  }
  r.tenant = tenant.is_none() ? s.tenant() : tenant.cast<std::string>();
  auto store = s.store();
  const Registry& registry = s.registry();
  auto out = std::make_shared<PyFeatures>();
  out->m = nogil([&] { return ml::extract_features(registry, *store, extractor, r); });
  return out;
}

}  // namespace

void bind_features(pyb::module_& m, pyb::class_<PyStore, std::shared_ptr<PyStore>>& store) {
  pyb::class_<PyFeatures, std::shared_ptr<PyFeatures>>(m, "Features", pyb::buffer_protocol(),
      "A feature matrix: rows per (entity, as-of time), one float64 column per feature, row-major.\n"
      "`values` (and numpy.asarray(features)) share the C++ buffer: no copy is made, and the array keeps\n"
      "this object alive. NaN means \"not defined at this time\". Categorical columns hold 0-based codes\n"
      "into `categories[name]`.")
      .def_buffer(&buffer_of)
      .def_property_readonly("values", &values_of, "The matrix as a (rows, cols) float64 numpy array (a view, not a copy).")
      .def_property_readonly("shape", [](const PyFeatures& f) { return pyb::make_tuple(f.m.rows(), f.m.cols()); })
      .def("__len__", [](const PyFeatures& f) { return f.m.rows(); })
      .def_property_readonly("columns", [](const PyFeatures& f) {
        std::vector<std::string> names;
        for (const auto& c : f.m.schema.columns) names.push_back(c.name);
        return names;
      }, "Column names, in matrix order.")
      .def_property_readonly("column_types", [](const PyFeatures& f) {
        pyb::dict out;
        for (const auto& c : f.m.schema.columns) out[pyb::str(c.name)] = std::string(ml::to_string(c.type));
        return out;
      }, "{column: 'numeric' | 'count' | 'boolean' | 'categorical'}.")
      .def_property_readonly("categories", [](const PyFeatures& f) {
        pyb::dict out;
        for (const auto& c : f.m.schema.columns)
          if (c.type == ml::FeatureType::categorical) out[pyb::str(c.name)] = c.categories;
        return out;
      }, "{column: levels in code order} for the categorical columns.")
      .def_property_readonly("entity_ids", [](const PyFeatures& f) { return f.m.entity_ids; }, "Entity id per row.")
      .def_property_readonly("as_of", [](const PyFeatures& f) { return times_of(f.m.as_of); },
                             "Per row: the occurred-time cutoff (datetime64[us], UTC).")
      .def_property_readonly("known_at", [](const PyFeatures& f) { return times_of(f.m.known_at); },
                             "Per row: the recorded-time cutoff (datetime64[us], UTC).")
      .def_property_readonly("extractor", [](const PyFeatures& f) { return f.m.schema.extractor; })
      .def_property_readonly("schema", [](const PyFeatures& f) { return json_to_py(f.m.schema.to_json()); },
                             "{extractor, version, hash, parameters, columns: [{name, type, categories, description}]}.")
      .def_property_readonly("schema_hash", [](const PyFeatures& f) { return f.m.schema.hash(); },
                             "SHA-256 of the schema: a model trained on these features stores it.")
      .def("to_pandas", [](const pyb::object& self, bool categorical) {
             return pyb::module_::import("roundhouse._features").attr("features_to_pandas")(self, "categorical"_a = categorical);
           },
           "A pandas DataFrame with the column names, indexed by (entity_id, as_of) (as_of tz-aware UTC).\n"
           "It shares the matrix (no copy); categorical=True turns categorical columns into pandas\n"
           "Categoricals of their levels (that copies).", pyb::kw_only(), "categorical"_a = false)
      .def("to_json", [](const PyFeatures& f) { return json_to_py(f.m.to_json()); },
           "The matrix as the HTTP route GET /api/v1/ml/features/{extractor} returns it (NaN as None).")
      .def("__repr__", [](const PyFeatures& f) {
        return "<Features " + f.m.schema.extractor + ": " + std::to_string(f.m.rows()) + " rows x " +
               std::to_string(f.m.cols()) + " columns>";
      });

  store.def("_features", &extract, "Internal: see Store.features.", "extractor"_a, pyb::kw_only(), "entities"_a = pyb::none(),
            "as_of"_a = pyb::none(), "known_at"_a = pyb::none(), "each_event"_a = false, "tenant"_a = pyb::none(),
            "params"_a = pyb::none());
  store.def("feature_extractors", [](PyStore& s) {
    pyb::list out;
    for (const auto& e : s.registry().features.list())
      out.append(pyb::dict("name"_a = e.name, "description"_a = e.value->description(), "provider"_a = e.provider));
    return out;
  }, "The registered feature extractors: [{'name', 'description', 'provider'}].");
}

}  // namespace roundhouse::py
