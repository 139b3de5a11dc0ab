"""Sync and the fleet domain end to end through a real `roundhouse serve`: a technician's offline
edits become fleet events (validated, audited with the technician and the device), a refused
operation goes to the device's dead-letter list while the operations behind it go through, a depot
tablet pulls only its depot, strategies are configurable and readable, bad input is refused."""

import json
from conftest import READER, Device, FleetClient, jwt_for


def fleet_setup(host):
    f = FleetClient(host)
    f.register("EMU-E1", depot="Eastfield")
    f.register("EMU-W1", depot="Westfield")
    for wo, vehicle in (("WO-E1", "EMU-E1"), ("WO-E2", "EMU-E1"), ("WO-W1", "EMU-W1")):
        f.command("work-orders", {"work_order_id": wo, "vehicle_id": vehicle, "category": "corrective",
                                  "priority": "high", "due_date": "2026-12-01"})
    f.command("parts", {"part_number": "P-100", "description": "brake pad", "unit_cost": 40.0, "reorder_point": 1})
    f.command("parts/P-100/receive", {"quantity": 3})
    return f


def own_writes(device):
    """The devices' writes a tablet holds (notes, checklists), without the fleet's mirrored fields."""
    return sorted(k for k in device.show()["fields"] if k.endswith("/notes") or k.startswith("checklist/"))


def aggregates(device):
    return {k.rsplit("/", 1)[0] for k in device.show()["fields"]}


def events(host, stream_type, stream_id):
    r = host.get(f"/api/v1/events/{stream_type}/{stream_id}")
    assert r.status == 200, r
    return r.json["events"]


def test_offline_edits_of_a_technician_become_fleet_events(host, tmp_path):
    fleet_setup(host)
    tech = jwt_for("t.jones", ["writer"])
    tab = Device(host, tmp_path / "t.rhs", "tablet-east", key=tech)
    tab.register(depot="Eastfield")
    # offline: start, consume two pads, book labour, write notes, complete
    tab.write("work_order/WO-E1/status", "in_progress")
    tab.add("work_order/WO-E1/parts.P-100", 2)
    tab.add("work_order/WO-E1/labour", 1.5)
    tab.add("work_order/WO-E1/labour", 0.5)
    tab.write("work_order/WO-E1/notes", "pads replaced, bogie checked")
    r = tab.sync()
    assert r["refused"] == [] and r["acked"] == 5, r
    tab.write("work_order/WO-E1/status", "completed")
    assert tab.sync()["refused"] == []

    evs = events(host, "workorder", "WO-E1")
    assert [e["type"] for e in evs] == ["WorkOrderCreated", "WorkOrderStarted", "WorkOrderPartsConsumed",
                                        "WorkOrderLabourBooked", "WorkOrderLabourBooked", "WorkOrderCompleted"]
    for e in evs[1:]:
        assert e["metadata"]["actor"] == "t.jones" and e["metadata"]["device"] == "tablet-east", e
    assert evs[-1]["payload"]["notes"] == "pads replaced, bogie checked"
    assert sorted(e["payload"]["hours"] for e in evs if e["type"] == "WorkOrderLabourBooked") == [0.5, 1.5]
    part = host.get("/api/v1/fleet/parts/P-100").json["state"]
    assert part["on_hand"] == 1
    # the audit trail shows the device's changes under the technician
    trail = host.get("/api/v1/audit/trail?actor=t.jones&limit=50").json["entries"]
    assert {e["type"] for e in trail} >= {"WorkOrderStarted", "WorkOrderCompleted", "StockIssued"}, trail


