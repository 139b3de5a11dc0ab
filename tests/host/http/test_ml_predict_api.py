"""The ml plugin's analysis endpoints through the real host on the small demo fleet:
POST /api/v1/reliability/weibull, GET /api/v1/ml/predict/demand/{part_id} and
POST /api/v1/ml/anomaly/detect. Fleet-derived answers are checked against an independent
computation from the store's raw events (SQLite, read-only)."""

import json
import math
import sqlite3
from collections import defaultdict

import pytest

from conftest import KEYS, OTHER_TENANT, Host, demo_sqlite, requires_sqlite

READER = KEYS["acme-reader"]["key"]
DAY_US = 86400 * 1_000_000
WEEK_US = 7 * DAY_US
REFERENCE = {"failures": [16, 34, 53, 75, 93, 120]}  # Kececioglu / ReliaWiki; MLE beta 1.933, eta 73.526

pytestmark = requires_sqlite


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The small demo fleet of tenant acme in SQLite, a host serving it, and its raw events."""
    work = tmp_path_factory.mktemp("mlpredict")
    db = demo_sqlite(work)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute(
        "SELECT s.aggregate_type, s.aggregate_id, e.event_type, e.occurred_at, e.payload FROM events e "
        "JOIN streams s ON s.stream_pk = e.stream_pk WHERE e.tenant = 'acme' ORDER BY e.position").fetchall()
    con.close()
    host = Host(work, f"sqlite:{db}").start()
    yield host, [(t, i, ty, at, json.loads(p)) for t, i, ty, at, p in rows]
    host.stop()


def head(host):
    return host.get("/health").json["head_position"]


def post(host, path, body, status=200, token=READER):
    r = host.post(path, body, token=token)
    assert r.status == status, r
    if status >= 400:
        assert r.headers.get("Content-Type", r.headers.get("content-type", "")).startswith("application/problem+json"), r
    return r.json


# ---- Weibull ----

def test_weibull_of_supplied_times_reproduces_the_reference_fit(demo):
    host, _ = demo
    fit = post(host, "/api/v1/reliability/weibull", {**REFERENCE, "confidence": 0.9, "b_lives": [1, 50]})
    assert fit["method"] == "mle" and fit["failures"] == 6 and fit["suspensions"] == 0
    assert fit["beta"] == pytest.approx(1.933, rel=5e-4) and fit["eta"] == pytest.approx(73.526, rel=5e-5)
    assert fit["log_likelihood"] == pytest.approx(-29.584922, rel=1e-6)
    # Fisher bounds on the log scale from the reference variance of beta, z = 1.645 at 90%.
    lo, hi = (1.933 * math.exp(s * 1.6449 * math.sqrt(0.4211) / 1.933) for s in (-1, 1))
    assert fit["bounds"]["beta"]["lower"] == pytest.approx(lo, rel=2e-3)
    assert fit["bounds"]["beta"]["upper"] == pytest.approx(hi, rel=2e-3)
    b10 = fit["eta"] * (-math.log(0.9)) ** (1 / fit["beta"])
    assert fit["b10"] == pytest.approx(b10, rel=1e-9)
    lives = {b["percent"]: b for b in fit["b_lives"]}
    assert sorted(lives) == [1, 10, 50]
    assert lives[50]["life"] == pytest.approx(fit["eta"] * math.log(2) ** (1 / fit["beta"]), rel=1e-9)
    assert all(b["bounds"]["lower"] < b["life"] < b["bounds"]["upper"] for b in lives.values())

    rry = post(host, "/api/v1/reliability/weibull", {**REFERENCE, "method": "rry"})
    assert rry["beta"] == pytest.approx(1.42696711, rel=1e-4) and rry["eta"] == pytest.approx(76.3454156, rel=1e-4)
    assert rry["bounds"] == {"beta": None, "eta": None} and 0.9 < rry["r_squared"] <= 1
    assert rry["log_likelihood"] < fit["log_likelihood"]  # the MLE maximises it

    censored = post(host, "/api/v1/reliability/weibull", {**REFERENCE, "censored": [130, 140]})
    assert censored["suspensions"] == 2 and censored["eta"] > fit["eta"]


def test_weibull_refuses_bad_input_naming_the_problem(demo):
    host, _ = demo
    before = head(host)
    path = "/api/v1/reliability/weibull"
    cases = [
        ("[1, 2]", 400, "JSON object"),
        ({}, 400, "either 'failures'"),
        ({**REFERENCE, "system": "doors"}, 400, "either 'failures'"),
        ({**REFERENCE, "method": "lsq"}, 400, "'mle', 'rrx' or 'rry'"),
        ({**REFERENCE, "confidence": 1.5}, 400, "confidence must be in (0, 1)"),
        ({**REFERENCE, "b_lives": [0]}, 400, "b_lives"),
        ({"failures": [10, -3]}, 400, "failure times"),
        ({"failures": [10, "x"]}, 400, "'failures'[1] is not a number"),
        ({**REFERENCE, "shape": 2}, 400, "unknown member 'shape'"),
        ({"system": "doors", "until": "yesterday"}, 400, "until"),
        ({"failures": [10], "censored": [5, 7]}, 422, "at least 2 failures, got 1"),
        ({"failures": [10, 10]}, 422, "cannot fit"),
    ]
    for body, status, text in cases:
        r = host.post(path, body if not isinstance(body, str) else body, token=READER)
        assert r.status == status and text in r.json["detail"], (body, r)
    assert host.post(path, REFERENCE, token=None).status == 401
    assert head(host) == before  # read-only: nothing was written


def demo_intervals(events, system, until, vehicle_type=None, depot=None):
    """Times between failures per vehicle in days, as the README defines them (independently)."""
    start, vtype, dep, retired, fails = {}, {}, {}, {}, defaultdict(list)
    for stype, sid, etype, at, p in events:
        if at > until:
            continue
        if stype == "vehicle" and etype == "VehicleRegistered":
            start[sid], vtype[sid], dep[sid] = at, p["vehicle_type"], p["depot"]
        elif stype == "vehicle" and etype == "VehicleTransferred":
            dep[sid] = p["to_depot"]
        elif stype == "vehicle" and etype == "VehicleRetired":
            retired[sid] = min(at, retired.get(sid, at))
        elif etype == "FailureReported" and p["system"] == system:
            fails[p["vehicle_id"]].append(at)
    failures, censored = [], []
    for v, s in start.items():
        if (vehicle_type and vtype[v] != vehicle_type) or (depot and dep[v] != depot):
            continue
        end = min(retired.get(v, until), until)
        cut = s
        for f in sorted(x for x in fails[v] if s <= x <= end):
            if f > cut:
                failures.append((f - cut) / DAY_US)
                cut = f
        if end > cut:
            censored.append((end - cut) / DAY_US)
    return failures, censored


def test_weibull_from_the_fleet_equals_a_fit_of_the_raw_intervals(demo):
    host, events = demo
    until = max(at for *_, at, _p in events)
    until_text = run_iso(until)
    for scope in ({}, {"vehicle_type": "emu_car"}, {"depot": depot_of(events)}):
        fit = post(host, "/api/v1/reliability/weibull", {"system": "doors", "until": until_text, **scope})
        failures, censored = demo_intervals(events, "doors", until, **scope)
        assert fit["failures"] == len(failures) and fit["suspensions"] == len(censored), scope
        assert fit["source"]["system"] == "doors" and fit["source"]["unit"] == "days"
        same = post(host, "/api/v1/reliability/weibull", {"failures": failures, "censored": censored})
        assert fit["beta"] == pytest.approx(same["beta"], rel=1e-9) and fit["eta"] == pytest.approx(same["eta"], rel=1e-9)
        assert 0 < fit["b10"] < fit["eta"]
    early = host.post("/api/v1/reliability/weibull", {"system": "doors", "until": "1990-01-01"}, token=READER)
    assert early.status == 422 and "too little data" in early.json["detail"] and "needs at least 2" in early.json["detail"]
    other = host.post("/api/v1/reliability/weibull", {"system": "doors"}, token=OTHER_TENANT)
    assert other.status == 422  # another tenant sees none of acme's fleet


def run_iso(us):
    from datetime import datetime, timezone
    return datetime.fromtimestamp(us / 1e6, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def depot_of(events):
    return next(p["depot"] for stype, _i, etype, _a, p in events if etype == "VehicleRegistered")


# ---- demand ----

def issues_by_part(events):
    out = defaultdict(list)
    first = {}
    for stype, sid, etype, at, p in events:
        if stype != "part":
            continue
        first[sid] = min(first.get(sid, at), at)
        if etype == "StockIssued":
            out[sid].append((at, p["quantity"]))
    return out, first


def sba(demand, alpha):
    """Syntetos-Boylan: Croston's z/p times (1 - alpha/2), z and p initialised at the first demand."""
    z = p = None
    q = 0
    for i, d in enumerate(demand):
        q += 1
        if d > 0:
            if z is None:
                z, p = d, i + 1
            else:
                z += alpha * (d - z)
                p += alpha * (q - p)
            q = 0
    return (1 - alpha / 2) * z / p


