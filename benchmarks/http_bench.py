#!/usr/bin/python3
"""HTTP rows of the benchmark suite: http.health and http.append, each beside nginx.

    benchmarks/http_bench.py [--quick] [--build-dir DIR] [--out FILE]

Starts `roundhouse serve` on a free loopback port with a scratch SQLite store and an API-key
config, and nginx (foreground, scratch prefix, free loopback port) as the baseline, then drives
both with wrk using the same settings (-t2 -c64, 10 s; 3 s with --quick; each after a short
warm-up that is not counted):

  http.health  GET /health on the host  vs  nginx serving a static JSON file of the same size
  http.append  POST /api/v1/events, one event per request, a new stream per request, expected
               version "any", bearer API key; every 201 is a durable append (group commit); the
               host runs as shipped, so the fleet plugin's projections follow the log meanwhile
               vs  nginx answering the same POST from a `return 201` location of the same body
               size (the HTTP ceiling of this machine: no parsing, no storage)
  http.append.storage_only  the same against a host given only the storage plugins (--plugins),
               i.e. appends without projections; same baseline

Prints the rows as JSON (also to --out). Everything it starts is stopped on exit, on SIGINT/SIGTERM
and, through PR_SET_PDEATHSIG, if this script itself is killed.
"""
import argparse
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

API_KEY = "bench-key-0123456789abcdef"
TENANT = "bench"
WRK_THREADS = 2
WRK_CONNECTIONS = 64

_children = []


def _die_with_parent():
    # Children get SIGTERM when this process dies, even by SIGKILL.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start(cmd, log_path):
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            preexec_fn=_die_with_parent)
    _children.append(proc)
    return proc


def stop(proc, timeout=15):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def stop_all():
    while _children:
        stop(_children.pop())


def _on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read()
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer {url} within {timeout:.0f} s")


# wrk prints one JSON line from done(); latencies are in microseconds.
DONE_LUA = r"""
done = function(summary, latency, requests)
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout, latency.mean, latency:percentile(50), latency:percentile(99), latency.max))
end
"""

# One event per request; every request a new stream: "<run>-<thread>-<n>".
APPEND_LUA = r"""
local threads_started = 0
function setup(thread)
  thread:set("tid", threads_started)
  threads_started = threads_started + 1
end

wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer @KEY@"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
local depots = {"HAMM-BW3", "KOELN-BBF", "MUENCHEN-S", "BERLIN-RUM"}

request = function()
  counter = counter + 1
  local body = string.format(
    '{"stream":{"type":"vehicle","id":"@RUN@-%d-%d"},"expected_version":"any","events":[' ..
    '{"type":"MeasurementRecorded","payload":{"vehicle":"ICE-%05d","depot":"%s",' ..
    '"component":"bogie-2/axle-2/wheel-R","measurement":{"kind":"flange_thickness","value":%.2f,' ..
    '"unit":"mm","limit":22.0},"odometer_km":%d,"work_order":"WO-2024-%07d","technician":"tech-%04d",' ..
    '"result":"within_limits"}}]}',
    tid, counter, counter % 10000, depots[counter % 4 + 1], 10 + (counter % 4000) / 100,
    (counter * 7919) % 3000000, counter % 10000000, counter % 10000)
  return wrk.format(nil, "/api/v1/events", nil, body)
end
"""


def run_wrk(url, script, seconds):
    cmd = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s", "-s", script, url]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, preexec_fn=_die_with_parent).stdout
    for line in out.splitlines():
        if line.startswith("WRK_JSON "):
            r = json.loads(line[len("WRK_JSON "):])
            r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
            r["non_2xx_or_errors"] = sum(r["errors"].values())
            return r
    raise RuntimeError("wrk printed no summary:\n" + out)


def measure(url, script, seconds, warmup):
    run_wrk(url, script, warmup)
    return run_wrk(url, script, seconds)


NGINX_CONF = """
daemon off;
master_process on;
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 100000000;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location = /health {{ default_type application/json; alias {tmp}/www/health.json; }}
    location = /api/v1/events {{ default_type application/json; return 201 '{append_body}'; }}
  }}
}}
"""


