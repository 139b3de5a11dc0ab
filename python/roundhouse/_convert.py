"""Time conversions used by the native module (microseconds since the epoch, UTC)."""

from __future__ import annotations

import datetime as _dt

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def to_micros(value: object) -> int | None:
    """µs since the epoch for a datetime (naive = UTC), date, numpy.datetime64 or pandas.Timestamp; None otherwise."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        delta = value - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(value, _dt.date):
        return to_micros(_dt.datetime(value.year, value.month, value.day))
    type_name = type(value).__module__ + "." + type(value).__name__
    if type_name == "numpy.datetime64":
        import numpy as np

        return int(np.datetime64(value, "us").astype("int64"))
    return None


def from_micros(micros: int) -> _dt.datetime:
    """A timezone-aware UTC datetime."""
    return _EPOCH + _dt.timedelta(microseconds=micros)
