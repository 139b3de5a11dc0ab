"""The event endpoints: append, read one stream, read everything (paged), and their errors."""

import json
import uuid

from conftest import ADMIN, event


def test_append_then_read_stream_round_trip(host):
    ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    r = host.append("vehicle", "ICE-4711", [
        {"id": ids[0], "type": "Registered", "payload": {"class": "ICE 4", "depot": "MUC"},
         "occurred_at": "2026-03-02T14:05:00Z", "metadata": {"correlation_id": "c-1"}},
        {"id": ids[1], "type": "StatusChanged", "payload": {"status": "in_service"}},
    ], expected="no_stream")
    assert r.status == 201, r
    body = r.json
    assert body["ids"] == ids
    assert body["first_version"] == 1 and body["last_version"] == 2
    assert body["positions"] == [1, 2]
    assert body["idempotent_replay"] is False
    assert r.headers["location"] == "/api/v1/events/vehicle/ICE-4711"

    r = host.get("/api/v1/events/vehicle/ICE-4711")
    assert r.status == 200, r
    events = r.json["events"]
    assert [e["id"] for e in events] == ids
    assert [e["version"] for e in events] == [1, 2]
    first = events[0]
    assert first["payload"] == {"class": "ICE 4", "depot": "MUC"}
    assert first["occurred_at"] == "2026-03-02T14:05:00.000000Z"
    assert first["tenant"] == "acme"
    assert first["metadata"]["tenant"] == "acme"
    assert first["metadata"]["correlation_id"] == "c-1"
    assert first["metadata"]["actor"] == "acme-admin"  # the caller, when the client sets none
    assert len(first["hash"]) == 64


def test_read_stream_backward_limit_and_from_version(host):
    for i in range(5):
        assert host.append("wo", "W1", [event(n=i)]).status == 201
    r = host.get("/api/v1/events/wo/W1?direction=backward&limit=2")
    assert [e["version"] for e in r.json["events"]] == [5, 4]
    assert r.json["next_version"] == 3
    r = host.get("/api/v1/events/wo/W1?from_version=4")
    assert [e["version"] for e in r.json["events"]] == [4, 5]
    assert "next_version" not in r.json


def test_expected_versions(host):
    assert host.append("part", "P1", [event()], expected="exists").status == 409
    assert host.append("part", "P1", [event()], expected=0).status == 201
    assert host.append("part", "P1", [event()], expected=1).status == 201
    r = host.append("part", "P1", [event()], expected=1)
    assert r.status == 409
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json["code"] == "wrong_expected_version"
    assert r.json["status"] == 409
    assert r.json["instance"] == "/api/v1/events"
    assert host.append("part", "P1", [event()], expected="exists").status == 201
    assert host.append("part", "P1", [event()], expected="no_stream").status == 409
    assert len(host.get("/api/v1/events/part/P1").json["events"]) == 3


def test_retry_with_same_ids_is_idempotent(host):
    events = [{"id": str(uuid.uuid4()), "type": "Received", "payload": {"qty": 5}}]
    first = host.append("part", "P2", events, expected="no_stream")
    again = host.append("part", "P2", events, expected="no_stream")
    assert first.status == 201 and again.status == 201
    assert again.json["idempotent_replay"] is True
    assert again.json["positions"] == first.json["positions"]
    assert len(host.get("/api/v1/events/part/P2").json["events"]) == 1


def test_malformed_json_is_400_and_stores_nothing(host):
    for body in ['{"stream":', "not json", ""]:
        r = host.post("/api/v1/events", body, headers={"Content-Type": "application/json"})
        assert r.status == 400, r
        assert r.json["code"] == "malformed_json"
        assert set(r.json) >= {"type", "title", "status", "detail", "code", "instance"}
    assert host.get("/api/v1/events").json["events"] == []


def test_schema_violation_is_422_with_paths(host):
    r = host.post("/api/v1/events", {"stream": {"type": "vehicle"}, "events": [{"type": "1bad", "payload": 3}]})
    assert r.status == 422, r
    p = r.json
    assert p["code"] == "schema_violation"
    paths = {e["path"] for e in p["errors"]}
    assert {"/stream", "/events/0/type", "/events/0/payload"} <= paths
    assert all("Failed to validate against schema associated" not in e["message"] for e in p["errors"])

    cases = [
        ({"stream": {"type": "v", "id": "a/b"}, "events": [event()]}, "/stream/id"),
        ({"stream": {"type": "v", "id": "x"}, "events": []}, "/events"),
        ({"stream": {"type": "v", "id": "x"}, "expected_version": "sometimes", "events": [event()]},
         "/expected_version"),
        ({"stream": {"type": "v", "id": "x"}, "events": [dict(event(), id="not-a-uuid")]}, "/events/0/id"),
        ({"stream": {"type": "v", "id": "x"}, "events": [dict(event(), occurred_at="2026-13-45T99:00:00Z")]},
         "/events/0/occurred_at"),
        ({"stream": {"type": "v", "id": "x"}, "events": [event()], "tenant": "globex"}, ""),
    ]
    for body, path in cases:
        r = host.post("/api/v1/events", body)
        assert r.status == 422, (body, r)
        assert path in {e["path"] for e in r.json["errors"]}, (body, r.json)
    assert host.get("/api/v1/events").json["events"] == []


