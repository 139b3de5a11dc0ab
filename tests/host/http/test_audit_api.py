"""Audit over HTTP (/api/v1/audit/...) and the `roundhouse audit` command.

Actors are JWT subjects (the fleet commands record the caller as metadata.actor): alice and bob do
ordinary work, "bulkbot" records a burst of meter readings, and alice back-dates one registration.
"""

import csv
import io
import json
from urllib.parse import urlencode

import pytest

from conftest import KEYS, OTHER_TENANT, iso_days_ago, jwt_for, requires_sqlite, run_cli

AUDITOR = jwt_for("auditor-anna", ["auditor"])
ALICE = jwt_for("alice", ["writer"])
BOB = jwt_for("bob", ["writer"])
BULKBOT = jwt_for("bulkbot", ["writer"])
READER = KEYS["acme-reader"]["key"]
CSV_COLUMNS = ["position", "stream_type", "stream_id", "version", "event_id", "type", "actor", "tenant", "occurred_at",
               "recorded_at", "device", "correlation_id"]


def audit(host, route, token=AUDITOR, **params):
    query = f"?{urlencode(params, doseq=True)}" if params else ""
    return host.get(f"/api/v1/audit/{route}{query}", token=token)


@pytest.fixture
def log(host, fleet):
    """11 events: alice 3 (one back-dated by 30 days), bob 1, bulkbot 7 within a second."""
    fleet.register("A-1", token=ALICE)
    fleet.register("A-2", token=ALICE, occurred_at=iso_days_ago(30))
    fleet.status("A-1", "standby", token=BOB)
    fleet.register("B-1", token=BULKBOT)
    for km in range(1, 7):
        fleet.meters("B-1", km * 100, token=BULKBOT)
    fleet.status("A-2", "standby", token=ALICE)
    return host.get("/api/v1/events?limit=100").json["events"]


def test_trail_filters_by_actor_and_event_type(host, log):
    r = audit(host, "trail", actor="alice")
    assert r.status == 200, r
    assert [(e["actor"], e["type"]) for e in r.json["entries"]] == [
        ("alice", "VehicleRegistered"), ("alice", "VehicleRegistered"), ("alice", "VehicleStatusChanged")]
    assert r.json["next_cursor"] is None and r.json["count"] == 3
    entry = r.json["entries"][0]
    assert set(entry) == set(CSV_COLUMNS) and entry["tenant"] == "acme" and entry["stream_type"] == "vehicle"

    changes = audit(host, "trail", event_type="VehicleStatusChanged").json["entries"]
    assert [(e["actor"], e["stream_id"]) for e in changes] == [("bob", "A-1"), ("alice", "A-2")]
    both = audit(host, "trail", actor="bob", event_type="VehicleStatusChanged,VehicleRegistered").json["entries"]
    assert [e["position"] for e in both] == [3]
    assert [e["stream_id"] for e in audit(host, "trail", type="vehicle", id="A-2").json["entries"]] == ["A-2", "A-2"]
    window = audit(host, "trail", **{"from": log[3]["recorded_at"], "to": log[5]["recorded_at"]}).json["entries"]
    assert [e["position"] for e in window] == [4, 5]


