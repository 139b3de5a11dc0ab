#!/usr/bin/python3
"""The sync.* rows: roundhouse_sync_bench and the Yjs baseline (../shared/baselines/crdt-js, run with
`ONLY=yjs`) on the identical workload in one run, plus a 1000-operation HTTP round trip through a
real `roundhouse serve` from the device client library.

    benchmarks/sync/sync_bench.py [--quick] [--build-dir build] [--out rows.json]
    benchmarks/sync/sync_bench.py --http-only [--build-dir build]   # sync.http_roundtrip alone

The baseline is copied into <build>/crdt-js and installed there with npm (never into the shared
folder). Automerge is left out: its one-message-at-a-time merge runs at ~170 ops/s (minutes here).
"""
import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BASELINE = os.path.abspath(os.path.join(REPO, "..", "shared", "baselines", "crdt-js"))
ADMIN, WRITER = "sync-bench-admin-0123456789", "sync-bench-writer-0123456789"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def yjs(build_dir, keys, devices, ops):
    work = os.path.join(build_dir, "crdt-js")
    os.makedirs(work, exist_ok=True)
    for f in ("bench.js", "package.json"):
        shutil.copy(os.path.join(BASELINE, f), work)
    if not os.path.isdir(os.path.join(work, "node_modules", "yjs")):
        log(f"$ npm install (in {work})")
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=work, check=True, stdout=sys.stderr)
    cmd = ["node", "--expose-gc", "bench.js", str(keys), str(devices), str(ops)]
    log("$ ONLY=yjs " + " ".join(cmd))
    out = subprocess.run(cmd, cwd=work, check=True, capture_output=True, text=True,
                         env=dict(os.environ, ONLY="yjs")).stdout
    metrics, lib = {}, None
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] == "metric":
            lib = cells[1]
        elif len(cells) == 2 and not cells[0].startswith("---"):
            metrics[cells[0]] = cells[1]
    return lib, metrics


def num(metrics, prefix):
    for k, v in metrics.items():
        if k.startswith(prefix):
            return float(v)
    raise KeyError(prefix)


def http_rows(build_dir, tmp):
    cfg = {"auth": {"api_keys": [{"name": "admin", "key": ADMIN, "tenant": "bench", "roles": ["admin"]},
                                 {"name": "tablet", "key": WRITER, "tenant": "bench", "roles": ["writer"]}]},
           "log": {"level": "warn"}}
    with open(os.path.join(tmp, "config.json"), "w") as f:
        json.dump(cfg, f)
    port_file = os.path.join(tmp, "port")
    proc = subprocess.Popen([os.path.join(build_dir, "bin", "roundhouse"), "serve", "--config", os.path.join(tmp, "config.json"),
                             "--store", "memory:", "--listen", "127.0.0.1:0", "--port-file", port_file],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "host.log"), "wb"))
    try:
        for _ in range(1500):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.01)
        port = int(open(port_file).read())
        out = subprocess.run([os.path.join(build_dir, "bin", "roundhouse_sync_bench"), "--http", f"http://127.0.0.1:{port}",
                              "--api-key", WRITER, "--admin-key", ADMIN, "--dir", tmp],
                             check=True, capture_output=True, text=True).stdout
        ours = json.loads(out)
        # Baseline: the same 1000 operations as plain JSON events in one append, same host, same key kind.
        events = [{"type": "FieldSet", "payload": {"key": f"vehicle/V{i % 1000}/km", "value": i}} for i in range(1000)]
        times = []
        for r in range(9):
            body = json.dumps({"stream": {"type": "bench", "id": f"b{r}"}, "events": events})
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            t0 = time.perf_counter()
            c.request("POST", "/api/v1/events", body, {"Authorization": "Bearer " + ADMIN, "Content-Type": "application/json"})
            resp = c.getresponse()
            resp.read()
            times.append((time.perf_counter() - t0) * 1000)
            c.close()
            if resp.status != 201:
                raise RuntimeError(f"baseline append: HTTP {resp.status}")
        return ours, statistics.median(times)
    finally:
        proc.terminate()
        proc.wait(15)


