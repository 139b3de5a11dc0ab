"""Time travel over HTTP (/api/v1/time-travel/...) and the `roundhouse time-travel` command.

The scenario: a vehicle registered 20 days ago and put on standby 10 days ago; after that was
recorded (at R), a correction is appended saying it went under maintenance 15 days ago. As of
business time 12 days ago the vehicle was under maintenance (as we know now), but as the log knew it
at R it was in service.
"""

import json
from urllib.parse import urlencode

import pytest

from conftest import KEYS, OTHER_TENANT, iso_days_ago, requires_sqlite, run_cli

READER = KEYS["acme-reader"]["key"]


def get(host, route, token=READER, **params):
    return host.get(f"/api/v1/time-travel/{route}?{urlencode(params)}", token=token)


@pytest.fixture
def corrected(host, fleet):
    """EMU-1 with a back-dated correction; returns R, the recorded time before the correction."""
    fleet.register("EMU-1", depot="North", occurred_at=iso_days_ago(20))
    fleet.status("EMU-1", "standby", occurred_at=iso_days_ago(10))
    recorded_before = fleet.events("EMU-1")[-1]["recorded_at"]
    fleet.status("EMU-1", "under_maintenance", occurred_at=iso_days_ago(15))
    return recorded_before


def test_backdated_correction_changes_occurred_but_not_recorded_view(host, corrected):
    t = iso_days_ago(12)
    now_known = get(host, "state-at", type="vehicle", id="EMU-1", occurred=t)
    assert now_known.status == 200, now_known
    assert now_known.json["state"]["status"] == "under_maintenance"
    assert now_known.json["as_of"]["occurred"].startswith(t[:19]) and now_known.json["as_of"]["recorded"] is None

    known_then = get(host, "state-at", type="vehicle", id="EMU-1", occurred=t, recorded=corrected)
    assert known_then.status == 200 and known_then.json["state"]["status"] == "in_service"
    assert known_then.json["event_count"] == 1 and known_then.json["existed"] is True

    assert get(host, "state-at", type="vehicle", id="EMU-1", recorded=corrected).json["state"]["status"] == "standby"
    current = get(host, "state-at", type="vehicle", id="EMU-1").json
    assert current["state"]["status"] == "under_maintenance" and current["version"] == 3
    # Before it was registered (business time) the vehicle did not exist yet: not an error.
    early = get(host, "state-at", type="vehicle", id="EMU-1", occurred=iso_days_ago(30)).json
    assert early["existed"] is False and early["version"] == 0


def test_compare_returns_a_field_level_diff(host, corrected):
    r = get(host, "compare", type="vehicle", id="EMU-1", before_recorded=corrected)
    assert r.status == 200, r
    assert r.json["before"]["state"]["status"] == "standby" and r.json["after"]["state"]["status"] == "under_maintenance"
    changes = {c["path"]: c for c in r.json["changes"]}
    assert changes["/status"] == {"path": "/status", "kind": "changed", "before": "standby", "after": "under_maintenance"}
    assert "/depot" not in changes
    same = get(host, "compare", type="vehicle", id="EMU-1", before_occurred=iso_days_ago(1), after_occurred=iso_days_ago(1))
    assert same.status == 200 and same.json["changes"] == []


def test_history_describes_each_change_with_its_actor(host, corrected):
    r = get(host, "history", type="vehicle", id="EMU-1")
    assert r.status == 200, r
    entries = r.json["entries"]
    assert r.json["order"] == "newest" and [e["version"] for e in entries] == [3, 2, 1]
    assert all("by acme-admin" in e["description"] and e["actor"] == "acme-admin" for e in entries)
    assert "under maintenance" in entries[0]["description"]
    assert {"path": "/status", "kind": "changed", "before": "standby", "after": "under_maintenance"} in entries[0]["changes"]
    oldest = get(host, "history", type="vehicle", id="EMU-1", order="oldest", limit=1).json["entries"]
    assert len(oldest) == 1 and oldest[0]["type"] == "VehicleRegistered" and "at depot North" in oldest[0]["description"]


def test_fleet_at_filters_on_state_fields(host, fleet):
    fleet.register("N-1", depot="North", occurred_at=iso_days_ago(9))
    fleet.register("N-2", depot="North", occurred_at=iso_days_ago(2))
    fleet.register("S-1", depot="South", occurred_at=iso_days_ago(9))
    fleet.status("N-1", "standby", occurred_at=iso_days_ago(5))

    north = get(host, "fleet-at", type="vehicle", depot="North")
    assert north.status == 200, north
    assert sorted(north.json["aggregates"]) == ["N-1", "N-2"] and north.json["count"] == 2
    assert sorted(get(host, "fleet-at", type="vehicle", depot="North", status="in_service").json["aggregates"]) == ["N-2"]
    # A week ago N-2 had not been registered and N-1 was still in service.
    week_ago = get(host, "fleet-at", type="vehicle", occurred=iso_days_ago(7), depot="North").json
    assert list(week_ago["aggregates"]) == ["N-1"]
    assert week_ago["aggregates"]["N-1"]["state"]["status"] == "in_service"
    # Non-string fields compare by value.
    assert get(host, "fleet-at", type="vehicle", retired="false").json["count"] == 3
    assert get(host, "fleet-at", type="vehicle", odometer_km="0").json["count"] == 3
    assert get(host, "fleet-at", type="vehicle", depot="Nowhere").json["count"] == 0


