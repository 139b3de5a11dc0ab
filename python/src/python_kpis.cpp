#include "python_kpis.hpp"

#include <atomic>
#include <cmath>
#include <memory>

#include <pybind11/stl.h>

#include "convert.hpp"
#include "errors.hpp"
#include "events.hpp"
#include "roundhouse/analytics/kpi.hpp"
#include "roundhouse/plugin/registry.hpp"
#include "runtime.hpp"

namespace roundhouse::py {
namespace pyb = pybind11;
using namespace pybind11::literals;

namespace {

// The vehicle-scope test handed to value(); usable only during that call.
struct ScopeTest {
  const VehicleScope* fn = nullptr;
  bool operator()(const std::string& vehicle_id) const {
    if (!fn) raise(ErrorCode::invalid_argument, "in_scope may only be called during value()");
    return (*fn)(vehicle_id);
  }
};

class PyKpiCalculator final : public KpiCalculator {
 public:
  PyKpiCalculator(std::string name, pyb::object instance) : name_(std::move(name)), instance_(std::move(instance)) {}
  ~PyKpiCalculator() override {
    pyb::gil_scoped_acquire gil;
    instance_ = pyb::object();
  }

  void disable() { broken_ = true; }

  Status apply(const RecordedEvent& event) override {
    if (broken_) return {};
    pyb::gil_scoped_acquire gil;
    try {
      instance_.attr("apply")(PyEvent(event));
    } catch (pyb::error_already_set& e) {
      fail("apply", e.what());
    }
    return {};  // a broken Python KPI must not stop the analytics model (the other KPIs)
  }

  std::optional<double> value(const KpiWindow& window, const VehicleScope& in_scope) const override {
    if (broken_) return std::nullopt;
    pyb::gil_scoped_acquire gil;
    auto test = std::make_shared<ScopeTest>(ScopeTest{&in_scope});
    std::optional<double> out;
    try {
      pyb::object scope = pyb::cpp_function([test](const std::string& id) { return (*test)(id); });
      pyb::object v = instance_.attr("value")(to_datetime(window.from), to_datetime(window.to), scope);
      if (!v.is_none()) {
        const double d = v.cast<double>();
        if (std::isfinite(d)) out = d;
      }
    } catch (pyb::error_already_set& e) {
      fail("value", e.what());
    } catch (const std::exception& e) {
      fail("value", e.what());
    }
    test->fn = nullptr;
    return out;
  }

 private:
  // Records the error with roundhouse.kpis (kpis.errors(), the host's stderr); the KPI then reads
  // as undefined until the model is folded afresh. Needs the GIL.
  void fail(const char* where, const std::string& what) const {
    broken_ = true;
    try {
      pyb::module_::import("roundhouse.kpis").attr("_record_error")(name_, std::string(where) + "() raised: " + what);
    } catch (pyb::error_already_set&) {
      PyErr_Clear();
    }
  }

  std::string name_;
  pyb::object instance_;
  mutable std::atomic<bool> broken_{false};  // value() runs concurrently
};

}  // namespace

void bind_python_kpis(pyb::module_& m) {
  m.def("install_kpi", [](const std::string& name, const std::string& title, const std::string& unit,
                          const std::string& description, bool higher_is_better, const pyb::object& aggregate_types,
                          const pyb::object& event_types, const pyb::object& registry, const std::string& plugin_dir,
                          const std::string& provider) {
         Registry& target = writable_registry(registry, plugin_dir);
         if (target.kpis.find(name)) return false;  // installed before: make() picks up the current class
         KpiDefinition def;
         def.title = title;
         def.unit = unit;
         def.description = description;
         def.higher_is_better = higher_is_better;
         def.filter.aggregate_types = to_strings(aggregate_types, "aggregate_types");
         def.filter.event_types = to_strings(event_types, "event_types");
         def.make = [name]() -> std::unique_ptr<KpiCalculator> {
           pyb::gil_scoped_acquire gil;
           pyb::object instance = pyb::none();  // _instantiate records a failing constructor and gives None
           try {
             instance = pyb::module_::import("roundhouse.kpis").attr("_instantiate")(name);
           } catch (pyb::error_already_set&) {
             PyErr_Clear();
           }
           auto calc = std::make_unique<PyKpiCalculator>(name, instance);
           if (instance.is_none()) calc->disable();
           return calc;
         };
         check(target.kpis.add(name, provider, std::move(def)));
         return true;
       },
       "Internal: adds a Python KPI to a registry (see roundhouse.kpis).", "name"_a, pyb::kw_only(), "title"_a, "unit"_a,
       "description"_a, "higher_is_better"_a, "aggregate_types"_a, "event_types"_a, "registry"_a = pyb::none(),
       "plugin_dir"_a = "", "provider"_a = "python");
}

}  // namespace roundhouse::py