def test_payload_schema_of_a_registered_event_type_is_enforced(host):
    # The fleet plugin registers payload schemas; an empty payload cannot satisfy VehicleRegistered.
    plugins = {p["name"]: p["state"] for p in host.get("/api/v1/plugins").json["plugins"]}
    if plugins.get("fleet") != "loaded":
        import pytest
        pytest.skip("fleet plugin not loaded")
    r = host.append("vehicle", "V9", [{"type": "VehicleRegistered", "payload": {}}])
    assert r.status == 422, r
    assert r.json["errors"][0]["path"].startswith("/events/0/payload")


def test_body_over_the_limit_is_413(host):
    big = json.dumps({"stream": {"type": "v", "id": "x"}, "events": [{"type": "T", "payload": {"blob": "x" * (1 << 20)}}]})
    r = host.post("/api/v1/events", big, headers={"Content-Type": "application/json"})
    assert r.status == 413, r
    assert r.json["code"] == "payload_too_large"
    assert host.get("/api/v1/events").json["events"] == []


def test_body_limit_is_configurable(start_host):
    from conftest import default_config
    cfg = default_config()
    cfg["max_body_bytes"] = 2048
    h = start_host(config=cfg)
    assert h.append("v", "x", [event(blob="y" * 1000)]).status == 201
    r = h.append("v", "x", [event(blob="y" * 3000)])
    assert r.status == 413
    assert len(h.get("/api/v1/events/v/x").json["events"]) == 1


def test_unknown_route_404_and_wrong_method_405(host):
    r = host.get("/api/v2/nothing")
    assert r.status == 404 and r.json["code"] == "route_not_found"
    r = host.request("DELETE", "/api/v1/events")
    assert r.status == 405 and r.json["code"] == "method_not_allowed"
    assert set(r.headers["allow"].split(", ")) == {"GET", "POST"}


def test_unknown_stream_404(host):
    r = host.get("/api/v1/events/vehicle/none")
    assert r.status == 404 and r.json["code"] == "not_found"


def test_bad_query_parameters_are_400(host):
    for q in ["limit=0", "limit=abc", "from_position=-1", "fromPosition=3", "limit=10001"]:
        r = host.get("/api/v1/events?" + q)
        assert r.status == 400, (q, r)
        assert r.json["code"] == "invalid_argument"
    assert host.get("/api/v1/events/x/y?direction=sideways").status == 400


def test_read_all_paging_and_filters(host):
    for i in range(25):
        t = "Created" if i % 5 == 0 else "Reading"
        assert host.append("vehicle" if i % 2 else "wo", f"S{i % 3}", [event(t, n=i)]).status == 201
    seen, pos, pages = [], 1, 0
    while True:
        r = host.get(f"/api/v1/events?from_position={pos}&limit=10")
        assert r.status == 200
        page = r.json
        pages += 1
        if not page["events"]:
            break
        assert len(page["events"]) <= 10
        seen += [e["position"] for e in page["events"]]
        assert page["next_position"] == page["events"][-1]["position"] + 1
        pos = page["next_position"]
    assert seen == list(range(1, 26))
    assert pages == 4
    assert page["head_position"] == 25

    r = host.get("/api/v1/events?type=Created&limit=100").json
    assert [e["payload"]["n"] for e in r["events"]] == [0, 5, 10, 15, 20]
    assert r["next_position"] == 26  # a short page skips to the head
    r = host.get("/api/v1/events?aggregate_type=wo&type=Created,Reading").json
    assert all(e["stream"]["type"] == "wo" for e in r["events"]) and len(r["events"]) == 13


def test_keep_alive_serves_several_requests_on_one_connection(host):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", host.port, timeout=10)
    for _ in range(3):
        conn.request("GET", "/health")
        resp = conn.getresponse()
        assert resp.status == 200
        resp.read()
    conn.request("GET", "/api/v1/events", headers={"Authorization": f"Bearer {ADMIN}"})
    assert conn.getresponse().status == 200
    conn.close()


def test_stream_ids_with_reserved_characters(host):
    r = host.append("vehicle", "ICE 4711?x#1%", [event()])
    assert r.status == 201, r
    assert r.headers["location"] == "/api/v1/events/vehicle/ICE%204711%3Fx%231%25"
    got = host.get(r.headers["location"]).json
    assert got["stream"]["id"] == "ICE 4711?x#1%" and len(got["events"]) == 1
