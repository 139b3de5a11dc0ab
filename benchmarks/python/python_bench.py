#!/usr/bin/python3
"""Python package benchmarks, each beside its baseline in the same run (rows for benchmarks/run).

    python_bench.py --out FILE [--build-dir DIR] [--quick] [--events N]

python.replay         events/s of Store.replay() into a batched Python projection (numpy per batch:
                      counts per event type and per stream) over a SQLite store; baseline: the same
                      read_all in C++ alone (EventScan.count(): decode, no Python), so the ratio is
                      what the Python side keeps of the store's read speed.
python.replay.memory  the same over a memory: store holding the same events.
python.to_pandas      events/s of read_all().to_pandas() (every column, payload and metadata as JSON
                      text) vs pandas.read_sql of the same rows and columns from the same SQLite
                      file (sqlite3 module, the events table joined to streams).
Medians of 3 runs (1 with --quick). The store is written once per run (not timed).
"""
import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


class TypeAndStreamCounts:
    """A typical batched projection: events per type and per stream, kept as numpy arrays."""

    def __init__(self):
        import numpy as np
        self.np = np
        self.by_type = np.zeros(0, dtype=np.int64)
        self.by_stream = np.zeros(0, dtype=np.int64)
        self.events = 0

    def handle_batch(self, batch):
        np = self.np
        t = np.bincount(batch.type_code)
        s = np.bincount(batch.stream_code)
        if len(t) > len(self.by_type):
            self.by_type = np.pad(self.by_type, (0, len(t) - len(self.by_type)))
        if len(s) > len(self.by_stream):
            self.by_stream = np.pad(self.by_stream, (0, len(s) - len(self.by_stream)))
        self.by_type[: len(t)] += t
        self.by_stream[: len(s)] += s
        self.events += len(batch)


def fill(store, n):
    """n events over 20,000 streams (fleet-like payloads of ~120 bytes), 1,000 per append."""
    types = ["SensorReading", "StatusNoted", "DefectNoted", "TaskNoted"]  # no schema: measured as written
    written, i = 0, 0
    while written < n:
        k = min(1000, n - written)
        events = [{"type": types[(written + j) % 4],
                   "payload": {"odometer_km": 100000.5 + written + j, "engine_hours": 2000 + j, "status": "in_service",
                               "depot": "Eastfield", "note": "routine"},
                   "occurred_at": 1_700_000_000_000_000 + (written + j) * 1_000_000} for j in range(k)]
        store.append(f"vehicle/V{i % 20000:05d}", events)
        written += k
        i += 1


def timed(fn, reps):
    times = []
    result = None
    for _ in range(reps):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, result


def row(id_, n, seconds, runs, base_name, base_seconds, base_runs, details, target=None):
    value = n / seconds
    base_value = n / base_seconds
    r = {"id": id_, "value": round(value, 1), "unit": "events/s",
         "baseline": {"name": base_name, "value": round(base_value, 1)},
         "ratio": round(value / base_value, 3),
         "details": dict(details, items=n, seconds=round(seconds, 3), baseline_seconds=round(base_seconds, 3),
                         runs=[round(n / t, 1) for t in runs], baseline_runs=[round(n / t, 1) for t in base_runs])}
    if target:
        r["target"] = target
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--build-dir", default=os.environ.get("ROUNDHOUSE_BUILD_DIR", os.path.join(REPO, "build")))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--events", type=int)
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(os.path.abspath(args.build_dir), "python"))
    import pandas as pd
    import roundhouse as rh

    n = args.events or (100_000 if args.quick else 1_000_000)
    reps = 1 if args.quick else 3
    bench_dir = os.environ.get("ROUNDHOUSE_BENCH_DIR") or os.environ.get("TMPDIR") or "/tmp"
    rows = []
    with tempfile.TemporaryDirectory(prefix="roundhouse-pybench-", dir=bench_dir) as work:
        db = os.path.join(work, "bench.db")
        t0 = time.perf_counter()
        with rh.open(f"sqlite:{db}") as store, rh.open("memory:") as mem:
            fill(store, n)
            fill(mem, n)
            print(f"python_bench: wrote {n} events twice in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
            for name, s in (("sqlite", store), ("memory", mem)):
                def replay(s=s):
                    p = TypeAndStreamCounts()
                    stats = s.replay(p)
                    assert p.events == n and stats["events"] == n
                    return stats
                base_secs, base_runs, count = timed(lambda s=s: s.read_all().count(), reps)
                assert count == n
                secs, runs, stats = timed(replay, reps)
                rows.append(row("python.replay" if name == "sqlite" else "python.replay.memory", n, secs, runs,
                                f"read_all of the same {name} store in C++ alone (decode, no Python)", base_secs, base_runs,
                                {"batches": stats["batches"], "batch_size": 65536},
                                {"min_value": 1_000_000} if name == "sqlite" else None))

            def ours():
                df = store.read_all().to_pandas()
                assert len(df) == n
                return df
            query = ("SELECT e.position, s.aggregate_type AS stream_type, s.aggregate_id AS stream_id, e.version, "
                     "e.event_id, e.event_type AS type, e.occurred_at, e.recorded_at, e.tenant, e.payload, e.metadata "
                     "FROM events e JOIN streams s ON s.stream_pk = e.stream_pk ORDER BY e.position")

            def baseline():
                con = sqlite3.connect(db)
                try:
                    df = pd.read_sql(query, con, index_col="position")
                finally:
                    con.close()
                assert len(df) == n
                return df
            base_secs, base_runs, _ = timed(baseline, reps)
            secs, runs, df = timed(ours, reps)
            rows.append(row("python.to_pandas", n, secs, runs,
                            "pandas.read_sql of the same rows and columns (sqlite3, events JOIN streams)",
                            base_secs, base_runs, {"columns": len(df.columns) + 1}, {"min_ratio": 3.0}))
    with open(args.out, "w") as f:
        json.dump(rows, f, indent=2)
    for r in rows:
        print(f"{r['id']}: {r['value']:.0f} events/s, baseline {r['baseline']['value']:.0f}, ratio {r['ratio']:.2f}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
