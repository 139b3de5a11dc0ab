"""Machine learning from Python: Weibull life analysis, gradient-boosted trees and the metrics of the
``ml`` plugin, on numpy arrays, at C++ speed.

    import roundhouse as rh
    fit = rh.ml.weibull([16, 34, 53, 75, 93, 120], censored=[130, 140])
    fit.beta, fit.eta, fit.b10, fit.bounds["beta"]
    model = rh.ml.BoostedTrees(max_depth=3, rounds=600).fit(X_train, y_train)
    rh.ml.rmse(model.predict(X_test), y_test)

    # the ml plugin's model registry in the store (as POST /api/v1/ml/models/train etc.)
    rh.ml.train(store, "failure-risk", "risk", promote=True)
    rh.ml.versions(store, "risk"); rh.ml.predict(store, "risk", ["EMU-0001"], known_at="now")

Feature matrices come from :meth:`roundhouse.Store.features`.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Iterable, Sequence

from . import _native
from ._errors import PluginError, ValidationError

if not hasattr(_native, "ml"):  # pragma: no cover - a build without the ml plugin
    raise ImportError("roundhouse.ml needs the ml plugin (built with ROUNDHOUSE_BUILD_PLUGIN_ML=ON)")

_ml = _native.ml


@dataclasses.dataclass(frozen=True)
class WeibullResult:
    """A fitted 2-parameter Weibull, F(t) = 1 - exp(-(t/eta)^beta).

    ``bounds`` holds two-sided Fisher-matrix bounds ``{'beta': (lo, hi), 'eta': (lo, hi)}`` for MLE and
    is None for rank regression (which reports ``r_squared`` instead). ``b_lives`` maps the percent
    failed to ``(life, (lo, hi) or None)``; ``b10`` is the time by which 10 % have failed.
    ``raw`` is the JSON of ``POST /api/v1/reliability/weibull`` for the same data.
    """

    method: str
    beta: float
    eta: float
    mean_life: float
    log_likelihood: float
    failures: int
    suspensions: int
    confidence: float
    bounds: dict[str, tuple[float, float]] | None
    b10: float
    b_lives: dict[float, tuple[float, tuple[float, float] | None]]
    r_squared: float | None
    raw: dict = dataclasses.field(repr=False)

    def reliability(self, t: Any) -> Any:
        """R(t) = exp(-(t/eta)^beta), for a number or a numpy array."""
        import numpy as np

        return np.exp(-np.power(np.asarray(t, dtype=float) / self.eta, self.beta))

    def unreliability(self, t: Any) -> Any:
        """F(t) = 1 - R(t)."""
        return 1.0 - self.reliability(t)

    def hazard(self, t: Any) -> Any:
        """h(t) = (beta/eta) (t/eta)^(beta-1)."""
        import numpy as np

        return (self.beta / self.eta) * np.power(np.asarray(t, dtype=float) / self.eta, self.beta - 1.0)

    def b_life(self, percent: float) -> float:
        """The time by which ``percent`` % have failed (B-life), from the fitted parameters."""
        if not 0 < percent < 100:
            raise ValidationError(f"percent must be in (0, 100), got {percent}")
        return self.eta * (-math.log(1.0 - percent / 100.0)) ** (1.0 / self.beta)


def _interval(value: Any) -> tuple[float, float] | None:
    if not value:
        return None
    return (float(value["lower"]), float(value["upper"]))


def weibull(times: Any, censored: Any = None, *, method: str = "mle", confidence: float = 0.95,
            b_lives: Iterable[float] = (), plugin_dir: str | None = None) -> WeibullResult:
    """Fits a 2-parameter Weibull to life data with right censoring (the ml plugin's numeric core).

    ``times``: failure times (any unit, all > 0). ``censored``: either the right-censored times
    (suspensions: still running at that age) or a boolean mask as long as ``times`` marking which of
    them are censored. ``method``: ``"mle"`` (default; gives bounds), ``"rr"``/``"rrx"`` (rank
    regression on X, Weibull++'s default) or ``"rry"``. ``confidence``: two-sided level of the bounds.
    ``b_lives``: extra percents (B10 is always there). Raises ValidationError for bad times or options,
    RuleViolation when the data cannot identify a fit (fewer than two failures, all at one time).
    """
    import numpy as np

    method = {"rr": "rrx"}.get(method, method)
    if method not in ("mle", "rrx", "rry"):
        raise ValidationError(f"method must be 'mle', 'rr' ('rrx') or 'rry', not {method!r}")
    all_times = np.asarray(times, dtype=float).ravel()
    if censored is None:
        failures, suspended = all_times, np.empty(0)
    else:
        mask = np.asarray(censored)
        if mask.dtype == bool:
            if mask.shape != all_times.shape:
                raise ValidationError(f"censored: a mask needs one flag per time ({all_times.size}), got {mask.size}")
            failures, suspended = all_times[~mask], all_times[mask]
        else:
            failures, suspended = all_times, mask.astype(float).ravel()
    body = {"failures": failures.tolist(), "method": method, "confidence": confidence}
    if suspended.size:
        body["censored"] = suspended.tolist()
    extra = [float(p) for p in b_lives]
    if extra:
        body["b_lives"] = extra
    try:
        raw = _ml.weibull_analysis(body, plugin_dir=plugin_dir or "")
    except Exception as err:
        if type(err).__name__ == "NotFound" and "no plugin route" in str(err):
            raise PluginError("Weibull analysis needs the ml plugin in the plugin folder") from err
        raise
    lives = {float(b["percent"]): (float(b["life"]), _interval(b.get("bounds"))) for b in raw.get("b_lives", [])}
    bounds = raw.get("bounds")
    return WeibullResult(
        method=method, beta=float(raw["beta"]), eta=float(raw["eta"]), mean_life=float(raw["mean_life"]),
        log_likelihood=float(raw["log_likelihood"]), failures=int(raw["failures"]),
        suspensions=int(raw["suspensions"]), confidence=float(raw["confidence"]),
        bounds=None if not bounds or not any(bounds.values()) else {k: _interval(v) for k, v in bounds.items()},
        b10=float(raw["b10"]), b_lives=lives,
        r_squared=None if raw.get("r_squared") is None else float(raw["r_squared"]), raw=raw)


class BoostedTrees(_ml.BoostedTrees):
    """Gradient-boosted trees (XGBoost ``hist`` trees through its C API, as the ml plugin trains them).

    ``objective``: ``"reg:squarederror"`` (regression, e.g. remaining useful life) or
    ``"binary:logistic"`` (``predict`` gives probabilities). Hyperparameters: ``rounds`` (trees),
    ``learning_rate``, ``max_depth``, ``min_child_weight``, ``subsample``, ``colsample_bytree``, ``l2``,
    ``threads`` (default 2), ``seed`` (training is reproducible). NaN in X means missing.
    """

    def fit(self, X: Any, y: Any, *, sample_weight: Any = None) -> "BoostedTrees":
        """Trains on X (rows x features, numpy/pandas) and y; returns self. Runs without the GIL."""
        super().fit(_matrix(X), _vector(y, "y"), sample_weight=None if sample_weight is None else _vector(sample_weight, "sample_weight"))
        return self

    def predict(self, X: Any, *, rounds: int = 0) -> Any:
        """One prediction per row of X (from the first ``rounds`` trees; 0 = all) as a float64 array."""
        return super().predict(_matrix(X), rounds=rounds)

    @classmethod
    def load(cls, data: bytes) -> "BoostedTrees":
        """A model saved with :meth:`save` (XGBoost's UBJSON bytes)."""
        model = cls()
        model._load(bytes(data))
        return model


def _matrix(x: Any) -> Any:
    import numpy as np

    array = np.asarray(getattr(x, "values", x) if not isinstance(x, np.ndarray) else x, dtype=float)
    if array.ndim != 2:
        raise ValidationError(f"X must be 2-dimensional (rows x features), got shape {array.shape}")
    return array


def _vector(v: Any, what: str) -> Any:
    import numpy as np

    array = np.asarray(getattr(v, "values", v) if not isinstance(v, np.ndarray) else v, dtype=float)
    if array.ndim != 1:
        raise ValidationError(f"{what} must be 1-dimensional, got shape {array.shape}")
    return array


@dataclasses.dataclass(frozen=True)
class CvResult:
    """Grouped cross-validation: ``scores`` (a DataFrame: one row per candidate x round count, its
    hyperparameters and ``rmse`` over every held-out row), ``best`` (the lowest RMSE's parameters,
    for ``BoostedTrees(**best)``) and ``best_rmse``."""

    scores: Any
    best: dict[str, Any]
    best_rmse: float


def grouped_cv(X: Any, y: Any, groups: Any, grid: Sequence[dict[str, Any]] | None = None, *, folds: int = 5,
               seed: int = 0, round_counts: Iterable[int] = ()) -> CvResult:
    """K-fold cross-validation of boosted trees grouped by unit (all rows of a group in one fold,
    so a unit's later rows never help predict its earlier ones), as the ml plugin selects models.

    ``groups``: one integer per row (e.g. the engine number). ``grid``: hyperparameter dicts for
    :class:`BoostedTrees` (default one candidate with the defaults). ``round_counts``: tree counts
    scored for every candidate from the same fit (default each candidate's ``rounds``). Runs without
    the GIL. Raises ValidationError for mismatched lengths, fewer groups than folds, bad parameters.
    """
    import numpy as np
    import pandas as pd

    group_array = np.asarray(getattr(groups, "values", groups))
    if group_array.ndim != 1 or not np.issubdtype(group_array.dtype, np.integer):
        raise ValidationError("groups must be a 1-dimensional array of integers (one per row)")
    candidates = [_ml.BoostedTrees(**params) for params in (grid or [{}])]
    scores, best, best_rmse = _ml.grouped_cv(_matrix(X), _vector(y, "y"), group_array.astype(int).tolist(), candidates,
                                             folds=folds, seed=seed, round_counts=[int(r) for r in round_counts])
    table = pd.DataFrame([{**model.params, "rmse": score} for model, score in scores])
    return CvResult(scores=table, best=best.params, best_rmse=float(best_rmse))


def rmse(predicted: Any, truth: Any) -> float:
    """Root mean squared error."""
    return _ml.rmse(_vector(predicted, "predicted"), _vector(truth, "truth"))


def mae(predicted: Any, truth: Any) -> float:
    """Mean absolute error."""
    return _ml.mae(_vector(predicted, "predicted"), _vector(truth, "truth"))


def nasa_score(predicted: Any, truth: Any) -> float:
    """PHM08 / NASA C-MAPSS score: sum of exp(-d/13) - 1 (early, d < 0) and exp(d/10) - 1 (late),
    d = predicted - true RUL. Lower is better; late predictions cost more."""
    return _ml.nasa_score(_vector(predicted, "predicted"), _vector(truth, "truth"))


def auc(score: Any, label: Any) -> float:
    """Area under the ROC curve for labels in {0, 1} (ties as half); NaN when one class is absent."""
    return _ml.auc(_vector(score, "score"), _vector(label, "label"))


# ---- the ml plugin's model registry (the same routes as /api/v1/ml/models*, in-process) ----

def _registry_call(store: Any, method: str, path: str, body: Any = None) -> Any:
    from . import models

    if store.plugin_dir and models.model_types():  # Python model types (rh.model_type) beside the built-in ones
        models.install(plugin_dir=store.plugin_dir, strict=False)
    return store.call(method, path, body=body)[1]


def _name(name: str) -> str:
    if not isinstance(name, str) or not name:
        raise ValidationError("a model name must be a non-empty string")
    return name


def models(store: Any) -> dict[str, Any]:
    """The registered model types and this tenant's trained models: ``{'types': [...], 'models': [...]}``
    (each model with its latest and promoted version and latest held-out metrics)."""
    return _registry_call(store, "GET", "/api/v1/ml/models")


def train(store: Any, model_type: str, name: str, *, parameters: dict[str, Any] | None = None,
          extractor_parameters: dict[str, Any] | None = None, hyperparameters: dict[str, Any] | None = None,
          split: dict[str, Any] | None = None, as_of: Any = None, known_at: Any = None,
          promote: bool = False) -> dict[str, Any]:
    """Trains a new version of model ``name`` of type ``model_type`` (``"rul"``, ``"failure-risk"``,
    ``"work-order-duration"`` or a plugin's) from the store's events: dataset at as-of times, split by
    unit and time, fit, held-out metrics; stored in the registry (``promote=True`` also serves it).
    Returns ``{'model': ..., 'version': ...}``. Raises NotFound for an unknown type, ValidationError
    for bad parameters or hyperparameters, RuleViolation when there is too little data; nothing is
    written then. ``as_of``/``known_at``: ISO-8601 text or ``"now"``."""
    body: dict[str, Any] = {"model_type": model_type, "name": _name(name), "promote": bool(promote)}
    for key, value in (("parameters", parameters), ("extractor_parameters", extractor_parameters),
                       ("hyperparameters", hyperparameters), ("split", split), ("as_of", as_of),
                       ("known_at", known_at)):
        if value is not None:
            body[key] = value
    return _registry_call(store, "POST", "/api/v1/ml/models/train", body)


def versions(store: Any, name: str) -> list[dict[str, Any]]:
    """Every version of a model, oldest first, with metrics, feature-schema hash and training data
    range. Raises NotFound for an unknown model."""
    return _registry_call(store, "GET", f"/api/v1/ml/models/{_name(name)}/versions")["versions"]


def promote(store: Any, name: str, version: int) -> dict[str, Any]:
    """Serves ``version`` of a model from now on; returns the model. NotFound for an unknown model or version."""
    return _registry_call(store, "POST", f"/api/v1/ml/models/{_name(name)}/promote", {"version": int(version)})


def rollback(store: Any, name: str) -> dict[str, Any]:
    """Serves the previously promoted version again; returns the model. RuleViolation when there is none."""
    return _registry_call(store, "POST", f"/api/v1/ml/models/{_name(name)}/rollback", {})


def predict(store: Any, name: str, entity_ids: Sequence[str] | None = None, *, as_of: Any = None,
            known_at: Any = None, version: int | None = None, record: bool = True) -> Any:
    """Predictions of the served (or given) version for ``entity_ids`` (all entities when None), each
    recorded as a ``PredictionMade`` event unless ``record=False``. Returns a pandas DataFrame indexed
    by entity id (columns ``value`` and the response's other per-prediction fields). Raises NotFound
    for an unknown model, ValidationError when the stored feature schema no longer matches."""
    import pandas as pd

    body: dict[str, Any] = {"record": bool(record)}
    if entity_ids is not None:
        body["entity_ids"] = [str(e) for e in entity_ids]
    for key, value in (("as_of", as_of), ("known_at", known_at), ("version", version)):
        if value is not None:
            body[key] = value
    out = _registry_call(store, "POST", f"/api/v1/ml/predict/{_name(name)}", body)
    frame = pd.DataFrame(out["predictions"])
    if not frame.empty:
        frame = frame.set_index("entity_id")
    frame.attrs.update({k: v for k, v in out.items() if k != "predictions"})
    return frame


__all__ = ["BoostedTrees", "CvResult", "WeibullResult", "auc", "grouped_cv", "mae", "models", "nasa_score", "predict",
           "promote", "rmse", "rollback", "train", "versions", "weibull"]
