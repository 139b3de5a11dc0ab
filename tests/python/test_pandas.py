"""Columns and DataFrames built in C++: same values as the event objects, numpy without copies."""

import json

import numpy as np
import pandas as pd

from conftest import status_event


def fill(store, n=300):
    for i in range(n):
        store.append(f"vehicle/V{i % 5}", {"type": "A" if i % 2 else "B", "payload": {"i": i, "km": i * 1.5},
                                          "occurred_at": 1_700_000_000_000_000 + i})


def test_to_pandas_matches_events(store):
    fill(store)
    events = store.read_all().to_list()
    df = store.read_all().to_pandas()
    assert len(df) == 300 and df.index.name == "position"
    assert list(df.index) == [e.position for e in events]
    assert list(df["version"]) == [e.version for e in events]
    assert list(df["type"].astype(str)) == [e.type for e in events]
    assert list(df["stream_id"].astype(str)) == [e.stream_id for e in events]
    assert list(df["event_id"]) == [e.id for e in events]
    assert [json.loads(p) for p in df["payload"]] == [e.payload for e in events]
    assert [json.loads(m) for m in df["metadata"]] == [e.metadata for e in events]
    assert list(df["occurred_at"]) == [pd.Timestamp(e.occurred_at) for e in events]
    assert list(df["recorded_at"]) == [pd.Timestamp(e.recorded_at) for e in events]
    for col in ("stream_type", "stream_id", "type", "tenant"):
        assert isinstance(df[col].dtype, pd.CategoricalDtype), col
    assert str(df["occurred_at"].dt.tz) == "UTC"


def test_to_pandas_of_a_stream_and_column_choice(store):
    fill(store)
    df = store.read_stream("vehicle/V3").to_pandas(payload=False, metadata=False, event_id=False, index=None)
    assert list(df.columns) == ["position", "stream_type", "stream_id", "version", "type", "occurred_at", "recorded_at", "tenant"]
    assert list(df["version"]) == list(range(1, 61))
    filtered = store.read_all(event_types="A").to_pandas(hash=True)
    assert set(filtered["type"].astype(str)) == {"A"} and len(filtered) == 150
    assert filtered["hash"].str.len().eq(64).all()


def test_columns_are_numpy_without_copies(mem):
    fill(mem, 50)
    cols = mem.read_all().columns(payload=False, metadata=False)
    assert cols["position"].dtype == np.int64 and cols["position"].base is not None
    assert cols["occurred_at"].dtype == np.dtype("datetime64[us]")
    assert cols["occurred_at"][0].astype("int64") == 1_700_000_000_000_000
    codes, categories = cols["type"]
    assert codes.dtype == np.int32 and sorted(categories) == ["A", "B"]
    assert [categories[c] for c in codes[:2]] == ["B", "A"]
    assert "payload" not in cols


def test_empty_read_gives_an_empty_frame(mem):
    df = mem.read_all().to_pandas()
    assert len(df) == 0 and "payload" in df.columns
    mem.append("vehicle/V1", status_event("x"))
    assert len(mem.read_all(from_position=2).to_pandas()) == 0
