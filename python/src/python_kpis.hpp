#pragma once
// KPIs written in Python (roundhouse.kpis): each becomes a KpiDefinition in a Registry::kpis whose
// calculators wrap an instance of the Python class, so the analytics plugin serves it beside its
// built-in KPIs — in this process (Store.kpis) and in `roundhouse serve` through the scripting
// plugin, which hands its registry in as a capsule.
//
// The definition's make() asks roundhouse.kpis for the class registered under the name at that
// moment, so re-running a notebook cell replaces the class for the next fold. Every call into
// Python takes the GIL; a Python exception in apply() stops the analytics model at that event (as
// any failing projection), one in value() is printed to stderr and the value is undefined (null).

#include <pybind11/pybind11.h>

namespace roundhouse::py {
void bind_python_kpis(pybind11::module_& m);
}  // namespace roundhouse::py
