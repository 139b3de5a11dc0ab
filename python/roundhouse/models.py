"""Models written in Python: subclass :class:`Model`, fit it, register it, and ``roundhouse serve``
serves its predictions through the scripting plugin.

    import roundhouse as rh

    class FailureRisk(rh.Model):
        extractor = "vehicle"                             # the features it reads (Store.features)
        feature_params = {"failure_windows_days": [90]}
        columns = ["failures_90d", "odometer_km"]         # default: every column

        def fit(self, X, y):
            self.mean = float(y.mean()); return self
        def predict(self, X):
            return X[:, 0] * 0.1 + self.mean

    model = FailureRisk().fit(X, y)                       # or fit_store(store, y) with y per entity
    model.predict_store(store, entities=["EMU-0001"])    # DataFrame (entity_id, as_of) -> prediction
    rh.register_model("failure-risk", model)

In a script of the scripting plugin's folder the registered model is served at
``POST /api/v1/scripting/models/failure-risk/predict`` (features computed by the host's
extractors, as here) and listed at ``GET /api/v1/scripting/models``. A model that raises answers
500 with its traceback; the host keeps serving.

A model *type* is trained by the host itself, through the ml plugin's normal endpoints (the same
pipeline, registry and routes as the built-in ``rul`` or ``failure-risk``)::

    @rh.model_type("failures-next-90d", kind="regression", summary="Failures in the next 90 days")
    class FailuresNext90d(rh.Model):
        extractor = "vehicle"
        feature_params = {"failure_windows_days": [90]}
        columns = ["failures_90d", "odometer_km"]

        def __init__(self, depth=3):                      # hyperparameters: keyword arguments
            self.depth = depth
        def labels(self, store, rows, params):            # one target per training row (NaN: drop it)
            later = rows["failures_total"].groupby(level="entity_id").shift(-1)
            return later - rows["failures_total"]
        def fit(self, X, y): ...
        def predict(self, X): ...

``POST /api/v1/ml/models/train {"model_type": "failures-next-90d", "name": ...}`` then builds the
training rows (every entity at :meth:`Model.training_times`), asks ``labels`` for the targets,
splits by entity, calls ``fit`` on a fresh instance (``hyperparameters`` as keyword arguments),
evaluates on the held-out entities and stores the pickled instance as a version; promote, rollback
and ``POST /api/v1/ml/predict/{name}`` work as for any model. Only load stores you trust: the
stored versions are pickles. In a Python process, :func:`roundhouse.ml.train` does the same.
"""

from __future__ import annotations

import inspect
import json
import pickle
import sys
import traceback
from typing import Any, Callable

from ._errors import NotFound, ValidationError

_MODELS: dict[str, dict[str, Any]] = {}
_TYPES: dict[str, dict[str, Any]] = {}
_TYPE_ERRORS: dict[str, str] = {}
KINDS = ("regression", "classification", "forecast", "anomaly")


