"""How the host serves routes registered by plugins: the "open" role (no credentials) is granted
only to GET routes outside /api/, request headers reach the handler, and a 304 goes out without
a body whatever the handler put in it. Uses the test-open-routes plugin beside storage-memory."""

import http.client
import json
import os

import pytest

from conftest import BUILD_DIR, PLUGIN_DIR

TEST_PLUGIN = BUILD_DIR / "tests" / "host" / "loader" / "test-plugins" / "test-open-routes.so"


@pytest.fixture
def open_host(start_host, tmp_path):
    if not TEST_PLUGIN.exists():
        pytest.skip("test-open-routes plugin not built")
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    os.symlink(PLUGIN_DIR / "storage-memory.so", plugins / "storage-memory.so")
    os.symlink(TEST_PLUGIN, plugins / "test-open-routes.so")
    return start_host(plugin_dir=plugins)


def test_open_get_route_needs_no_credentials_and_sees_headers(open_host):
    r = open_host.get("/test-open/page", token=None, headers={"Accept": "text/html"})
    assert r.status == 200, r
    assert r.json == {"accept": "text/html", "subject": ""}
    # Credentials are not needed, and not looked at: a wrong key is no reason to refuse a page.
    assert open_host.get("/test-open/page", token="not-a-key").status == 200


def test_unsafe_open_routes_are_skipped_with_a_warning(open_host):
    assert open_host.post("/test-open/page", {}, token=None).status == 405
    r = open_host.get("/api/v1/test-open", token=None)
    assert r.status == 404 and r.json["code"] == "route_not_found"
    skipped = [line for line in open_host.log_lines() if line["msg"] == "plugin route skipped"]
    reasons = {line["route"]: line["reason"] for line in skipped}
    assert "only GET routes may be open" in reasons["POST /test-open/{x}"]
    assert "under /api/ need a role" in reasons["GET /api/v1/test-open"]


def test_default_role_is_reader(open_host):
    assert open_host.get("/test-default", token=None).status == 401
    r = open_host.get("/test-default")
    assert r.status == 200 and r.json["subject"] == "acme-admin"


def test_not_modified_has_no_body(open_host):
    conn = http.client.HTTPConnection("127.0.0.1", open_host.port, timeout=10)
    try:
        conn.request("GET", "/test-open/page", headers={"If-None-Match": '"v1"'})
        r = conn.getresponse()
        assert r.status == 304
        assert r.read() == b""
        assert r.getheader("ETag") == '"v1"'
        # Same connection: the 304 left no stray body bytes that would corrupt the next answer.
        conn.request("GET", "/test-open/page")
        r = conn.getresponse()
        assert r.status == 200 and json.loads(r.read())["accept"] == "(none)"
    finally:
        conn.close()
