"""The command line: append/read/verify/plugins/routes, help, and bad input."""

import json
import os
import signal
import subprocess
import uuid

import pytest

from conftest import PLUGIN_DIR, BINARY, base_env, requires_sqlite, run_cli

COMMANDS = ["serve", "plugins", "routes", "append", "read", "verify"]


def lines(text):
    return [json.loads(l) for l in text.splitlines() if l.strip()]


@requires_sqlite
def test_cli_append_read_verify_round_trip(tmp_path):
    store = f"sqlite:{tmp_path / 'cli.db'}"
    ids = [str(uuid.uuid4()) for _ in range(3)]
    requests = [
        {"stream": {"type": "vehicle", "id": "V1"}, "expected_version": "no_stream",
         "events": [{"id": ids[0], "type": "Registered", "payload": {"depot": "MUC"}, "occurred_at": "2026-01-02"}]},
        {"stream": {"type": "vehicle", "id": "V1"}, "expected_version": 1,
         "events": [{"id": ids[1], "type": "Moved", "payload": {"depot": "BER"}}]},
        {"stream": {"type": "part", "id": "P1"}, "events": [{"id": ids[2], "type": "Counted", "payload": {"qty": 3}}]},
    ]
    r = run_cli("append", "--tenant", "acme", store=store, stdin="\n".join(json.dumps(x) for x in requests) + "\n")
    assert r.returncode == 0, r.stderr
    out = lines(r.stdout)
    assert [o["ok"] for o in out] == [True, True, True]
    assert [o["positions"] for o in out] == [[1], [2], [3]]
    assert out[1]["last_version"] == 2 and out[0]["ids"] == [ids[0]]

    r = run_cli("read", "--stream", "vehicle/V1", store=store)
    assert r.returncode == 0
    events = lines(r.stdout)
    assert [e["id"] for e in events] == ids[:2]
    assert events[0]["tenant"] == "acme" and events[0]["occurred_at"] == "2026-01-02T00:00:00.000000Z"
    r = run_cli("read", "--stream", "vehicle/V1", "--backward", "--limit", "1", store=store)
    assert [e["version"] for e in lines(r.stdout)] == [2]
    r = run_cli("read", "--type", "Counted", store=store)
    assert [e["id"] for e in lines(r.stdout)] == [ids[2]]
    r = run_cli("read", "--from-position", "2", "--limit", "1", store=store)
    assert [e["position"] for e in lines(r.stdout)] == [2]
    r = run_cli("read", "--tenant", "other", store=store)
    assert r.returncode == 0 and r.stdout == ""

    r = run_cli("verify", store=store)
    assert r.returncode == 0 and "chain verifies: 3 events" in r.stdout
    r = run_cli("read", "--stream", "vehicle/none", store=store)
    assert r.returncode == 1 and "does not exist" in r.stderr


@requires_sqlite
def test_cli_read_follow_prints_new_events_as_they_are_committed(tmp_path):
    store = f"sqlite:{tmp_path / 'follow.db'}"

    def append(n, type_="Moved"):
        body = {"stream": {"type": "vehicle", "id": "V1"}, "events": [{"type": type_, "payload": {"n": n}}]}
        assert run_cli("append", store=store, stdin=json.dumps(body) + "\n").returncode == 0

    append(1)
    append(2, "Ignored")
    argv = [str(BINARY), "read", "--follow", "--type", "Moved", "--limit", "3", "--store", store,
            "--plugins", str(PLUGIN_DIR)]
    follower = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=base_env(),
                                cwd=tmp_path)
    first = json.loads(follower.stdout.readline())  # catch-up: the event already stored
    assert first["payload"] == {"n": 1}
    append(3)  # committed by another process while it follows
    append(4, "Ignored")
    append(5)
    out, err = follower.communicate(timeout=30)  # --limit 3 reached: it exits by itself
    assert follower.returncode == 0, err
    assert [e["payload"]["n"] for e in lines(out)] == [3, 5]

    argv = [str(BINARY), "read", "--follow", "--store", store, "--plugins", str(PLUGIN_DIR)]
    follower = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=base_env(), cwd=tmp_path)
    assert [json.loads(follower.stdout.readline())["position"] for _ in range(5)] == [1, 2, 3, 4, 5]
    follower.send_signal(signal.SIGINT)  # it would wait for more; the signal ends it cleanly
    out, err = follower.communicate(timeout=30)
    assert follower.returncode == 0, err
    assert out == "" and err == ""


def test_cli_append_answers_every_line_in_order():
    good = {"stream": {"type": "v", "id": "a"}, "expected_version": "no_stream", "events": [{"type": "T", "payload": {}}]}
    stdin = "\n".join([
        json.dumps(good),
        '{"stream": ',
        json.dumps({"stream": {"type": "v"}, "events": []}),
        "",
        json.dumps(good),  # no_stream again: a conflict
        json.dumps(dict(good, expected_version=1)),
    ]) + "\n"
    r = run_cli("append", store="memory:", stdin=stdin)
    assert r.returncode == 1
    out = lines(r.stdout)
    assert [o["line"] for o in out] == [1, 2, 3, 5, 6]
    assert [o["ok"] for o in out] == [True, False, False, False, True]
    assert out[1]["error"]["code"] == "malformed_json"
    assert out[2]["error"]["code"] == "schema_violation"
    assert {"/stream", "/events"} <= {e["path"] for e in out[2]["error"]["errors"]}
    assert out[3]["error"]["code"] == "wrong_expected_version"
    assert out[4]["positions"] == [2]