class Model:
    """Base class of models written in Python.

    Subclasses implement ``fit(X, y)`` (return self) and ``predict(X)`` (one number per row of the
    2-d float array X). ``extractor`` / ``feature_params`` / ``columns`` say which features the
    model reads from a store (:meth:`roundhouse.Store.features`): rows are (entity, as-of time),
    ``columns`` picks and orders the columns (default all). Pickle must be able to save an instance
    (:meth:`save` / :meth:`load`).
    """

    extractor: str = "vehicle"
    feature_params: dict[str, Any] = {}
    columns: list[str] | None = None

    def fit(self, X: Any, y: Any) -> "Model":
        """Trains on X (rows x features) and y; returns self."""
        raise NotImplementedError(f"{type(self).__name__} must implement fit(X, y)")

    def predict(self, X: Any) -> Any:
        """One prediction per row of X."""
        raise NotImplementedError(f"{type(self).__name__} must implement predict(X)")

    def features(self, store: Any, *, entities: Any = None, as_of: Any = None, known_at: Any = None) -> Any:
        """The model's feature frame for ``store``: a DataFrame indexed by (entity_id, as_of) with
        ``columns`` (raises ValidationError naming a column the extractor does not give)."""
        frame = store.features(self.extractor, entities=entities, as_of=as_of, known_at=known_at,
                               **self.feature_params).to_pandas()
        if self.columns is None:
            return frame
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise ValidationError(f"{type(self).__name__}: the {self.extractor!r} extractor has no column(s) {missing}")
        return frame[list(self.columns)]

    def fit_store(self, store: Any, y: Any, *, as_of: Any = None, known_at: Any = None) -> "Model":
        """Fits on the store's features; ``y`` maps entity id -> target (dict or Series), rows of
        entities without a target are left out. Returns self."""
        import pandas as pd

        target = pd.Series(y, dtype=float)
        frame = self.features(store, entities=list(target.index), as_of=as_of, known_at=known_at)
        labels = target.reindex(frame.index.get_level_values("entity_id")).to_numpy()
        return self.fit(frame.to_numpy(dtype=float), labels)

    def predict_store(self, store: Any, *, entities: Any = None, as_of: Any = None, known_at: Any = None) -> Any:
        """Predictions for the store's entities: a DataFrame indexed by (entity_id, as_of), column
        ``prediction``."""
        import numpy as np

        frame = self.features(store, entities=entities, as_of=as_of, known_at=known_at)
        values = np.asarray(self.predict(frame.to_numpy(dtype=float)), dtype=float).ravel()
        if values.shape[0] != len(frame):
            raise ValidationError(f"{type(self).__name__}.predict gave {values.shape[0]} values for {len(frame)} rows")
        return frame.iloc[:, :0].assign(prediction=values)

    def training_times(self, params: dict[str, Any], as_of: Any) -> list[Any]:
        """The as-of times of the training rows when the host trains this model type (every entity
        at each time). Default: ``params["periods"]`` (12) times ``params["every_days"]`` (30) days
        apart, the last at ``as_of`` (a UTC pandas Timestamp). Override for other row times."""
        import pandas as pd

        every, periods = params.get("every_days", 30), params.get("periods", 12)
        if not isinstance(every, (int, float)) or isinstance(every, bool) or not 0 < every <= 3660:
            raise ValidationError("parameters.every_days must be a number of days in (0, 3660]")
        if not isinstance(periods, int) or isinstance(periods, bool) or not 1 <= periods <= 1000:
            raise ValidationError("parameters.periods must be a whole number in [1, 1000]")
        return [as_of - pd.Timedelta(days=every) * k for k in range(periods - 1, -1, -1)]

    def labels(self, store: Any, rows: Any, params: dict[str, Any]) -> Any:
        """The training target of each row of ``rows`` (a DataFrame of every extractor column,
        indexed by (entity_id, as_of), entity then time), as an array or Series of the same length;
        NaN leaves a row out. ``store`` reads the log (valid during the call); ``params`` is the
        train request's ``parameters``. Needed to train this model from the host."""
        raise NotImplementedError(f"{type(self).__name__} must implement labels(store, rows, params) to be trained "
                                  "by the host")

    def save(self) -> bytes:
        """The fitted model as bytes (pickle)."""
        return pickle.dumps(self)

    @classmethod
    def load(cls, data: bytes) -> "Model":
        """A model saved with :meth:`save` (only load bytes you trust: this is pickle)."""
        model = pickle.loads(data)
        if not isinstance(model, cls):
            raise ValidationError(f"the bytes hold a {type(model).__name__}, not a {cls.__name__}")
        return model


def register_model(name: str, model: Model, *, summary: str = "") -> Model:
    """Registers a fitted model instance under ``name`` (letters, digits, '-', '_'); registering
    the name again replaces it. Returns the model."""
    from . import reports

    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise ValidationError(f"model name {name!r} must be letters, digits, '-' or '_'")
    if not isinstance(model, Model):
        raise ValidationError(f"register_model takes an instance of a rh.Model subclass, not {type(model).__name__}")
    _MODELS[name] = {"model": model, "summary": summary or (type(model).__doc__ or "").strip().split("\n")[0],
                     "script": reports._current_script}
    return model


def registered() -> list[dict[str, Any]]:
    """The registered models: ``[{name, class, summary, extractor, feature_params, columns, script}]``."""
    return [{"name": n, "class": type(d["model"]).__name__, "summary": d["summary"], "extractor": d["model"].extractor,
             "feature_params": dict(d["model"].feature_params), "columns": d["model"].columns, "script": d["script"]}
            for n, d in sorted(_MODELS.items())]


def get(name: str) -> Model:
    """The model registered as ``name``; NotFound lists the known ones."""
    entry = _MODELS.get(name)
    if entry is None:
        raise NotFound(f"no model '{name}' (known: {', '.join(sorted(_MODELS)) or 'none'})")
    return entry["model"]


def _strings(value: Any, what: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"{what} must be a string or a list of strings")
    return value


