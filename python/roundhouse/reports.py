"""Reports written in Python, served by ``roundhouse serve`` through the scripting plugin.

A script in the plugin's folder registers functions with :func:`report`::

    import roundhouse as rh

    @rh.report("open-failures", summary="Open failures per vehicle")
    def open_failures(store, params):
        df = store.read_all(event_types="FailureReported").to_pandas()
        return df.groupby("stream_id", observed=True).size().to_dict()

``GET /api/v1/reports/open-failures?...`` then calls it with the host's store (acting for the
caller's tenant) and the query parameters as a dict of str, and answers with the return value as
JSON (a DataFrame becomes a list of row objects, a Series an object). An exception becomes a
problem+json 500 carrying the traceback; the host keeps serving.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

_REPORTS: dict[str, dict[str, Any]] = {}
_current_script: str | None = None


def report(name: str, *, summary: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Registers ``fn(store, params)`` as the report ``name`` (letters, digits, '-', '_')."""
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise ValueError(f"report name {name!r} must be letters, digits, '-' or '_'")

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in _REPORTS and _REPORTS[name]["script"] != _current_script:
            raise ValueError(f"report {name!r} is already registered by {_REPORTS[name]['script']}")
        _REPORTS[name] = {"fn": fn, "summary": summary or (fn.__doc__ or "").strip().split("\n")[0],
                          "script": _current_script}
        return fn
    return register


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # DataFrame
        return json.loads(value.to_json(orient="records", date_format="iso"))
    if hasattr(value, "to_dict") and hasattr(value, "index"):  # Series
        return json.loads(value.to_json(date_format="iso"))
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"a report returned {type(value).__name__}, which is not JSON")


def load_folder(folder: str) -> list[dict[str, Any]]:
    """Runs every ``*.py`` in ``folder`` (sorted); returns one {'script', 'ok', 'error'} per file."""
    global _current_script
    results = []
    for path in sorted(Path(folder).glob("*.py")):
        _current_script = path.name
        try:
            spec = importlib.util.spec_from_file_location(f"roundhouse_script_{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module  # so pickle finds its classes (rh.Model.save)
            spec.loader.exec_module(module)
            results.append({"script": path.name, "ok": True, "error": None})
        except BaseException:  # a broken script must not stop the others (nor the host)
            results.append({"script": path.name, "ok": False, "error": traceback.format_exc()})
        finally:
            _current_script = None
    return results


def listing(scripts: list[dict[str, Any]]) -> str:
    """JSON for GET /api/v1/reports."""
    reports = [{"name": n, "summary": r["summary"], "script": r["script"]} for n, r in sorted(_REPORTS.items())]
    return json.dumps({"reports": reports, "scripts": scripts})


def run(name: str, store: Any, params: dict[str, str]) -> tuple[str, str]:
    """('ok', JSON text), ('not_found', message) or ('error', traceback)."""
    entry = _REPORTS.get(name)
    if entry is None:
        return "not_found", f"no report '{name}' (known: {', '.join(sorted(_REPORTS)) or 'none'})"
    try:
        return "ok", json.dumps(entry["fn"](store, params), default=_jsonable, allow_nan=False)
    except BaseException:
        return "error", traceback.format_exc()
