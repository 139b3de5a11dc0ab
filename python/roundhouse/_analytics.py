"""The KPI engine of the ``analytics`` plugin from Python: KPIs as pandas, dashboards as dicts.

The answers are the analytics read model's own (the same JSON the ``/api/v1/analytics/...`` routes
return), computed in this process from a live instance of the model that folds only new events
before each question (``Store.live_projection("analytics")``); nothing is written to the store.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable, Mapping

from ._convert import to_micros
from ._errors import NotFound, PluginError, ValidationError

_SCOPE_KEYS = ("depot", "vehicle_type", "vehicle_id")
_KPI_COLUMNS = ["title", "unit", "value", "previous", "change_pct", "trend", "assessment", "higher_is_better", "basis"]


def _time_text(value: Any, what: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()  # a bare date: as the HTTP API reads it (as `end`, the end of that day)
    micros = to_micros(value)
    if micros is None:
        raise ValidationError(f"{what}: expected a datetime, date, numpy.datetime64, pandas.Timestamp or str, "
                              f"not {type(value).__name__}")
    stamp = _dt.datetime(1970, 1, 1) + _dt.timedelta(microseconds=micros)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def window_params(window: Any) -> dict[str, str]:
    """None (30 days to the data clock), days (int / timedelta), (start, end) or {'start', 'end', 'days'}."""
    if window is None:
        return {}
    if isinstance(window, bool):
        raise ValidationError("window: expected days, a timedelta, (start, end) or a dict")
    if isinstance(window, int):
        return {"days": str(window)}
    if isinstance(window, _dt.timedelta) or type(window).__name__ == "Timedelta":
        seconds = window.total_seconds()
        if seconds <= 0 or seconds % 86400:
            raise ValidationError(f"window: a timedelta must be a whole number of days, got {window}")
        return {"days": str(int(seconds // 86400))}
    if isinstance(window, Mapping):
        unknown = set(window) - {"start", "end", "days"}
        if unknown:
            raise ValidationError(f"window: unknown key(s) {sorted(unknown)} (start, end, days)")
        out = window_params((window.get("start"), window.get("end")))
        if window.get("days") is not None:
            out["days"] = str(window["days"])
        return out
    if isinstance(window, (tuple, list)) and len(window) == 2:
        out = {}
        if window[0] is not None:
            out["from"] = _time_text(window[0], "window start")
        if window[1] is not None:
            out["to"] = _time_text(window[1], "window end")
        return out
    raise ValidationError(f"window: expected days, a timedelta, (start, end) or a dict, not {window!r}")


def scope_params(scope: Any, **direct: str | None) -> dict[str, str]:
    """None / 'fleet' (every vehicle) or a dict of depot / vehicle_type / vehicle_id; keywords add to it."""
    out: dict[str, str] = {}
    if scope is not None and scope != "fleet":
        if not isinstance(scope, Mapping):
            raise ValidationError(f"scope: expected 'fleet' or a dict with {', '.join(_SCOPE_KEYS)}, not {scope!r}")
        unknown = set(scope) - set(_SCOPE_KEYS)
        if unknown:
            raise ValidationError(f"scope: unknown key(s) {sorted(unknown)} ({', '.join(_SCOPE_KEYS)})")
        out.update({k: str(v) for k, v in scope.items() if v is not None})
    out.update({k: str(v) for k, v in direct.items() if v is not None})
    return out


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


class AnalyticsMixin:
    """KPIs, time series and dashboards on :class:`roundhouse.Store`."""

    def analytics(self, *, tenant: str | None = None) -> Any:
        """The live analytics read model for ``tenant`` (default the store's), kept for this Store."""
        from . import kpis

        if "analytics" not in self.projection_names():
            raise PluginError("the analytics plugin is not loaded from " + (self.plugin_dir or "the host"))
        if self.plugin_dir and kpis.registered():  # a host's store: its scripting plugin installed them
            kpis.install(plugin_dir=self.plugin_dir)
        cache = self.__dict__.setdefault("_analytics_models", {})
        key = tenant or self.tenant
        entry = cache.get(key)
        if entry is None or entry[0] != kpis.generation():  # a (re)registered Python KPI: fold afresh
            entry = cache[key] = (kpis.generation(), self.live_projection("analytics", tenant=key))
        return entry[1]

    def _ask(self, op: str, tenant: str | None, **params: Any) -> dict:
        return self.analytics(tenant=tenant).query(op=op, **params)

    def kpis(self, *, scope: Any = None, window: Any = None, depot: str | None = None,
             vehicle_type: str | None = None, vehicle_id: str | None = None, tenant: str | None = None) -> Any:
        """Every KPI for a window and scope as a DataFrame indexed by KPI name.

        Columns: title, unit, value, previous (the window of equal length before), change_pct, trend,
        assessment, higher_is_better, basis (numerator/denominator). ``scope``: ``None``/``"fleet"`` or
        a dict of ``depot`` / ``vehicle_type`` / ``vehicle_id`` (the keywords of the same names add to
        it). ``window``: ``None`` (30 days ending at the data clock, the end of the day of the newest
        event), a number of days, a ``timedelta``, ``(start, end)`` (half-open; a bare date as end
        means the end of that day) or ``{'start', 'end', 'days'}``. ``df.attrs`` holds window,
        previous_window, scope and as_of_position. ValidationError for a bad parameter.
        """
        import pandas as pd

        answer = self._ask("kpis", tenant, **scope_params(scope, depot=depot, vehicle_type=vehicle_type,
                                                          vehicle_id=vehicle_id), **window_params(window))
        rows = answer["kpis"]
        frame = pd.DataFrame([{c: k.get(c) for c in _KPI_COLUMNS} for k in rows],
                             index=pd.Index([k["name"] for k in rows], name="kpi"), columns=_KPI_COLUMNS)
        for column in ("value", "previous", "change_pct"):
            frame[column] = frame[column].map(_float).astype("float64")
        frame.attrs = {k: v for k, v in answer.items() if k != "kpis"}
        return frame

    def kpi(self, name: str, *, scope: Any = None, window: Any = None, depot: str | None = None,
            vehicle_type: str | None = None, vehicle_id: str | None = None, tenant: str | None = None) -> Any:
        """One KPI as a Series (value, previous, change_pct, trend, assessment, unit, title, ...).

        ``series.attrs`` holds its definition, basis, by_system (mtbf, mdbf, mttr, failures), window,
        previous_window, scope and as_of_position. Arguments as :meth:`kpis`. NotFound for an unknown
        KPI (the message lists the known ones).
        """
        import pandas as pd

        answer = self._ask("kpi", tenant, name=name, **scope_params(scope, depot=depot, vehicle_type=vehicle_type,
                                                                    vehicle_id=vehicle_id), **window_params(window))
        k = answer["kpi"]
        fields = [c for c in _KPI_COLUMNS if c != "basis"]
        series = pd.Series({c: k.get(c) for c in fields}, name=k["name"], dtype=object)
        series.attrs = {"definition": k.get("definition"), "basis": k.get("basis"), "by_system": k.get("by_system"),
                        **{key: v for key, v in answer.items() if key != "kpi"}}
        return series

    def kpi_series(self, names: str | Iterable[str], *, interval: str | None = None, scope: Any = None, window: Any = None,
                   depot: str | None = None, vehicle_type: str | None = None, vehicle_id: str | None = None,
                   tenant: str | None = None) -> Any:
        """KPIs by ``interval`` (``"day"``, ``"week"`` from Monday, ``"month"``; default by the window's
        length) over the window.

        Returns a DataFrame with a tz-aware DatetimeIndex of bucket starts (``start``), a column ``end``
        (edge buckets are clipped to the window) and one float64 column per KPI (NaN where undefined).
        Arguments as :meth:`kpis`; ``window`` defaults to the last 30 days of data.
        """
        import pandas as pd

        names = [names] if isinstance(names, str) else list(names)
        if not names:
            raise ValidationError("kpi_series needs at least one KPI name")
        params = {**scope_params(scope, depot=depot, vehicle_type=vehicle_type, vehicle_id=vehicle_id),
                  **window_params(window)}
        if interval is not None:
            params["interval"] = interval
        frame = None
        attrs: dict = {}
        for name in names:
            answer = self._ask("timeseries", tenant, name=name, **params)
            points = answer["points"]
            if frame is None:
                index = pd.DatetimeIndex([p["from"] for p in points], name="start")
                index = index.tz_convert("UTC") if index.tz is not None else index.tz_localize("UTC")
                frame = pd.DataFrame({"end": pd.to_datetime([p["to"] for p in points], utc=True)}, index=index)
                attrs = {k: v for k, v in answer.items() if k not in ("points", "chart", "metric", "title", "unit")}
            frame[name] = [_float(p["value"]) for p in points]
        frame.attrs = attrs
        return frame

    def dashboard(self, name: str, *, scope: Any = None, window: Any = None, limit: int | None = None,
                  depot: str | None = None, vehicle_type: str | None = None, vehicle_id: str | None = None,
                  tenant: str | None = None) -> dict:
        """A dashboard (executive, operations, maintenance, inventory) as the dict the HTTP route returns:
        ``{kpis, charts, worst_vehicles, worst_systems, insights, window, ...}``. ``window`` defaults to the
        dashboard's own (7, 30 or 90 days). NotFound for an unknown dashboard."""
        extra = {} if limit is None else {"limit": limit}
        return self._ask("dashboard", tenant, name=name, **scope_params(scope, depot=depot, vehicle_type=vehicle_type,
                                                                         vehicle_id=vehicle_id),
                         **window_params(window), **extra)

    def dashboards(self) -> list[dict]:
        """The dashboards, their default windows and KPIs: ``[{name, title, days, kpis, href}]``."""
        self.analytics()  # the plugin check
        return self.call("GET", "/api/v1/analytics/dashboards")[1]["dashboards"]

    def kpi_definitions(self, *, tenant: str | None = None) -> Any:
        """Every KPI's title, unit, definition, direction and provider, as a DataFrame indexed by name."""
        import pandas as pd

        rows = self._ask("definitions", tenant)["kpis"]
        return pd.DataFrame(rows).set_index("name")

    def fleet_summary(self, *, scope: Any = None, window: Any = None, tenant: str | None = None) -> dict:
        """Counts (vehicles, in service, failures, open/completed work orders, parts, events) and headline KPIs."""
        return self._ask("summary", tenant, **scope_params(scope), **window_params(window))

    def worst(self, kind: str = "vehicles", *, scope: Any = None, window: Any = None, limit: int | None = None,
              tenant: str | None = None) -> Any:
        """The worst vehicles (most failures, then downtime) or systems in the window, as a DataFrame."""
        import pandas as pd

        extra = {} if limit is None else {"limit": limit}
        answer = self._ask("top", tenant, name=kind, **scope_params(scope), **window_params(window), **extra)
        rows = next((v for k, v in answer.items() if isinstance(v, list)), [])
        frame = pd.DataFrame(rows)
        frame.attrs = {k: v for k, v in answer.items() if not isinstance(v, list)}
        return frame