def start_host(exe, tmp, name, plugin_dir=None):
    """Starts `roundhouse serve` on a free port with a fresh store; returns (process, base URL)."""
    port_file = os.path.join(tmp, name + ".port")
    log = os.path.join(tmp, name + ".log")
    cmd = [exe, "serve", "--config", os.path.join(tmp, "config.json"),
           "--store", "sqlite:" + os.path.join(tmp, name, "store.db"),
           "--listen", "127.0.0.1:0", "--port-file", port_file]
    if plugin_dir:
        cmd += ["--plugins", plugin_dir]
    proc = start(cmd, log)
    deadline = time.monotonic() + 60
    while not os.path.exists(port_file):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("roundhouse serve did not start:\n" + open(log).read())
        time.sleep(0.05)
    url = f"http://127.0.0.1:{int(open(port_file).read())}"
    wait_http(url + "/health", proc, "roundhouse serve")
    return proc, url


def probe_append(url, stream_id):
    req = urllib.request.Request(
        url + "/api/v1/events", method="POST",
        headers={"Authorization": "Bearer " + API_KEY, "Content-Type": "application/json"},
        data=json.dumps({"stream": {"type": "vehicle", "id": stream_id}, "expected_version": "any",
                         "events": [{"type": "MeasurementRecorded", "payload": {"probe": True}}]}).encode())
    with urllib.request.urlopen(req, timeout=10) as r:
        if r.status != 201:
            raise RuntimeError(f"probe append answered {r.status}")
        return r.read()