def http_row(http, baseline_ms):
    value, base = round(http["http_roundtrip_ms_median"], 2), round(baseline_ms, 2)
    return {"id": "sync.http_roundtrip", "value": value, "unit": "ms",
            "baseline": {"name": "the same 1000 operations as one JSON event append (POST /api/v1/events)", "value": base},
            "target": {"max_value": 10, "note": "1000-op push + pull through HTTP < 10 ms"},
            "ratio": round(value / base, 3) if base else None,
            "details": {k: v for k, v in http.items()}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2,000 operations per device instead of 10,000")
    ap.add_argument("--build-dir", default=os.environ.get("ROUNDHOUSE_BUILD_DIR", os.path.join(REPO, "build")))
    ap.add_argument("--out", help="write the rows here as JSON (else stdout)")
    ap.add_argument("--http-only", action="store_true",
                    help="only the sync.http_roundtrip row (no ingest rounds, no Yjs baseline)")
    args = ap.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    if args.http_only:
        with tempfile.TemporaryDirectory(prefix="roundhouse-sync-bench-") as tmp:
            http, baseline_ms = http_rows(build_dir, tmp)
        return emit([http_row(http, baseline_ms)], args.out)
    keys, devices, ops = 1000, 10, (2000 if args.quick else 10000)

    cmd = [os.path.join(build_dir, "bin", "roundhouse_sync_bench"), "--keys", str(keys), "--devices", str(devices), "--ops", str(ops)]
    log("$ " + " ".join(cmd))
    ours = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    lib, y = yjs(build_dir, keys, devices, ops)
    with tempfile.TemporaryDirectory(prefix="roundhouse-sync-bench-") as tmp:
        http, baseline_ms = http_rows(build_dir, tmp)

    workload = f"{devices} devices x {ops:,} single-key writes over {keys:,} keys (bench.js seeds)"
    json_bytes = ours["plain_json_bytes"]
    y_shuf_ms = next((float(v) for k, v in y.items() if k.startswith("fully-shuffled") and "apply ms" in k), None)
    rows = [
        {"id": "sync.ingest.single", "value": ours["ingest_single_ops_per_s"], "unit": "ops/s",
         "baseline": {"name": f"{lib}: applyUpdate per message (mergeOne)", "value": num(y, "mergeOne ops/s")},
         "target": {"min_value": 1_000_000, "note": "≥ 1M ops/s one message at a time; shuffled ≤ 2× slower"},
         "details": {"workload": workload, "rounds": ours["ingest_rounds"],
                     "what": "medians of the rounds after one untimed round; in-order and shuffled alternate on fresh logs",
                     "min_ops_per_s": ours["ingest_single_ops_per_s_min"], "max_ops_per_s": ours["ingest_single_ops_per_s_max"],
                     "shuffled_ops_per_s": ours["ingest_shuffled_ops_per_s"],
                     "shuffled_slowdown": round(ours["shuffled_slowdown_median"], 2),
                     "baseline_fully_shuffled_ms_2000_msgs": y_shuf_ms, "converged": ours["converged"],
                     "baseline_converged": y.get("converged (inorder/batch/interleaved+dups)")}},
        {"id": "sync.ingest.batch", "value": ours["ingest_batch_ops_per_s"], "unit": "ops/s",
         "baseline": {"name": f"{lib}: the 10 merged device updates applied (mergeBatch)", "value": num(y, "mergeBatch ops/s")},
         "details": {"workload": workload}},
        {"id": "sync.bytes_per_op", "value": ours["wire_bytes_per_op_batched"], "unit": "bytes/op",
         "baseline": {"name": f"{lib}: mergeUpdates of each device's messages", "value": num(y, "wire bytes/op (batched per device)")},
         "target": {"max_value": 3, "note": "≤ 3 bytes/op, compacted queue"},
         "details": {"unbatched_bytes_per_op": ours["wire_bytes_per_op_unbatched"],
                     "baseline_unbatched_bytes_per_op": num(y, "wire bytes/op (unbatched)")}},
        {"id": "sync.state_size", "value": round(ours["state_bytes_settled"] / json_bytes, 2), "unit": "× plain JSON",
         "baseline": {"name": f"{lib}: encodeStateAsUpdate of the merged doc", "value": round(num(y, "state bytes") / json_bytes, 2)},
         "target": {"max_value": 2, "note": "merged state ≤ 2× the plain JSON of the live data"},
         "details": {"what": "the merged state after the server settled each key's concurrent values by the timestamp "
                             "strategy (one server write per key, as the engine does at push time)",
                     "state_bytes_settled": ours["state_bytes_settled"],
                     "state_bytes_all_values_kept": ours["state_bytes"],
                     "all_values_kept_ratio": round(ours["state_bytes"] / json_bytes, 2),
                     "baseline_state_bytes": num(y, "state bytes"),
                     "plain_json_bytes": json_bytes, "live_keys": ours["live_keys"],
                     "values_kept_manual": ours["state_values"]}},
        http_row(http, baseline_ms),
    ]
    for r in rows:
        b = r["baseline"]["value"]
        r["ratio"] = round(r["value"] / b, 3) if b else None
    emit(rows, args.out)


def emit(rows, out):
    text = json.dumps(rows, indent=2)
    if out:
        with open(out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
