"""The sync plugin on two `roundhouse serve` processes sharing one PostgreSQL log: each host's engine
follows what the other appended, writers that race re-plan instead of failing, replica ids stay
unique, and the outcome is as if every request had reached one host in some order."""

import base64
import importlib.util
import random
import threading
from pathlib import Path

from .conftest import requires_postgres, wait_until

pytestmark = requires_postgres

_spec = importlib.util.spec_from_file_location(
    "sync_e2e_conftest", Path(__file__).resolve().parents[2] / "sync" / "e2e" / "conftest.py")
_sync = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sync)
Device, READER, WRITER = _sync.Device, _sync.READER, _sync.WRITER


def device(host, tmp_path, name):
    return Device(host, tmp_path / f"{name}.rhs", name)


def via(dev, host):
    """The same tablet (same store file) talking to another host."""
    dev.host = host
    return dev


def devices_on(host):
    r = host.get("/api/v1/sync/devices", token=READER)
    assert r.status == 200, r
    return sorted((d["device_id"], d["replica_id"], d["status"]) for d in r.json["devices"])


def conflicts_on(host, status="all"):
    r = host.get(f"/api/v1/sync/conflicts?status={status}", token=READER)
    assert r.status == 200, r
    return sorted((c["key"], c["status"], sorted(str(v["value"]) for v in c["values"])) for c in r.json["conflicts"])


def full_pull(host, device_id):
    r = host.get(f"/api/v1/sync/pull/{device_id}?cursor=0", token=WRITER)
    assert r.status == 200, r
    return r.json


def tablets_on(a, b, tmp_path):
    """tablet-1 registered through host a, tablet-2 through host b."""
    t1, t2 = device(a, tmp_path, "tablet-1"), device(b, tmp_path, "tablet-2")
    t1.register()
    t2.register()
    return t1, t2


def view(host):
    """What a host serves: devices, conflicts, tablet-1's full pull."""
    return devices_on(host), conflicts_on(host), full_pull(host, "tablet-1")["changes"]


def sync_log(host):
    r = host.get("/api/v1/events/sync-log/acme%23changes")
    assert r.status == 200, r
    return r.json["events"]


def test_a_device_registered_on_a_pushes_on_b_and_others_pull_it(hosts, tmp_path):
    a, b = hosts(2)
    t1 = device(a, tmp_path, "tablet-1")
    assert t1.register()["replica_id"] == 2
    t1.write("checklist/EMU-1/brakes", "ok")
    t1.write("checklist/EMU-1/doors", "sticky")
    r = via(t1, b).sync()                     # B never saw tablet-1 registered nor anything pushed
    assert r["acked"] == 2 and r["pushed_ops"] == 2, r
    t2 = device(b, tmp_path, "tablet-2")
    assert t2.register()["replica_id"] == 3    # registered on B, after A's device
    assert t2.show()["fields"] == {"checklist/EMU-1/brakes": ["ok"], "checklist/EMU-1/doors": ["sticky"]}
    t2.write("checklist/EMU-1/doors", "fixed")  # made after seeing tablet-1's value: replaces it
    via(t2, a).sync()
    via(t1, a).sync()
    assert t1.show()["fields"] == {"checklist/EMU-1/brakes": ["ok"], "checklist/EMU-1/doors": ["fixed"]}
    assert devices_on(a) == devices_on(b) == [("tablet-1", 2, "active"), ("tablet-2", 3, "active")]
    assert full_pull(a, "tablet-1")["changes"] == full_pull(b, "tablet-1")["changes"]
    # one batch per push, in one ordered stream; sessions of both hosts listed on each
    assert [e["metadata"]["device"] for e in sync_log(a)] == ["tablet-1", "tablet-2"]
    for h in (a, b):
        pushes = [s for s in h.get("/api/v1/sync/sessions?limit=100").json["sessions"] if s["kind"] == "push"]
        assert sorted(s["device_id"] for s in pushes) == ["tablet-1", "tablet-2"]