def host_state(url):
    """Head position and the largest subscription (projection) lag, read after a run."""
    with urllib.request.urlopen(url + "/health", timeout=10) as r:
        head = json.loads(r.read()).get("head_position", 0)
    lag = 0
    try:
        with urllib.request.urlopen(url + "/metrics", timeout=10) as r:
            for line in r.read().decode().splitlines():
                if line.startswith("roundhouse_subscription_lag"):
                    lag = max(lag, int(float(line.rsplit(" ", 1)[1])))
    except OSError:
        pass
    return head, lag


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 s per wrk run instead of 10 s")
    ap.add_argument("--build-dir", default=os.environ.get("ROUNDHOUSE_BUILD_DIR", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "build")))
    ap.add_argument("--out", help="also write the rows to this file")
    args = ap.parse_args()

    seconds, warmup = (3, 1) if args.quick else (10, 2)
    exe = os.path.join(args.build_dir, "bin", "roundhouse")
    plugin_dir = os.path.join(args.build_dir, "lib", "roundhouse", "plugins")
    if not os.access(exe, os.X_OK):
        sys.exit(f"http_bench: {exe} not found; build the host first (ROUNDHOUSE_BUILD_DIR={args.build_dir})")
    if not shutil.which("wrk"):
        sys.exit("http_bench: wrk is not installed (apt-get install wrk)")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        sys.exit("http_bench: nginx is not installed (apt-get install nginx-light)")

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    base = os.environ.get("ROUNDHOUSE_BENCH_DIR") or None
    tmp = tempfile.mkdtemp(prefix="roundhouse-http-bench-", dir=base)
    try:
        os.chmod(tmp, 0o755)  # nginx workers may run as another user
        run_tag = f"r{os.getpid()}x{int(time.time())}"
        with open(os.path.join(tmp, "config.json"), "w") as f:
            json.dump({"auth": {"api_keys": [{"name": "bench", "key": API_KEY, "tenant": TENANT,
                                               "roles": ["writer", "reader"]}]},
                       "log": {"level": "warn", "access": False}}, f)
        health_lua = os.path.join(tmp, "health.lua")
        append_lua = os.path.join(tmp, "append.lua")
        with open(health_lua, "w") as f:
            f.write(DONE_LUA)
        with open(append_lua, "w") as f:
            f.write(APPEND_LUA.replace("@KEY@", API_KEY).replace("@RUN@", run_tag) + DONE_LUA)

        # --- the host as shipped: every plugin of the build, their projections running --------
        host, host_url = start_host(exe, tmp, "host")
        with urllib.request.urlopen(host_url + "/health", timeout=10) as r:
            health_body = r.read()
        append_body = probe_append(host_url, run_tag + "-probe")
        host_health = measure(host_url + "/health", health_lua, seconds, warmup)
        host_append = measure(host_url + "/api/v1/events", append_lua, seconds, warmup)
        head, lag = host_state(host_url)
        stop(host)

        # --- the host with the storage plugins only: appends without projections -------------
        storage_dir = os.path.join(tmp, "storage-plugins")
        os.makedirs(storage_dir)
        for name in sorted(os.listdir(plugin_dir)):
            if name.startswith("storage-") and name.endswith(".so"):
                shutil.copy2(os.path.join(plugin_dir, name), storage_dir)
        bare, bare_url = start_host(exe, tmp, "bare", storage_dir)
        probe_append(bare_url, run_tag + "-probe")
        bare_append = measure(bare_url + "/api/v1/events", append_lua, seconds, warmup)
        bare_head, _ = host_state(bare_url)
        stop(bare)

        # --- nginx ----------------------------------------------------------------------------
        os.makedirs(os.path.join(tmp, "www"))
        # The static file is the host's own health body: same size, same content type.
        static = health_body
        with open(os.path.join(tmp, "www", "health.json"), "wb") as f:
            f.write(static)
        os.chmod(os.path.join(tmp, "www"), 0o755)
        # The POST answer: a JSON object of the host's 201 body size (no quotes to escape for nginx).
        prefix = '{"stream":"x","positions":[1],"pad":"'
        fake = prefix + "x" * max(0, len(append_body) - len(prefix) - 2) + '"}'
        nginx_port = free_port()
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(workers=os.cpu_count() or 1, tmp=tmp, port=nginx_port, append_body=fake))
        ng = start([nginx, "-p", tmp, "-c", conf, "-e", os.path.join(tmp, "nginx-error.log")],
                   os.path.join(tmp, "nginx.log"))
        nginx_url = f"http://127.0.0.1:{nginx_port}"
        wait_http(nginx_url + "/health", ng, "nginx")
        nginx_health = measure(nginx_url + "/health", health_lua, seconds, warmup)
        nginx_append = measure(nginx_url + "/api/v1/events", append_lua, seconds, warmup)
        stop(ng)
    finally:
        stop_all()
        shutil.rmtree(tmp, ignore_errors=True)

    def row(row_id, host_r, base_r, base_name, extra):
        ratio = host_r["rps"] / base_r["rps"] if base_r["rps"] else None
        return {"id": row_id, "value": round(host_r["rps"], 1), "unit": "req/s",
                "baseline": {"name": base_name, "value": round(base_r["rps"], 1)},
                "ratio": round(ratio, 3) if ratio is not None else None,
                "details": {"requests": host_r["requests"], "baseline_requests": base_r["requests"],
                            "wrk": f"-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{seconds}s (after a {warmup} s warm-up)",
                            "errors": host_r["errors"], "baseline_errors": base_r["errors"],
                            "latency_us": host_r["latency_us"], "baseline_latency_us": base_r["latency_us"],
                            **extra}}

    nginx_post = "nginx answering the same POST with `return 201` (no storage)"
    rows = [
        row("http.health", host_health, nginx_health,
            f"nginx serving a {len(static)}-byte static JSON file", {"body_bytes": len(health_body)}),
        row("http.append", host_append, nginx_append, nginx_post,
            {"head_position_after": head, "projection_lag_after": lag, "response_bytes": len(append_body)}),
        row("http.append.storage_only", bare_append, nginx_append, nginx_post,
            {"head_position_after": bare_head, "plugins": "storage-* only (no projections)"}),
    ]
    text = json.dumps(rows, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    bad = [r["id"] for r in rows if sum(r["details"]["errors"].values()) > 0.01 * max(1, r["details"]["requests"])]
    if bad:
        print("http_bench: errors or non-2xx answers in " + ", ".join(bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
