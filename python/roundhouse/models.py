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
"""

from __future__ import annotations

import json
import pickle
import traceback
from typing import Any, Iterable

from ._errors import NotFound, ValidationError

_MODELS: dict[str, dict[str, Any]] = {}


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

__all__ = ["Model", "get", "register_model", "registered"]
