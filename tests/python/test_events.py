"""Append, read_stream, read_all, head and verify, with every refusal leaving the store unchanged."""

import datetime as dt
import sqlite3
import threading
import uuid

import pytest

import roundhouse as rh
from conftest import status_event


def test_append_and_read_stream(store):
    r = store.append(("vehicle", "V1"), [status_event("in_service"), status_event("standby", reason="night")],
                     expected_version=rh.NO_STREAM)
    assert (r.first_version, r.last_version, r.positions, r.idempotent_replay) == (1, 2, [1, 2], False)
    events = store.read_stream("vehicle/V1")
    assert len(events) == 2
    e = events[1]
    assert (e.position, e.stream, e.version, e.type) == (2, ("vehicle", "V1"), 2, "StatusChanged")
    assert e.payload == {"status": "standby", "reason": "night"}
    assert e.metadata["actor"] == "python" and e.tenant == "default"
    assert e.occurred_at.tzinfo is not None and e.recorded_at >= e.occurred_at - dt.timedelta(seconds=1)
    assert len(e.hash) == 64 and uuid.UUID(e.id)
    assert events[-1].position == 2 and [x.version for x in events] == [1, 2]
    with pytest.raises(IndexError):
        events[2]
    d = e.to_dict()
    assert d["payload"]["reason"] == "night" and d["stream_id"] == "V1"


def test_event_fields_round_trip(mem):
    eid = str(uuid.uuid4())
    mem.append("part/P1", [{"type": "PartNoted", "payload": {"n": 1.5, "tags": ["a"], "x": None},
                            "metadata": {"correlation_id": "c-1", "actor": "alice", "note": "kept"},
                            "id": eid, "occurred_at": "2024-03-01T10:00:00Z"}])
    e = mem.read_stream("part/P1")[0]
    assert e.id == eid and e.payload == {"n": 1.5, "tags": ["a"], "x": None}
    assert e.metadata["actor"] == "alice" and e.metadata["correlation_id"] == "c-1" and e.metadata["note"] == "kept"
    assert e.occurred_at == dt.datetime(2024, 3, 1, 10, tzinfo=dt.timezone.utc)
    for when in (dt.datetime(2024, 3, 2, 9, 30), dt.date(2024, 3, 2), 1709371800_000000):
        mem.append("part/P2", {"type": "T", "payload": {}, "occurred_at": when})
    times = [e.occurred_at for e in mem.read_stream("part/P2")]
    assert times[0] == dt.datetime(2024, 3, 2, 9, 30, tzinfo=dt.timezone.utc)
    assert times[1] == dt.datetime(2024, 3, 2, tzinfo=dt.timezone.utc)
    assert times[2] == dt.datetime(2024, 3, 2, 9, 30, tzinfo=dt.timezone.utc)


def test_expected_version(store):
    store.append("vehicle/V1", status_event("a"), expected_version=0)
    store.append("vehicle/V1", status_event("b"), expected_version=1)
    store.append("vehicle/V1", status_event("c"), expected_version=rh.STREAM_EXISTS)
    with pytest.raises(rh.ConcurrencyError) as err:
        store.append("vehicle/V1", status_event("lost"), expected_version=2)
    assert err.value.code == "wrong_expected_version"
    with pytest.raises(rh.ConcurrencyError):
        store.append("vehicle/V1", status_event("lost"), expected_version="no_stream")
    with pytest.raises(rh.ConcurrencyError):
        store.append("vehicle/V9", status_event("lost"), expected_version="stream_exists")
    assert [e.payload["status"] for e in store.read_stream("vehicle/V1")] == ["a", "b", "c"]
    assert store.head() == 3


@pytest.mark.parametrize("bad", [-1, "later", 1.5, True, [1]])
def test_bad_expected_version(mem, bad):
    with pytest.raises(rh.ValidationError, match="expected_version"):
        mem.append("vehicle/V1", status_event("a"), expected_version=bad)
    assert mem.head() == 0


def test_idempotent_event_ids(store):
    eid = str(uuid.uuid4())
    first = store.append("vehicle/V1", {"type": "T", "payload": {"a": 1}, "id": eid})
    again = store.append("vehicle/V1", {"type": "T", "payload": {"a": 1}, "id": eid})
    assert again.idempotent_replay and again.positions == first.positions
    with pytest.raises(rh.DuplicateEvent):
        store.append("vehicle/V2", {"type": "T", "payload": {"a": 1}, "id": eid})
    assert store.head() == 1


@pytest.mark.parametrize("stream", ["novehicle", ("vehicle",), ("vehicle", 1), 42, "/V1", "vehicle/"])
def test_bad_stream(mem, stream):
    with pytest.raises(rh.ValidationError):
        mem.append(stream, status_event("a"))


