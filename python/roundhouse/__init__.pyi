from __future__ import annotations

import datetime
from typing import Any, Iterable, Literal, Mapping, Sequence

import pandas as pd

from . import _native
from ._errors import (
    ConcurrencyError as ConcurrencyError,
    CorruptedError as CorruptedError,
    DuplicateEvent as DuplicateEvent,
    Error as Error,
    InternalError as InternalError,
    NotFound as NotFound,
    PermissionDenied as PermissionDenied,
    PluginError as PluginError,
    RuleViolation as RuleViolation,
    SchemaViolation as SchemaViolation,
    StorageError as StorageError,
    Unavailable as Unavailable,
    ValidationError as ValidationError,
)
from ._native import (
    AppendResult as AppendResult,
    Batch as Batch,
    Event as Event,
    EventList as EventList,
    EventScan as EventScan,
    Features as Features,
    LiveProjection as LiveProjection,
    ProjectionReplay as ProjectionReplay,
    Subscription as Subscription,
)

__version__: str
ANY: str
NO_STREAM: str
STREAM_EXISTS: str

TimeLike = str | datetime.datetime | datetime.date | Any
Scope = Literal["fleet"] | Mapping[str, str] | None
Window = int | datetime.timedelta | tuple[TimeLike | None, TimeLike | None] | Mapping[str, Any] | None

class Store(_native.Store):
    def command(self, name: str, id: str | None = None, data: Mapping[str, Any] | None = None,
                **fields: Any) -> dict[str, Any]: ...
    def commands(self) -> list[dict[str, Any]]: ...
    def aggregate(self, aggregate_type: str, id: str) -> dict[str, Any]: ...
    def features(self, extractor: str, *, entities: str | Iterable[str] | None = None, as_of: Any = None,
                 known_at: Any = None, each_event: bool = False, tenant: str | None = None,
                 **params: Any) -> Features:
        """Runs a feature extractor; ``.values`` is the C++ matrix as numpy (no copy), ``.to_pandas()``
        a DataFrame indexed by (entity_id, as_of)."""
    def analytics(self, *, tenant: str | None = None) -> LiveProjection: ...
    def kpis(self, *, scope: Scope = None, window: Window = None, depot: str | None = None,
             vehicle_type: str | None = None, vehicle_id: str | None = None,
             tenant: str | None = None) -> pd.DataFrame:
        """Every KPI for a window and scope, indexed by KPI name (value, previous, change_pct, trend, ...)."""
    def kpi(self, name: str, *, scope: Scope = None, window: Window = None, depot: str | None = None,
            vehicle_type: str | None = None, vehicle_id: str | None = None,
            tenant: str | None = None) -> pd.Series:
        """One KPI as a Series; ``.attrs`` has definition, basis, by_system, window."""
    def kpi_series(self, names: str | Iterable[str], *, interval: Literal["day", "week", "month"] | None = None,
                   scope: Scope = None, window: Window = None, depot: str | None = None,
                   vehicle_type: str | None = None, vehicle_id: str | None = None,
                   tenant: str | None = None) -> pd.DataFrame:
        """KPIs per bucket: DatetimeIndex of bucket starts, column ``end``, one column per KPI."""
    def dashboard(self, name: str, *, scope: Scope = None, window: Window = None, limit: int | None = None,
                  depot: str | None = None, vehicle_type: str | None = None, vehicle_id: str | None = None,
                  tenant: str | None = None) -> dict[str, Any]: ...
    def dashboards(self) -> list[dict[str, Any]]: ...
    def kpi_definitions(self, *, tenant: str | None = None) -> pd.DataFrame: ...
    def fleet_summary(self, *, scope: Scope = None, window: Window = None,
                      tenant: str | None = None) -> dict[str, Any]: ...
    def worst(self, kind: Literal["vehicles", "systems"] = "vehicles", *, scope: Scope = None,
              window: Window = None, limit: int | None = None, tenant: str | None = None) -> pd.DataFrame: ...

def open(uri: str, *, plugin_dir: str | None = None, tenant: str = "default", actor: str = "python",
         create: bool = True) -> Store: ...
def demo(store: Store, *, size: str = "small", seed: int = 1, start: str | None = None,
         validate: bool = False) -> dict[str, Any]: ...
def default_plugin_dir() -> str: ...
from .reports import report as report
from .kpis import kpi as kpi
from . import kpis as kpis
from . import ml as ml
from . import models as models
from .models import Model as Model, model_type as model_type, register_model as register_model
