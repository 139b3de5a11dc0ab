"""Subscriptions: catch-up then live, as an iterator and with a callback; failures surface in Python."""

import threading
import time

import pytest

import roundhouse as rh
from conftest import status_event


def test_iterator_catches_up_then_goes_live(store):
    store.append("vehicle/V1", [status_event(str(i)) for i in range(3)])
    with store.subscribe(after_position=1) as sub:
        got = [next(sub).position, next(sub).position]
        assert got == [2, 3]
        assert sub.get(timeout=0.05) is None

        def later():
            store.append("vehicle/V2", status_event("live"))
        t = threading.Thread(target=later)
        t.start()
        e = sub.get(timeout=10)
        t.join()
        assert e.position == 4 and e.payload == {"status": "live"}
    assert sub.state == "stopped"
    assert sub.get(timeout=0.01) is None
    with pytest.raises(StopIteration):
        next(sub)


def test_filters(mem):
    mem.append("vehicle/V1", status_event("a"))
    mem.append("part/P1", {"type": "PartNoted", "payload": {}})
    mem.append("vehicle/V1", {"type": "Other", "payload": {}})
    with mem.subscribe(aggregate_types="vehicle", event_types=["StatusChanged", "Other"]) as sub:
        assert [sub.get(timeout=5).position, sub.get(timeout=5).position] == [1, 3]


def test_callback_mode(store):
    seen = []
    store.append("vehicle/V1", [status_event(str(i)) for i in range(5)])
    with store.subscribe(callback=lambda e: seen.append(e.position), name="test") as sub:
        assert sub.wait(5, timeout=10)
        store.append("vehicle/V1", status_event("5"))
        assert sub.wait(6, timeout=10)
    assert seen == [1, 2, 3, 4, 5, 6]


def test_callback_exception_stops_at_that_event(mem):
    mem.append("vehicle/V1", [status_event(str(i)) for i in range(5)])

    def handler(e):
        if e.position == 3:
            raise KeyError("boom at 3")
    sub = mem.subscribe(callback=handler)
    with pytest.raises(KeyError, match="boom at 3"):
        sub.wait(5, timeout=10)
    assert sub.state == "failed" and sub.position == 2 and "position 3" in sub.error
    sub.stop()


def test_bad_arguments(mem):
    with pytest.raises(rh.ValidationError):
        mem.subscribe(callback=42)
    with pytest.raises(rh.ValidationError):
        mem.subscribe(queue_size=0)
    with pytest.raises(rh.ValidationError):
        mem.subscribe(after_position=-1)


def test_small_queue_applies_back_pressure(mem):
    mem.append("vehicle/V1", [status_event(str(i)) for i in range(50)])
    with mem.subscribe(queue_size=2) as sub:
        time.sleep(0.05)
        assert sub.position <= 4  # the store waits for the reader
        assert [sub.get(timeout=5).position for _ in range(50)] == list(range(1, 51))


def test_waiting_releases_the_gil(mem):
    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(1)
            done.wait(0.001)
    t = threading.Thread(target=ticker)
    with mem.subscribe() as sub:
        t.start()
        assert sub.get(timeout=0.3) is None  # nothing to deliver: waits the whole timeout
        done.set()
        t.join()
    assert len(ticks) > 1  # the other Python thread ran meanwhile
