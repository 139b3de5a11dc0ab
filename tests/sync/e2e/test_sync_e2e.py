"""Sync end to end: devices with durable client stores push and pull through a real
`roundhouse serve`; conflicts are listed with provenance and resolved; sessions are recorded;
revoked devices and malformed pushes are refused and change nothing; a restarted host keeps it all."""

import base64
import http.client
import json

from conftest import ADMIN, KEYS, READER, WRITER, Device, requires_sqlite, stalling_server


def test_two_devices_converge_and_a_conflict_is_resolved(host, tmp_path):
    a = Device(host, tmp_path / "a.rhs", "tablet-a")
    b = Device(host, tmp_path / "b.rhs", "tablet-b")
    assert a.register()["replica_id"] == 2
    assert b.register(depot="Westfield")["replica_id"] == 3

    a.write("work_order/WO-1/notes", "pads worn")
    a.write("checklist/EMU-0001/status", "under_maintenance")
    b.write("checklist/EMU-0001/status", "in_service")       # concurrent with a's write
    r = a.sync()
    assert r["pushed_ops"] == 2 and r["acked"] == 2
    r = b.sync()
    assert r["pushed_ops"] == 1
    assert r["conflicts"] == ["checklist/EMU-0001/status"]
    a.sync()
    sa, sb = a.show(), b.show()
    assert sa["fields"] == sb["fields"]
    assert sorted(sa["fields"]["checklist/EMU-0001/status"]) == ["in_service", "under_maintenance"]
    assert sa["fields"]["work_order/WO-1/notes"] == ["pads worn"]
    assert sa["pending"] == 0 and sb["pending"] == 0

    conflicts = host.get("/api/v1/sync/conflicts", token=READER).json["conflicts"]
    assert len(conflicts) == 1
    c = conflicts[0]
    assert c["key"] == "checklist/EMU-0001/status"
    assert {(v["device_id"], v["value"]) for v in c["values"]} == {
        ("tablet-a", "under_maintenance"), ("tablet-b", "in_service")}

    r = host.post(f"/api/v1/sync/conflicts/{c['id']}/resolve", {"value": "in_service"}, token=WRITER)
    assert r.status == 200, r
    assert len(r.json["replaced"]) == 2
    assert host.get("/api/v1/sync/conflicts").json["conflicts"] == []
    assert host.post(f"/api/v1/sync/conflicts/{c['id']}/resolve", {"value": "x"}).status == 404
    a.sync(), b.sync()
    assert a.show()["fields"]["checklist/EMU-0001/status"] == ["in_service"]
    assert b.show()["fields"] == a.show()["fields"]

    sessions = host.get("/api/v1/sync/sessions").json["sessions"]
    pushes = [s for s in sessions if s["kind"] == "push" and s["outcome"] == "ok"]
    assert {s["device_id"] for s in pushes} == {"tablet-a", "tablet-b"}
    assert any(s["conflicts"] == 1 for s in pushes)
    assert sum(s["ops_in"] for s in pushes) == 3


def test_device_registry_list_revoke_and_roles(host, tmp_path):
    a = Device(host, tmp_path / "a.rhs", "tablet-a")
    a.register()
    r = host.post("/api/v1/sync/devices/register", {"device_id": "tablet-a"})
    assert r.status == 409, r
    r = host.post("/api/v1/sync/devices/register", {"device_id": "x"}, token=WRITER)
    assert r.status == 403, r
    assert host.post("/api/v1/sync/devices/register", {"name": "no id"}).status == 400
    devices = host.get("/api/v1/sync/devices", token=READER).json["devices"]
    assert [(d["device_id"], d["depot"], d["status"], d["role"]) for d in devices] == [
        ("tablet-a", "Eastfield", "active", "technician")]
    r = host.post("/api/v1/sync/devices/register", {"device_id": "x", "role": "janitor"})
    assert r.status == 400 and "janitor" in r.json["detail"], r

    a.write("checklist/EMU-0002/status", "in_service")
    assert host.post("/api/v1/sync/devices/tablet-a/revoke", {}).status == 200
    p = a.sync(check=False)
    assert p.returncode == 1 and "revoked" in p.stderr
    assert a.show()["pending"] == 1  # the queue is kept
    assert host.get("/api/v1/sync/devices").json["devices"][0]["status"] == "revoked"
    assert host.post("/api/v1/sync/devices/nope/revoke", {}).status == 404


