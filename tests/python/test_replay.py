"""Replay into Python projections (batched numpy columns and per event) and built-in projections."""

import json

import numpy as np
import pytest

import roundhouse as rh


def fill(store, n=1000):
    for i in range(n):
        store.append(f"vehicle/V{i % 10}", {"type": ("Km", "Status", "Other")[i % 3],
                                           "payload": {"km": float(i)} if i % 3 == 0 else {"s": "x"}})


class CountByType:
    def __init__(self):
        self.counts = {}
        self.batches = 0
        self.km = 0.0
        self.positions = []

    def handle_batch(self, batch):
        self.batches += 1
        self.positions.extend(batch.position.tolist())
        codes, n = np.unique(batch.type_code, return_counts=True)
        for c, k in zip(codes, n):
            name = batch.types[c]
            self.counts[name] = self.counts.get(name, 0) + int(k)
        self.km += np.nansum(batch.payload_field("km"))


class PerEvent:
    def __init__(self):
        self.counts = {}

    def handle(self, event):
        self.counts[event.type] = self.counts.get(event.type, 0) + 1


def test_batched_and_per_event_agree(store):
    fill(store)
    batched, single = CountByType(), PerEvent()
    stats = store.replay(batched, batch_size=128)
    store.replay(single)
    assert batched.counts == single.counts == {"Km": 334, "Status": 333, "Other": 333}
    assert stats["events"] == 1000 and stats["batches"] == batched.batches == 8 and stats["last_position"] == 1000
    assert batched.positions == list(range(1, 1001))
    assert batched.km == sum(float(i) for i in range(0, 1000, 3))


def test_batch_columns(mem):
    fill(mem, 30)
    seen = {}

    class Grab:
        def handle_batch(self, batch):
            seen["len"] = len(batch)
            seen["version"] = batch["version"].copy()
            seen["occurred"] = batch.occurred_at.copy()
            seen["payload"] = list(batch.payload)
            seen["streams"] = [batch.streams[c] for c in batch.stream_code]
            seen["code"] = batch.type_code_of("Km"), batch.type_code_of("Nope")
            with pytest.raises(KeyError):
                batch["nope"]
    mem.replay(Grab())
    events = mem.read_all().to_list()
    assert seen["len"] == 30
    assert list(seen["version"]) == [e.version for e in events]
    assert seen["occurred"].dtype == np.dtype("datetime64[us]")
    assert [json.loads(p) for p in seen["payload"]] == [e.payload for e in events]
    assert seen["streams"] == [f"{e.stream_type}/{e.stream_id}" for e in events]
    assert seen["code"] == (0, -1)


def test_range_and_filters(mem):
    fill(mem, 100)
    p = PerEvent()
    mem.replay(p, from_position=11, to_position=20, event_types="Km")
    assert p.counts == {"Km": 3}

    class OnlyStatus(PerEvent):
        event_types = ["Status"]
    q = OnlyStatus()
    mem.replay(q)
    assert q.counts == {"Status": 33}


def test_handler_exception_propagates(mem):
    fill(mem, 300)

    class Failing:
        def __init__(self):
            self.calls = 0

        def handle_batch(self, batch):
            self.calls += 1
            raise RuntimeError("bad batch")
    f = Failing()
    with pytest.raises(RuntimeError, match="bad batch"):
        mem.replay(f, batch_size=10)
    assert f.calls == 1


def test_bad_projection_and_arguments(mem):
    with pytest.raises(rh.ValidationError, match="handle"):
        mem.replay(object())
    with pytest.raises(rh.ValidationError):
        mem.replay(PerEvent(), batch_size=0)
    with pytest.raises(rh.NotFound, match="registered"):
        mem.replay("no-such-projection")


def test_builtin_projection(store):
    from conftest import register_vehicle
    register_vehicle(store, "EMU-1", depot="North")
    register_vehicle(store, "EMU-2", depot="South")
    store.command("change-vehicle-status", "EMU-2", status="under_maintenance", reason="doors")
    names = store.projection_names()
    assert "fleet-status-board" in names
    board = store.replay("fleet-status-board")
    assert board.events >= 3 and board.last_position == store.head()
    state = board.query()
    assert state["fleet_size"] == 2 and state["totals"] == {"in_service": 1, "under_maintenance": 1}
    assert "EMU-2" in json.dumps(state)
    assert board.state()
    other = store.replay("fleet-status-board", tenant="someone-else")
    assert other.events == 0


def test_long_scans_keep_order_across_batches_and_chunks(mem):
    """Several replay batches and several text chunks of to_pandas (32,768 rows each) in one read."""
    n = 210_000
    for k in range(n // 1000):
        mem.append(f"vehicle/V{k % 37}", [{"type": ("A", "B", "C")[(k * 1000 + j) % 3], "payload": {"i": k * 1000 + j}}
                                          for j in range(1000)])
    p = CountByType()
    stats = mem.replay(p, batch_size=50_000)
    assert p.positions == list(range(1, n + 1)) and stats["events"] == n
    assert p.counts == {"A": 70_000, "B": 70_000, "C": 70_000}
    streams = []

    class Streams:
        def handle_batch(self, batch):
            streams.extend(batch.streams[c] for c in batch.stream_code)
    mem.replay(Streams())
    assert streams[::1000] == [f"vehicle/V{k % 37}" for k in range(n // 1000)]
    df = mem.read_all().to_pandas(metadata=False)
    assert list(df.index) == list(range(1, n + 1))
    assert list(df["type"].astype(str)[:6]) == ["A", "B", "C", "A", "B", "C"]
    assert list(df["stream_id"].astype(str).iloc[::1000]) == [f"V{k % 37}" for k in range(n // 1000)]
    assert json.loads(df["payload"].iloc[-1]) == {"i": n - 1}
    assert df["event_id"].is_unique
