"""Fleet commands through the plugin registry, the demo generator, time travel and audit queries."""

import datetime as dt

import pytest

import roundhouse as rh
from conftest import register_vehicle

T0 = "2026-01-05T08:00:00Z"


@pytest.fixture
def fleet(store):
    register_vehicle(store, "EMU-1", depot="North", occurred_at="2026-01-01T00:00:00Z")
    store.command("change-vehicle-status", "EMU-1", status="under_maintenance", reason="doors",
                  occurred_at="2026-01-10T00:00:00Z")
    store.command("transfer-vehicle", "EMU-1", data={"to_depot": "South"}, occurred_at="2026-01-20T00:00:00Z")
    return store


def test_commands_list_and_result(store):
    names = {c["command"] for c in store.commands()}
    assert {"register-vehicle", "change-vehicle-status", "create-work-order", "define-part"} <= names
    result = register_vehicle(store, "EMU-7")
    assert result["version"] == 1 and result["positions"] == [1]
    agg = store.aggregate("vehicle", "EMU-7")
    assert agg["version"] == 1 and agg["state"]["depot"] == "North"
    assert store.read_stream("vehicle/EMU-7")[0].metadata["actor"] == "python"


def test_command_refusals_store_nothing(store):
    register_vehicle(store, "EMU-1")
    with pytest.raises(rh.SchemaViolation, match="/vehicle_type"):
        store.command("register-vehicle", data={"number": "EMU-2", "vehicle_type": 7, "depot": "N",
                                                "commissioned_on": "2019-01-01"})
    with pytest.raises(rh.RuleViolation):
        store.command("change-vehicle-status", "EMU-1", status="in_service")  # no change
    with pytest.raises(rh.RuleViolation):
        register_vehicle(store, "EMU-1")  # registered once
    with pytest.raises(rh.NotFound):
        store.command("change-vehicle-status", "EMU-404", status="standby")
    with pytest.raises(rh.NotFound, match="no command"):
        store.command("paint-vehicle", "EMU-1")
    with pytest.raises(rh.ValidationError, match="needs the id"):
        store.command("change-vehicle-status", status="standby")
    with pytest.raises(rh.ValidationError, match="creates"):
        store.command("register-vehicle", "EMU-3", data={})
    with pytest.raises(rh.NotFound):
        store.aggregate("vehicle", "EMU-404")
    with pytest.raises(rh.ValidationError):
        store.aggregate("locomotive", "X")
    assert store.head() == 1


def test_route_and_cli_access(store):
    with pytest.raises(rh.NotFound, match="no plugin route"):
        store.call("GET", "/api/v1/nowhere")
    code, out, err = store.run_command("fleet", ["commands"])
    assert code == 0 and "register-vehicle" in out
    with pytest.raises(rh.NotFound):
        store.run_command("no-such-command")


def test_state_at_compare_history(fleet):
    at = fleet.state_at("vehicle", "EMU-1", occurred="2026-01-15")
    assert at["state"]["status"] == "under_maintenance" and at["state"]["depot"] == "North" and at["version"] == 2
    before = fleet.state_at("vehicle", "EMU-1", occurred=dt.datetime(2025, 12, 31))
    assert before["existed"] is False
    now = fleet.state_at("vehicle", "EMU-1")
    assert now["state"]["depot"] == "South"
    assert fleet.state_at("vehicle", "EMU-1", recorded=dt.datetime.now(dt.timezone.utc))["version"] == 3
    assert fleet.state_at("vehicle", "EMU-1", recorded="2000-01-01")["existed"] is False

    diff = fleet.compare("vehicle", "EMU-1", before_occurred="2026-01-02", after_occurred="2026-01-25")
    paths = {c["path"]: c for c in diff["changes"]}
    assert paths["/depot"]["before"] == "North" and paths["/depot"]["after"] == "South"
    assert paths["/status"]["after"] == "under_maintenance"

    hist = fleet.history("vehicle", "EMU-1")
    assert [h["version"] for h in hist] == [3, 2, 1]
    assert "North -> South" in hist[0]["summary"] and "by python" in hist[0]["description"]
    assert [h["version"] for h in fleet.history("vehicle", "EMU-1", order="oldest_first", limit=2)] == [1, 2]

    board = fleet.fleet_at("vehicle", occurred="2026-01-15")
    assert board["aggregates"]["EMU-1"]["state"]["depot"] == "North"


def test_time_travel_errors(fleet):
    with pytest.raises(rh.NotFound, match="registered"):
        fleet.state_at("spaceship", "X")
    with pytest.raises(rh.NotFound):
        fleet.state_at("vehicle", "EMU-404")
    with pytest.raises(rh.ValidationError, match="occurred"):
        fleet.state_at("vehicle", "EMU-1", occurred="next tuesday")
    with pytest.raises(rh.ValidationError):
        fleet.state_at("vehicle", "EMU-1", occurred=3.5)
    with pytest.raises(rh.ValidationError):
        fleet.history("vehicle", "EMU-1", order="random")
    with pytest.raises(rh.NotFound):
        fleet.state_at("vehicle", "EMU-1", tenant="globex")


def test_audit_trail_and_anomalies(fleet):
    page = fleet.audit_trail(aggregate_type="vehicle", limit=2)
    assert [e["position"] for e in page["entries"]] == [1, 2] and page["next_after"] == 2
    rest = fleet.audit_trail(aggregate_type="vehicle", after_position=page["next_after"])
    assert [e["position"] for e in rest["entries"]] == [3] and rest["next_after"] is None
    assert page["csv"].splitlines()[0].startswith("position")
    assert fleet.audit_trail(actor="nobody")["entries"] == []
    assert len(fleet.audit_trail(event_types="VehicleTransferred")["entries"]) == 1
    with pytest.raises(rh.ValidationError):
        fleet.audit_trail(limit=0)
    with pytest.raises(rh.ValidationError):
        fleet.audit_trail(recorded_from="2026-02-01", recorded_to="2026-01-01")
    report = fleet.audit_anomalies(rules=["backdated"])
    assert report["events_scanned"] == 3
    assert {f["kind"] for f in report["flags"]} == {"backdated"}
    with pytest.raises(rh.ValidationError, match="unknown anomaly rule"):
        fleet.audit_anomalies(rules=["gremlins"])
    with pytest.raises(rh.ValidationError):
        fleet.audit_anomalies(start_hour=30)


def test_demo_generator(demo_uri):
    with rh.open(demo_uri) as s:
        head = s.head()
        assert head > 50_000
        assert rh.demo(s, size="small") is not None  # re-run adds nothing
        assert s.head() == head
        df = s.read_all(aggregate_types="vehicle", event_types="VehicleRegistered").to_pandas()
        assert len(df) >= 100
        vid = str(df["stream_id"].iloc[0])
        assert s.state_at("vehicle", vid)["existed"]
        with pytest.raises(rh.ValidationError, match="size"):
            rh.demo(s, size="huge")
    with rh.open("memory:") as other:
        other.append("vehicle/X", {"type": "T", "payload": {}})
        with pytest.raises(rh.Error):
            rh.demo(other, size="small")