@pytest.mark.parametrize("args, needle", [
    (["serve", "--bogus"], "--bogus"),
    (["serve", "--listen", "localhost"], "HOST:PORT"),
    (["serve", "--listen", "127.0.0.1:99999"], "port"),
    (["read", "--stream", "novalue"], "TYPE/ID"),
    (["read", "--stream", "a/b", "--type", "X"], "cannot be combined"),
    (["read", "--backward"], "--stream"),
    (["read", "--limit", "x"], "limit"),
    (["read", "--stream", "a/b", "--follow"], "--follow"),
    (["verify", "--store", "no-colon"], "store URI"),
    (["plugins", "--log-level", "loud"], "--log-level"),
    (["explode"], "unknown command"),
    (["append", "extra-positional"], "roundhouse append"),
])
def test_cli_usage_errors_exit_2_with_one_line(args, needle):
    r = run_cli(*args)
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert needle in r.stderr
    assert r.stderr.startswith("roundhouse")


def test_cli_without_arguments_prints_usage_and_exits_2():
    r = subprocess.run([str(BINARY)], capture_output=True, text=True, env=base_env())
    assert r.returncode == 2 and "usage: roundhouse" in r.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_help_everywhere(command):
    r = run_cli(command, "--help")
    assert r.returncode == 0 and r.stdout.startswith("usage: roundhouse " + command)
    for option in ["--store", "--plugins", "--config"]:
        assert option in r.stdout


def test_runtime_failures_exit_1(tmp_path):
    r = run_cli("verify", store="nosuch:thing")
    assert r.returncode == 1 and "no storage plugin handles 'nosuch:'" in r.stderr
    r = run_cli("verify", store="memory:", env={"ROUNDHOUSE_THREADS": "many"})
    assert r.returncode == 1 and "ROUNDHOUSE_THREADS" in r.stderr

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"threads": "four", "auth": {"api_keys": [{"key": "k" * 20, "tenant": "t", "roles": ["root"]}]}}))
    r = run_cli("verify", "--config", str(bad), store="memory:")
    assert r.returncode == 1
    assert str(bad) in r.stderr and ("/threads" in r.stderr or "/auth/api_keys/0/roles/0" in r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1

    bad.write_text("{ not json")
    r = run_cli("serve", "--config", str(bad))
    assert r.returncode == 1 and "invalid JSON" in r.stderr
    r = run_cli("serve", "--config", str(tmp_path / "missing.json"))
    assert r.returncode == 1 and "missing.json" in r.stderr


def test_environment_overrides_and_flags_win(tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"store": "nosuch:from-file"}))
    assert run_cli("verify", "--config", str(cfg)).returncode == 1
    assert run_cli("verify", "--config", str(cfg), env={"ROUNDHOUSE_STORE": "memory:"}).returncode == 0
    r = run_cli("verify", "--config", str(cfg), store="memory:", env={"ROUNDHOUSE_STORE": "nosuch:env"})
    assert r.returncode == 0


def test_plugins_table_and_json():
    r = run_cli("plugins")
    assert r.returncode == 0
    header, *rows = r.stdout.splitlines()
    assert header.split() == ["NAME", "VERSION", "KIND", "STATE", "REASON"]
    assert any(row.split()[:4] == ["storage-memory", "0.1.0", "storage", "loaded"] for row in rows)
    listed = json.loads(run_cli("plugins", "--json").stdout)
    assert {"name", "version", "kind", "state", "reason"} <= set(listed[0])


def test_a_refused_plugin_is_reported_and_the_host_keeps_running(tmp_path, start_host):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    for so in PLUGIN_DIR.glob("*.so"):
        os.symlink(so, plugins / so.name)
    (plugins / "broken.so").write_text("not a shared object")
    r = subprocess.run([str(BINARY), "plugins", "--plugins", str(plugins)], capture_output=True,
                                     text=True, env=base_env())
    assert r.returncode == 0
    broken = [row for row in r.stdout.splitlines() if row.startswith("broken")]
    assert len(broken) == 1 and ("refused" in broken[0] or "failed" in broken[0])

    h = start_host(plugin_dir=plugins)
    assert h.get("/health", token=None).status == 200
    refused = [l for l in h.log_lines() if l["msg"] in ("plugin refused", "plugin failed")]
    assert refused and refused[0]["plugin"] == "broken" and refused[0]["reason"]
    states = {p["name"]: p["state"] for p in h.get("/api/v1/plugins").json["plugins"]}
    assert states["broken"] in ("refused", "failed") and states["storage-memory"] == "loaded"


@pytest.mark.skipif(not (PLUGIN_DIR / "fleet.so").exists(), reason="fleet plugin not built")
def test_plugin_subcommands_are_listed_and_run():
    r = subprocess.run([str(BINARY), "--help"], capture_output=True, text=True, env=base_env())
    assert r.returncode == 0 and "plugin commands:" in r.stdout and "demo" in r.stdout
    r = run_cli("demo", "--help")
    assert r.returncode == 0 and r.stdout.startswith("usage: roundhouse demo")
    r = run_cli("demo", "--size", "nonsense", store="memory:")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    # Global flags (--store, --tenant, ...) are taken by the host, the rest reaches the command.
    r = run_cli("demo", "--tenant", "acme", "--actor=me", "--size", "nonsense", store="memory:")
    assert r.returncode == 2 and "nonsense" in r.stderr and "--tenant" not in r.stderr
