"""The server -> device direction through a real `roundhouse serve`: vehicles and work orders created
or changed over the fleet HTTP API reach the tablets of their depot (and only those) once per change,
also across a host restart; an offline edit concurrent with a planner's change goes through the
field's strategy and is listed with who made each value; the caller's role caps the device's; a push
whose host stopped before settling it is settled on the next start."""

import time

from conftest import ADMIN, READER, Device, FleetClient, jwt_for, requires_sqlite


def fleet(host):
    f = FleetClient(host)
    f.register("EMU-E1", depot="Eastfield")
    f.register("EMU-W1", depot="Westfield")
    for wo, vehicle in (("WO-E1", "EMU-E1"), ("WO-W1", "EMU-W1")):
        work_order(f, wo, vehicle)
    return f


def work_order(f, number, vehicle):
    f.command("work-orders", {"work_order_id": number, "vehicle_id": vehicle, "category": "corrective",
                              "priority": "high", "due_date": "2026-12-01"})


def sync_log(host):
    return host.get("/api/v1/events/sync-log/acme%23changes").json["events"]


def aggregates(device):
    return {k.rsplit("/", 1)[0] for k in device.show()["fields"]}


@requires_sqlite
def test_fleet_changes_over_http_reach_the_depot_tablets_once_across_a_restart(start_host, tmp_path):
    store = f"sqlite:{tmp_path / 'rh.db'}"
    h = start_host(store=store)
    f = fleet(h)
    east = Device(h, tmp_path / "east.rhs", "tablet-east")
    west = Device(h, tmp_path / "west.rhs", "tablet-west")
    east.register(depot="Eastfield")  # enrolment pulls the depot's vehicles and work orders
    west.register(depot="Westfield")
    fields = east.show()["fields"]
    assert fields["work_order/WO-E1/status"] == ["created"]
    assert fields["work_order/WO-E1/vehicle_id"] == ["EMU-E1"]
    assert fields["vehicle/EMU-E1/depot"] == ["Eastfield"]
    assert fields["vehicle/EMU-E1/odometer_km"] == [0.0]
    assert aggregates(east) == {"vehicle/EMU-E1", "work_order/WO-E1"}
    assert aggregates(west) == {"vehicle/EMU-W1", "work_order/WO-W1"}

    # a planner works over HTTP; the east tablet gets exactly that, the west tablet nothing
    work_order(f, "WO-E2", "EMU-E1")
    f.command("work-orders/WO-E1/assign", {"technician": "k.lee"})
    r = east.sync()
    assert r["pulled_ops"] > 0 and r["refused"] == [], r
    fields = east.show()["fields"]
    assert fields["work_order/WO-E2/status"] == ["created"]
    assert (fields["work_order/WO-E1/status"], fields["work_order/WO-E1/technician"]) == (["assigned"], ["k.lee"])
    assert west.sync()["pulled_ops"] == 0
    assert east.sync()["pulled_ops"] == 0  # each change once

    # a restarted host mirrors nothing twice and picks up what happens next
    mirrored = len(sync_log(h))
    h.stop()
    h2 = start_host(store=store)
    east.host = west.host = h2
    assert east.sync()["pulled_ops"] == 0
    assert len(sync_log(h2)) == mirrored
    FleetClient(h2).command("work-orders/WO-E2/cancel", {"reason": "duplicate"})
    r = east.sync()
    assert r["pulled_ops"] == 3, r  # status, cancelled_at, cancel_reason
    assert east.show()["fields"]["work_order/WO-E2/status"] == ["cancelled"]
    assert west.sync()["pulled_ops"] == 0
    status = h2.get("/api/v1/sync/strategies", token=READER).json["mirror_status"]
    assert status["state"] == "live" and status["types"] == ["vehicle", "work_order"], status

    # bad input gets a problem+json 4xx and stores nothing
    before = len(sync_log(h2))
    for path, code in (("/api/v1/sync/pull/nobody", 404), ("/api/v1/sync/pull/tablet-east?cursor=-1", 400)):
        r = h2.get(path)
        assert r.status == code, (path, r)
        assert r.headers.get("content-type", "").startswith("application/problem+json"), r
    assert len(sync_log(h2)) == before


