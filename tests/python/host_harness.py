"""The host test harness of tests/host/http (a real `roundhouse serve` per fixture), loaded under its
own name for the Python package's tests. The host binary is the build's bin/roundhouse
($ROUNDHOUSE_TEST_HOST overrides it)."""

import importlib.util
import os
from pathlib import Path

import pytest

from conftest import BUILD_DIR, PLUGIN_DIR

_spec = importlib.util.spec_from_file_location(
    "host_http_harness", Path(__file__).resolve().parents[1] / "host" / "http" / "conftest.py")
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)
harness.BINARY = Path(os.environ.get("ROUNDHOUSE_TEST_HOST", BUILD_DIR / "bin" / "roundhouse"))

needs_scripting_host = pytest.mark.skipif(not harness.BINARY.exists() or not (PLUGIN_DIR / "scripting.so").exists(),
                                          reason="host or scripting plugin not built")


def scripted_host(tmp_path, name, script, vehicles=("EMU-1", "EMU-2")):
    """A started `roundhouse serve` (memory: store) whose scripting plugin loads `script` as
    scripts/`name`, with `vehicles` registered at depot North. The caller stops it."""
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / name).write_text(script)
    config = harness.default_config()
    config["plugins"] = {"scripting": {"scripts_dir": str(scripts)}}
    host = harness.Host(tmp_path / "host", "memory:", config=config).start()
    for vehicle in vehicles:
        r = host.post("/api/v1/fleet/vehicles", {"number": vehicle, "vehicle_type": "emu_car", "depot": "North",
                                                 "commissioned_on": "2019-04-01"})
        assert r.status in (200, 201), r
    return host


def report_failures(host, failures):
    """POSTs one minor, service-affecting failure per (vehicle, system)."""
    for vehicle, system in failures:
        r = host.post("/api/v1/fleet/failures", {"vehicle_id": vehicle, "system": system, "severity": "minor",
                                                 "service_affecting": True})
        assert r.status in (200, 201), r