def _predict_body(model: Model, store: Any, body: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    unknown = set(body) - {"rows", "entities", "as_of", "known_at"}
    if unknown:
        raise ValidationError(f"unknown field(s) {sorted(unknown)}; give 'rows' or 'entities', 'as_of', 'known_at'")
    if "rows" in body:
        if set(body) != {"rows"}:
            raise ValidationError("'rows' (feature rows) excludes 'entities', 'as_of' and 'known_at'")
        try:
            X = np.asarray(body["rows"], dtype=float)
        except (TypeError, ValueError):
            raise ValidationError("'rows' must be a list of lists of numbers") from None
        if X.ndim != 2 or X.shape[0] == 0:
            raise ValidationError("'rows' must be a non-empty list of lists of numbers")
        values = np.asarray(model.predict(X), dtype=float).ravel()
        return {"predictions": [None if np.isnan(v) else float(v) for v in values]}
    frame = model.predict_store(store, entities=_strings(body.get("entities"), "entities"), as_of=body.get("as_of"),
                                known_at=body.get("known_at"))
    return {"predictions": [{"entity_id": e, "as_of": t.isoformat().replace("+00:00", "Z"),
                             "value": None if np.isnan(v) else float(v)}
                            for (e, t), v in zip(frame.index, frame["prediction"].to_numpy())]}


def listing() -> str:
    """JSON for GET /api/v1/scripting/models."""
    return json.dumps({"models": registered()})


def run_predict(name: str, store: Any, body_json: str) -> tuple[str, str]:
    """For the scripting plugin: ('ok', JSON), ('not_found' | 'invalid', message) or ('error', traceback)."""
    entry = _MODELS.get(name)
    if entry is None:
        return "not_found", f"no model '{name}' (known: {', '.join(sorted(_MODELS)) or 'none'})"
    try:
        body = json.loads(body_json) if body_json else {}
        if not isinstance(body, dict):
            raise ValidationError("the body must be a JSON object")
        return "ok", json.dumps({"model": name, **_predict_body(entry["model"], store, body)}, allow_nan=False)
    except NotFound as err:  # an unknown entity
        return "not_found", str(err)
    except ValidationError as err:
        return "invalid", str(err)
    except BaseException:  # the model's own code: its traceback, the host carries on
        return "error", traceback.format_exc()

# ---- model types: trained by the ml plugin's pipeline (POST /api/v1/ml/models/train) ----

def model_type(name: str, *, kind: str = "regression", summary: str = "") -> Callable[[type], type]:
    """Class decorator: registers a :class:`Model` subclass as the model type ``name`` (letters,
    digits, '-', '_') of ``kind`` (``"regression"``, ``"classification"`` (predict a probability),
    ``"forecast"`` or ``"anomaly"``; it chooses the held-out metrics). The class must be
    constructible from keyword arguments alone (they are the hyperparameters) and implement
    ``labels``, ``fit`` and ``predict``. Registering the name again replaces the class."""
    from . import reports

    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise ValidationError(f"model type name {name!r} must be letters, digits, '-' or '_'")
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")

    def register(cls: type) -> type:
        if not (isinstance(cls, type) and issubclass(cls, Model)):
            raise ValidationError(f"@model_type decorates a subclass of rh.Model, not {cls!r}")
        if not isinstance(cls.extractor, str) or not cls.extractor:
            raise ValidationError(f"{cls.__name__}.extractor must name a feature extractor")
        _TYPES[name] = {"cls": cls, "kind": kind, "script": reports._current_script,
                        "summary": summary or (cls.__doc__ or "").strip().split("\n")[0] or f"{cls.__name__} (Python)"}
        return cls
    return register


def model_types() -> list[dict[str, Any]]:
    """The registered model types: ``[{name, class, kind, extractor, summary, script}]``."""
    return [{"name": n, "class": d["cls"].__name__, "kind": d["kind"], "extractor": d["cls"].extractor,
             "summary": d["summary"], "script": d["script"]} for n, d in sorted(_TYPES.items())]


def install(registry: Any = None, *, plugin_dir: str = "", provider: str = "python", strict: bool = True) -> list[str]:
    """Adds the registered model types to a plugin registry's model types (default: this process's
    plugin folder, the one :func:`roundhouse.open` loads); returns the names newly added. The
    scripting plugin calls it with the host's registry and ``strict=False``: a type whose name another
    plugin registered already is printed to stderr and listed in :func:`errors` instead of stopping
    the others. The native type looks the class up by name at each call, so re-registering the name
    takes effect without installing again."""
    from . import _native
    from ._errors import install_each

    def install_one(name: str, d: dict[str, Any]) -> bool:
        return _native.install_model_type(name, kind=d["kind"], extractor=d["cls"].extractor, description=d["summary"],
                                          registry=registry, plugin_dir=plugin_dir, provider=provider)

    def on_error(name: str, err: Exception) -> None:
        if name not in _TYPE_ERRORS:  # once, not at every rh.ml call
            print(f"roundhouse: model type {name!r} not installed: {err}", file=sys.stderr)
        _TYPE_ERRORS[name] = f"not installed: {err}"

    return install_each(_TYPES, install_one, on_error, strict)


def errors() -> dict[str, str]:
    """Model types that could not be installed, with the reason."""
    return dict(_TYPE_ERRORS)


def _type(name: str) -> dict[str, Any]:
    entry = _TYPES.get(name)
    if entry is None:
        raise NotFound(f"the Python model type {name!r} is no longer registered in this process")
    return entry


def _design(model: Any, values: Any, columns: list[str]) -> Any:
    """The model's columns of a full extractor matrix, in the model's order."""
    if model.columns is None:
        return values
    missing = [c for c in model.columns if c not in columns]
    if missing:  # the class's mistake, not the request's
        raise TypeError(f"{type(model).__name__}.columns: the {model.extractor!r} extractor has no column(s) {missing}")
    return values[:, [columns.index(c) for c in model.columns]]


def _dataset_plan(name: str, params: dict[str, Any], as_of_us: int) -> tuple[dict[str, Any], list[Any]]:
    """For the native model type: (extractor parameters of the class, training row times)."""
    import pandas as pd

    cls = _type(name)["cls"]
    times = cls().training_times(dict(params), pd.Timestamp(as_of_us, unit="us", tz="UTC"))
    return dict(cls.feature_params), list(times)


def _labels(name: str, store: Any, values: Any, columns: list[str], entity_ids: list[str], as_of: Any,
            params: dict[str, Any]) -> Any:
    """For the native model type: one float label per row (NaN: leave the row out)."""
    import numpy as np
    import pandas as pd

    cls = _type(name)["cls"]
    index = pd.MultiIndex.from_arrays([pd.Index(entity_ids, dtype=object), pd.DatetimeIndex(as_of).tz_localize("UTC")],
                                      names=["entity_id", "as_of"])
    rows = pd.DataFrame(values, index=index, columns=pd.Index(columns), copy=False)
    labels = cls().labels(store, rows, dict(params))
    if isinstance(labels, pd.Series) and isinstance(labels.index, pd.MultiIndex):  # aligned by (entity, as-of)
        labels = labels.reindex(rows.index)
    out = np.asarray(labels, dtype=float).ravel()
    if out.shape[0] != len(rows):
        raise TypeError(f"{cls.__name__}.labels gave {out.shape[0]} values for {len(rows)} rows")
    return out


def _hyperparameters(cls: type, given: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(keyword arguments for cls, the resolved JSON-able hyperparameters with defaults filled in)."""
    try:
        bound = inspect.signature(cls).bind(**given)
    except TypeError as err:
        raise ValidationError(f"hyperparameters: {cls.__name__}() {err}") from None
    bound.apply_defaults()
    resolved = {}
    for key, value in bound.arguments.items():
        try:
            json.dumps(value, allow_nan=False)
            resolved[key] = value
        except (TypeError, ValueError):
            continue
    return dict(given), resolved


def _fit(name: str, values: Any, columns: list[str], y: Any, hyperparameters: dict[str, Any]) -> tuple[bytes, str, str]:
    """For the native model type: (artifact bytes, artifact format, resolved hyperparameters as JSON)."""
    cls = _type(name)["cls"]
    kwargs, resolved = _hyperparameters(cls, hyperparameters)
    model = cls(**kwargs)
    fitted = model.fit(_design(model, values, columns), y)
    if fitted is not None and fitted is not model:
        if not isinstance(fitted, Model):
            raise TypeError(f"{cls.__name__}.fit must return self (or None), not {type(fitted).__name__}")
        model = fitted
    data = model.save()
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"{cls.__name__}.save must return bytes, not {type(data).__name__}")
    return bytes(data), getattr(cls, "artifact_format", "python-pickle"), json.dumps(resolved)


def _load(name: str, data: bytes) -> Model:
    """For the native model type: the fitted instance saved by _fit."""
    return _type(name)["cls"].load(data)


def _predict(model: Model, values: Any, columns: list[str]) -> Any:
    """For the native model type: one float per row."""
    import numpy as np

    out = np.asarray(model.predict(_design(model, values, columns)), dtype=float).ravel()
    if out.shape[0] != values.shape[0]:
        raise TypeError(f"{type(model).__name__}.predict gave {out.shape[0]} values for {values.shape[0]} rows")
    return out


__all__ = ["Model", "errors", "get", "install", "model_type", "model_types", "register_model", "registered"]
