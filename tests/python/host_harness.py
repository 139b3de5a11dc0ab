"""The host test harness of tests/host/http (a real `roundhouse serve` per fixture), loaded under its
own name for the Python package's tests. The host binary is the build's bin/roundhouse
($ROUNDHOUSE_TEST_HOST overrides it)."""

import importlib.util
import os
from pathlib import Path

from conftest import BUILD_DIR

_spec = importlib.util.spec_from_file_location(
    "host_http_harness", Path(__file__).resolve().parents[1] / "host" / "http" / "conftest.py")
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)
harness.BINARY = Path(os.environ.get("ROUNDHOUSE_TEST_HOST", BUILD_DIR / "bin" / "roundhouse"))
