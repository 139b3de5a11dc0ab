"""KPIs written in Python, computed by the analytics plugin beside its built-in ones.

A KPI is a class with ``apply(event)`` (fold one event of the kinds it asked for, in log order) and
``value(start, end, in_scope)`` (its value for the half-open window ``[start, end)`` of tz-aware UTC
datetimes over the vehicles for which ``in_scope(vehicle_id)`` is true; ``None`` when undefined)::

    import roundhouse as rh

    @rh.kpi("door_failures", title="Door failures", unit="count", higher_is_better=False,
            event_types=["FailureReported"])
    class DoorFailures:
        def __init__(self):
            self.seen = []                                    # (occurred µs, vehicle id)
        def apply(self, event):
            if event.payload.get("system") == "doors":
                self.seen.append((event.occurred_at_us, event.payload["vehicle_id"]))
        def value(self, start, end, in_scope):
            lo, hi = rh.kpis.micros(start), rh.kpis.micros(end)
            return sum(1 for t, v in self.seen if lo <= t < hi and in_scope(v))

Then ``store.kpis()``, ``store.kpi("door_failures")`` and ``store.kpi_series("door_failures")``
include it, with previous period and trend, and a script in the scripting plugin's folder that
defines it makes ``roundhouse serve`` serve it in ``/api/v1/analytics/kpis`` and the other routes.
One instance is made per tenant's analytics model; ``apply`` and ``value`` hold the GIL. An
exception in either is recorded (:func:`errors`, and stderr in the host) and the KPI reads as
undefined until the model is folded afresh; the other KPIs are unaffected.
"""

from __future__ import annotations

import datetime as _dt
import sys
import traceback
from typing import Any, Callable, Iterable

from ._convert import to_micros
from ._errors import ValidationError

_KPIS: dict[str, dict[str, Any]] = {}
_ERRORS: dict[str, str] = {}
_INSTALLED: set[str] = set()
_generation = 0
_META = ("title", "unit", "description", "higher_is_better", "aggregate_types", "event_types")


def _strings(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def kpi(name: str, *, title: str | None = None, unit: str = "count", description: str = "",
        higher_is_better: bool = True, event_types: str | Iterable[str] | None = None,
        aggregate_types: str | Iterable[str] | None = None) -> Callable[[type], type]:
    """Registers a KPI class (or any factory returning an object with ``apply`` and ``value``).

    ``name``: letters, digits, '-' or '_', not a built-in KPI's name. ``title`` (default the name),
    ``unit`` (``"count"``, ``"ratio"``, ``"h"``, ``"km"``, ...), ``description`` (shown to users;
    default the class docstring), ``higher_is_better`` (for the trend's assessment),
    ``event_types`` / ``aggregate_types``: the events ``apply`` receives (default every event: slow).
    Registering the same name again replaces the class (e.g. re-running a notebook cell); its title,
    unit, direction and events cannot change once a store has served it.
    """
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise ValidationError(f"KPI name {name!r} must be letters, digits, '-' or '_'")

    def register(cls: type) -> type:
        global _generation
        for method in ("apply", "value"):
            if not callable(getattr(cls, method, None)):
                raise ValidationError(f"KPI {name!r}: {getattr(cls, '__name__', cls)!r} needs a method {method}()")
        meta = {"title": title or name, "unit": unit,
                "description": description or (cls.__doc__ or "").strip().split("\n")[0],
                "higher_is_better": bool(higher_is_better), "aggregate_types": _strings(aggregate_types),
                "event_types": _strings(event_types)}
        old = _KPIS.get(name)
        if old is not None and name in _INSTALLED and any(old[k] != meta[k] for k in _META):
            raise ValidationError(f"KPI {name!r} is already served with another title, unit, direction or events; "
                                  "restart the Python process to change them")
        _KPIS[name] = {"factory": cls, **meta, "script": _current_script()}
        _ERRORS.pop(name, None)
        _generation += 1
        return cls
    return register


def _current_script() -> str | None:
    from . import reports

    return reports._current_script


def registered() -> list[dict[str, Any]]:
    """The Python KPIs: ``[{name, title, unit, description, higher_is_better, event_types, aggregate_types, script}]``."""
    return [{"name": n, **{k: v for k, v in d.items() if k != "factory"}} for n, d in sorted(_KPIS.items())]


def errors() -> dict[str, str]:
    """{KPI name: what its class raised} for the KPIs that failed since they were (re)registered."""
    return dict(_ERRORS)


def micros(t: _dt.datetime) -> int:
    """µs since the epoch of a datetime (the unit of ``Event.occurred_at_us``)."""
    return int(to_micros(t))


def generation() -> int:
    """Changes whenever a KPI is (re)registered (the live analytics models fold afresh)."""
    return _generation


def install(registry: Any = None, *, plugin_dir: str = "", provider: str = "python", strict: bool = True) -> list[str]:
    """Adds the registered KPIs to a plugin registry's KPIs (default: this process's plugin folder);
    returns the names newly added. The scripting plugin calls it with the host's registry and
    ``strict=False``: a KPI that cannot be added (its name taken by another plugin) is recorded in
    :func:`errors` instead of stopping the others."""
    from . import _native
    from ._errors import install_each

    def install_one(name: str, d: dict[str, Any]) -> bool:
        added = _native.install_kpi(name, title=d["title"], unit=d["unit"], description=d["description"],
                                    higher_is_better=d["higher_is_better"], aggregate_types=d["aggregate_types"],
                                    event_types=d["event_types"], registry=registry, plugin_dir=plugin_dir,
                                    provider=provider)
        _INSTALLED.add(name)
        return added

    return install_each(_KPIS, install_one, lambda name, err: _record_error(name, f"not installed: {err}"), strict)


def _instantiate(name: str) -> Any:
    entry = _KPIS.get(name)
    if entry is None:
        _record_error(name, f"KPI {name!r} is no longer registered in this process")
        return None
    try:
        return entry["factory"]()
    except BaseException:
        _record_error(name, "constructing it raised:\n" + traceback.format_exc())
        return None


def _record_error(name: str, text: str) -> None:
    _ERRORS[name] = text
    print(f"roundhouse: KPI {name!r} failed: {text}", file=sys.stderr)