@pytest.mark.parametrize("event, message", [
    ({"payload": {}}, "type"),
    ({"type": "T", "payload": {"when": dt.datetime(2024, 1, 1)}}, "payload is not JSON"),
    ({"type": "T", "payload": {"x": float("nan")}}, "payload is not JSON"),
    ({"type": "T", "payload": [1, 2]}, "object"),
    ({"type": "T", "payload": {}, "id": "not-a-uuid"}, "UUID"),
    ({"type": "T", "payload": {}, "occurred_at": "yesterday"}, "occurred_at"),
    ({"type": "T", "payload": {}, "metadata": {"actor": 5}}, "metadata.actor"),
    ({"type": "T", "payload": {}, "colour": "red"}, "unknown event field"),
    ("T", "dict"),
])
def test_bad_events_store_nothing(store, event, message):
    store.append("vehicle/V0", status_event("ok"))
    with pytest.raises(rh.ValidationError, match=message):
        store.append("vehicle/V1", [status_event("fine"), event])
    assert store.head() == 1
    with pytest.raises(rh.NotFound):
        store.read_stream("vehicle/V1")


def test_registered_event_schemas_apply(mem):
    with pytest.raises(rh.SchemaViolation, match="VehicleStatusChanged"):
        mem.append("vehicle/V1", {"type": "VehicleStatusChanged", "payload": {"status": 42}})
    assert mem.head() == 0


def test_empty_append_is_refused(mem):
    with pytest.raises(rh.ValidationError, match="at least one"):
        mem.append("vehicle/V1", [])


def test_read_stream_options(mem):
    mem.append("vehicle/V1", [status_event(str(i)) for i in range(1, 11)])
    versions = lambda evs: [e.version for e in evs]  # noqa: E731
    assert versions(mem.read_stream("vehicle/V1", from_version=8)) == [8, 9, 10]
    assert versions(mem.read_stream("vehicle/V1", direction="backward", max_count=3)) == [10, 9, 8]
    assert versions(mem.read_stream("vehicle/V1", direction="backward", from_version=2)) == [2, 1]
    with pytest.raises(rh.ValidationError):
        mem.read_stream("vehicle/V1", direction="sideways")
    with pytest.raises(rh.ValidationError):
        mem.read_stream("vehicle/V1", max_count=-1)
    with pytest.raises(rh.NotFound):
        mem.read_stream("vehicle/none")
    with pytest.raises(rh.NotFound):
        mem.read_stream("vehicle/V1", tenant="other")


def test_read_all_filters_and_paging(mem):
    for i in range(5000):
        mem.append(f"vehicle/V{i % 7}" if i % 2 else f"part/P{i % 3}", {"type": "A" if i % 3 else "B", "payload": {"i": i}})
    assert mem.read_all().count() == 5000
    all_events = list(mem.read_all())  # pages of 4096
    assert [e.position for e in all_events] == list(range(1, 5001))
    assert [e.payload["i"] for e in mem.read_all(from_position=4998)] == [4997, 4998, 4999]
    assert len(mem.read_all(max_count=10).to_list()) == 10
    vehicles = mem.read_all(aggregate_types="vehicle").to_list()
    assert len(vehicles) == 2500 and all(e.stream_type == "vehicle" for e in vehicles)
    bs = list(mem.read_all(aggregate_types=["vehicle"], event_types=["B"]))
    assert bs and all(e.type == "B" and e.stream_type == "vehicle" for e in bs)
    assert [e.position for e in mem.read_all(event_types="B", from_position=4000, max_count=5000)] == \
        [p for p in range(4000, 5001) if (p - 1) % 3 == 0]
    assert mem.read_all(tenant="nobody").count() == 0
    with pytest.raises(rh.ValidationError):
        mem.read_all(event_types=[1, 2])
    with pytest.raises(rh.ValidationError):
        mem.read_all(max_count="ten")
    with pytest.raises(rh.ValidationError, match="wrong argument type"):
        mem.read_all(tenant=5)
    with pytest.raises(TypeError):  # a wrong type in the signature itself is Python's TypeError
        mem.read_stream("vehicle/V1", direction=5)


def test_verify_detects_tampering(tmp_path):
    path = tmp_path / "t.db"
    with rh.open(f"sqlite:{path}") as s:
        s.append("vehicle/V1", [status_event(str(i)) for i in range(5)])
        report = s.verify()
        assert report == {"ok": True, "events_checked": 5, "last_position": 5, "first_bad_position": None, "reason": ""}
    con = sqlite3.connect(path)
    con.execute("update events set payload = '{\"status\":\"forged\"}' where position = 3")
    con.commit()
    con.close()
    with rh.open(f"sqlite:{path}") as s:
        report = s.verify()
        assert not report["ok"] and report["first_bad_position"] == 3


def test_concurrent_appends_from_threads(store):
    def writer(n):
        for i in range(50):
            store.append(f"vehicle/W{n}", status_event(str(i)))
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.head() == 200
    assert [e.position for e in store.read_all()] == list(range(1, 201))
