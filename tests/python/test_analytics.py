"""The analytics plugin's KPI engine from Python: store.kpis()/kpi()/kpi_series()/dashboard() give
the same numbers as a real `roundhouse serve` over the same SQLite file, as pandas (DatetimeIndex
for time series) and dicts; the in-process model folds only new events; bad input raises named
errors and writes nothing."""

import math
import time

import numpy as np
import pandas as pd
import pytest

import roundhouse as rh
from conftest import PLUGIN_DIR, register_vehicle
from host_harness import harness

KEY = "python-default-admin-0123456789"


@pytest.fixture(scope="module")
def demo(demo_uri):
    with rh.open(demo_uri) as s:
        yield s


@pytest.fixture(scope="module")
def host(demo_uri, tmp_path_factory):
    """A real host serving the demo store (tenant 'default', as rh.demo wrote it)."""
    if not harness.BINARY.exists():
        pytest.skip("host not built")
    config = harness.default_config()
    config["auth"]["api_keys"].append({"name": "py", "key": KEY, "tenant": "default", "roles": ["admin"]})
    h = harness.Host(tmp_path_factory.mktemp("analytics-host"), demo_uri, config=config).start(timeout=60)
    deadline = time.monotonic() + 120
    while True:  # until the host's analytics model has caught up with the log
        status = h.get("/api/v1/projections/analytics", token=KEY).json
        if status["state"] == "live" and status["lag"] == 0:
            break
        assert time.monotonic() < deadline, h.log()
        time.sleep(0.05)
    yield h
    h.stop()


def http(host, path):
    r = host.get(path, token=KEY)
    assert r.status == 200, r
    return r.json


def same(a, b):
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return a == pytest.approx(b, rel=1e-12)


def test_kpis_equal_the_http_api(demo, host):
    frame = demo.kpis(depot="North", window=60)
    body = http(host, "/api/v1/analytics/kpis?depot=North&days=60")
    assert list(frame.index) == [k["name"] for k in body["kpis"]]
    for k in body["kpis"]:
        row = frame.loc[k["name"]]
        for column in ("value", "previous", "change_pct"):
            assert same(row[column], k[column]), (k["name"], column)
        assert row["trend"] == k["trend"] and row["unit"] == k["unit"] and row["basis"] == k["basis"]
    assert frame["value"].dtype == np.float64
    assert frame.attrs["window"] == body["window"] and frame.attrs["scope"] == body["scope"]


def test_one_kpi_and_a_dashboard_equal_the_http_api(demo, host):
    s = demo.kpi("mttr", scope={"vehicle_type": "emu_car"}, window=("2025-01-01", "2025-06-30"))
    body = http(host, "/api/v1/analytics/kpis/mttr?vehicle_type=emu_car&from=2025-01-01&to=2025-06-30")["kpi"]
    assert s.name == "mttr" and same(s["value"], body["value"]) and s["trend"] == body["trend"]
    assert s.attrs["by_system"] == body["by_system"] and s.attrs["definition"] == body["definition"]
    for name in ("executive", "inventory"):
        assert demo.dashboard(name) == http(host, f"/api/v1/analytics/dashboard/{name}")
    assert demo.dashboards() == http(host, "/api/v1/analytics/dashboards")["dashboards"]
    assert demo.fleet_summary() == http(host, "/api/v1/analytics/metrics/summary")


def test_time_series_are_frames_with_a_datetime_index(demo, host):
    ts = demo.kpi_series(["availability", "failures"], interval="week", window=180)
    body = http(host, "/api/v1/analytics/timeseries/failures?interval=week&days=180")
    assert isinstance(ts.index, pd.DatetimeIndex) and str(ts.index.tz) == "UTC" and ts.index.name == "start"
    assert list(ts.columns) == ["end", "availability", "failures"]
    assert len(ts) == len(body["points"])
    assert list(ts.index) == [pd.Timestamp(p["from"]) for p in body["points"]]
    assert list(ts["end"]) == [pd.Timestamp(p["to"]) for p in body["points"]]
    np.testing.assert_array_equal(ts["failures"].to_numpy(), [p["value"] for p in body["points"]])
    assert ts["availability"].between(0, 1).all()
    assert ts.attrs["interval"] == "week"


def test_definitions_and_worst_lists(demo):
    defs = demo.kpi_definitions()
    assert {"availability", "mtbf", "mdbf", "mttr"} <= set(defs.index)
    worst = demo.worst("vehicles", limit=5)
    assert len(worst) == 5 and "vehicle_id" in worst.columns
    assert len(demo.worst("systems")) > 0


def test_the_model_folds_only_new_events(mem):
    register_vehicle(mem, "EMU-1")
    window = ("2000-01-01", "2100-01-01")
    assert mem.kpi("failures", window=window)["value"] == 0
    model = mem.analytics()
    before = model.events
    for _ in range(3):
        mem.command("report-failure", data={"vehicle_id": "EMU-1", "system": "doors", "severity": "minor",
                                            "service_affecting": True})
    assert mem.kpi("failures", window=window)["value"] == 3
    assert mem.analytics() is model and model.events == before + 3 and model.position == mem.head()


def test_tenants_have_their_own_models(mem):
    register_vehicle(mem, "EMU-1")
    with rh.open("memory:", tenant="other") as other:
        assert other.kpis().loc["failures", "value"] == 0
    assert mem.analytics(tenant="nobody").query(op="summary")["vehicles"] == 0


@pytest.mark.parametrize("call, error, text", [
    (lambda s: s.kpi("nope"), rh.NotFound, "nope"),
    (lambda s: s.kpi_series("nope"), rh.NotFound, "nope"),
    (lambda s: s.dashboard("nope"), rh.NotFound, "nope"),
    (lambda s: s.kpis(window=0), rh.ValidationError, "days"),
    (lambda s: s.kpis(window="last week"), rh.ValidationError, "window"),
    (lambda s: s.kpis(window=pd.Timedelta(hours=5)), rh.ValidationError, "whole number of days"),
    (lambda s: s.kpis(window=("2025-02-01", "2025-01-01")), rh.ValidationError, "before"),
    (lambda s: s.kpis(window=("2025-13-01", None)), rh.ValidationError, "from"),
    (lambda s: s.kpis(window={"begin": "2025-01-01"}), rh.ValidationError, "begin"),
    (lambda s: s.kpis(scope={"region": "x"}), rh.ValidationError, "region"),
    (lambda s: s.kpis(scope=5), rh.ValidationError, "scope"),
    (lambda s: s.kpi_series("mtbf", interval="year"), rh.ValidationError, "interval"),
    (lambda s: s.kpi_series([]), rh.ValidationError, "at least one"),
    (lambda s: s.worst("depots"), rh.NotFound, "depots"),
    (lambda s: s.live_projection("nope"), rh.NotFound, "nope"),
])
def test_bad_questions_raise_named_errors(mem, call, error, text):
    register_vehicle(mem, "EMU-1")
    head = mem.head()
    with pytest.raises(error, match=text):
        call(mem)
    assert mem.head() == head


def test_without_the_analytics_plugin(tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "storage-memory.so").symlink_to(PLUGIN_DIR / "storage-memory.so")
    with rh.open("memory:", plugin_dir=str(folder)) as s:
        with pytest.raises(rh.PluginError, match="analytics"):
            s.kpis()