def test_paging_with_the_cursor_returns_every_event_once(host, log):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = audit(host, "trail", **params).json
        seen += [e["position"] for e in page["entries"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [e["position"] for e in log] == list(range(1, 12))
    assert pages == 4
    # Paging composes with filters.
    bulk = audit(host, "trail", actor="bulkbot", limit=4).json
    rest = audit(host, "trail", actor="bulkbot", limit=4, cursor=bulk["next_cursor"]).json
    assert len(bulk["entries"]) == 4 and len(rest["entries"]) == 3 and rest["next_cursor"] is None


def test_csv_export_parses_and_has_a_header(host, log):
    r = audit(host, "trail", format="csv")
    assert r.status == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="audit-trail.csv"'
    rows = list(csv.reader(io.StringIO(r.body, newline="")))
    assert rows[0] == CSV_COLUMNS
    assert [int(row[0]) for row in rows[1:]] == list(range(1, 12))
    assert {row[6] for row in rows[1:]} == {"alice", "bob", "bulkbot"}
    paged = audit(host, "trail", format="csv", limit=5)
    assert paged.headers["x-next-cursor"] == "5" and len(list(csv.reader(io.StringIO(paged.body)))) == 6


def test_anomalies_flag_a_bulk_change_and_a_backdated_event(host, log):
    r = audit(host, "anomalies", bulk_max_events=5, bulk_window_seconds=60)
    assert r.status == 200, r
    flags = r.json["flags"]
    bulk = [f for f in flags if f["kind"] == "bulk_change"]
    assert [(f["actor"], f["count"], f["positions"]) for f in bulk] == [("bulkbot", 7, list(range(4, 11)))]
    backdated = [f for f in flags if f["kind"] == "backdated"]
    assert [(f["actor"], f["stream"], f["positions"]) for f in backdated] == [
        ("alice", {"type": "vehicle", "id": "A-2"}, [2])]
    assert "back-dated by 30 days" in backdated[0]["detail"]
    assert r.json["events_scanned"] == 11 and r.json["truncated"] is False

    # The SDK's defaults (more than 50 events in 5 minutes) do not call 7 events bulk.
    assert not [f for f in audit(host, "anomalies").json["flags"] if f["kind"] == "bulk_change"]
    quiet = audit(host, "anomalies", bulk="false", backdated="false", working_hours="false")
    assert quiet.json["flags"] == []
    ignored = audit(host, "anomalies", bulk_max_events=5, ignore_actor="bulkbot,alice", working_hours="false")
    assert ignored.json["flags"] == []
    as_csv = audit(host, "anomalies", bulk_max_events=5, working_hours="false", format="csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.body, newline="")))
    assert sorted((row["kind"], row["actor"]) for row in rows) == [("backdated", "alice"), ("bulk_change", "bulkbot")]


def test_replay_of_a_window_returns_the_expected_count(host, log):
    start, end = log[3]["recorded_at"], log[8]["recorded_at"]  # positions 4..8: B-1 registered + 4 readings
    r = host.post("/api/v1/audit/replay", {"projection": "vehicle-state", "from": start, "to": end}, token=AUDITOR)
    assert r.status == 200, r
    assert r.json["events"] == 5 and r.json["projection"] == "vehicle-state"
    vehicles = r.json["state"]["vehicles"]
    assert list(vehicles) == ["B-1"] and vehicles["B-1"]["odometer_km"] == 400

    everything = host.post("/api/v1/audit/replay", {"projection": "vehicle-state"}, token=AUDITOR).json
    assert everything["events"] == 11 and sorted(everything["state"]["vehicles"]) == ["A-1", "A-2", "B-1"]
    assert everything["from"] is None and everything["to"] is None
    # Another tenant's replay sees none of these events.
    theirs = host.post("/api/v1/audit/replay", {"projection": "vehicle-state"}, token=OTHER_TENANT).json
    assert theirs["events"] == 0


def test_replay_bad_requests(host):
    r = host.post("/api/v1/audit/replay", {"projection": "nope"}, token=AUDITOR)
    assert r.status == 404 and "nope" in r.json["detail"]
    r = host.post("/api/v1/audit/replay", {"from": "yesterday", "colour": 1}, token=AUDITOR)
    assert r.status == 422 and r.json["code"] == "schema_violation"
    assert {e["path"] for e in r.json["errors"]} == {"/from", "/colour", "/projection"}
    r = host.post("/api/v1/audit/replay", "{not json", token=AUDITOR)
    assert r.status == 400 and r.json["code"] == "malformed_json"
    r = host.post("/api/v1/audit/replay", {"projection": "vehicle-state", "from": "2026-02-01", "to": "2026-01-01"},
                  token=AUDITOR)
    assert r.status == 400 and r.json["code"] == "invalid_argument"


def test_audit_needs_the_auditor_role_and_stays_in_the_tenant(host, log):
    for token in (READER, ALICE):
        for r in (audit(host, "trail", token=token), audit(host, "anomalies", token=token),
                  host.post("/api/v1/audit/replay", {"projection": "vehicle-state"}, token=token)):
            assert r.status == 403 and "auditor" in r.json["detail"]
    assert audit(host, "trail", token=KEYS["acme-admin"]["key"]).json["count"] == 11  # admin has every role
    theirs = audit(host, "trail", token=OTHER_TENANT).json
    assert theirs["entries"] == [] and theirs["next_cursor"] is None
    assert audit(host, "anomalies", token=OTHER_TENANT).json["events_scanned"] == 0


def test_bad_parameters_are_400_naming_them(host):
    for route, params, needle in [
        ("trail", {"from": "yesterday"}, "'from'"),
        ("trail", {"format": "xml"}, "'format'"),
        ("trail", {"limit": "0"}, "'limit'"),
        ("trail", {"cursor": "abc"}, "'cursor'"),
        ("trail", {"actr": "alice"}, "'actr'"),
        ("trail", {"from": "2026-02-01", "to": "2026-01-01"}, "reversed"),
        ("anomalies", {"work_start_hour": "25"}, "'work_start_hour'"),
        ("anomalies", {"bulk": "maybe"}, "'bulk'"),
        ("anomalies", {"work_start_hour": "8", "work_end_hour": "8"}, "working hours"),
    ]:
        r = audit(host, route, **params)
        assert r.status == 400, (route, params, r)
        assert r.json["code"] == "invalid_argument" and needle in r.json["detail"], r.json


# ---- roundhouse audit ----

@requires_sqlite
def test_cli_audit_trail_anomalies_and_replay(tmp_path):
    store = f"sqlite:{tmp_path / 'fleet.db'}"

    def register(number, actor, *extra):
        vehicle = {"number": number, "vehicle_type": "coach", "depot": "North", "commissioned_on": "2019-04-01"}
        r = run_cli("fleet", "register-vehicle", "--data", json.dumps(vehicle), "--actor", actor, *extra, store=store)
        assert r.returncode == 0, r.stderr

    register("C-1", "carol")
    register("C-2", "carol", "--occurred-at", iso_days_ago(40))
    register("D-1", "dave")

    r = run_cli("audit", "trail", "--format", "csv", store=store)
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout, newline="")))
    assert rows[0] == CSV_COLUMNS and [row[2] for row in rows[1:]] == ["C-1", "C-2", "D-1"]
    r = run_cli("audit", "trail", "--actor", "carol", "--limit", "1", "--cursor", "1", store=store)
    assert [json.loads(line)["stream_id"] for line in r.stdout.splitlines()] == ["C-2"]

    r = run_cli("audit", "anomalies", "--working-hours", "false", store=store)
    assert r.returncode == 0, r.stderr
    flags = json.loads(r.stdout)["flags"]
    assert [(f["kind"], f["actor"], f["stream"]["id"]) for f in flags] == [("backdated", "carol", "C-2")]

    r = run_cli("audit", "replay", "--projection", "vehicle-state", "--tenant", "default", store=store)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["events"] == 3 and sorted(out["state"]["vehicles"]) == ["C-1", "C-2", "D-1"]


def test_cli_audit_bad_input_is_one_line_and_exit_2():
    for args, needle in [
        (("audit", "trail", "--from", "yesterday"), "--from must be"),
        (("audit", "trail", "--format", "xml"), "--format must be json or csv"),
        (("audit", "anomalies", "--bulk-max-events", "0"), "--bulk-max-events"),
        (("audit", "trail", "--projection", "x"), "does not apply to 'trail'"),
        (("audit", "replay"), "--projection is required"),
        (("audit",), "needs an action"),
    ]:
        r = run_cli(*args, store="memory:")
        assert r.returncode == 2, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and needle in r.stderr, r.stderr
    r = run_cli("audit", "replay", "--projection", "nope", store="memory:")
    assert r.returncode == 1 and "no projection named 'nope'" in r.stderr
