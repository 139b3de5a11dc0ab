"""Roundhouse from Python: the event store, replay, time travel and audit of a Roundhouse fleet
maintenance store, at C++ speed.

    import roundhouse as rh
    store = rh.open("sqlite:fleet.db")
    rh.demo(store, size="small")                       # a deterministic demo fleet
    df = store.read_all(event_types="VehicleStatusChanged").to_pandas()
    store.state_at("vehicle", "EMU-0001", occurred="2025-06-01")

The store is opened through the same plugins the ``roundhouse`` host loads (see ``open``).
Every failure is a :class:`roundhouse.Error` subclass.
"""

from __future__ import annotations

import json as _json
from typing import Any, Iterable, Mapping

from . import _native
from ._errors import (
    ConcurrencyError,
    CorruptedError,
    DuplicateEvent,
    Error,
    InternalError,
    NotFound,
    PermissionDenied,
    PluginError,
    RuleViolation,
    SchemaViolation,
    StorageError,
    Unavailable,
    ValidationError,
)
from ._analytics import AnalyticsMixin as _AnalyticsMixin
from ._features import FeaturesMixin as _FeaturesMixin
from ._native import AppendResult, Batch, Event, EventList, EventScan, ProjectionReplay, Subscription
from ._native import Features, LiveProjection
from . import kpis
from .kpis import kpi
from . import models
from .models import Model, model_type, register_model
from .reports import report

try:
    from . import ml
except ImportError:  # built without the ml plugin
    pass

__version__: str = _native.__version__

#: expected_version values for Store.append besides an exact version number.
ANY = "any"
NO_STREAM = "no_stream"
STREAM_EXISTS = "stream_exists"

# Plural path segment of the fleet plugin's read routes, by aggregate type.
_FLEET_READS = {"vehicle": "vehicles", "failure": "failures", "workorder": "work-orders",
                "work-order": "work-orders", "part": "parts"}


class Store(_FeaturesMixin, _AnalyticsMixin, _native.Store):
    """An open event store. See :func:`open`; the methods are documented on each call."""

    def command(self, name: str, id: str | None = None, data: Mapping[str, Any] | None = None,
                **fields: Any) -> dict:
        """Runs a domain command exactly as its HTTP route does (schema check, domain rules, append).

        ``name`` is a command from :meth:`commands` (``"register-vehicle"``, ``"change-vehicle-status"``,
        ...); ``id`` the target aggregate (omit for creations); the body is ``data`` and/or keyword
        fields. Returns the stored result (versions, positions, state). Raises SchemaViolation (the
        message starts with the JSON Pointer of the bad field), RuleViolation, NotFound, ...
        """
        routes = self._command_routes()
        if name not in routes:
            raise NotFound(f"no command '{name}' (known: {', '.join(sorted(routes)) or 'none'})")
        path = routes[name]
        if "{id}" in path:
            if not id:
                raise ValidationError(f"command '{name}' needs the id of its aggregate")
            path = path.replace("{id}", id)
        elif id is not None:
            raise ValidationError(f"command '{name}' creates its aggregate: give the id in the body, not as id=")
        body = dict(data or {})
        body.update(fields)
        _, result = self.call("POST", path, body=body)
        return result

    def commands(self) -> list[dict]:
        """The domain commands the plugins offer: ``[{'command', 'method', 'path', 'summary'}, ...]``."""
        rows: list[dict] = []
        for route in self.route_names():
            method, _, pattern = route.partition(" ")
            if method == "GET" and pattern.endswith("/commands"):
                rows.extend(self.call("GET", pattern)[1].get("commands", []))
        return rows

    def aggregate(self, aggregate_type: str, id: str) -> dict:
        """The current state of one fleet aggregate (snapshot + tail): ``{'aggregate', 'id', 'version', 'state'}``."""
        segment = _FLEET_READS.get(aggregate_type)
        if segment is None:
            raise ValidationError(f"aggregate_type must be one of {', '.join(sorted(_FLEET_READS))}")
        return self.call("GET", f"/api/v1/fleet/{segment}/{id}")[1]

    def _command_routes(self) -> dict[str, str]:
        cached = getattr(self, "_routes_cache", None)
        if cached is None:
            cached = {row["command"]: row["path"] for row in self.commands()}
            self._routes_cache = cached
        return cached


def open(uri: str, *, plugin_dir: str | None = None, tenant: str = "default", actor: str = "python",
         create: bool = True) -> Store:
    """Opens an event store through the storage plugin for the URI's scheme.

    ``uri``: ``"sqlite:fleet.db"`` (created when missing unless ``create=False``), ``"memory:"`` or
    ``"postgresql://user@host/db[?schema=NAME]"``. ``plugin_dir``: the plugin folder to load, by
    default the one the ``roundhouse`` host uses (``$ROUNDHOUSE_PLUGIN_DIR``, else the build or install
    tree's ``lib/roundhouse/plugins``). ``tenant`` and ``actor`` are recorded on appends and commands.
    Raises PluginError when no plugin handles the scheme, StorageError/Unavailable when the store
    cannot be opened, NotFound for a missing store with ``create=False``.
    """
    return Store(uri, plugin_dir=plugin_dir or "", tenant=tenant, actor=actor, create=create)


def demo(store: Store, *, size: str = "small", seed: int = 1, start: str | None = None,
         validate: bool = False) -> dict:
    """Writes the fleet plugin's deterministic demo history into ``store`` (like ``roundhouse demo``).

    ``size``: ``"small"`` (~150 vehicles, 2 years, ~70k events), ``"1m"`` or ``"10m"``. The same size,
    seed and start always give the same events; re-running on the same store adds only what is
    missing. Returns the summary (counts per event type). A store holding other data raises Error.
    """
    args = ["--size", size, "--seed", str(seed)]
    if start is not None:
        args += ["--start", start]
    if validate:
        args.append("--validate")
    code, out, err = store.run_command("demo", args)
    if code == 2:
        raise ValidationError(err.strip().removeprefix("roundhouse demo: "))
    if code != 0:
        raise Error(err.strip().removeprefix("roundhouse demo: "))
    return _json.loads(out) if out.strip() else {}


def default_plugin_dir() -> str:
    """The plugin folder :func:`open` uses when none is given."""
    return _native.default_plugin_dir()


__all__ = [
    "ANY", "NO_STREAM", "STREAM_EXISTS", "AppendResult", "Batch", "ConcurrencyError", "CorruptedError",
    "DuplicateEvent", "Error", "Event", "EventList", "EventScan", "Features", "InternalError", "LiveProjection", "Model", "NotFound",
    "PermissionDenied", "PluginError", "ProjectionReplay", "RuleViolation", "SchemaViolation", "Store",
    "StorageError", "Subscription", "Unavailable", "ValidationError", "default_plugin_dir", "demo", "kpi", "kpis", "model_type", "models", "open", "register_model", "report",
]