def test_a_refused_op_dead_letters_while_later_ops_go_through(host, tmp_path):
    f = fleet_setup(host)
    f.command("work-orders/WO-E1/cancel", {"reason": "duplicate"})
    tab = Device(host, tmp_path / "t.rhs", "tablet-east")
    tab.register(depot="Eastfield")
    tab.write("work_order/WO-E1/status", "completed")       # refused: the order is cancelled
    tab.write("vehicle/EMU-E1/status", "retired")            # refused: technicians may not retire
    tab.write("work_order/WO-W1/status", "in_progress")      # refused: another depot's order
    tab.write("work_order/WO-E2/status", "in_progress")      # goes through
    r = tab.sync()
    assert r["acked"] == 4 and r["pushed_ops"] == 4
    refused = {d["key"]: d for d in r["refused"]}
    assert set(refused) == {"work_order/WO-E1/status", "vehicle/EMU-E1/status", "work_order/WO-W1/status"}
    assert refused["work_order/WO-E1/status"]["code"] == "rule_violation"
    assert "cancelled" in refused["work_order/WO-E1/status"]["reason"]
    assert refused["vehicle/EMU-E1/status"]["status"] == 403
    assert "Westfield" in refused["work_order/WO-W1/status"]["reason"]
    assert host.get("/api/v1/fleet/work-orders/WO-E2").json["state"]["status"] == "in_progress"
    assert host.get("/api/v1/fleet/work-orders/WO-E1").json["state"]["status"] == "cancelled"
    assert host.get("/api/v1/fleet/vehicles/EMU-E1").json["state"]["retired"] is False

    show = tab.show()
    assert show["pending"] == 0 and show["dead_letters"] == 3
    dl = {d["op_seq"]: d for d in tab.dead_letters()}
    assert sorted(dl) == [1, 2, 3] and dl[1]["reason"] == refused["work_order/WO-E1/status"]["reason"]
    # the compensation put the refused values back to what the server holds (mirrored from the fleet)
    assert show["fields"]["work_order/WO-E1/status"] == ["cancelled"]
    assert show["fields"]["vehicle/EMU-E1/status"] == ["in_service"]
    assert show["fields"]["work_order/WO-E2/status"] == ["in_progress"]
    # the session records the refusals
    sessions = host.get("/api/v1/sync/sessions", token=READER).json["sessions"]
    assert any(len(s["refused"]) == 3 for s in sessions if s["kind"] == "push")

    # a person discards one and retries another (a new operation; still refused: the order stays cancelled)
    assert json.loads(tab.run("discard", "3").stdout) == {"discarded": 3}
    assert json.loads(tab.run("retry", "1").stdout) == {"retried": 1, "op_seq": 5}
    r = tab.sync()
    assert [d["op_seq"] for d in r["refused"]] == [5]  # still cancelled: a new dead letter for the new op
    assert sorted(d["op_seq"] for d in tab.dead_letters()) == [2, 5]

    # bad input: a usage error exits 2, an unknown dead letter 1; nothing changes
    for args, code in ((("retry", "abc"), 2), (("retry",), 2), (("discard", "99"), 1), (("add", "k", "\"x\""), 2)):
        p = tab.run(*args, check=False)
        assert p.returncode == code, (args, p.returncode, p.stderr)
        assert p.stderr.startswith("roundhouse-sync-client: ") and p.stderr.count("\n") == 1
    assert sorted(d["op_seq"] for d in tab.dead_letters()) == [2, 5]


def test_a_depot_tablet_pulls_only_its_depot(host, tmp_path):
    fleet_setup(host)
    boss = Device(host, tmp_path / "boss.rhs", "tablet-boss")
    boss.register(depot="", role="supervisor")
    boss.write("work_order/WO-E1/notes", "east")
    boss.write("work_order/WO-W1/notes", "west")
    boss.write("vehicle/EMU-W1/notes", "west vehicle")
    boss.write("checklist/C-1/item", "everyone")
    boss.sync()
    east = Device(host, tmp_path / "east.rhs", "tablet-east")
    east.register(depot="Eastfield")
    east.sync()
    assert own_writes(east) == ["checklist/C-1/item", "work_order/WO-E1/notes"]
    # and the fleet's own data of its depot only (mirrored from the fleet, see test_sync_mirror_e2e.py)
    assert aggregates(east) == {"vehicle/EMU-E1", "work_order/WO-E1", "work_order/WO-E2", "checklist/C-1"}
    west = Device(host, tmp_path / "west.rhs", "tablet-west")
    west.register(depot="Westfield")
    west.sync()
    assert own_writes(west) == ["checklist/C-1/item", "vehicle/EMU-W1/notes", "work_order/WO-W1/notes"]
    assert aggregates(west) == {"vehicle/EMU-W1", "work_order/WO-W1", "checklist/C-1"}
    assert len(own_writes(boss)) == 4
    assert aggregates(boss) >= {"vehicle/EMU-E1", "vehicle/EMU-W1", "work_order/WO-W1"}


def test_strategies_are_configurable_readable_and_settle_with_provenance(start_host, tmp_path):
    from conftest import default_config
    config = default_config()
    config["plugins"] = {"sync": {"conflicts": {"checklist": {"status": "timestamp"}}}}
    host = start_host(config=config)
    s = host.get("/api/v1/sync/strategies", token=READER).json
    assert s["default"] == "manual" and s["scope"] == "depot" and s["bridge"] is True
    assert s["types"]["work_order"]["status"] == "version"
    assert s["types"]["work_order"]["parts"] == "additive"
    assert s["types"]["checklist"]["status"] == "timestamp"
    assert "vehicle/retire" not in s["roles"]["technician"]
    assert host.get("/api/v1/sync/strategies?key=work_order/WO-1/notes").json["key"]["strategy"] == "timestamp"

    a = Device(host, tmp_path / "a.rhs", "tablet-a")
    b = Device(host, tmp_path / "b.rhs", "tablet-b")
    a.register(), b.register()
    a.write("checklist/C-1/status", "ok")
    b.write("checklist/C-1/status", "defect")  # later HLC: wins
    a.sync()
    r = b.sync()
    assert r["conflicts"] == [] and r["refused"] == []
    a.sync()
    assert a.show()["fields"]["checklist/C-1/status"] == ["defect"] == b.show()["fields"]["checklist/C-1/status"]
    assert host.get("/api/v1/sync/conflicts").json["conflicts"] == []
    resolved = host.get("/api/v1/sync/conflicts?status=resolved").json["conflicts"]
    assert len(resolved) == 1
    c = resolved[0]
    assert (c["key"], c["strategy"], c["outcome"], c["value"]) == ("checklist/C-1/status", "timestamp", "replaced", "defect")
    assert {(v["device_id"], v["value"]) for v in c["values"]} == {("tablet-a", "ok"), ("tablet-b", "defect")}
    assert all("wall_ms" in v["hlc"] for v in c["values"])
    assert host.get("/api/v1/sync/conflicts?status=closed").status == 400


