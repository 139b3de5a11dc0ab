"""pandas DataFrames from the columns the native module builds (roundhouse._native ... .columns())."""

from __future__ import annotations

from typing import Any


def to_pandas(columns: dict[str, Any], index: str | None = "position") -> Any:
    """A DataFrame: (codes, categories) pairs become Categoricals, datetime64 columns UTC-aware."""
    import pandas as pd

    data: dict[str, Any] = {}
    for name, column in columns.items():
        if isinstance(column, tuple):
            codes, categories = column
            data[name] = pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))
        elif getattr(column, "dtype", None) is not None and column.dtype.kind == "M":
            data[name] = pd.DatetimeIndex(column).tz_localize("UTC")
        else:
            data[name] = column
    frame = pd.DataFrame(data, copy=False)
    if index is not None:
        frame = frame.set_index(index)
    return frame
