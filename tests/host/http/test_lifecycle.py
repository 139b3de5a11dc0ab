"""Process lifecycle: graceful SIGTERM, and a crash (kill -9) in the middle of sustained appends."""

import http.client
import json
import signal
import threading
import time
import uuid

from conftest import ADMIN, event, requires_sqlite, run_cli


class Appender(threading.Thread):
    """Appends to its own stream with exact expected versions over one keep-alive connection until
    the connection fails. Records every request it sent and which ones were acknowledged (201)."""

    def __init__(self, port, stream_id, stop):
        super().__init__(daemon=True)
        self.port, self.stream_id, self.stop = port, stream_id, stop
        self.sent = []    # list of id lists, in order
        self.acked = []   # (ids, positions, last_version)
        self.error = None

    def run(self):
        version = 0
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        i = 0
        while not self.stop.is_set():
            n = 1 + i % 3
            i += 1
            ids = [str(uuid.uuid4()) for _ in range(n)]
            body = json.dumps({"stream": {"type": "crash", "id": self.stream_id}, "expected_version": version,
                               "events": [{"id": x, "type": "Tick", "payload": {"i": i, "k": k}} for k, x in enumerate(ids)]})
            self.sent.append(ids)
            try:
                conn.request("POST", "/api/v1/events", body=body,
                             headers={"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as e:
                self.error = e
                return
            if resp.status != 201:
                self.error = AssertionError(f"unexpected {resp.status}: {data[:200]!r}")
                return
            result = json.loads(data)
            self.acked.append((ids, result["positions"], result["last_version"]))
            version = result["last_version"]


def run_appenders(h, count, seconds, then):
    stop = threading.Event()
    threads = [Appender(h.port, f"t{i}", stop) for i in range(count)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    then()
    for t in threads:
        t.join(timeout=30)
    stop.set()
    return threads


def read_stream_cli(store, stream_id):
    r = run_cli("read", "--stream", f"crash/{stream_id}", store=store)
    if r.returncode != 0:
        assert "does not exist" in r.stderr, r.stderr
        return []
    return [json.loads(line) for line in r.stdout.splitlines()]


def check_log(threads, store):
    """Every acknowledged append is stored, in order; no append is stored in part."""
    for t in threads:
        stored = read_stream_cli(store, t.stream_id)
        assert [e["version"] for e in stored] == list(range(1, len(stored) + 1)), "versions have gaps"
        by_id = {e["id"]: e for e in stored}
        for ids, positions, last_version in t.acked:
            assert [by_id[x]["position"] for x in ids] == positions, "an acknowledged append is missing"
            assert by_id[ids[-1]]["version"] == last_version
        for ids in t.sent:
            present = [x in by_id for x in ids]
            assert all(present) or not any(present), "an append was stored in part"
        assert len(stored) == sum(len(ids) for ids in t.sent if ids[0] in by_id)


def test_sigterm_exits_zero(host):
    assert host.append("v", "x", [event()]).status == 201
    assert host.stop(signal.SIGTERM) == 0
    msgs = [l["msg"] for l in host.log_lines()]
    assert "shutting down" in msgs and msgs[-1] == "stopped"


def test_sigint_exits_zero(host):
    assert host.stop(signal.SIGINT) == 0


@requires_sqlite
def test_sigterm_drains_in_flight_appends_and_data_persists(start_host, tmp_path):
    store = f"sqlite:{tmp_path / 'rh.db'}"
    h = start_host(store=store)
    exit_codes = []
    started = time.monotonic()
    threads = run_appenders(h, 4, 0.5, lambda: exit_codes.append(h.stop(signal.SIGTERM)))
    assert exit_codes == [0]
    assert time.monotonic() - started < 5, "the drain waited for its timeout"
    assert not [l for l in h.log_lines() if l["msg"] == "requests cut off by the shutdown timeout"]
    acked = sum(len(t.acked) for t in threads)
    assert acked > 10, "the appenders barely ran"
    check_log(threads, store)
    r = run_cli("verify", store=store)
    assert r.returncode == 0 and "chain verifies" in r.stdout


@requires_sqlite
def test_kill9_during_appends_loses_no_acknowledged_append(start_host, tmp_path):
    store = f"sqlite:{tmp_path / 'rh.db'}"
    h = start_host(store=store)
    threads = run_appenders(h, 4, 1.0, h.kill)
    assert sum(len(t.acked) for t in threads) > 10, "the appenders barely ran"

    r = run_cli("verify", "--json", store=store)
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["ok"] is True
    check_log(threads, store)

    # The restarted host serves the same log and keeps appending after it.
    h2 = start_host(store=store)
    t = threads[0]
    if t.acked:
        ids, positions, last_version = t.acked[-1]
        got = h2.get(f"/api/v1/events/crash/{t.stream_id}?from_version={last_version}").json["events"]
        assert got[0]["id"] == ids[-1]
    head = h2.get("/health", token=None).json["head_position"]
    r = h2.append("crash", "after", [event()])
    assert r.status == 201 and r.json["positions"] == [head + 1]
    assert h2.stop() == 0
    assert run_cli("verify", store=store).returncode == 0
