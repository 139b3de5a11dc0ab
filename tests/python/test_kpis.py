"""KPIs written in Python (@rh.kpi): computed by the analytics plugin's model beside the built-in
ones — in-process through store.kpis()/kpi()/kpi_series(), and in a real `roundhouse serve` through
the scripting plugin at /api/v1/analytics/kpis/{name}. A failing KPI is recorded and reads as
undefined; the other KPIs and the host carry on."""

import textwrap
import time

import pandas as pd
import pytest

import roundhouse as rh
from conftest import report_failure, small_fleet
from host_harness import needs_scripting_host, report_failures, scripted_host

WINDOW = ("2000-01-01", "2100-01-01")

KPI_SCRIPT = """
import roundhouse as rh

@rh.kpi("door_failures", title="Door failures", unit="count", higher_is_better=False,
        event_types=["FailureReported"])
class DoorFailures:
    \"\"\"Failures reported against the doors.\"\"\"
    def __init__(self):
        self.seen = []
    def apply(self, event):
        if event.payload.get("system") == "doors":
            self.seen.append((event.occurred_at_us, event.payload["vehicle_id"]))
    def value(self, start, end, in_scope):
        lo, hi = rh.kpis.micros(start), rh.kpis.micros(end)
        return sum(1 for t, v in self.seen if lo <= t < hi and in_scope(v))
"""


def define_door_failures():
    namespace = {}
    exec(textwrap.dedent(KPI_SCRIPT), namespace)
    return namespace["DoorFailures"]


@pytest.fixture
def fleet(mem):
    return small_fleet(mem, [("EMU-1", "doors"), ("EMU-1", "doors"), ("EMU-2", "doors"), ("EMU-2", "hvac")])


def test_a_python_kpi_is_served_beside_the_builtin_ones(fleet):
    define_door_failures()
    frame = fleet.kpis(window=WINDOW)
    assert frame.loc["door_failures", "value"] == 3 and frame.loc["failures", "value"] == 4
    assert frame.loc["door_failures", "title"] == "Door failures"
    assert fleet.kpi("door_failures", depot="North", window=WINDOW)["value"] == 2
    assert fleet.kpi("door_failures", scope={"vehicle_id": "EMU-2"}, window=WINDOW)["value"] == 1
    defs = fleet.kpi_definitions()
    assert defs.loc["door_failures", "provider"] == "python"
    series = fleet.kpi_series("door_failures", interval="day", window=7)
    assert series["door_failures"].sum() == 3
    report_failure(fleet, "EMU-2", "doors")  # new events reach the Python calculator too
    assert fleet.kpi("door_failures", window=WINDOW)["value"] == 4
    assert any(k["name"] == "door_failures" for k in rh.kpis.registered())


def test_re_registering_replaces_the_class(fleet):
    define_door_failures()
    assert fleet.kpi("door_failures", window=WINDOW)["value"] == 3

    @rh.kpi("door_failures", title="Door failures", unit="count", higher_is_better=False,
            event_types=["FailureReported"])
    class Doubled(define_door_failures()):
        """Failures reported against the doors."""

        def value(self, start, end, in_scope):
            return 2 * super().value(start, end, in_scope)

    assert fleet.kpi("door_failures", window=WINDOW)["value"] == 6
    with pytest.raises(rh.ValidationError, match="restart"):
        rh.kpi("door_failures", title="Other title", event_types=["FailureReported"])(Doubled)


def test_a_failing_kpi_reads_as_undefined_and_is_recorded(fleet):
    @rh.kpi("broken_kpi", event_types=["FailureReported"])
    class Broken:
        def apply(self, event):
            pass

        def value(self, start, end, in_scope):
            raise RuntimeError("no value today")

    frame = fleet.kpis(window=WINDOW)
    assert pd.isna(frame.loc["broken_kpi", "value"]) and frame.loc["failures", "value"] == 4
    assert "no value today" in rh.kpis.errors()["broken_kpi"]

    @rh.kpi("broken_kpi", event_types=["FailureReported"])
    class Unbuildable:
        def __init__(self):
            raise ValueError("cannot start")

        def apply(self, event):
            pass

        def value(self, start, end, in_scope):
            return 1

    assert pd.isna(fleet.kpi("broken_kpi", window=WINDOW)["value"])
    assert "cannot start" in rh.kpis.errors()["broken_kpi"]


@pytest.mark.parametrize("name, cls, text", [
    ("bad name", type("K", (), {"apply": lambda s, e: None, "value": lambda s, a, b, c: 1}), "letters"),
    ("no_value", type("K", (), {"apply": lambda s, e: None}), "value"),
])
def test_bad_kpi_definitions_are_refused(name, cls, text):
    with pytest.raises(rh.ValidationError, match=text):
        rh.kpi(name)(cls)


@needs_scripting_host
def test_the_host_serves_a_kpi_from_a_script(tmp_path):
    host = scripted_host(tmp_path, "doors.py", textwrap.dedent(KPI_SCRIPT))
    try:
        report_failures(host, [("EMU-1", "doors"), ("EMU-2", "doors"), ("EMU-2", "brakes")])
        deadline = time.monotonic() + 60
        while True:  # the host's analytics model follows the log asynchronously
            r = host.get("/api/v1/analytics/kpis/door_failures?from=2000-01-01&to=2100-01-01")
            assert r.status == 200, r
            if r.json["kpi"]["value"] == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert r.json["kpi"]["value"] == 2 and r.json["kpi"]["title"] == "Door failures"
        listed = host.get("/api/v1/analytics/kpis?from=2000-01-01&to=2100-01-01").json["kpis"]
        assert {k["name"]: k["value"] for k in listed}["door_failures"] == 2
        defs = host.get("/api/v1/analytics/definitions").json["kpis"]
        assert [d["provider"] for d in defs if d["name"] == "door_failures"] == ["scripting"]
    finally:
        host.stop()