def test_types_lists_the_registered_aggregates(host):
    r = host.get("/api/v1/time-travel/types", token=READER)
    assert r.status == 200
    assert {"vehicle", "failure", "workorder", "part"} <= {t["name"] for t in r.json["types"]}
    assert all(t["provider"] == "fleet" for t in r.json["types"])


def test_bad_input_is_400_naming_the_parameter(host, corrected):
    cases = [
        ("state-at", {"type": "vehicle", "id": "EMU-1", "occurred": "last tuesday"}, "'occurred'"),
        ("state-at", {"type": "vehicle", "id": "EMU-1", "recorded": "2026-13-45"}, "'recorded'"),
        ("state-at", {"type": "vehicle"}, "'id' is required"),
        ("compare", {"type": "vehicle", "id": "EMU-1", "after_occurred": "x"}, "'after_occurred'"),
        ("history", {"type": "vehicle", "id": "EMU-1", "order": "sideways"}, "'order'"),
        ("history", {"type": "vehicle", "id": "EMU-1", "limit": "0"}, "'limit'"),
        ("fleet-at", {"occurred": "2026-01-01"}, "'type' is required"),
        ("state-at", {"type": "vehicle", "id": "EMU-1", "ocurred": "2026-01-01"}, "'ocurred'"),
    ]
    for route, params, needle in cases:
        r = get(host, route, **params)
        assert r.status == 400, (route, params, r)
        assert r.json["code"] == "invalid_argument" and needle in r.json["detail"], r.json


def test_unknown_type_or_stream_is_404(host, corrected):
    r = get(host, "state-at", type="locomotive-ish", id="EMU-1")
    assert r.status == 404 and r.json["code"] == "not_found" and "vehicle" in r.json["detail"]  # lists the known types
    assert get(host, "fleet-at", type="nope").status == 404
    assert get(host, "history", type="vehicle", id="GHOST").status == 404
    assert get(host, "compare", type="vehicle", id="GHOST").status == 404


def test_another_tenant_cannot_time_travel_to_our_vehicle(host, corrected):
    for route, params in [("state-at", {}), ("history", {}), ("compare", {}), ("state-at", {"occurred": iso_days_ago(12)})]:
        r = get(host, route, token=OTHER_TENANT, type="vehicle", id="EMU-1", **params)
        assert r.status == 404 and r.json["code"] == "not_found", (route, r)
    assert get(host, "fleet-at", token=OTHER_TENANT, type="vehicle").json["count"] == 0


# ---- roundhouse time-travel ----

@requires_sqlite
def test_cli_time_travel(tmp_path):
    store = f"sqlite:{tmp_path / 'fleet.db'}"
    vehicle = {"number": "EMU-5", "vehicle_type": "emu_car", "depot": "North", "commissioned_on": "2019-04-01"}
    assert run_cli("fleet", "register-vehicle", "--data", json.dumps(vehicle), "--occurred-at", iso_days_ago(20),
                   "--actor", "jane", store=store).returncode == 0
    assert run_cli("fleet", "change-vehicle-status", "EMU-5", "--data", '{"status":"standby"}',
                   "--occurred-at", iso_days_ago(10), "--actor", "jane", store=store).returncode == 0

    r = run_cli("time-travel", "state-at", "--type", "vehicle", "--id", "EMU-5", "--occurred", iso_days_ago(15), store=store)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["state"]["status"] == "in_service"
    r = run_cli("time-travel", "compare", "--type", "vehicle", "--id", "EMU-5", "--before-occurred", iso_days_ago(15),
                store=store)
    assert {"path": "/status", "kind": "changed", "before": "in_service", "after": "standby"} in json.loads(r.stdout)["changes"]
    r = run_cli("time-travel", "history", "--type", "vehicle", "--id", "EMU-5", "--order", "oldest", store=store)
    entries = json.loads(r.stdout)["entries"]
    assert [e["version"] for e in entries] == [1, 2] and all("by jane" in e["description"] for e in entries)
    r = run_cli("time-travel", "fleet-at", "--type", "vehicle", "--where", "status=standby", store=store)
    assert list(json.loads(r.stdout)["aggregates"]) == ["EMU-5"]
    r = run_cli("time-travel", "fleet-at", "--type", "vehicle", "--where", "depot=South", store=store)
    assert json.loads(r.stdout)["count"] == 0
    r = run_cli("time-travel", "types", store=store)
    assert "vehicle" in {t["name"] for t in json.loads(r.stdout)["types"]}
    r = run_cli("time-travel", "state-at", "--type", "vehicle", "--id", "EMU-5", "--tenant", "other", store=store)
    assert r.returncode == 1 and "does not exist" in r.stderr


def test_cli_time_travel_bad_input_is_one_line_and_exit_2():
    for args, needle in [
        (("time-travel", "state-at", "--type", "vehicle", "--id", "X", "--occurred", "yesterday"), "--occurred must be"),
        (("time-travel", "state-at", "--type", "vehicle"), "--id is required"),
        (("time-travel", "history", "--type", "vehicle", "--id", "X", "--recorded", "2026-01-01"), "does not apply"),
        (("time-travel", "fleet-at", "--type", "vehicle", "--where", "depot"), "KEY=VALUE"),
        (("time-travel",), "needs an action"),
        (("time-travel", "rewind"), "unknown action 'rewind'"),
    ]:
        r = run_cli(*args, store="memory:")
        assert r.returncode == 2, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and needle in r.stderr, r.stderr
    r = run_cli("time-travel", "state-at", "--type", "nope", "--id", "X", store="memory:")
    assert r.returncode == 1 and "unknown aggregate type 'nope'" in r.stderr
