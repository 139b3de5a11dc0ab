"""Fixtures for the Python package tests.

The package is imported from the build tree: ROUNDHOUSE_BUILD_DIR (default <repo>/build) /python,
with the plugins of that build (lib/roundhouse/plugins). Stores are real: memory: or a SQLite file
in a temporary folder.
"""

import os
import sys
from pathlib import Path

import pytest

BUILD_DIR = Path(os.environ.get("ROUNDHOUSE_BUILD_DIR", Path(__file__).resolve().parents[2] / "build")).resolve()
sys.path.insert(0, str(BUILD_DIR / "python"))
PLUGIN_DIR = BUILD_DIR / "lib" / "roundhouse" / "plugins"

import roundhouse as rh  # noqa: E402


@pytest.fixture
def mem():
    with rh.open("memory:") as store:
        yield store


@pytest.fixture
def sqlite_uri(tmp_path):
    return f"sqlite:{tmp_path / 'fleet.db'}"


@pytest.fixture
def store(sqlite_uri):
    with rh.open(sqlite_uri) as s:
        yield s


def status_event(status, **extra):
    return {"type": "StatusChanged", "payload": {"status": status, **extra}}


def register_vehicle(store, number, depot="North", **kw):
    body = {"number": number, "vehicle_type": "emu_car", "depot": depot, "commissioned_on": "2019-04-01"}
    body.update(kw)
    return store.command("register-vehicle", data=body)


def small_fleet(store, failures):
    """EMU-1 (depot North) and EMU-2 (South) with one minor failure per (vehicle, system); returns store."""
    register_vehicle(store, "EMU-1", depot="North")
    register_vehicle(store, "EMU-2", depot="South")
    for vehicle, system in failures:
        report_failure(store, vehicle, system)
    return store


def report_failure(store, vehicle, system):
    """A minor, service-affecting failure of `system` on `vehicle`."""
    store.command("report-failure", data={"vehicle_id": vehicle, "system": system, "severity": "minor",
                                          "service_affecting": True})


@pytest.fixture(scope="session")
def demo_uri(tmp_path_factory):
    """The small demo fleet (~69k events) in one SQLite file, written once per session."""
    uri = f"sqlite:{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    with rh.open(uri) as s:
        rh.demo(s, size="small")
    return uri
