"""The analytics plugin over HTTP (/api/v1/analytics/...) on the small demo fleet, and the KPIs
checked against an independent pandas computation from the store's raw events (kpi_reference.py).

The cross-check runs on the `small` demo fleet by default; ROUNDHOUSE_KPI_CROSSCHECK_SIZE=1m runs
it on the ~1M-event fleet (about a minute more)."""

import math
import os
from urllib.parse import quote, urlencode

import pytest

from conftest import KEYS, OTHER_TENANT, FleetClient, Host, requires_sqlite, run_cli, wait_until
from kpi_reference import DAY, KpiReference

READER = KEYS["acme-reader"]["key"]
SIZE = os.environ.get("ROUNDHOUSE_KPI_CROSSCHECK_SIZE", "small")
KPI_NAMES = {"availability", "inherent_availability", "mtbf", "mdbf", "mttr", "failures", "schedule_compliance",
             "pm_compliance", "backlog", "inventory_turnover", "stockout_rate", "maintenance_cost_per_km"}
KPI_KEYS = {"name", "title", "unit", "higher_is_better", "value", "previous", "change_pct", "trend", "assessment", "basis"}

pytestmark = requires_sqlite


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A SQLite store holding the demo fleet of tenant acme, and a host serving it."""
    work = tmp_path_factory.mktemp("analytics")
    db = work / "demo.db"
    r = run_cli("demo", "--size", SIZE, "--tenant", "acme", store=f"sqlite:{db}", timeout=900)
    assert r.returncode == 0, r.stderr
    host = Host(work, f"sqlite:{db}").start()
    wait_until(lambda: caught_up(host), timeout=600, interval=0.2)
    yield host, db
    host.stop()


def caught_up(host):
    head = host.get("/health").json["head_position"]
    p = host.get("/api/v1/projections/analytics").json
    return p["state"] == "live" and p["position"] == head


def get(host, path, token=READER):
    r = host.get("/api/v1/analytics" + path, token=token)
    assert r.status == 200, r
    return r.json


def us(text):
    import pandas as pd
    return pd.Timestamp(text).value // 1000


def test_kpis_list_every_kpi_with_previous_period_and_trend(demo):
    host, _ = demo
    body = get(host, "/kpis")
    assert {k["name"] for k in body["kpis"]} == KPI_NAMES
    for k in body["kpis"]:
        assert set(k) == KPI_KEYS, k
        assert k["trend"] in {"up", "down", "flat", None}
    # The default window is the 30 days up to the end of the day of the newest event.
    assert body["window"]["days"] == 30 and body["previous_window"]["to"] == body["window"]["from"]
    summary = get(host, "/metrics/summary")
    assert us(body["window"]["to"]) == us(summary["latest_event_at"][:10]) + DAY
    assert summary["vehicles"] > 100 and summary["failures"] > 0 and body["as_of_position"] == host.get("/health").json["head_position"]
    availability = next(k for k in body["kpis"] if k["name"] == "availability")
    assert 0.5 < availability["value"] < 1 and 0.5 < availability["previous"] < 1


@pytest.mark.parametrize("name,days", [("executive", 30), ("operations", 7), ("maintenance", 90), ("inventory", 30)])
def test_each_dashboard_has_kpis_charts_worst_vehicles_and_insights(demo, name, days):
    host, _ = demo
    d = get(host, f"/dashboard/{name}")
    assert d["name"] == name and d["window"]["days"] == days
    assert d["kpis"] and all(set(k) == KPI_KEYS for k in d["kpis"])
    assert d["charts"]
    for chart in d["charts"]:
        assert chart["type"] in {"line", "bar"} and chart["labels"] and chart["title"]
        for ds in chart["datasets"]:
            assert len(ds["data"]) == len(chart["labels"]) and ds["label"]
    assert all(isinstance(i["text"], str) and i["text"].endswith(".") for i in d["insights"])
    failures = [v["failures"] for v in d["worst_vehicles"]]
    assert failures == sorted(failures, reverse=True) and len(failures) <= 10
    if name != "inventory":
        assert d["worst_systems"] and d["worst_systems"][0]["failures"] >= d["worst_systems"][-1]["failures"]
    listed = get(host, "/dashboards")["dashboards"]
    assert [x["name"] for x in listed] == ["executive", "operations", "maintenance", "inventory"]


def test_scopes_add_up_to_the_fleet(demo):
    host, _ = demo
    window = "from=2025-01-01&to=2025-06-30"
    fleet = {k["name"]: k for k in get(host, f"/kpis?{window}")["kpis"]}
    depots = {v["depot"] for v in get(host, f"/top/vehicles?{window}&limit=1000")["vehicles"]}
    assert len(depots) >= 2
    total_failures = 0
    uptime = 0.0
    for depot in depots:
        k = {x["name"]: x for x in get(host, f"/kpis?{window}&depot={quote(depot)}")["kpis"]}
        total_failures += k["failures"]["value"]
        uptime += k["availability"]["basis"]["uptime_hours"]
        assert k["inventory_turnover"]["value"] is None  # stock is fleet-wide
    assert total_failures == fleet["failures"]["value"]
    assert math.isclose(uptime, fleet["availability"]["basis"]["uptime_hours"], rel_tol=1e-12)


def test_time_series_buckets_sum_to_the_window(demo):
    host, _ = demo
    window = "from=2025-03-01&to=2025-05-31"
    total = next(k for k in get(host, f"/kpis?{window}")["kpis"] if k["name"] == "failures")["value"]
    for interval in ["day", "week", "month"]:
        s = get(host, f"/timeseries/failures?{window}&interval={interval}")
        assert s["interval"] == interval and s["chart"]["labels"] == [p["label"] for p in s["points"]]
        assert sum(p["value"] for p in s["points"]) == total
    assert len(get(host, f"/timeseries/availability?{window}&interval=month")["points"]) == 3


def test_bad_requests_are_problems_naming_what_is_wrong(demo):
    host, _ = demo
    for path, status, word in [("/kpis?dpot=North", 400, "dpot"), ("/kpis?from=yesterday", 400, "from"),
                               ("/kpis?days=0", 400, "days"), ("/timeseries/mtbf?interval=hour", 400, "interval"),
                               ("/kpis/mtbx", 404, "mtbf"), ("/dashboard/finance", 404, "executive"),
                               ("/top/depots", 404, "vehicles"), ("/kpis?op=summary", 400, "op")]:
        r = host.get("/api/v1/analytics" + path, token=READER)
        assert r.status == status, (path, r)
        assert r.headers["content-type"].startswith("application/problem+json") and word in r.json["detail"], r
    assert host.get("/api/v1/analytics/kpis", token=None).status == 401


def test_another_tenant_sees_none_of_the_fleet(demo):
    host, _ = demo
    s = get(host, "/metrics/summary", token=OTHER_TENANT)
    assert s["vehicles"] == 0 and s["failures"] == 0


def test_a_failure_appended_through_the_api_changes_mtbf(demo):
    host, _ = demo
    window = "from=2025-06-01&to=2025-06-30"
    before = get(host, f"/kpis/mtbf?{window}")["kpi"]
    vehicle = get(host, f"/top/vehicles?{window}&limit=1")["vehicles"][0]["vehicle_id"]
    FleetClient(host).command("failures", {"vehicle_id": vehicle, "system": "doors", "severity": "minor",
                                           "service_affecting": False}, occurred_at="2025-06-15T10:00:00Z")
    after = wait_until(lambda: (k := get(host, f"/kpis/mtbf?{window}")["kpi"])["basis"]["failures"] > before["basis"]["failures"] and k)
    assert after["basis"]["failures"] == before["basis"]["failures"] + 1
    assert math.isclose(after["value"], before["basis"]["operating_hours"] / after["basis"]["failures"], rel_tol=1e-12)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_every_kpi_equals_an_independent_pandas_computation(demo):
    host, db = demo
    wait_until(lambda: caught_up(host))
    ref = KpiReference.from_sqlite(db, "acme")
    summary = get(host, "/metrics/summary")
    end = us(summary["latest_event_at"][:10]) + DAY
    vehicles = get(host, "/top/vehicles?days=3660&limit=1000")["vehicles"]
    scopes = [{}, {"depot": vehicles[0]["depot"]}, {"vehicle_type": vehicles[-1]["vehicle_type"]},
              {"vehicle_id": vehicles[0]["vehicle_id"]}, {"depot": vehicles[0]["depot"], "vehicle_type": "coach"}]
    windows = [(end - 30 * DAY, end), (end - 365 * DAY, end - 200 * DAY), (us("2024-01-01"), end)]
    checked = 0
    for frm, to in windows:
        for scope in scopes:
            from datetime import datetime, timezone
            iso = lambda t: datetime.fromtimestamp(t / 1e6, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            query = urlencode({"from": iso(frm), "to": iso(to), **scope})
            got = {k["name"]: k["value"] for k in get(host, f"/kpis?{query}")["kpis"]}
            want = ref.kpis(frm, to, **scope)
            for name in KPI_NAMES:
                assert close(got[name], want[name]), (name, scope, iso(frm), iso(to), got[name], want[name])
                checked += got[name] is not None
    assert checked > 100


def test_a_restarted_host_rebuilds_the_same_answers(demo, tmp_path):
    host, db = demo
    before = get(host, "/kpis?from=2025-01-01&to=2025-12-31")
    again = Host(tmp_path, f"sqlite:{db}").start()
    try:
        wait_until(lambda: caught_up(again), timeout=600, interval=0.2)
        after = get(again, "/kpis?from=2025-01-01&to=2025-12-31")
        assert after["kpis"] == before["kpis"]
    finally:
        again.stop()
