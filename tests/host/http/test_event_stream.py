"""GET /api/v1/events/stream: the log live as Server-Sent Events, on a SQLite store."""

import json
import signal
import threading

import pytest

from conftest import ADMIN, KEYS, OTHER_TENANT, EventStream, event, metric, requires_sqlite, wait_until

pytestmark = requires_sqlite


@pytest.fixture
def host(start_host, tmp_path):
    return start_host(store=f"sqlite:{tmp_path}/store.db")


def append_ok(host, stream_id, events, token=ADMIN, stream_type="vehicle"):
    r = host.append(stream_type, stream_id, events, token=token)
    assert r.status == 201, r
    return r.json["positions"]


def test_events_appended_after_connecting_arrive_in_order_as_the_rest_api_shows_them(host):
    append_ok(host, "V0", [event("Registered")])  # before connecting: not sent
    with EventStream(host) as s:
        assert s.status == 200
        assert s.headers["content-type"] == "text/event-stream"
        assert s.headers["cache-control"] == "no-cache"
        positions = []
        for i in range(6):
            positions += append_ok(host, f"V{i % 2}", [event("Moved", km=i)])
        got = s.events(6)
    assert [p for p, _ in got] == positions == sorted(positions)
    assert positions[0] == 2
    # Each event's data is the event as GET /api/v1/events gives it.
    page = host.get("/api/v1/events?from_position=2").json["events"]
    assert [e for _, e in got] == page
    assert [e["payload"]["km"] for _, e in got] == list(range(6))


def test_catch_up_from_after_then_live(host):
    append_ok(host, "V1", [event(n=i) for i in range(4)])  # positions 1..4
    with EventStream(host, "?after=2") as s:
        assert [p for p, _ in s.events(2)] == [3, 4]
        append_ok(host, "V2", [event()])
        assert [p for p, _ in s.events(1)] == [5]
    with EventStream(host, "?after=0") as s:  # 0: the whole log
        assert [p for p, _ in s.events(5)] == [1, 2, 3, 4, 5]


def test_resume_with_last_event_id_gets_exactly_the_missed_events(host):
    with EventStream(host, "?after=0") as s:
        append_ok(host, "V1", [event(n=i) for i in range(3)])
        seen = s.events(3)
    last_id = seen[-1][0]
    missed = append_ok(host, "V1", [event(n=i) for i in range(3, 7)])
    # A reconnecting EventSource repeats its URL (after=0 here) and adds Last-Event-ID: the header wins.
    with EventStream(host, "?after=0", headers={"Last-Event-ID": str(last_id)}) as s:
        got = s.events(4)
        assert [p for p, _ in got] == missed
        assert [e["payload"]["n"] for _, e in got] == [3, 4, 5, 6]
        later = append_ok(host, "V1", [event(n=7)])
        assert [p for p, _ in s.events(1)] == later


def test_filters_and_tenant_isolation(host):
    with EventStream(host, "?type=Moved,Retired&aggregate_type=vehicle") as acme, \
            EventStream(host, "?type=Moved", token=OTHER_TENANT) as globex:
        append_ok(host, "V1", [event("Registered")])
        append_ok(host, "V1", [event("Moved", n=1)])
        append_ok(host, "W1", [event("Moved", n=2)], stream_type="work_order")
        append_ok(host, "G1", [event("Moved", n=3)], token=OTHER_TENANT)
        append_ok(host, "V1", [event("Retired", n=4)])
        got = acme.events(2)
        assert [(e["type"], e["payload"]["n"], e["tenant"]) for _, e in got] == [("Moved", 1, "acme"), ("Retired", 4, "acme")]
        got = globex.events(1)
        assert [(e["payload"]["n"], e["tenant"]) for _, e in got] == [(3, "globex")]
        # Nothing of acme's reaches globex: the next event it gets is its own next one.
        append_ok(host, "V1", [event("Moved", n=5)])
        append_ok(host, "G1", [event("Moved", n=6)], token=OTHER_TENANT)
        assert [e["payload"]["n"] for _, e in globex.events(1)] == [6]
        assert [e["payload"]["n"] for _, e in acme.events(1)] == [5]