def test_two_tenants_sync_apart_with_the_same_device_ids(host, tmp_path):
    globex = KEYS["globex-admin"]["key"]
    a = Device(host, tmp_path / "acme.rhs", "tablet-1")
    g = Device(host, tmp_path / "globex.rhs", "tablet-1", key=globex)
    assert a.register()["replica_id"] == 2
    assert g.register(admin=globex)["replica_id"] == 2  # ids and replicas are per tenant
    a.write("checklist/EMU-0001/status", "acme's")
    g.write("checklist/EMU-0001/status", "globex's")
    assert a.sync()["acked"] == 1 and g.sync()["acked"] == 1
    assert a.sync()["pulled_ops"] == 0 and g.sync()["pulled_ops"] == 0
    assert a.show()["fields"] == {"checklist/EMU-0001/status": ["acme's"]}
    assert g.show()["fields"] == {"checklist/EMU-0001/status": ["globex's"]}
    assert [d["name"] for d in host.get("/api/v1/sync/devices").json["devices"]] == ["tablet-1"]
    assert host.post("/api/v1/sync/devices/tablet-1/revoke", {}, token=globex).status == 200
    assert host.get("/api/v1/sync/devices", token=READER).json["devices"][0]["status"] == "active"
    assert host.get("/api/v1/sync/devices", token=globex).json["devices"][0]["status"] == "revoked"
    # Each tenant's log is its own stream, invisible to the other.
    assert host.get("/api/v1/events/sync-log/acme%23changes", token=READER).status == 200
    assert host.get("/api/v1/events/sync-log/acme%23changes", token=globex).status == 404


def test_a_server_that_stops_answering_fails_the_sync_at_the_timeout(host, tmp_path):
    a = Device(host, tmp_path / "a.rhs", "tablet-a")
    a.register()
    a.write("checklist/EMU-0001/status", "in_service")
    with stalling_server() as stalled:
        p = a.run("sync", "--server", stalled, "--api-key", WRITER, "--timeout", "0.2", "--max-attempts", "2",
                  check=False)
    assert p.returncode == 1 and p.stderr.count("\n") == 1, p.stderr
    assert "no answer within 200 ms" in p.stderr, p.stderr
    assert a.show()["pending"] == 1  # kept for the next sync
    for bad in (["--timeout", "0"], ["--timeout", "soon"], ["--max-attempts", "1.5"], ["--max-attempts", "0"]):
        assert a.run("sync", "--server", a.url, "--api-key", WRITER, *bad, check=False).returncode == 2, bad
    assert a.sync()["acked"] == 1


def two_tablets_one_synced(host, tmp_path, key):
    """tablet-a registered, tablet-b registered with one synced write at `key`."""
    Device(host, tmp_path / "a.rhs", "tablet-a").register()
    b = Device(host, tmp_path / "b.rhs", "tablet-b")
    b.register()
    b.write(key, "in_service")
    b.sync()  # the device client pushes and pulls in the binary form


def test_malformed_or_foreign_pushes_are_refused_and_store_nothing(host, tmp_path):
    two_tablets_one_synced(host, tmp_path, "checklist/EMU-0003/status")
    before = host.get("/api/v1/sync/pull/tablet-a?cursor=0").json
    bad = [
        {"device_id": "tablet-a", "changes": "not base64!"},
        {"device_id": "tablet-a", "first_op": 1, "changes": base64.b64encode(b"RHS\x01\x01\xff").decode()},
        {"device_id": "tablet-a", "first_op": 0, "changes": ""},
        {"device_id": "tablet-a"},
        {"device_id": "ghost", "first_op": 1, "changes": ""},
    ]
    statuses = [host.post("/api/v1/sync/push", body, token=WRITER) for body in bad]
    assert [r.status for r in statuses] == [400, 400, 400, 400, 404], statuses
    assert statuses[1].json["detail"].startswith("sync wire:")
    # tablet-a pushing tablet-b's operations (the server state holds b's dots) is forbidden
    pulled = host.get("/api/v1/sync/pull/tablet-b?cursor=0").json["changes"]
    r = host.post("/api/v1/sync/push", {"device_id": "tablet-a", "first_op": 1, "changes": pulled}, token=WRITER)
    assert r.status == 403, r
    after = host.get("/api/v1/sync/pull/tablet-a?cursor=0").json
    assert after["changes"] == before["changes"] and after["cursor"] == before["cursor"]
    outcomes = [s["outcome"] for s in host.get("/api/v1/sync/sessions").json["sessions"] if s["device_id"] == "tablet-a"]
    assert sum(o.startswith("rejected") for o in outcomes) == 2  # the two that reached the engine
    assert host.get("/api/v1/sync/pull/tablet-a?cursor=abc").status == 400