def test_concurrent_registrations_on_both_hosts_get_distinct_replica_ids(hosts):
    a, b = hosts(2)
    results = {}
    barrier = threading.Barrier(8)

    def register(host, name):
        barrier.wait()
        results[name] = host.post("/api/v1/sync/devices/register", {"device_id": name, "depot": "Eastfield"})

    names = [f"tab-{i}" for i in range(6)]
    threads = [threading.Thread(target=register, args=((a, b)[i % 2], n)) for i, n in enumerate(names)]
    twin = {}  # the same id on both hosts at once: one registration, one 409

    def register_twin(host):
        barrier.wait()
        twin[host.port] = host.post("/api/v1/sync/devices/register", {"device_id": "twin"})

    threads += [threading.Thread(target=register_twin, args=(h,)) for h in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status == 201 for r in results.values()), results
    assert sorted(r.status for r in twin.values()) == [201, 409], twin
    replicas = [r.json["replica_id"] for r in results.values()]
    replicas += [r.json["replica_id"] for r in twin.values() if r.status == 201]
    assert len(set(replicas)) == 7 and min(replicas) >= 2
    listed = devices_on(a)
    assert listed == devices_on(b)
    assert sorted(d for d, _, _ in listed) == sorted(names + ["twin"])
    assert sorted(r for _, r, _ in listed) == sorted(replicas)


