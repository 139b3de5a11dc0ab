#!/usr/bin/env python3
"""ml.features: feature extraction over ~1M demo events, beside a pandas groupby baseline.

Runs bin/roundhouse_ml_bench (the demo fleet in a memory: store; the vehicle, work-order and
inventory extractors over the whole log, as of the end of the history, median of 3), then the
baseline: pandas computing the same per-vehicle aggregates from the same events, already
flattened into a DataFrame in memory (CSV loading and JSON decoding are not timed for pandas, while
the extractor's time includes decoding every payload). The two outputs are compared column by
column. Writes the rows as JSON (--out) for benchmarks/run.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

DAY = 86_400_000_000


def pandas_vehicle_features(ev, as_of, known_at):
    """The vehicle extractor's main columns with groupby/merge (as-of filter included)."""
    ev = ev[(ev.occurred <= as_of) & (ev.recorded <= known_at)]
    creations = ev[ev.type.isin(["FailureReported", "WorkOrderCreated"])][["stream_id", "vehicle_id"]]
    owner = creations.drop_duplicates("stream_id").set_index("stream_id").vehicle_id
    veh = ev.stream_id.where(ev.stream_type == "vehicle", ev.stream_id.map(owner))
    ev = ev.assign(vid=veh).dropna(subset=["vid"])
    g = ev.groupby("vid")
    out = pd.DataFrame(index=pd.Index(sorted(ev.vid.unique()), name="entity_id"))
    first_seen = g.occurred.min()
    fail = ev[ev.type == "FailureReported"]
    fg = fail.groupby("vid").occurred
    out["failures_total"] = fg.size()
    out["failures_30d"] = fail[fail.occurred > as_of - 30 * DAY].groupby("vid").size()
    out["failures_90d"] = fail[fail.occurred > as_of - 90 * DAY].groupby("vid").size()
    out[["failures_total", "failures_30d", "failures_90d"]] = out[["failures_total", "failures_30d", "failures_90d"]].fillna(0)
    out["days_since_last_failure"] = (as_of - fg.max()) / DAY
    out["mtbf_days"] = ((as_of - first_seen) / DAY) / out.failures_total.replace(0, np.nan)
    meters = ev[ev.type == "MeterReadingRecorded"].sort_values(["vid", "occurred", "position"])
    mg = meters.groupby("vid")
    last, first = mg.last(), mg.first()
    out["odometer_km"] = last.odometer_km
    span = (last.occurred - first.occurred) / DAY
    out["avg_daily_km"] = ((last.odometer_km - first.odometer_km) / span).where(span > 0)
    done = ev[ev.type == "WorkOrderCompleted"].groupby("vid").occurred.max()
    out["days_since_last_maintenance"] = (as_of - done) / DAY
    created = ev[ev.type == "WorkOrderCreated"].groupby("vid").size()
    closed = ev[ev.type.isin(["WorkOrderCompleted", "WorkOrderCancelled"])].groupby("vid").size()
    out["open_work_orders"] = created.sub(closed, fill_value=0).reindex(out.index).fillna(0)
    fclosed = ev[ev.type == "FailureClosed"].groupby("vid").size()
    out["open_failures"] = out.failures_total.sub(fclosed, fill_value=0).reindex(out.index).fillna(0)
    parts = ev[ev.type == "WorkOrderPartsConsumed"]
    out["parts_cost_to_date"] = (parts.quantity * parts.unit_cost).groupby(parts.vid).sum().reindex(out.index).fillna(0)
    out["labour_hours_to_date"] = ev[ev.type == "WorkOrderLabourBooked"].groupby("vid").hours.sum().reindex(out.index).fillna(0)
    return out


def compare(ours, theirs):
    """Per shared column: the share of vehicles where both agree (NaN = NaN, else within 1e-6 relative)."""
    ours = ours.set_index("entity_id").reindex(theirs.index)
    agree = {}
    for c in theirs.columns:
        a, b = ours[c].to_numpy(float), theirs[c].to_numpy(float)
        same = (np.isnan(a) & np.isnan(b)) | np.isclose(a, b, rtol=1e-6, atol=1e-9)
        agree[c] = round(float(same.mean()), 6)
    return agree


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default=os.environ.get("ROUNDHOUSE_BUILD_DIR", "build"))
    ap.add_argument("--quick", action="store_true", help="the small demo (~70k events), one repetition")
    ap.add_argument("--out", help="write the rows here (JSON list)")
    args = ap.parse_args()
    size, reps = ("small", 1) if args.quick else ("1m", 3)
    with tempfile.TemporaryDirectory(prefix="rh-ml-bench-") as work:
        events_csv, matrix_csv = os.path.join(work, "events.csv"), os.path.join(work, "matrix.csv")
        cmd = [os.path.join(args.build_dir, "bin", "roundhouse_ml_bench"), "--size", size, "--repetitions", str(reps),
               "--events-csv", events_csv, "--matrix-csv", matrix_csv]
        print("$ " + " ".join(cmd), file=sys.stderr, flush=True)
        ours = json.loads(subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout)
        ev = pd.read_csv(events_csv, dtype={"stream_id": str, "vehicle_id": str})
        matrix = pd.read_csv(matrix_csv, dtype={"entity_id": str})
    runs = []
    for _ in range(reps):
        t0 = time.perf_counter()
        theirs = pandas_vehicle_features(ev, ours["as_of_micros"], ours["known_at_micros"])
        runs.append(time.perf_counter() - t0)
    base = sorted(runs)[len(runs) // 2]
    value = ours["vehicle"]["median_s"]
    agree = compare(matrix, theirs)
    row = {
        "id": "ml.features",
        "value": round(value, 4), "unit": "s",
        "baseline": {"name": "pandas groupby/merge computing the same vehicle aggregates from the same events, "
                             "pre-flattened in a DataFrame (no JSON decoding timed)", "value": round(base, 4)},
        "ratio": round(value / base, 3),
        "target": {"max_value": 0.5},
        "details": {
            "events_in_store": ours["events"], "vehicle_rows": ours["vehicle"]["rows"],
            "vehicle_columns": ours["vehicle"]["cols"], "events_per_s": round(ours["events"] / value),
            "runs_s": [round(r, 4) for r in ours["vehicle"]["runs_s"]], "baseline_runs_s": [round(r, 4) for r in runs],
            "work_order_s": round(ours["work-order"]["median_s"], 4), "inventory_s": round(ours["inventory"]["median_s"], 4),
            "demo_size": size, "agreement_with_baseline": agree,
        },
    }
    rows = [row]
    if args.out:
        with open(args.out, "w") as f:
            json.dump(rows, f, indent=2)
    print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