def raw(host, method, path, body=None, headers=None):
    """A request whose reply body stays bytes (the wire format is binary)."""
    conn = http.client.HTTPConnection("127.0.0.1", host.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Authorization": f"Bearer {WRITER}", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_binary_pushes_and_pulls_carry_the_wire_bytes_as_they_are(host, tmp_path):
    two_tablets_one_synced(host, tmp_path, "checklist/EMU-0005/status")
    as_json = host.get("/api/v1/sync/pull/tablet-a?cursor=0").json
    status, headers, body = raw(host, "GET", "/api/v1/sync/pull/tablet-a?cursor=0",
                                headers={"Accept": "application/octet-stream"})
    assert status == 200 and headers["content-type"] == "application/octet-stream"
    assert body == base64.b64decode(as_json["changes"])
    assert (int(headers["x-sync-from"]), int(headers["x-sync-cursor"]), int(headers["x-sync-ops"])) == (
        as_json["from"], as_json["cursor"], as_json["ops"])

    octet = {"Content-Type": "application/octet-stream"}
    bad = [
        ("/api/v1/sync/push?first_op=1", b"RHS"),                                  # no device
        ("/api/v1/sync/push?device_id=tablet-a&first_op=0", b"RHS"),              # no first op
        ("/api/v1/sync/push?device_id=tablet-a&first_op=x", b"RHS"),
        ("/api/v1/sync/push?device_id=tablet-a&first_op=1", b"RHS\x01\x01\xff"),  # malformed
        ("/api/v1/sync/push?device_id=tablet-a&first_op=1", body),                # tablet-b's operations
        ("/api/v1/sync/push?device_id=ghost&first_op=1", b"RHS"),
    ]
    replies = [raw(host, "POST", path, data, octet) for path, data in bad]
    assert [r[0] for r in replies] == [400, 400, 400, 400, 403, 404], replies
    assert replies[0][1]["content-type"] == "application/problem+json"
    assert json.loads(replies[3][2])["detail"].startswith("sync wire:")
    after = host.get("/api/v1/sync/pull/tablet-a?cursor=0").json
    assert after["changes"] == as_json["changes"] and after["cursor"] == as_json["cursor"], "nothing was stored"


def test_retry_of_an_acknowledged_push_is_idempotent(host, tmp_path):
    a = Device(host, tmp_path / "a.rhs", "tablet-a")
    a.register()
    a.write("checklist/EMU-0004/status", "in_service")
    a.write("checklist/EMU-0004/mileage", 12)
    # capture the batch the client would send, send it twice by hand (a lost ack), then sync
    a.sync()
    pulled = host.get("/api/v1/sync/pull/tablet-a?cursor=1").json
    assert pulled["ops"] == 0 and pulled["cursor"] == 1
    head = host.get("/api/v1/sync/pull/tablet-a?cursor=0").json
    r = host.post("/api/v1/sync/push", {"device_id": "tablet-a", "first_op": 1, "changes": head["changes"]}, token=WRITER)
    assert r.status == 200 and r.json["applied"] is False and r.json["acked"] == 2
    assert host.get("/api/v1/sync/pull/tablet-a?cursor=0").json["cursor"] == 1


@requires_sqlite
def test_a_restarted_host_keeps_devices_state_and_sessions(start_host, tmp_path):
    store = f"sqlite:{tmp_path / 'rh.db'}"
    h = start_host(store=store)
    a = Device(h, tmp_path / "a.rhs", "tablet-a")
    a.register()
    a.write("checklist/EMU-0005/status", "in_service")
    a.sync()
    h.stop()
    h2 = start_host(store=store)
    a.host = h2
    assert [d["device_id"] for d in h2.get("/api/v1/sync/devices").json["devices"]] == ["tablet-a"]
    a.write("checklist/EMU-0005/status", "under_maintenance")
    r = a.sync()
    assert r["acked"] == 2 and r["pushed_ops"] == 1
    b = Device(h2, tmp_path / "b.rhs", "tablet-b")
    assert b.register()["replica_id"] == 3
    b.sync()
    assert b.show()["fields"] == {"checklist/EMU-0005/status": ["under_maintenance"]}
    assert len(h2.get("/api/v1/sync/sessions").json["sessions"]) >= 4
    # the sync streams are ordinary events in the log, audited like any other
    events = h2.get("/api/v1/events/sync-log/acme%23changes").json["events"]
    assert [e["metadata"]["device"] for e in events] == ["tablet-a", "tablet-a"]