def test_concurrent_pushes_through_both_hosts_converge_with_every_acked_op(hosts, tmp_path):
    config = _sync.default_config()
    config["plugins"] = {"sync": {"conflicts": {"checklist": {"timed": "timestamp"}}}}
    a, b = hosts(2, config=config)  # checklist/<id>/timed is settled by timestamp: settlements race too
    tablets = [device((a, b)[i % 2], tmp_path, f"tablet-{i}") for i in range(4)]
    for t in tablets:
        t.register()
    rounds = 4
    errors = []

    def work(i, t):
        rng = random.Random(i)
        try:
            for r in range(rounds):
                t.write(f"checklist/T{i}/round-{r}", r)                   # its own field
                t.write("checklist/shared/status", f"{t.device_id}-{r}")  # everyone's (manual: conflicts)
                t.write("checklist/shared/timed", f"{t.device_id}-{r}")   # everyone's (settled at once)
                via(t, (a, b)[(i + r) % 2]).sync()
                if rng.random() < 0.5:
                    via(t, (a, b)[(i + r + 1) % 2]).sync()
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i, t)) for i, t in enumerate(tablets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for t in tablets:
        assert t.show()["pending"] == 0
    for h in (a, b, a):
        for t in tablets:
            via(t, h).sync()
    fields = tablets[0].show()["fields"]
    for t in tablets[1:]:
        assert t.show()["fields"] == fields
    for i in range(len(tablets)):
        for r in range(rounds):
            assert fields[f"checklist/T{i}/round-{r}"] == [r]
    assert len([k for k in fields if k.startswith("checklist/T")]) == len(tablets) * rounds
    assert len(fields["checklist/shared/timed"]) == 1                # settled once, by one host
    assert full_pull(a, "tablet-0")["changes"] == full_pull(b, "tablet-0")["changes"]
    # the shared field's concurrent values are one conflict, listed alike on both hosts
    assert conflicts_on(a) == conflicts_on(b)
    open_ = [c for c in conflicts_on(a, "open") if c[0] == "checklist/shared/status"]
    if len(fields["checklist/shared/status"]) > 1:
        assert open_ and open_[0][2] == sorted(fields["checklist/shared/status"])
    # the log holds each device batch once: acked counts add up per device
    acked = {}
    for e in sync_log(a):
        p = e["payload"]
        if p["device_id"] != "server":
            assert p["acked"] > acked.get(p["device_id"], 0), "a batch stored twice or out of order"
            acked[p["device_id"]] = p["acked"]
    assert acked == {t.device_id: rounds * 3 for t in tablets}


def test_a_host_restarted_after_the_other_hosts_writes_loads_the_same_state(hosts, tmp_path):
    a, b = hosts(2)
    t1, t2 = tablets_on(a, b, tmp_path)
    t1.write("checklist/EMU-9/status", "in_service")
    t2.write("checklist/EMU-9/status", "under_maintenance")   # concurrent: a manual conflict
    via(t1, a).sync()
    via(t2, b).sync()
    before = view(b)
    b.stop()
    # A keeps working while B is down: a device registered, a push, the conflict resolved
    t3 = device(a, tmp_path, "tablet-3")
    t3.register()
    t3.write("checklist/EMU-9/doors", "ok")
    t3.sync()
    c = [x for x in a.get("/api/v1/sync/conflicts", token=READER).json["conflicts"] if x["key"] == "checklist/EMU-9/status"]
    assert len(c) == 1
    assert a.post(f"/api/v1/sync/conflicts/{c[0]['id']}/resolve", {"value": "in_service"}, token=WRITER).status == 200
    after_a = view(a)
    assert after_a != before
    b.start()
    assert view(b) == after_a
    via(t2, b).sync()
    assert t2.show()["fields"] == {"checklist/EMU-9/status": ["in_service"], "checklist/EMU-9/doors": ["ok"]}
    assert devices_on(b)[-1] == ("tablet-3", 4, "active")


def test_bad_input_on_either_host_is_refused_and_changes_nothing(hosts, tmp_path):
    a, b = hosts(2)
    t1, t2 = tablets_on(a, b, tmp_path)
    t2.write("checklist/EMU-3/status", "in_service")
    t2.sync()
    before = (len(sync_log(a)), full_pull(a, "tablet-1")["changes"], devices_on(a))
    bad = [
        ({"device_id": "tablet-1", "changes": "not base64!"}, 400),
        ({"device_id": "tablet-1", "first_op": 1, "changes": base64.b64encode(b"RHS\x01\x01\xff").decode()}, 400),
        ({"device_id": "ghost", "first_op": 1, "changes": ""}, 404),
        # tablet-1 pushing tablet-2's operations (pushed through the other host)
        ({"device_id": "tablet-1", "first_op": 1, "changes": full_pull(b, "tablet-2")["changes"]}, 403),
    ]
    for h in (a, b):
        for body, status in bad:
            r = h.post("/api/v1/sync/push", body, token=WRITER)
            assert r.status == status and r.headers["content-type"].startswith("application/problem+json"), r
        assert h.post("/api/v1/sync/devices/register", {"device_id": "tablet-2"}).status == 409
        assert h.post("/api/v1/sync/devices/register", {"device_id": "x", "role": "pilot"}).status == 400
        assert h.get("/api/v1/sync/pull/tablet-1?cursor=abc", token=WRITER).status == 400
    for h in (a, b):
        assert (len(sync_log(h)), full_pull(h, "tablet-1")["changes"], devices_on(h)) == before


def test_fleet_changes_are_mirrored_once_with_both_hosts_running(hosts, tmp_path):
    a, b = hosts(2)
    t1 = device(b, tmp_path, "tablet-1")
    t1.register()
    _sync.FleetClient(a).register("EMU-77", depot="Eastfield")
    # both hosts follow the fleet event; each pulls it, it is written to the sync log once
    for h in (b, a, b):
        via(t1, h).sync()
    fields = t1.show()["fields"]
    assert fields.get("vehicle/EMU-77/depot") == ["Eastfield"], fields
    mirrored = [e for e in sync_log(a) if e["payload"]["device_id"] == "server"]
    keys = [k for e in mirrored for k in e["payload"].get("actors", {})]
    assert keys.count("vehicle/EMU-77/depot") == 1, mirrored
    wait_until(lambda: conflicts_on(a, "open") == conflicts_on(b, "open") == [])
