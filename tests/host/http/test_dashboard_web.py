"""The web dashboard plugin in a real host: the page and its bundle load without credentials and
with the caching a browser relies on (ETag + 304, immutable hashed assets, gzip on request), while
every API route the page calls still needs a key. The page's behaviour in a browser is tested by
tests/web (headless Chromium)."""

import gzip
import http.client
import json
import re

import pytest

from conftest import PLUGIN_DIR, default_config, run_cli

pytestmark = pytest.mark.skipif(
    not (PLUGIN_DIR / "dashboard-web.so").exists() or not (PLUGIN_DIR / "analytics.so").exists(),
    reason="dashboard-web or analytics plugin not built")


def asset_paths(page):
    return re.findall(r'(?:src|href)="(/assets/dashboard-web/[^"]+)"', page)


def test_page_is_served_without_credentials(host):
    r = host.get("/", token=None)
    assert r.status == 200, r
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["cache-control"] == "no-cache"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<title>" in r.body
    paths = asset_paths(r.body)
    assert any(p.endswith(".js") for p in paths) and any(p.endswith(".css") for p in paths), paths
    for name in ("executive", "operations", "maintenance", "inventory"):
        d = host.get(f"/dashboards/{name}", token=None)
        assert d.status == 200 and d.headers["etag"] == r.headers["etag"]


def test_page_revalidates_with_etag(host):
    first = host.get("/", token=None)
    again = host.get("/", token=None, headers={"If-None-Match": first.headers["etag"]})
    assert again.status == 304
    assert again.body == ""
    assert again.headers["etag"] == first.headers["etag"]
    assert host.get("/", token=None, headers={"If-None-Match": '"stale"'}).status == 200


def test_head_gives_the_headers_of_get(host):
    get = host.get("/", token=None)
    head = host.request("HEAD", "/", token=None)
    assert head.status == 200 and head.body == ""
    assert head.headers["content-length"] == str(len(get.body.encode()))
    assert head.headers["etag"] == get.headers["etag"]


def test_hashed_assets_are_immutable_and_gzipped_on_request(host):
    page = host.get("/", token=None).body
    script = next(p for p in asset_paths(page) if p.endswith(".js"))
    plain = host.get(script, token=None)
    assert plain.status == 200
    assert plain.headers["content-type"] == "text/javascript; charset=utf-8"
    assert plain.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert plain.headers["vary"] == "Accept-Encoding"
    assert "content-encoding" not in plain.headers
    assert "Chart" in plain.body  # Chart.js is in the bundle, not fetched from a CDN

    conn = http.client.HTTPConnection("127.0.0.1", host.port, timeout=10)
    try:
        conn.request("GET", script, headers={"Accept-Encoding": "gzip"})
        r = conn.getresponse()
        body = r.read()
        assert r.status == 200 and r.getheader("Content-Encoding") == "gzip"
        assert gzip.decompress(body).decode() == plain.body
        assert len(body) < len(plain.body) / 2
        assert r.getheader("ETag") != plain.headers["etag"]
    finally:
        conn.close()

    style = next(p for p in asset_paths(page) if p.endswith(".css"))
    css = host.get(style, token=None)
    assert css.status == 200 and css.headers["content-type"] == "text/css; charset=utf-8"


def test_unknown_dashboards_and_files_are_404(host):
    r = host.get("/dashboards/finance", token=None)
    assert r.status == 404 and r.json["code"] == "not_found"
    assert "executive" in r.json["detail"]
    assert host.get("/assets/dashboard-web/nope.js", token=None).status == 404
    assert host.get("/assets/dashboard-web/..%2Findex.html", token=None).status == 404
    assert host.post("/", {}, token=None).status == 405


def test_api_still_needs_a_key(host):
    assert host.get("/api/v1/analytics/dashboard/executive", token=None).status == 401
    assert host.get("/api/v1/events/stream", token=None).status == 401


def test_plugin_loads_after_analytics_and_a_bad_bundle_folder_is_reported(tmp_path, start_host):
    plugins = {p["name"]: p for p in json.loads(run_cli("plugins", "--json").stdout)}
    assert plugins["dashboard-web"]["state"] == "loaded", plugins["dashboard-web"]

    config = {"plugins": {"dashboard-web": {"assets_dir": str(tmp_path / "missing")}}}
    h = start_host(config={**default_config(), **config})
    assert h.get("/health", token=None).status == 200  # the host keeps serving the API
    assert h.get("/", token=None).status == 404
    r = h.get("/api/v1/plugins")
    dash = next(p for p in r.json["plugins"] if p["name"] == "dashboard-web")
    assert dash["state"] == "failed"
    assert str(tmp_path / "missing") in dash["reason"]
