"""Fixtures for the host's HTTP and CLI integration tests.

Every test starts its own `roundhouse serve` on a random loopback port (--listen 127.0.0.1:0
--port-file) with its own store (memory: or a temporary SQLite file). The build is found through
ROUNDHOUSE_BUILD_DIR (default <repo>/build): bin/roundhouse and lib/roundhouse/plugins.
Standard library only (http.client, subprocess), so it runs with Debian's /usr/bin/python3.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

BUILD_DIR = Path(os.environ.get("ROUNDHOUSE_BUILD_DIR", Path(__file__).resolve().parents[3] / "build")).resolve()
BINARY = BUILD_DIR / "bin" / "roundhouse"
PLUGIN_DIR = BUILD_DIR / "lib" / "roundhouse" / "plugins"

JWT_SECRET = "test-secret-0123456789abcdef"
# tenant "acme": admin, writer, reader; tenant "globex": admin.
KEYS = {
    "acme-admin": {"key": "acme-admin-key-0123456789", "tenant": "acme", "roles": ["admin"]},
    "acme-writer": {"key": "acme-writer-key-0123456789", "tenant": "acme", "roles": ["writer"]},
    "acme-reader": {"key": "acme-reader-key-0123456789", "tenant": "acme", "roles": ["reader"]},
    "globex-admin": {"key": "globex-admin-key-0123456789", "tenant": "globex", "roles": ["admin"]},
}
ADMIN = KEYS["acme-admin"]["key"]
OTHER_TENANT = KEYS["globex-admin"]["key"]


def sqlite_available():
    return (PLUGIN_DIR / "storage-sqlite.so").exists()


requires_sqlite = pytest.mark.skipif(not sqlite_available(), reason="storage-sqlite plugin not built")


def base_env():
    """The environment for child processes, without ROUNDHOUSE_* settings of the caller."""
    return {k: v for k, v in os.environ.items() if not k.startswith("ROUNDHOUSE_")}


def default_config():
    return {
        "auth": {
            "jwt_secret": JWT_SECRET,
            "api_keys": [dict(name=name, **spec) for name, spec in KEYS.items()],
        },
        "log": {"level": "info", "access": True},
        "threads": 2,
    }


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<Response {self.status} {self.body[:300]!r}>"


class Host:
    """One `roundhouse serve` process. Use through the `start_host` fixture."""

    def __init__(self, workdir, store, config=None, extra_args=(), env=None, plugin_dir=PLUGIN_DIR):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.store = store
        self.config = default_config() if config is None else config
        self.extra_args = list(extra_args)
        self.env = env or {}
        self.plugin_dir = plugin_dir
        self.proc = None
        self.port = None
        self.log_path = self.workdir / f"host-{time.monotonic_ns()}.log"

    def start(self, timeout=15):
        config_path = self.workdir / "config.json"
        config_path.write_text(json.dumps(self.config))
        port_file = self.workdir / "port"
        if port_file.exists():
            port_file.unlink()
        args = [str(BINARY), "serve", "--config", str(config_path), "--store", self.store,
                "--listen", "127.0.0.1:0", "--port-file", str(port_file), "--plugins", str(self.plugin_dir),
                *self.extra_args]
        env = base_env()
        env.update(self.env)
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(args, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=self.log_file, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if port_file.exists():
                text = port_file.read_text().strip()
                if text:
                    self.port = int(text)
                    return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"host exited with {self.proc.returncode}:\n{self.log()}")
            time.sleep(0.01)
        raise RuntimeError(f"host did not start within {timeout}s:\n{self.log()}")

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_lines(self):
        return [json.loads(line) for line in self.log().splitlines() if line.startswith("{")]

    def request(self, method, path, body=None, token=ADMIN, headers=None, timeout=30):
        hdrs = dict(headers or {})
        if token is not None:
            hdrs.setdefault("Authorization", f"Bearer {token}")
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            hdrs.setdefault("Content-Type", "application/json")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode())
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body, **kw):
        return self.request("POST", path, body=body, **kw)

    def append(self, stream_type, stream_id, events, expected=None, token=ADMIN):
        body = {"stream": {"type": stream_type, "id": stream_id}, "events": events}
        if expected is not None:
            body["expected_version"] = expected
        return self.post("/api/v1/events", body, token=token)

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Signals the host and returns its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        self.log_file.close()
        return self.proc.returncode

    def kill(self):
        self.proc.kill()
        self.proc.wait()
        self.log_file.close()


class _SmallBufferConnection(http.client.HTTPConnection):
    """An HTTPConnection whose socket has a small receive buffer, so a client that stops reading
    stalls the server quickly."""

    def __init__(self, *args, rcvbuf, **kw):
        super().__init__(*args, **kw)
        self.rcvbuf = rcvbuf

    def connect(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)
        sock.settimeout(self.timeout)
        sock.connect((self.host, self.port))
        self.sock = sock


class EventStream:
    """A client of GET /api/v1/events/stream (Server-Sent Events).

    `status`, `headers` and, for an error, `body` are set once the response head is in. next()
    parses one message; events(n) collects the next n log events as (position, event dict)."""

    def __init__(self, host, query="", token=ADMIN, headers=None, timeout=30, rcvbuf=None):
        if rcvbuf:
            self.conn = _SmallBufferConnection("127.0.0.1", host.port, timeout=timeout, rcvbuf=rcvbuf)
        else:
            self.conn = http.client.HTTPConnection("127.0.0.1", host.port, timeout=timeout)
        hdrs = {"Accept": "text/event-stream", **(headers or {})}
        if token is not None:
            hdrs["Authorization"] = f"Bearer {token}"
        self.conn.request("GET", "/api/v1/events/stream" + query, headers=hdrs)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}
        self.body = None
        if self.status != 200:
            self.body = self.resp.read().decode()
        self.comments = []  # every comment line seen so far, without the colon

    @property
    def json(self):
        return json.loads(self.body)

    def next(self):
        """The next message as {"id", "event", "data"} (fields as sent), or None at the end of the
        response. Comment lines are collected in self.comments."""
        fields = {}
        while True:
            raw = self.resp.readline()
            if not raw:
                return None
            line = raw.decode().rstrip("\n").rstrip("\r")
            if line == "":
                if fields:
                    return fields
                continue
            if line.startswith(":"):
                self.comments.append(line[1:].strip())
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            fields[name] = fields[name] + "\n" + value if name == "data" and name in fields else value

    def events(self, n):
        """The next n log events as a list of (id as int, parsed data); fails on a premature end."""
        out = []
        while len(out) < n:
            msg = self.next()
            assert msg is not None, f"the stream ended after {len(out)} of {n} events"
            if msg.get("event") == "event":
                out.append((int(msg["id"]), json.loads(msg["data"])))
        return out

    def close(self):
        self.resp.close()  # the response holds the socket open too
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def metric(host, name):
    """The value of an unlabelled series in /metrics (None when absent)."""
    for line in host.get("/metrics", token=None).body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


@pytest.fixture
def start_host(tmp_path):
    """start_host(store="memory:", config=None, ...) -> a running Host; stopped after the test."""
    hosts = []

    def start(store="memory:", config=None, extra_args=(), env=None, workdir=None, plugin_dir=PLUGIN_DIR):
        h = Host(workdir or tmp_path, store, config, extra_args, env, plugin_dir)
        hosts.append(h)
        return h.start()

    yield start
    for h in hosts:
        if h.proc and h.proc.poll() is None:
            h.kill()


@pytest.fixture
def host(start_host):
    """A host on a memory: store with the default keys."""
    return start_host()


_CLI_CWD = tempfile.mkdtemp(prefix="roundhouse-cli-")  # so a default ./data never lands in the repo


def run_cli(*args, stdin=None, store=None, timeout=60, env=None, cwd=None):
    """Runs `roundhouse <args>` (with --plugins, and --store when given) in a scratch folder;
    returns CompletedProcess."""
    argv = [str(BINARY), *args, "--plugins", str(PLUGIN_DIR)]
    if store:
        argv += ["--store", store]
    e = base_env()
    e.update(env or {})
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout, env=e,
                          cwd=cwd or _CLI_CWD)


def demo_sqlite(work, size="small", tenant="acme"):
    """`roundhouse demo --size <size>` for `tenant` into work/demo.db; returns the file's path."""
    db = work / "demo.db"
    r = run_cli("demo", "--size", size, "--tenant", tenant, store=f"sqlite:{db}", timeout=900)
    assert r.returncode == 0, r.stderr
    return db


