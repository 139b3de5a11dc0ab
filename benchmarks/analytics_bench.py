#!/usr/bin/python3
"""Analytics rows of the benchmark suite: kpi.all beside pandas, kpi.incremental, dashboard.<name>.

    benchmarks/analytics_bench.py [--quick] [--build-dir DIR] [--out FILE] [--demo-size 10m|1m|small]
                                  [--work-orders N]

Runs bin/roundhouse_analytics_bench (see benchmarks/analytics_bench.cpp), which generates the demo
fleet in memory and applies it to the analytics model (kpi.incremental: apply time per event,
beside parsing the same payloads), asks each dashboard over it without the cache
(dashboard.<name>: median of 5), applies a synthetic history of --work-orders work orders and
times one `kpis` query over its five years (kpi.all), and writes that model's fact tables as CSV.
Then the pandas baseline (tests/host/http/kpi_reference.py, the reference the pandas cross-check
test uses) loads those tables (untimed) and computes the same KPIs for the same window (timed,
median of 3; the C++ side also computes every KPI for the previous period, which pandas does
not). The two answers must agree to 1e-9 relative or the row records an error.

Full run: --demo-size 10m, 5M work orders (~3 min, ~6 GiB peak); --quick: 1m and 500k.
"""
import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "host", "http"))


def us(text):
    import pandas as pd
    return pd.Timestamp(text).value // 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--build-dir", default=os.environ.get("ROUNDHOUSE_BUILD_DIR", os.path.join(HERE, "..", "build")))
    ap.add_argument("--out")
    ap.add_argument("--demo-size")
    ap.add_argument("--work-orders", type=int)
    args = ap.parse_args()
    demo_size = args.demo_size or ("1m" if args.quick else "10m")
    work_orders = args.work_orders or (500_000 if args.quick else 5_000_000)
    work = tempfile.mkdtemp(prefix="rh-analytics-bench-", dir=os.environ.get("ROUNDHOUSE_BENCH_DIR"))
    try:
        facts = os.path.join(work, "facts")
        cmd = [os.path.join(args.build_dir, "bin", "roundhouse_analytics_bench"), f"--demo-size={demo_size}",
               f"--work-orders={work_orders}", f"--export={facts}"]
        print("$ " + " ".join(cmd), file=sys.stderr, flush=True)
        measured = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)

        from kpi_reference import KpiReference
        ref = KpiReference.from_facts(facts)
        frm, to = us(measured["kpi_all"]["window"]["from"]), us(measured["kpi_all"]["window"]["to"])
        runs, want = [], None
        for _ in range(3):
            t = time.perf_counter()
            want = ref.kpis(frm, to)
            runs.append(time.perf_counter() - t)
        pandas_s = statistics.median(runs)
        got = measured["kpi_all"]["values"]
        mismatch = [k for k, v in want.items()
                    if not ((v is None and got[k] is None) or
                            (v is not None and got[k] is not None and math.isclose(v, got[k], rel_tol=1e-9, abs_tol=1e-12)))]
        rows = []
        k = measured["kpi_all"]
        rows.append({
            "id": "kpi.all", "value": k["seconds_median"] * 1e3, "unit": "ms",
            "baseline": {"name": "the same KPIs in pandas over the same fact tables (kpi_reference.py; loading untimed)",
                         "value": pandas_s * 1e3},
            "ratio": pandas_s / k["seconds_median"],
            "target": {"min_ratio": 10.0},
            "details": {"work_orders": k["work_orders"], "events": k["events"], "vehicles": k["vehicles"],
                        "build_seconds": k["build_seconds"], "runs_s": k["runs_s"], "pandas_runs_s": runs,
                        "note": "value and baseline are times (lower is better); ratio = pandas / C++",
                        **({"error": f"C++ and pandas disagree on {mismatch}"} if mismatch else {})},
        })
        inc = measured["incremental"]
        rows.append({
            "id": "kpi.incremental", "value": inc["apply_us_per_event"], "unit": "us/event",
            "baseline": {"name": "parsing the same payloads only (boost::json::parse)", "value": inc["parse_us_per_event"]},
            "ratio": inc["apply_us_per_event"] / inc["parse_us_per_event"],
            "target": {"max_value": 5.0, "note": "< 5 µs per event"},
            "details": {"demo_size": inc["demo_size"], "events": inc["events"], "rebuild_seconds": inc["rebuild_seconds"],
                        "note": "lower is better; ratio = apply / parse"},
        })
        for name, d in measured["dashboards"].items():
            rows.append({
                "id": f"dashboard.{name}", "value": d["ms_median"], "unit": "ms",
                "baseline": {"name": f"rebuilding the model from the {inc['demo_size']} demo events (what answering from the log per request costs)",
                             "value": inc["rebuild_seconds"] * 1e3},
                "ratio": inc["rebuild_seconds"] * 1e3 / d["ms_median"],
                "target": {"max_value": 50.0, "note": "< 50 ms"},
                "details": {"demo_size": inc["demo_size"], "events": inc["events"], "runs_ms": d["runs_ms"],
                            "cpu_ms_median": d["cpu_ms_median"],
                            "note": "uncached (a different limit each run); wall time, cpu_ms_median the thread's CPU time; ratio = baseline / value"},
            })
        text = json.dumps(rows, indent=2)
        print(text)
        if args.out:
            with open(args.out, "w") as f:
                f.write(text)
        return 1 if mismatch else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