def test_an_offline_edit_concurrent_with_a_planners_change_is_a_conflict_with_provenance(host, tmp_path):
    f = fleet(host)
    tab = Device(host, tmp_path / "t.rhs", "tablet-east", key=jwt_for("t.jones", ["writer"]))
    tab.register(depot="Eastfield")
    tab.write("work_order/WO-E1/status", "completed")          # offline
    f.command("work-orders/WO-E1/cancel", {"reason": "vehicle withdrawn"})  # meanwhile, over HTTP
    r = tab.sync()
    [refused] = r["refused"]
    assert (refused["key"], refused["code"], refused["status"]) == ("work_order/WO-E1/status", "conflict", 409), r
    assert "cancelled" in refused["reason"]
    assert tab.show()["fields"]["work_order/WO-E1/status"] == ["cancelled"]
    assert [d["key"] for d in tab.dead_letters()] == ["work_order/WO-E1/status"]
    assert host.get("/api/v1/fleet/work-orders/WO-E1").json["state"]["status"] == "cancelled"
    [c] = host.get("/api/v1/sync/conflicts?status=resolved", token=READER).json["conflicts"]
    assert (c["key"], c["strategy"], c["outcome"], c["value"]) == ("work_order/WO-E1/status", "version", "refused",
                                                                  "cancelled")
    cancelled_by = host.get("/api/v1/events/workorder/WO-E1").json["events"][-1]["metadata"]["actor"]
    values = {v["device_id"]: v for v in c["values"]}
    assert values["tablet-east"]["value"] == "completed"
    assert (values["server"]["value"], values["server"]["source"], values["server"]["actor"]) == (
        "cancelled", "fleet", cancelled_by)


def test_the_callers_role_caps_the_devices_role(host, tmp_path):
    fleet(host)
    boss = Device(host, tmp_path / "b.rhs", "tablet-boss", key=jwt_for("t.jones", ["writer"]))
    boss.register(depot="", role="supervisor")
    boss.write("vehicle/EMU-E1/status", "retired")
    [refused] = boss.sync()["refused"]
    assert refused["status"] == 403 and "'t.jones' (technician" in refused["reason"], refused
    assert host.get("/api/v1/fleet/vehicles/EMU-E1").json["state"]["retired"] is False
    boss.key = jwt_for("s.smith", ["writer", "supervisor"])
    boss.write("vehicle/EMU-E1/status", "retired")
    assert boss.sync()["refused"] == []
    assert host.get("/api/v1/fleet/vehicles/EMU-E1").json["state"]["retired"] is True
    assert host.get("/api/v1/sync/strategies", token=READER).json["caller_role"] == "technician"


@requires_sqlite
def test_a_push_stored_but_not_settled_is_settled_on_the_next_start(start_host, tmp_path):
    store = f"sqlite:{tmp_path / 'rh.db'}"
    h = start_host(store=store)
    fleet(h)
    a = Device(h, tmp_path / "a.rhs", "tablet-a")
    b = Device(h, tmp_path / "b.rhs", "tablet-b")
    a.register(depot="Eastfield"), b.register(depot="Eastfield")
    a.write("work_order/WO-E1/notes", "from a")
    a.sync()
    b.write("work_order/WO-E1/notes", "from b")  # concurrent with a's, later clock: timestamp keeps it
    h.stop()
    # this host stops right after b's batch is durable, before settling it
    h = start_host(store=store, env={"ROUNDHOUSE_SYNC_TEST_STOP_BEFORE_SETTLING": "1"})
    b.host = h
    p = b.run("sync", "--server", b.url, "--api-key", b.key, check=False)
    assert p.returncode == 1 and h.proc.wait(timeout=20) == 86
    assert b.show()["pending"] == 1  # never acknowledged
    h2 = start_host(store=store)
    a.host = b.host = h2
    # The host loads the sync engine of every tenant with devices as it starts (a serving task),
    # so the stopped push is settled before any sync request: the settlement is in the log.
    deadline = time.monotonic() + 30
    def loaded():
        return [l["msg"] for l in h2.log_lines() if l.get("msg", "").startswith("sync: tenant")]
    while not loaded() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert loaded() == ["sync: tenant 'acme' loaded at start (stopped pushes settled, fleet mirror running)"]
    settled = [x["key"] for e in sync_log(h2) for x in e["payload"].get("settled", [])]
    assert settled == ["work_order/WO-E1/notes"], settled
    open_ = h2.get("/api/v1/sync/conflicts", token=READER).json["conflicts"]
    assert open_ == [], open_
    [c] = h2.get("/api/v1/sync/conflicts?status=resolved", token=READER).json["conflicts"]
    assert (c["key"], c["strategy"], c["value"]) == ("work_order/WO-E1/notes", "timestamp", "from b")
    assert {v["device_id"] for v in c["values"]} == {"tablet-a", "tablet-b"}
    r = b.sync()  # the retried push: already stored, acknowledged now
    assert r["acked"] == 1 and r["refused"] == []
    a.sync()
    assert a.show()["fields"]["work_order/WO-E1/notes"] == ["from b"] == b.show()["fields"]["work_order/WO-E1/notes"]
    sessions = h2.get("/api/v1/sync/sessions", token=ADMIN).json["sessions"]
    assert not any(s["kind"] == "recovery" for s in sessions)  # nothing was refused