def test_a_bad_sync_configuration_stops_only_the_sync_plugin(start_host):
    from conftest import default_config
    config = default_config()
    config["plugins"] = {"sync": {"conflicts": {"work_order": {"status": "newest"}}}}
    host = start_host(config=config)
    assert host.get("/api/v1/sync/strategies").status == 404
    assert host.get("/health", token=None).status == 200
    assert "newest" in host.log()


def test_resolving_a_fleet_conflict_runs_the_command_and_bad_input_changes_nothing(start_host, tmp_path):
    from conftest import default_config
    config = default_config()
    config["plugins"] = {"sync": {"conflicts": {"vehicle": {"status": "manual"}}}}
    host = start_host(config=config)
    fleet_setup(host)
    a = Device(host, tmp_path / "a.rhs", "tablet-a")
    b = Device(host, tmp_path / "b.rhs", "tablet-b")
    a.register(), b.register()
    a.write("vehicle/EMU-E1/status", "under_maintenance")
    b.write("vehicle/EMU-E1/status", "standby")              # concurrent: kept for a person
    assert a.sync()["refused"] == []
    r = b.sync()
    assert r["conflicts"] == ["vehicle/EMU-E1/status"] and r["refused"] == [], r
    # the first device's value went to the fleet; the conflicting one waits for the person
    assert host.get("/api/v1/fleet/vehicles/EMU-E1").json["state"]["status"] == "under_maintenance"
    [c] = host.get("/api/v1/sync/conflicts", token=READER).json["conflicts"]
    assert {(v["device_id"], v["value"]) for v in c["values"]} == {
        ("tablet-a", "under_maintenance"), ("tablet-b", "standby")}

    vehicle_events = len(events(host, "vehicle", "EMU-E1"))
    unknown = "vehicle/EMU-E1/depot".encode().hex()
    bad = [
        (f"/api/v1/sync/conflicts/{unknown}/resolve", {"value": "x"}, 404),        # no conflict on that key
        ("/api/v1/sync/conflicts/deadbeef/resolve", {"value": "x"}, 404),           # no such key at all
        ("/api/v1/sync/conflicts/not-hex/resolve", {"value": "x"}, 400),
        (f"/api/v1/sync/conflicts/{c['id']}/resolve", {}, 400),                     # no value
        (f"/api/v1/sync/conflicts/{c['id']}/resolve", {"value": {"a": 1}}, 400),    # not a scalar
        (f"/api/v1/sync/conflicts/{c['id']}/resolve", {"value": "scrapped"}, 422),  # the fleet refuses it
    ]
    for path, body, status in bad:
        r = host.post(path, body)
        assert r.status == status, (path, body, r)
        assert r.headers.get("content-type", "").startswith("application/problem+json"), r
    assert host.post(f"/api/v1/sync/conflicts/{c['id']}/resolve", {"value": "standby"}, token=READER).status == 403
    # nothing changed: the conflict is still open, the vehicle untouched
    assert [x["key"] for x in host.get("/api/v1/sync/conflicts").json["conflicts"]] == ["vehicle/EMU-E1/status"]
    assert len(events(host, "vehicle", "EMU-E1")) == vehicle_events

    supervisor = jwt_for("s.smith", ["writer"])
    r = host.post(f"/api/v1/sync/conflicts/{c['id']}/resolve", {"value": "standby"}, token=supervisor)
    assert r.status == 200, r
    assert host.get("/api/v1/fleet/vehicles/EMU-E1").json["state"]["status"] == "standby"
    last = events(host, "vehicle", "EMU-E1")[-1]
    assert last["type"] == "VehicleStatusChanged" and last["metadata"]["actor"] == "s.smith", last
    [done] = host.get("/api/v1/sync/conflicts?status=resolved").json["conflicts"]
    assert (done["strategy"], done["value"], done["resolved_by"]) == ("manual", "standby", "s.smith")
    a.sync(), b.sync()
    assert a.show()["fields"]["vehicle/EMU-E1/status"] == ["standby"] == b.show()["fields"]["vehicle/EMU-E1/status"]
