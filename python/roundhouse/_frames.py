"""pandas DataFrames from the columns the native module builds (roundhouse._native ... .columns())."""

from __future__ import annotations

from typing import Any


def to_pandas(columns: dict[str, Any], index: str | None = "position") -> Any:
    """A DataFrame: (codes, categories) pairs become Categoricals, datetime64 columns UTC-aware."""
    import pandas as pd

    data: dict[str, Any] = {}
    index_values = columns.pop(index) if index is not None else None
    for name, column in columns.items():
        if isinstance(column, tuple):
            codes, categories = column
            data[name] = pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))
        elif getattr(column, "dtype", None) is not None and column.dtype.kind == "M":
            data[name] = pd.DatetimeIndex(column).tz_localize("UTC")
        else:
            data[name] = column
    if index_values is None:
        return pd.DataFrame(data, copy=False)
    return pd.DataFrame(data, index=pd.Index(index_values, name=index), copy=False)
