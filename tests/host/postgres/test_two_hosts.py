"""Two `roundhouse serve` processes on one PostgreSQL database act as one log."""

import threading
import uuid

from .conftest import EventStream, event, read_log, requires_postgres, run_cli, wait_until

pytestmark = requires_postgres


def append(host, stream_id, events, expected=None, stream_type="vehicle", timeout=30):
    return host.request("POST", "/api/v1/events", timeout=timeout,
                        body={"stream": {"type": stream_type, "id": stream_id}, "events": events,
                              **({} if expected is None else {"expected_version": expected})})


def append_ok(host, stream_id, events, **kw):
    r = append(host, stream_id, events, **kw)
    assert r.status == 201, r
    return r.json["positions"]


def test_appends_through_a_are_read_in_order_through_b(hosts):
    a, b = hosts(2)
    with EventStream(b, "?after=0") as live:
        positions = []
        for i in range(20):
            positions += append_ok(a, f"V{i % 3}", [event("Moved", n=i)])
        assert positions == list(range(1, 21))
        # The REST read on B sees A's commits at once (it reads the shared database) ...
        log = read_log(b)
        assert [e["position"] for e in log] == positions
        assert [e["payload"]["n"] for e in log] == list(range(20))
        # ... and B's live stream delivers them in order (B learns of A's commits by polling or
        # by a notification; either way none is skipped or repeated).
        got = live.events(20)
        assert [p for p, _ in got] == positions
        assert [e for _, e in got] == log
    # Both hosts serve the same per-stream view too.
    for h in (a, b):
        r = h.get("/api/v1/events/vehicle/V0")
        assert [e["payload"]["n"] for e in r.json["events"]] == list(range(0, 20, 3))


def test_concurrent_appends_from_both_hosts_keep_optimistic_concurrency(hosts):
    a, b = hosts(2)
    rounds = 25
    winners = []
    for version in range(rounds):
        barrier = threading.Barrier(2)
        results = {}

        def attempt(host, name):
            body_event = {"id": str(uuid.uuid4()), "type": "Step", "payload": {"by": name, "version": version}}
            barrier.wait()
            results[name] = (append(host, "RACE-1", [body_event], expected=version, stream_type="race"), body_event)

        threads = [threading.Thread(target=attempt, args=(h, n)) for h, n in ((a, "a"), (b, "b"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r.status for r, _ in results.values())
        assert statuses == [201, 409], [r for r, _ in results.values()]
        for r, ev in results.values():
            if r.status == 409:
                assert r.json["code"] == "wrong_expected_version"
            else:
                assert r.json["first_version"] == version + 1
                winners.append(ev["id"])
    for h in (a, b):
        events = h.get("/api/v1/events/race/RACE-1").json["events"]
        assert [e["version"] for e in events] == list(range(1, rounds + 1))  # no gap, no duplicate
        assert [e["id"] for e in events] == winners
    assert run_cli("verify", store=a.store).returncode == 0


def test_a_subscriber_on_b_sees_every_event_of_8_writers_once_in_order(hosts):
    a, b = hosts(2)
    writers, appends_each, per_append = 8, 50, 3
    acked = []
    lock = threading.Lock()
    failures = []

    def write(host, w):
        for i in range(appends_each):
            r = append(host, f"W{w}", [event("Tick", w=w, i=i, k=k) for k in range(per_append)])
            if r.status != 201:
                failures.append(r)
                return
            with lock:
                acked.extend(zip(r.json["positions"], r.json["ids"]))

    with EventStream(b, "?after=0") as live:
        threads = [threading.Thread(target=write, args=((a, b)[w % 2], w)) for w in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == []
        total = writers * appends_each * per_append
        assert len(acked) == total
        got = live.events(total)
    positions = [p for p, _ in got]
    assert positions == list(range(1, total + 1))  # in position order, nothing skipped or repeated
    assert sorted((p, e["id"]) for p, e in got) == sorted(acked)
    # Each writer's events arrive in the order it appended them.
    for w in range(writers):
        mine = [(e["payload"]["i"], e["payload"]["k"]) for _, e in got if e["payload"]["w"] == w]
        assert mine == sorted(mine)


def test_hosts_report_unhealthy_while_postgres_is_down_and_recover_without_losing_acknowledged_appends(
        hosts, cluster):
    a, b = hosts(2)
    acked, lock, stop = [], threading.Lock(), threading.Event()
    outcomes = {"ok": 0, "failed": 0}

    def write(host, name):
        i = 0
        while not stop.is_set():
            try:
                r = append(host, f"R-{name}", [event("Tick", by=name, i=i)], timeout=15)
            except OSError:  # the host stays up; this only guards against a hung request
                r = None
            with lock:
                if r is not None and r.status == 201:
                    acked.append((r.json["positions"][0], r.json["ids"][0], name))
                    outcomes["ok"] += 1
                else:
                    outcomes["failed"] += 1
            if r is None or r.status != 201:
                stop.wait(0.01)  # do not spin on a host that answers 503 in microseconds
            i += 1

    live = EventStream(b, "?after=0")
    threads = [threading.Thread(target=write, args=(h, n)) for h, n in ((a, "a"), (b, "b"))]
    for t in threads:
        t.start()
    try:
        wait_until(lambda: outcomes["ok"] >= 20)
        cluster("stop")
        for h in (a, b):
            r = wait_until(lambda: (lambda r: r if r.status == 503 else None)(h.get("/health", token=None)))
            assert r.json["status"] == "unavailable" and r.json["detail"]
        acked_before_restart = len(acked)
        cluster("start")
        # The hosts recover by themselves: healthy again, and appends through both succeed.
        for h in (a, b):
            wait_until(lambda: h.get("/health", token=None).status == 200, timeout=30)
        wait_until(lambda: {n for _, _, n in acked[acked_before_restart:]} == {"a", "b"}, timeout=30)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert outcomes["failed"] > 0  # the outage was seen by the writers

    # No acknowledged append is lost, none is duplicated, the positions have no gap.
    for h in (a, b):
        log = read_log(h)
        positions = [e["position"] for e in log]
        assert positions == list(range(1, len(log) + 1))
        stored = {(e["position"], e["id"]) for e in log}
        assert {(p, i) for p, i, _ in acked} <= stored
        assert len({e["id"] for e in log}) == len(log)
    assert run_cli("verify", store=a.store).returncode == 0
    # The stream on B paused through the outage and delivers everything, in order, once.
    got = live.events(len(log))
    assert [p for p, _ in got] == positions
    live.close()
