"""Authentication (API keys, HS256 JWT), roles, and tenant isolation."""

import os
import stat
import time

from conftest import KEYS, OTHER_TENANT, event, make_jwt


def test_missing_and_bad_tokens_are_401(host):
    for token, headers in [(None, None), ("wrong-key-0123456789", None), (None, {"Authorization": "Basic Zm9vOmJhcg=="}),
                           (None, {"Authorization": "Bearer "})]:
        r = host.get("/api/v1/events", token=token, headers=headers)
        assert r.status == 401, (token, headers, r)
        assert r.json["code"] == "unauthenticated"
        assert r.headers["www-authenticate"].startswith("Bearer")
    r = host.append("v", "x", [event()], token="wrong-key-0123456789")
    assert r.status == 401
    assert host.get("/api/v1/events").json["events"] == []


def test_health_metrics_and_openapi_are_open(host):
    for path in ["/health", "/metrics", "/api/v1/openapi.json"]:
        assert host.get(path, token=None).status == 200, path


def test_jwt_tokens(host):
    now = int(time.time())
    good = make_jwt({"sub": "alice", "tenant": "acme", "roles": ["writer", "reader"], "exp": now + 300})
    r = host.append("v", "jwt-1", [event()], token=good)
    assert r.status == 201, r
    got = host.get("/api/v1/events/v/jwt-1", token=good).json["events"][0]
    assert got["tenant"] == "acme" and got["metadata"]["actor"] == "alice"

    bad = [
        make_jwt({"sub": "a", "tenant": "acme", "roles": ["admin"], "exp": now - 3600}),            # expired
        make_jwt({"sub": "a", "tenant": "acme", "roles": ["admin"], "exp": now + 300}, secret="x" * 32),  # signature
        make_jwt({"sub": "a", "roles": ["admin"], "exp": now + 300}),                               # no tenant
        make_jwt({"sub": "a", "tenant": "acme", "roles": ["admin"]}),                               # no exp
        make_jwt({"sub": "a", "tenant": "acme", "roles": ["admin"], "exp": now + 300}, alg="none"),  # alg none
        good[:-4] + "AAAA",                                                                         # tampered
        "a.b.c",
    ]
    for token in bad:
        r = host.get("/api/v1/events", token=token)
        assert r.status == 401, (token, r)
        assert r.json["code"] == "unauthenticated"


def test_roles(host):
    reader, writer = KEYS["acme-reader"]["key"], KEYS["acme-writer"]["key"]
    r = host.append("v", "roles", [event()], token=reader)
    assert r.status == 403 and r.json["code"] == "forbidden"
    assert host.append("v", "roles", [event()], token=writer).status == 201
    assert host.get("/api/v1/events/v/roles", token=reader).status == 200
    assert host.get("/api/v1/events/v/roles", token=writer).status == 403
    assert host.get("/api/v1/plugins", token=reader).status == 200


def test_tenant_isolation(host):
    assert host.append("vehicle", "SHARED-1", [event(secret="acme")]).status == 201
    # Another tenant cannot see the stream (404, as if absent) ...
    r = host.get("/api/v1/events/vehicle/SHARED-1", token=OTHER_TENANT)
    assert r.status == 404 and r.json["code"] == "not_found"
    # ... nor find its events in the log ...
    assert host.get("/api/v1/events", token=OTHER_TENANT).json["events"] == []
    # ... nor append to it.
    r = host.append("vehicle", "SHARED-1", [event(secret="globex")], token=OTHER_TENANT)
    assert r.status == 403 and r.json["code"] == "forbidden"
    events = host.get("/api/v1/events/vehicle/SHARED-1").json["events"]
    assert [e["payload"] for e in events] == [{"secret": "acme"}]
    # Its own streams work as usual and stay invisible to the first tenant.
    assert host.append("vehicle", "G-1", [event()], token=OTHER_TENANT).status == 201
    assert host.get("/api/v1/events/vehicle/G-1").status == 404
    assert [e["stream"]["id"] for e in host.get("/api/v1/events").json["events"]] == ["SHARED-1"]


def test_generated_admin_key_when_no_auth_is_configured(start_host, tmp_path):
    data = tmp_path / "state"
    h = start_host(config={"data_dir": str(data), "threads": 1})
    key_file = data / "admin.key"
    key = key_file.read_text().strip()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    logged = [l for l in h.log_lines() if l.get("key") == key]
    assert len(logged) == 1 and logged[0]["tenant"] == "default"
    assert h.get("/api/v1/events", token=None).status == 401
    assert h.append("v", "x", [event()], token=key).status == 201
    assert h.get("/api/v1/events/v/x", token=key).json["events"][0]["tenant"] == "default"
    # With the web dashboard loaded, the log gives the operator a link that carries the key in the
    # URL fragment (never sent to the server).
    plugins = {p["name"]: p["state"] for p in h.get("/api/v1/plugins", token=key).json["plugins"]}
    links = [l["url"] for l in h.log_lines() if l["msg"] == "dashboard"]
    expected = [f"http://127.0.0.1:{h.port}/#key={key}"] if plugins.get("dashboard-web") == "loaded" else []
    assert links == expected
    assert h.stop() == 0
    # A restart reuses the key, so scripts and bookmarks keep working.
    h2 = start_host(config={"data_dir": str(data), "threads": 1})
    assert key_file.read_text().strip() == key
    assert h2.get("/api/v1/plugins", token=key).status == 200
