#include "python_models.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>

#include <boost/json/parse.hpp>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "columns.hpp"
#include "convert.hpp"
#include "errors.hpp"
#include "json_bridge.hpp"
#include "roundhouse/ml/model.hpp"
#include "roundhouse/plugin/registry.hpp"
#include "runtime.hpp"

namespace roundhouse::py {
namespace pyb = pybind11;
using namespace pybind11::literals;

namespace {

pyb::object hook(const char* name) { return pyb::module_::import("roundhouse.models").attr(name); }

// A copy of the matrix for Python (the class may keep what it is given).
pyb::array_t<double> values_of(const ml::FeatureMatrix& m) {
  return pyb::array_t<double>({static_cast<pyb::ssize_t>(m.rows()), static_cast<pyb::ssize_t>(m.cols())}, m.data());
}

// A float array from the package's helpers (which return numpy float64) as a vector.
std::vector<double> doubles(const pyb::object& o) {
  auto a = pyb::array_t<double, pyb::array::c_style | pyb::array::forcecast>::ensure(o);
  if (!a) throw pyb::cast_error("expected an array of numbers");
  return {a.data(), a.data() + a.size()};
}

std::vector<std::string> column_names(const ml::FeatureMatrix& m) {
  std::vector<std::string> names;
  for (const auto& c : m.schema.columns) names.push_back(c.name);
  return names;
}

// A Python exception from the class as an Error (GIL held). roundhouse.Error subclasses keep their
// code; anything else is the script's failure, its traceback written to stderr (the host's log).
Error script_error(const std::string& type, const char* step, pyb::error_already_set& e) {
  const std::string where = "Python model type '" + type + "': " + step;
  try {
    if (e.matches(pyb::module_::import("roundhouse._errors").attr("Error"))) {
      const auto code = pyb::str(e.value().attr("code")).cast<std::string>();
      for (int c = 1; c <= static_cast<int>(ErrorCode::rule_violation); ++c)
        if (to_string(static_cast<ErrorCode>(c)) == code && static_cast<ErrorCode>(c) != ErrorCode::internal)
          return Error{static_cast<ErrorCode>(c), where + ": " + pyb::str(e.value()).cast<std::string>()};
    }
    auto lines = pyb::module_::import("traceback").attr("format_exception")(e.type(), e.value(), e.trace());
    const auto trace = pyb::str("").attr("join")(lines).cast<std::string>();
    std::cerr << "roundhouse: " << where << " raised:\n" << trace << std::flush;
    return Error{ErrorCode::internal, where + " raised:\n" + trace};
  } catch (pyb::error_already_set&) {
    return Error{ErrorCode::internal, where + " raised: " + std::string(e.what())};
  }
}

// Runs `fn` (GIL held) turning Python exceptions and binding errors into an Error.
template <class Fn>
auto guarded(const std::string& type, const char* step, Fn&& fn) -> Result<decltype(fn())> {
  try {
    return fn();
  } catch (pyb::error_already_set& e) {
    return script_error(type, step, e);
  } catch (const NativeError& e) {
    return Error{e.error().code, "Python model type '" + type + "': " + step + ": " + e.error().message};
  } catch (const pyb::cast_error& e) {
    return Error{ErrorCode::internal, "Python model type '" + type + "': " + step + " returned the wrong type: " + e.what()};
  }
}

// The host's store as a roundhouse.Store for one hook call (GIL held); detach() it afterwards.
class LentStore {
 public:
  LentStore(EventStore& store, const Registry& registry, const std::string& tenant)
      : store_(&store, [](EventStore*) {}) {
    object_ = pyb::module_::import("roundhouse").attr("Store")(
        pyb::capsule(static_cast<void*>(&store_), "roundhouse.EventStore"),
        pyb::capsule(const_cast<void*>(static_cast<const void*>(&registry)), "roundhouse.Registry"),
        "tenant"_a = tenant, "actor"_a = "ml-training");
  }
  ~LentStore() {
    try {
      object_.attr("_detach")();
    } catch (pyb::error_already_set&) {
    }
  }
  const pyb::object& object() const { return object_; }