@pytest.mark.parametrize("query,headers,needle", [
    ("?after=-1", {}, "'after'"),
    ("?after=abc", {}, "'after'"),
    ("?heartbeat=0", {}, "'heartbeat'"),
    ("?heartbeat=301", {}, "'heartbeat'"),
    ("?from_position=3", {}, "from_position"),
    ("", {"Last-Event-ID": "abc"}, "Last-Event-ID"),
    ("", {"Last-Event-ID": "-4"}, "Last-Event-ID"),
])
def test_bad_parameters_are_a_400_before_the_stream_starts(host, query, headers, needle):
    s = EventStream(host, query, headers=headers)
    assert s.status == 400, s.body
    assert s.headers["content-type"] == "application/problem+json"
    assert s.json["code"] == "invalid_argument"
    assert needle in s.json["detail"]
    assert metric(host, "roundhouse_event_streams_open") == 0


def test_authentication_and_role(host):
    s = EventStream(host, token=None)
    assert s.status == 401 and s.json["code"] == "unauthenticated"
    s = EventStream(host, token=KEYS["acme-writer"]["key"])
    assert s.status == 403 and s.json["code"] == "forbidden"
    with EventStream(host, token=KEYS["acme-reader"]["key"]) as s:
        assert s.status == 200


def test_heartbeat_comments_keep_an_idle_stream_open(host):
    with EventStream(host, "?heartbeat=1") as s:
        lines = []
        while b": heartbeat\n" not in lines:
            line = s.resp.readline()
            assert line, "the stream ended"
            lines.append(line)
        append_ok(host, "V1", [event()])
        assert [p for p, _ in s.events(1)] == [1]


def test_shutdown_ends_streams_cleanly(host):
    s = EventStream(host, "?after=0")
    append_ok(host, "V1", [event()])
    assert [p for p, _ in s.events(1)] == [1]
    host.send_signal(signal.SIGTERM)
    end = s.next()
    assert end == {"event": "end", "data": json.dumps({"reason": "shutdown"}, separators=(",", ":"))}
    assert s.next() is None  # the final chunk: a clean end, not a broken connection
    s.close()
    host.proc.wait(timeout=20)
    assert host.stop() == 0
    assert "requests cut off" not in host.log()


def test_a_client_that_leaves_frees_its_stream(host):
    s = EventStream(host)
    assert metric(host, "roundhouse_event_streams_open") == 1
    s.close()
    wait_until(lambda: metric(host, "roundhouse_event_streams_open") == 0)
    append_ok(host, "V1", [event()])  # nothing is left trying to deliver to it
    assert host.get("/health", token=None).status == 200


def test_a_slow_client_neither_blocks_others_nor_loses_events(host):
    """A client that stops reading pauses only its own stream; once it reads again it gets every
    event exactly once, in order."""
    slow = EventStream(host, "?after=0", rcvbuf=4096)
    fast = EventStream(host, "?after=0")
    total, batch = 20000, 1000
    payload = "x" * 200
    got_fast = []
    reader = threading.Thread(target=lambda: got_fast.extend(fast.events(total)))
    reader.start()
    positions = []
    for b in range(total // batch):
        positions += append_ok(host, f"V{b}", [event("Moved", n=b * batch + i, pad=payload) for i in range(batch)])
    reader.join(timeout=120)
    assert not reader.is_alive()
    assert [p for p, _ in got_fast] == positions
    # The slow client's stream paused (its buffer filled) instead of growing or blocking anyone.
    assert metric(host, "roundhouse_event_stream_pauses_total") > 0
    got_slow = slow.events(total)
    assert [p for p, _ in got_slow] == positions
    assert [e["payload"]["n"] for _, e in got_slow] == list(range(total))
    slow.close()
    fast.close()
