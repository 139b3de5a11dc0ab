"""Store.features() and the pandas view of a feature matrix."""

from __future__ import annotations

from typing import Any, Iterable


class FeaturesMixin:
    """Feature extraction on :class:`roundhouse.Store` (the extractors of the ``ml`` plugin)."""

    def features(self, extractor: str, *, entities: str | Iterable[str] | None = None, as_of: Any = None,
                 known_at: Any = None, each_event: bool = False, tenant: str | None = None,
                 **params: Any) -> Any:
        """Runs a registered feature extractor over the store; returns a :class:`roundhouse.Features`.

        ``extractor``: ``"vehicle"``, ``"work-order"``, ``"inventory"``, ``"sensor-window"`` or any other
        in :meth:`feature_extractors`. ``entities``: ids to describe (default every entity existing at
        the row's time). ``as_of``: one time or a sequence of times (default now); rows are entities x
        times, sorted by entity then time. ``known_at``: the recorded-time cutoff for every row
        (a time or ``"now"``; default each row's ``as_of``, so nothing recorded later leaks in — set it
        for back-filled history such as the demo fleet or an import). ``each_event=True``: one row per
        observation event instead of ``as_of``. ``tenant``: default the store's. Other keywords are the
        extractor's parameters (``failure_windows_days=[30, 90]``, ``window=30``, ``channels=[...]``).

        ``result.values`` is the float64 matrix shared with C++ (no copy); ``result.to_pandas()`` a
        DataFrame indexed by (entity_id, as_of). Raises NotFound (unknown extractor or entity),
        ValidationError (bad or unknown parameter, bad time). Runs without the GIL.
        """
        return self._features(extractor, entities=entities, as_of=as_of, known_at=known_at,
                              each_event=each_event, tenant=tenant, params=params or None)


def features_to_pandas(features: Any, *, categorical: bool = False) -> Any:
    """A DataFrame over ``features.values`` (no copy unless ``categorical``), indexed by (entity_id, as_of)."""
    import numpy as np
    import pandas as pd

    index = pd.MultiIndex.from_arrays(
        [pd.Index(features.entity_ids, dtype=object), pd.DatetimeIndex(features.as_of).tz_localize("UTC")],
        names=["entity_id", "as_of"])
    frame = pd.DataFrame(features.values, index=index, columns=pd.Index(features.columns), copy=False)
    if categorical:
        for name, levels in features.categories.items():
            codes = np.nan_to_num(frame[name].to_numpy(), nan=-1).astype("int64")  # NaN: absent
            frame[name] = pd.Categorical.from_codes(codes, categories=pd.Index(levels, dtype=object))
    return frame