 private:
  std::shared_ptr<EventStore> store_;  // not owning: the caller's store outlives the call
  pyb::object object_;
};

// Drops the rows whose label is not finite, from the matrix and from `labels`, in place.
void keep_labelled(ml::FeatureMatrix& m, std::vector<double>& labels) {
  const std::size_t cols = m.cols();
  std::size_t kept = 0;
  for (std::size_t r = 0; r < labels.size(); ++r) {
    if (!std::isfinite(labels[r])) continue;
    if (kept != r) {
      m.entity_ids[kept] = std::move(m.entity_ids[r]);
      m.as_of[kept] = m.as_of[r];
      m.known_at[kept] = m.known_at[r];
      std::copy_n(m.values.begin() + static_cast<std::ptrdiff_t>(r * cols), cols,
                  m.values.begin() + static_cast<std::ptrdiff_t>(kept * cols));
      labels[kept] = labels[r];
    }
    ++kept;
  }
  m.entity_ids.resize(kept);
  m.as_of.resize(kept);
  m.known_at.resize(kept);
  m.values.resize(kept * cols);
  labels.resize(kept);
}

class PyPredictor final : public ml::Predictor {
 public:
  PyPredictor(std::string type, pyb::object model) : type_(std::move(type)), model_(std::move(model)) {}
  ~PyPredictor() override {
    if (!Py_IsInitialized()) {  // process exit: leave it
      model_.release();
      return;
    }
    pyb::gil_scoped_acquire gil;
    model_ = pyb::object();
  }

  Result<std::vector<double>> predict(const ml::FeatureMatrix& m) const override {
    pyb::gil_scoped_acquire gil;
    auto out = guarded(type_, "predict()", [&] {
      return doubles(hook("_predict")(model_, values_of(m), column_names(m)));
    });
    if (!out) return out;
    for (std::size_t r = 0; r < out->size(); ++r)
      if (!std::isfinite((*out)[r]))
        return Error{ErrorCode::internal, "Python model type '" + type_ + "': predict() gave " +
                                              std::to_string((*out)[r]) + " for row " + std::to_string(r) +
                                              " (entity " + m.entity_ids[r] + "); predictions must be finite"};
    return out;
  }

 private:
  std::string type_;
  pyb::object model_;
};

class PyModelType final : public ml::ModelType {
 public:
  PyModelType(std::string name, ml::ModelKind kind, std::string extractor, std::string description)
      : name_(std::move(name)), kind_(kind), extractor_(std::move(extractor)), description_(std::move(description)) {}

  std::string name() const override { return name_; }
  std::string description() const override { return description_; }
  ml::ModelKind kind() const override { return kind_; }
  std::string extractor() const override { return extractor_; }

  Result<ml::LabelledDataset> dataset(const Registry& registry, EventStore& store,
                                      const ml::DatasetRequest& r) const override {
    const Timestamp as_of = r.as_of.value_or(now_micros());
    ml::FeatureRequest f;
    f.known_at = r.known_at.value_or(as_of);
    f.tenant = r.tenant;
    {
      pyb::gil_scoped_acquire gil;
      auto plan = guarded(name_, "training_times()", [&] {
        auto t = hook("_dataset_plan")(name_, json_to_py(r.parameters), as_of).cast<pyb::tuple>();
        auto params = py_to_json(t[0], "feature_params");
        if (!params.is_object()) raise(ErrorCode::internal, "feature_params must be a dict");
        std::vector<Timestamp> times;
        for (auto when : pyb::iter(t[1])) {
          auto ts = to_timestamp(when, "training_times");
          if (!ts) raise(ErrorCode::internal, "training_times() gave None");
          times.push_back(*ts);
        }
        return std::pair{std::move(params.as_object()), std::move(times)};
      });
      if (!plan) return plan.error();
      f.parameters = std::move(plan->first);
      for (const auto& [k, v] : r.extractor_parameters) f.parameters[k] = v;  // the request's win
      f.as_of = std::move(plan->second);
      std::sort(f.as_of.begin(), f.as_of.end());  // the extractor's row order: entity, then time
      f.as_of.erase(std::unique(f.as_of.begin(), f.as_of.end()), f.as_of.end());
    }
    if (f.as_of.empty())
      return Error{ErrorCode::invalid_argument, "Python model type '" + name_ + "': training_times() gave no time"};
    auto m = ml::extract_features(registry, store, extractor_, f);
    if (!m) return m.error();

    std::vector<double> labels;
    {
      pyb::gil_scoped_acquire gil;
      auto y = guarded(name_, "labels()", [&] {
        LentStore lent(store, registry, r.tenant.value_or("default"));
        std::vector<std::int64_t> times(m->as_of.begin(), m->as_of.end());
        return doubles(hook("_labels")(name_, lent.object(), values_of(*m), column_names(*m), m->entity_ids,
                                       micros_to_datetime64(std::move(times)), json_to_py(r.parameters)));
      });
      if (!y) return y.error();
      labels = std::move(*y);
    }
    const std::size_t rows = m->rows();
    if (labels.size() != rows)
      return Error{ErrorCode::internal, "Python model type '" + name_ + "': labels() gave " +
                                            std::to_string(labels.size()) + " values for " + std::to_string(rows) + " rows"};
    ml::LabelledDataset out;
    out.features = std::move(*m);
    keep_labelled(out.features, labels);
    out.labels = std::move(labels);
    if (out.labels.empty())
      return Error{ErrorCode::rule_violation, "too little data: labels() gave no finite label for the " +
                                                  std::to_string(rows) + " row(s) of " + std::to_string(f.as_of.size()) +
                                                  " training time(s)"};
    out.description = {{"target", "labels() of the Python model type " + name_},
                       {"rows", "every entity at each of training_times(), rows with a finite label"},
                       {"training_times", f.as_of.size()},
                       {"rows_unlabelled", rows - out.labels.size()}};
    return out;
  }

