"""Fixtures for the sync end-to-end tests: the host fixtures of tests/host/http (a real
`roundhouse serve` per test) plus the device client command built beside it."""

import contextlib
import importlib.util
import json
import socket
import subprocess
import threading
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "host_http_conftest", Path(__file__).resolve().parents[2] / "host" / "http" / "conftest.py")
_host = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_host)
globals().update({k: v for k, v in vars(_host).items() if not k.startswith("_")})

CLIENT = _host.BUILD_DIR / "bin" / "roundhouse-sync-client"
WRITER = _host.KEYS["acme-writer"]["key"]
READER = _host.KEYS["acme-reader"]["key"]


class Device:
    """One technician tablet: a durable store file driven through roundhouse-sync-client."""

    def __init__(self, host, path, device_id, key=WRITER):
        self.host, self.path, self.device_id, self.key = host, Path(path), device_id, key

    def run(self, *args, check=True):
        p = subprocess.run([str(CLIENT), *args, "--store", str(self.path)], capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise AssertionError(f"{args} exited {p.returncode}: {p.stderr}")
        return p

    def register(self, depot="Eastfield", role=None, admin=None):
        extra = ["--role", role] if role else []
        return json.loads(self.run("register", "--server", self.url, "--api-key", admin or _host.ADMIN,
                                   "--device", self.device_id, "--name", self.device_id, "--depot", depot,
                                   *extra).stdout)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.host.port}"

    def write(self, key, value):
        return json.loads(self.run("write", key, json.dumps(value)).stdout)

    def add(self, key, amount):
        """An increment of an additive field (labour hours, parts consumed)."""
        return json.loads(self.run("add", key, json.dumps(amount)).stdout)

    def dead_letters(self):
        return json.loads(self.run("dead-letters").stdout)["dead_letters"]

    def sync(self, check=True):
        p = self.run("sync", "--server", self.url, "--api-key", self.key, check=check)
        return json.loads(p.stdout) if p.returncode == 0 else p

    def show(self):
        return json.loads(self.run("show").stdout)


@contextlib.contextmanager
def stalling_server():
    """A loopback server that accepts connections and never answers; yields its URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        listener.close()
        for conn in held:
            conn.close()
