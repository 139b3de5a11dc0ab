"""Operational surface: /health, /metrics, /api/v1/plugins, the OpenAPI document, logs."""

import json
import re

from pathlib import Path

from conftest import event, run_cli

REPO = Path(__file__).resolve().parents[3]


def test_health(host):
    r = host.get("/health", token=None)
    assert r.status == 200
    assert r.json["status"] == "ok" and r.json["head_position"] == 0
    host.append("v", "h", [event(), event()])
    assert host.get("/health", token=None).json["head_position"] == 2


def test_metrics_have_the_expected_series(host):
    for i in range(3):
        assert host.append("v", f"m{i}", [event(), event()]).status == 201
    assert host.append("v", "m0", [event()], expected="no_stream").status == 409
    host.get("/api/v1/events/v/m0")
    host.get("/nowhere")
    r = host.get("/metrics", token=None)
    assert r.status == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = r.body
    assert 'roundhouse_http_requests_total{method="POST",route="/api/v1/events",status="201"} 3' in text
    assert 'roundhouse_http_requests_total{method="POST",route="/api/v1/events",status="409"} 1' in text
    assert 'roundhouse_http_requests_total{method="GET",route="/api/v1/events/{type}/{id}",status="200"} 1' in text
    assert 'roundhouse_http_requests_total{method="GET",route="unmatched",status="404"} 1' in text
    assert re.search(r'roundhouse_http_request_duration_seconds_bucket\{method="POST",route="/api/v1/events",'
                     r'status="201",le="\+Inf"\} 3', text)
    assert 'roundhouse_http_request_duration_seconds_count{method="POST",route="/api/v1/events",status="201"} 3' in text
    assert 'roundhouse_append_requests_total{outcome="ok"} 3' in text
    assert 'roundhouse_append_requests_total{outcome="wrong_expected_version"} 1' in text
    assert "roundhouse_events_appended_total 6" in text
    assert "roundhouse_head_position 6" in text
    assert "# TYPE roundhouse_subscription_lag gauge" in text
    # Every sample line is well formed: name{labels} value
    for line in text.splitlines():
        if line and not line.startswith("#"):
            assert re.fullmatch(r'[a-z_]+(\{.*\})? [0-9.e+-]+', line), line


def test_plugins_endpoint(host):
    plugins = host.get("/api/v1/plugins").json["plugins"]
    by_name = {p["name"]: p for p in plugins}
    assert by_name["storage-memory"]["state"] == "loaded"
    assert by_name["storage-memory"]["kind"] == "storage"


def test_listening_line_is_machine_readable(host):
    lines = host.log_lines()
    listening = [l for l in lines if l["msg"] == "listening"]
    assert len(listening) == 1
    assert listening[0]["port"] == host.port and listening[0]["address"] == "127.0.0.1"
    # Keys come from the configuration here: no key is ever printed in a dashboard link.
    assert not [l for l in lines if l["msg"] == "dashboard"]
    host.get("/health", token=None)
    for l in host.log_lines():
        assert {"ts", "level", "msg"} <= set(l)
    access = [l for l in host.log_lines() if l["msg"] == "request"]
    assert access and {"route", "status", "duration_ms", "method", "path"} <= set(access[-1])


def test_openapi_describes_every_route():
    """schemas/openapi.json and the routes the host registers (its own and the plugins') agree.
    Operations marked x-roundhouse-provider only need serving when that plugin is loaded."""
    routes = json.loads(run_cli("routes", "--json").stdout)
    served = {(r["method"].lower(), r["pattern"]) for r in routes}
    loaded = {p["name"] for p in json.loads(run_cli("plugins", "--json").stdout) if p["state"] == "loaded"}
    doc = json.loads((REPO / "schemas" / "openapi.json").read_text())
    documented, optional = set(), set()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            documented.add((method, path))
            provider = op.get("x-roundhouse-provider", "host")
            if provider != "host" and provider not in loaded:
                optional.add((method, path))
    assert sorted(served - documented) == [], "routes missing from schemas/openapi.json"
    assert sorted(documented - optional - served) == [], "schemas/openapi.json documents routes nobody serves"


def test_openapi_is_served(host):
    r = host.get("/api/v1/openapi.json", token=None)
    assert r.status == 200 and r.json["openapi"].startswith("3.1")