  Result<ml::FittedModel> fit(const ml::LabelledDataset& train, const boost::json::object& hyperparameters,
                              const ml::FitProgress& progress) const override {
    ml::FittedModel out;
    {
      pyb::gil_scoped_acquire gil;
      auto fitted = guarded(name_, "fit()", [&] {
        pyb::array_t<double> y(static_cast<pyb::ssize_t>(train.labels.size()), train.labels.data());
        auto t = hook("_fit")(name_, values_of(train.features), column_names(train.features), y,
                              json_to_py(hyperparameters))
                     .cast<pyb::tuple>();
        return std::tuple{t[0].cast<std::string>(), t[1].cast<std::string>(), t[2].cast<std::string>()};
      });
      if (!fitted) return fitted.error();
      const auto& [artifact, format, resolved] = *fitted;
      out.artifact.assign(artifact.begin(), artifact.end());
      out.format = format;
      boost::system::error_code ec;
      auto hp = boost::json::parse(resolved, ec);
      if (!ec && hp.is_object()) out.hyperparameters = std::move(hp.as_object());
    }
    out.feature_schema_hash = train.features.schema.hash();
    out.columns = column_names(train.features);
    if (progress) progress(1, 1);
    return out;
  }

  Result<ml::PredictorPtr> load(const ml::FittedModel& model) const override {
    pyb::gil_scoped_acquire gil;
    auto loaded = guarded(name_, "load()", [&] {
      return hook("_load")(name_, pyb::bytes(reinterpret_cast<const char*>(model.artifact.data()), model.artifact.size()));
    });
    if (!loaded) return loaded.error();
    return ml::PredictorPtr(std::make_shared<PyPredictor>(name_, std::move(*loaded)));
  }

 private:
  std::string name_;
  ml::ModelKind kind_;
  std::string extractor_, description_;
};

ml::ModelKind kind_of(const std::string& kind) {
  for (auto k : {ml::ModelKind::regression, ml::ModelKind::classification, ml::ModelKind::forecast, ml::ModelKind::anomaly})
    if (ml::to_string(k) == kind) return k;
  raise(ErrorCode::invalid_argument, "kind must be regression, classification, forecast or anomaly, not '" + kind + "'");
}

}  // namespace

void bind_python_models(pyb::module_& m) {
  m.def("install_model_type", [](const std::string& name, const std::string& kind, const std::string& extractor,
                                 const std::string& description, const pyb::object& registry,
                                 const std::string& plugin_dir, const std::string& provider) {
         Registry& target = writable_registry(registry, plugin_dir);
         const auto parsed = kind_of(kind);
         if (auto existing = target.models.find(name); existing && existing->provider == provider)
           return false;  // installed before: each call looks the current class up by name
         check(target.models.add(name, provider, std::make_shared<PyModelType>(name, parsed, extractor, description)));
         return true;
       },
       "Internal: adds a Python model type to a registry (see roundhouse.models.install).", "name"_a, pyb::kw_only(),
       "kind"_a, "extractor"_a, "description"_a, "registry"_a = pyb::none(), "plugin_dir"_a = "",
       "provider"_a = "python");
}

}  // namespace roundhouse::py
