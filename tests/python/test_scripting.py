"""The scripting plugin in a real `roundhouse serve`: reports written in Python are served at
/api/v1/reports/{name}; a failing report answers 500 with its traceback and the host keeps going.

Uses the host test harness of tests/host/http (loaded under its own name). The host binary is the
build's bin/roundhouse ($ROUNDHOUSE_TEST_HOST overrides it)."""

import json
import textwrap

import pytest

from conftest import PLUGIN_DIR
from host_harness import harness

pytestmark = pytest.mark.skipif(not harness.BINARY.exists() or not (PLUGIN_DIR / "scripting.so").exists(),
                                reason="host or scripting plugin not built")

GOOD = """
import roundhouse as rh

@rh.report("event-counts", summary="Events per type")
def event_counts(store, params):
    df = store.read_all(aggregate_types=params.get("type")).to_pandas(payload=False, metadata=False)
    return df.groupby("type", observed=True).size()

@rh.report("boom")
def boom(store, params):
    return {"x": 1} if params.get("ok") else 1 / 0

@rh.report("writer")
def writer(store, params):
    r = store.append("note/" + params["id"], {"type": "NoteWritten", "payload": {"by": store.actor}})
    return {"version": r.last_version, "tenant": store.tenant}
"""
BROKEN = "import roundhouse as rh\n\ndef nope(:\n"


@pytest.fixture
def host(tmp_path):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "good.py").write_text(textwrap.dedent(GOOD))
    (scripts / "broken.py").write_text(BROKEN)
    config = harness.default_config()
    config["plugins"] = {"scripting": {"scripts_dir": str(scripts)}}
    h = harness.Host(tmp_path / "host", "memory:", config=config).start()
    yield h
    h.stop()


def test_reports_are_listed_with_broken_scripts(host):
    r = host.get("/api/v1/reports")
    assert r.status == 200
    body = r.json
    assert {x["name"] for x in body["reports"]} == {"event-counts", "boom", "writer"}
    broken = [s for s in body["scripts"] if s["script"] == "broken.py"][0]
    assert not broken["ok"] and "SyntaxError" in broken["error"]
    assert [s["ok"] for s in body["scripts"] if s["script"] == "good.py"] == [True]


def test_a_report_runs_against_the_hosts_store(host):
    for i in range(3):
        assert host.append("vehicle", f"V{i}", [{"type": "Checked", "payload": {}}]).status == 201
    host.append("part", "P1", [{"type": "Counted", "payload": {}}])
    r = host.get("/api/v1/reports/event-counts?type=vehicle")
    assert r.status == 200 and r.json == {"Checked": 3}
    w = host.get("/api/v1/reports/writer?id=n1")
    assert w.status == 200 and w.json == {"version": 1, "tenant": "acme"}


def test_a_failing_report_reports_its_traceback_and_the_host_stays_up(host):
    r = host.get("/api/v1/reports/boom")
    assert r.status == 500
    problem = r.json
    assert "ZeroDivisionError" in problem["detail"] and "Traceback" in problem["detail"]
    assert host.get("/api/v1/reports/boom?ok=1").json == {"x": 1}
    assert host.get("/health").status == 200
    assert host.get("/api/v1/reports/nothing").status == 404
    assert host.get("/api/v1/reports", token=harness.KEYS["acme-reader"]["key"]).status == 200
    assert host.get("/api/v1/reports").status == 200 and host.proc.poll() is None