def make_jwt(claims, secret=JWT_SECRET, alg="HS256"):
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims).encode())
    signing_input = f"{header}.{payload}".encode()
    if alg == "none":
        return f"{header}.{payload}."
    sig = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(sig)}"


def event(type_="Registered", **payload):
    return {"type": type_, "payload": payload or {"n": 1}}


# ---- helpers for the projection, time-travel and audit tests ----

def jwt_for(subject, roles, tenant="acme", ttl=3600):
    """A bearer JWT for `subject` (who becomes the events' actor) with `roles` in `tenant`."""
    return make_jwt({"sub": subject, "tenant": tenant, "roles": list(roles), "exp": int(time.time()) + ttl})


def iso_days_ago(days):
    """An RFC 3339 UTC timestamp `days` before now (whole seconds)."""
    from datetime import datetime, timedelta, timezone
    return (datetime.now(timezone.utc) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def wait_until(predicate, timeout=10, interval=0.02):
    """Polls predicate() until it returns something truthy; returns that, or fails the test."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout}s")
        time.sleep(interval)


class FleetClient:
    """The fleet plugin's HTTP commands (plugins/fleet/README.md), failing the test on a refusal."""

    def __init__(self, host, token=ADMIN):
        self.host = host
        self.token = token

    def command(self, path, body, token=None, occurred_at=None):
        if occurred_at:
            body = dict(body, occurred_at=occurred_at)
        r = self.host.post(f"/api/v1/fleet/{path}", body, token=token or self.token)
        assert r.status in (200, 201), r
        return r.json

    def register(self, number, depot="North", vehicle_type="emu_car", **kw):
        return self.command("vehicles", {"number": number, "vehicle_type": vehicle_type, "depot": depot,
                                         "commissioned_on": "2019-04-01"}, **kw)

    def status(self, number, status, **kw):
        return self.command(f"vehicles/{number}/status", {"status": status}, **kw)

    def meters(self, number, odometer_km, **kw):
        return self.command(f"vehicles/{number}/meters", {"odometer_km": odometer_km}, **kw)

    def events(self, number, token=None):
        r = self.host.get(f"/api/v1/events/vehicle/{number}", token=token or self.token)
        assert r.status == 200, r
        return r.json["events"]


@pytest.fixture
def fleet(host):
    """Fleet commands against the default `host` (memory: store), as the acme admin."""
    return FleetClient(host)
