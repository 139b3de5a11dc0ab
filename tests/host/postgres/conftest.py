"""Fixtures for several `roundhouse serve` processes on one PostgreSQL database.

Run under tests/storage/with-postgres, which starts a throwaway cluster and exports
ROUNDHOUSE_TEST_POSTGRES_URI (and ROUNDHOUSE_TEST_POSTGRES_CTL: stop | start | restart). Each test
gets a fresh schema in that database. The host helpers (Host, EventStream, ...) are the HTTP
tests' (tests/host/http/conftest.py).
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
from conftest import ADMIN, PLUGIN_DIR, EventStream, Host, event, metric, run_cli, wait_until  # noqa: E402,F401

POSTGRES_URI = os.environ.get("ROUNDHOUSE_TEST_POSTGRES_URI")
POSTGRES_CTL = os.environ.get("ROUNDHOUSE_TEST_POSTGRES_CTL")

requires_postgres = pytest.mark.skipif(
    not POSTGRES_URI or not (PLUGIN_DIR / "storage-postgres.so").exists(),
    reason="needs the storage-postgres plugin and tests/storage/with-postgres (ROUNDHOUSE_TEST_POSTGRES_URI)")


@pytest.fixture
def store_uri():
    """The test database with a schema of its own."""
    sep = "&" if "?" in POSTGRES_URI else "?"
    return f"{POSTGRES_URI}{sep}schema=t_{uuid.uuid4().hex[:16]}"


@pytest.fixture
def hosts(tmp_path, store_uri):
    """hosts(n, config=None) -> n running hosts on the same store (separate folders); killed after the test."""
    started = []

    def start(n=2, config=None):
        for i in range(n):
            h = Host(tmp_path / f"host-{len(started)}", store_uri, config=config)
            started.append(h)
            h.start()
        return started[-n:]

    yield start
    for h in started:
        if h.proc and h.proc.poll() is None:
            h.kill()


def postgres_ctl(action):
    """Stops, starts or restarts the test cluster (same port and data)."""
    assert POSTGRES_CTL, "ROUNDHOUSE_TEST_POSTGRES_CTL is not set"
    subprocess.run([POSTGRES_CTL, action], check=True, capture_output=True, timeout=120)


@pytest.fixture
def cluster():
    """Control of the test cluster; makes sure it runs again after the test whatever happened."""
    yield postgres_ctl
    subprocess.run([POSTGRES_CTL, "start"], capture_output=True, timeout=120)  # fails harmlessly when it runs


def read_log(host, token=ADMIN):
    """The caller's whole log through GET /api/v1/events, following next_position."""
    events, position = [], 1
    while True:
        r = host.get(f"/api/v1/events?from_position={position}&limit=10000", token=token)
        assert r.status == 200, r
        page = r.json
        events += page["events"]
        if not page["events"]:
            return events
        position = page["next_position"]
