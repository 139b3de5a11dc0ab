from __future__ import annotations

from typing import Any, Mapping

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
    ProjectionReplay as ProjectionReplay,
    Subscription as Subscription,
)

__version__: str
ANY: str
NO_STREAM: str
STREAM_EXISTS: str

class Store(_native.Store):
    def command(self, name: str, id: str | None = None, data: Mapping[str, Any] | None = None,
                **fields: Any) -> dict[str, Any]: ...
    def commands(self) -> list[dict[str, Any]]: ...
    def aggregate(self, aggregate_type: str, id: str) -> dict[str, Any]: ...

def open(uri: str, *, plugin_dir: str | None = None, tenant: str = "default", actor: str = "python",
         create: bool = True) -> Store: ...
def demo(store: Store, *, size: str = "small", seed: int = 1, start: str | None = None,
         validate: bool = False) -> dict[str, Any]: ...
def default_plugin_dir() -> str: ...
from .reports import report as report