def test_demand_forecast_matches_an_independent_sba(demo):
    host, events = demo
    issues, first = issues_by_part(events)
    part = max(issues, key=lambda k: len(issues[k]))
    as_of = max(at for at, _q in issues[part]) + DAY_US
    r = host.get(f"/api/v1/ml/predict/demand/{part}?as_of={run_iso(as_of)}&horizon=4", token=READER)
    assert r.status == 200, r
    f = r.json
    n = (as_of - first[part]) // WEEK_US + 1
    weekly = [0.0] * n
    for at, qty in issues[part]:
        weekly[n - 1 - (as_of - at) // WEEK_US] += qty
    assert [h["quantity"] for h in f["history"]] == weekly
    assert f["method"] == "sba" and f["period"] == "week" and f["issues"] == len(issues[part])
    assert f["rate_per_period"] == pytest.approx(sba(weekly, 0.1), rel=1e-9)
    assert [x["quantity"] for x in f["forecast"]] == pytest.approx([f["rate_per_period"]] * 4)
    assert f["forecast_total"] == pytest.approx(4 * f["rate_per_period"])
    assert f["forecast"][0]["start"] == f["history"][-1]["end"]

    croston = host.get(f"/api/v1/ml/predict/demand/{part}?as_of={run_iso(as_of)}&method=croston&alpha=0.2",
                       token=READER).json
    assert croston["rate_per_period"] == pytest.approx(sba(weekly, 0.2) / 0.9, rel=1e-9)
    monthly = host.get(f"/api/v1/ml/predict/demand/{part}?period=month&method=holt_winters&season=3", token=READER)
    assert monthly.status in (200, 422), monthly  # 422 only if the demo history is shorter than two seasons
    if monthly.status == 200:
        assert len(monthly.json["forecast"]) == 8 and monthly.json["season"] == 3


def test_demand_refuses_unknown_parts_empty_history_and_bad_queries(demo):
    host, events = demo
    issues, first = issues_by_part(events)
    part = next(iter(issues))
    base = "/api/v1/ml/predict/demand/"
    missing = host.get(base + "NO-SUCH-PART", token=READER)
    assert missing.status == 404 and "unknown part 'NO-SUCH-PART'" in missing.json["detail"]
    assert host.get(base + part, token=OTHER_TENANT).status == 404
    before = head(host)
    early = host.get(f"{base}{part}?as_of={run_iso(first[part])}", token=READER)
    assert early.status == 422 and "no demand history" in early.json["detail"]
    for query, text in [("method=arima", "'sba', 'croston' or 'holt_winters'"), ("period=year", "period"),
                        ("horizon=0", "horizon"), ("horizon=2.5", "horizon"), ("alpha=1", "alpha"),
                        ("as_of=soon", "as_of"), ("colour=red", "unknown query parameter 'colour'")]:
        r = host.get(f"{base}{part}?{query}", token=READER)
        assert r.status == 400 and text in r.json["detail"], (query, r)
    hw = host.get(f"{base}{part}?method=holt_winters&period=month&season=520", token=READER)
    assert hw.status == 422 and "too little history for Holt-Winters" in hw.json["detail"]
    assert host.get(base + part, token=None).status == 401
    assert head(host) == before


# ---- anomaly ----

def test_anomaly_scores_flag_the_outliers(demo):
    host, _ = demo
    series = [10.0, 10.5, 9.5, 10.2, 9.8, 10.1, 9.9, 30.0, 10.0, 10.3]
    z = post(host, "/api/v1/ml/anomaly/detect", {"values": series})
    assert z["method"] == "robust_z" and z["threshold"] == 3.5 and z["flagged"] == [7] and len(z["scores"]) == 10
    median = sorted(series)[5 - 1: 5 + 1]
    med = sum(median) / 2
    mad = sorted(abs(x - med) for x in series)
    mad = (mad[4] + mad[5]) / 2
    assert z["scores"][7] == pytest.approx((30.0 - med) / (1.4826 * mad), rel=1e-9)
    assert post(host, "/api/v1/ml/anomaly/detect", {"values": series, "threshold": 1000})["flagged"] == []

    shift = [0.0, 0.1, -0.1, 0.05, -0.05, 0.0, 0.1, -0.1] + [2.0] * 6
    e = post(host, "/api/v1/ml/anomaly/detect", {"method": "ewma", "values": shift, "baseline": 8, "lambda": 0.3})
    assert e["flagged"] and min(e["flagged"]) >= 8 and e["flagged"][-1] == len(shift) - 1
    assert all(lo < hi for lo, hi in zip(e["lower"], e["upper"])) and e["lambda"] == 0.3

    ref = [[i % 5, (i % 5) * 2 + (i % 3) * 0.1] for i in range(40)]
    m = post(host, "/api/v1/ml/anomaly/detect", {"method": "mahalanobis", "reference": ref,
                                                 "rows": [[2, 4.1], [2, -4]]})
    assert m["flagged"] == [1] and m["scores"][0] < m["threshold"] < m["scores"][1]
    assert m["threshold"] == pytest.approx(math.sqrt(-2 * math.log(0.001)), rel=1e-9)  # chi-square, 2 dof


def test_anomaly_scores_an_assets_channel_from_the_store(demo):
    host, _ = demo
    assert host.append("asset", "PUMP-1", [{"type": "AssetRegistered", "payload": {"asset_type": "pump"}}]).status in (200, 201)
    readings = [20.0, 20.4, 19.8, 20.1, 19.9, 20.2, 45.0, 20.0]
    evs = [{"type": "SensorReadingsRecorded", "payload": {"cycle": i + 1, "channels": {"temp": t, "rpm": 1500 + i}}}
           for i, t in enumerate(readings)]
    assert host.append("asset", "PUMP-1", evs).status in (200, 201)
    r = post(host, "/api/v1/ml/anomaly/detect", {"asset_id": "PUMP-1", "channels": ["temp"]})
    assert r["count"] == 8 and r["flagged"] == [6] and r["source"]["asset_id"] == "PUMP-1"
    m = post(host, "/api/v1/ml/anomaly/detect", {"method": "mahalanobis", "asset_id": "PUMP-1", "channels": ["temp", "rpm"]})
    assert m["count"] == 8 and len(m["scores"]) == 8
    missing = host.post("/api/v1/ml/anomaly/detect", {"asset_id": "NOPE", "channels": ["temp"]}, token=READER)
    assert missing.status == 404 and "unknown asset 'NOPE'" in missing.json["detail"]
    none = host.post("/api/v1/ml/anomaly/detect", {"asset_id": "PUMP-1", "channels": ["pressure"]}, token=READER)
    assert none.status == 422 and "no readings" in none.json["detail"]


def test_anomaly_refuses_bad_input_naming_the_problem(demo):
    host, _ = demo
    before = head(host)
    for body, text in [({"values": []}, "at least one value"), ({"method": "iforest", "values": [1]}, "'robust_z', 'ewma'"),
                       ({"values": [1, None]}, "'values'[1] is not a number"), ({"values": [1, 2], "threshold": 0}, "threshold"),
                       ({"method": "mahalanobis", "rows": [[1, 2], [3]]}, "'rows'[1] has 1 values"),
                       ({"method": "mahalanobis", "rows": [[1, 2]], "reference": [[1]]}, "'reference' rows have 1 columns"),
                       ({"method": "ewma", "values": [1, 2, 3], "lambda": 2}, "lambda"),
                       ({"values": [1], "window": 3}, "unknown member 'window'"),
                       ({"asset_id": "PUMP-1", "channels": ["a", "b"]}, "scores one channel")]:
        r = host.post("/api/v1/ml/anomaly/detect", body, token=READER)
        assert r.status == 400 and text in r.json["detail"], (body, r)
    assert host.post("/api/v1/ml/anomaly/detect", {"values": [1]}, token=None).status == 401
    assert head(host) == before
