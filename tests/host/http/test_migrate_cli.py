"""`roundhouse migrate`, `backup` and `restore` end to end: real SQLite files, and a real PostgreSQL
when run under tests/storage/with-postgres (the `postgres` tests skip otherwise; ctest runs them as
host.migrate.postgres). Interrupted and killed migrations are run again and must continue; bad
input gets one line and a failing exit code, and nothing stored changes."""

import json
import os
import re
import signal
import sqlite3
import subprocess
import uuid

import pytest

from conftest import BINARY, PLUGIN_DIR, base_env, requires_sqlite, run_cli

PG_URI = os.environ.get("ROUNDHOUSE_TEST_POSTGRES_URI")
requires_postgres = pytest.mark.skipif(not PG_URI, reason="needs a server: run under tests/storage/with-postgres")

pytestmark = requires_sqlite


def pg_store(name):
    return f"{PG_URI}?schema={name}_{uuid.uuid4().hex[:10]}"


def fill(store, events, per_line=500, tenant="acme"):
    """Appends `events` events in lines of `per_line` over 7 streams."""
    lines = []
    for first in range(0, events, per_line):
        n = min(per_line, events - first)
        lines.append(json.dumps({"stream": {"type": "vehicle", "id": f"V{first // per_line % 7}"},
                                 "events": [{"type": "Moved", "payload": {"n": first + i, "text": "ü"}}
                                            for i in range(n)]}))
    r = run_cli("append", "--tenant", tenant, store=store, stdin="\n".join(lines) + "\n", timeout=300)
    assert r.returncode == 0, r.stderr


def read_all(store):
    r = run_cli("read", store=store, timeout=300)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


def sqlite_count(path):
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT count(*) FROM events").fetchone()[0]
    except sqlite3.Error:
        return 0


def error_line(r):
    lines = [l for l in r.stderr.splitlines() if not l.startswith("{")]  # JSON lines are logs
    assert len(lines) == 1, r.stderr
    return lines[0]


def start_migrate(source, target, *extra):
    argv = [str(BINARY), "migrate", "--from", source, "--to", target, "--plugins", str(PLUGIN_DIR), *extra]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=base_env())


def wait_for_progress(proc, count, total):
    """Polls count() until the copy has begun; fails if the process ended first."""
    import time
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        n = count()
        if n > 0:
            return n
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.005)
    pytest.fail("the migration did not start copying")


def check_resume_after_kill(tmp_path, target, target_count):
    source = f"sqlite:{tmp_path / 'source.db'}"
    fill(source, 20000)
    proc = start_migrate(source, target, "--batch", "10")
    wait_for_progress(proc, target_count, 20000)
    proc.kill()
    proc.wait()
    partial = target_count()
    assert 0 < partial < 20000, "the kill should land mid-way (10-event batches)"

    r = run_cli("migrate", "--from", source, "--to", target, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "20000 events" in r.stdout and "hash chain intact" in r.stdout
    already = int(re.search(r"\(\d+ copied, (\d+) already there\)", r.stdout).group(1))
    assert already >= partial  # the killed run's committed batches were kept, not copied again
    assert read_all(target) == read_all(source)
    return source


def test_migrate_copies_as_is_and_verifies(tmp_path):
    source, target = f"sqlite:{tmp_path / 'a.db'}", f"sqlite:{tmp_path / 'b.db'}"
    fill(source, 2345)
    r = run_cli("migrate", "--from", source, "--to", target, "--batch", "1000")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"migrated {source} -> {target}: 2345 events (2345 copied, 0 already there)")
    assert "verified: head position 2345, hash chain intact" in r.stdout
    assert read_all(target) == read_all(source)  # positions, versions, ids, times, hashes
    r = run_cli("verify", store=target)
    assert r.returncode == 0 and "2345 events" in r.stdout

    # Running it again copies nothing and still verifies.
    r = run_cli("migrate", "--from", source, "--to", target)
    assert r.returncode == 0 and "(0 copied, 2345 already there)" in r.stdout


def test_migrate_resumes_after_being_killed(tmp_path):
    target = tmp_path / "target.db"
    check_resume_after_kill(tmp_path, f"sqlite:{target}", lambda: sqlite_count(target))


def test_migrate_stops_cleanly_on_ctrl_c_and_continues(tmp_path):
    source, target = f"sqlite:{tmp_path / 'a.db'}", tmp_path / "b.db"
    fill(source, 20000)
    proc = start_migrate(source, f"sqlite:{target}", "--batch", "10")
    wait_for_progress(proc, lambda: sqlite_count(target), 20000)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "interrupted at position" in err and "run the same command again to continue" in err
    r = run_cli("migrate", "--from", source, "--to", f"sqlite:{target}")
    assert r.returncode == 0, r.stderr
    assert read_all(f"sqlite:{target}") == read_all(source)


def test_migrate_refuses_a_foreign_target_and_bad_input(tmp_path):
    source, foreign = f"sqlite:{tmp_path / 'a.db'}", f"sqlite:{tmp_path / 'f.db'}"
    fill(source, 100)
    fill(foreign, 30, per_line=10, tenant="globex")
    before = read_all(foreign)
    r = run_cli("migrate", "--from", source, "--to", foreign)
    assert r.returncode == 1
    assert "already holds 30 events that are not a copy" in error_line(r)
    assert read_all(foreign) == before

    cases = [
        (["--from", source, "--to", "nosuch:x"], 1, "no storage plugin administers 'nosuch:'"),
        (["--from", source, "--to", f"sqlite:{tmp_path}/../{tmp_path.name}/a.db"], 1, "the same store"),
        (["--from", f"sqlite:{tmp_path / 'missing.db'}", "--to", f"sqlite:{tmp_path / 'x.db'}"], 1, "no SQLite store"),
        (["--from", source], 2, "--to URI is required"),
        (["--from", source, "--to", "plainfile"], 2, "is not a store URI"),
        (["--from", source, "--to", f"sqlite:{tmp_path / 'x.db'}", "--batch", "0"], 2, "--batch must be"),
        (["--from", source, "--to", f"sqlite:{tmp_path / 'x.db'}", "--store", "memory:"], 2, "--store does not apply"),
    ]
    for args, code, needle in cases:
        r = run_cli("migrate", *args)
        assert r.returncode == code, (args, r.stderr)
        assert needle in error_line(r), (args, r.stderr)
    assert not (tmp_path / "missing.db").exists()
    assert read_all(source)[-1]["position"] == 100


def check_backup_restore(tmp_path, start_host, store, restored_store, suffix):
    fill(store, 1500)
    backup = tmp_path / f"store{suffix}"
    r = run_cli("backup", "--to", str(backup), store=store)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("backed up ") and str(backup) in r.stdout
    assert not os.path.exists(f"{backup}.partial")

    # An existing backup file is never overwritten.
    size = backup.stat().st_size
    r = run_cli("backup", "--to", str(backup), store=store)
    assert r.returncode == 1 and "already exists" in error_line(r)
    assert backup.stat().st_size == size

    r = run_cli("restore", "--from", str(backup), store=restored_store)
    assert r.returncode == 0, r.stderr
    assert "1500 events, head position 1500, hash chain verified" in r.stdout
    assert read_all(restored_store) == read_all(store)

    # A store with events is replaced only with --force.
    fill(restored_store, 5, per_line=5)
    r = run_cli("restore", "--from", str(backup), store=restored_store)
    assert r.returncode == 1 and "is not empty (1505 events)" in error_line(r)
    assert len(read_all(restored_store)) == 1505
    r = run_cli("restore", "--from", str(backup), "--force", store=restored_store)
    assert r.returncode == 0 and "(replaced 1505 events)" in r.stdout
    assert read_all(restored_store) == read_all(store)

    # The host serves the restored store and appends after its head.
    host = start_host(store=restored_store)
    events = host.get("/api/v1/events/vehicle/V1").json["events"]
    assert len(events) == 500 and events[-1]["version"] == 500
    r = host.append("vehicle", "V1", [{"type": "Moved", "payload": {"n": -1}}], expected=500)
    assert r.status in (200, 201), r
    assert r.json["positions"] == [1501]


def test_sqlite_backup_restore_round_trip_served_by_a_host(tmp_path, start_host):
    check_backup_restore(tmp_path, start_host, f"sqlite:{tmp_path / 'live.db'}",
                         f"sqlite:{tmp_path / 'restored' / 'r.db'}", ".db")


def test_backup_and_restore_bad_input(tmp_path):
    store = f"sqlite:{tmp_path / 'a.db'}"
    fill(store, 20, per_line=10)
    before = read_all(store)
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"not a backup at all")
    pg_like = tmp_path / "fake.dump"
    pg_like.write_bytes(b"PGDMP\x01\x0e\x00")
    cases = [
        (["restore", "--from", str(tmp_path / "none.db")], 1, "does not exist"),
        (["restore", "--from", str(tmp_path)], 1, "is a directory"),
        (["restore", "--from", str(garbage)], 1, "is not a Roundhouse backup"),
        (["restore", "--from", str(pg_like)], 1, "is a PostgreSQL backup"),
        (["restore", "--from", str(garbage), "--store", "nosuch:x"], 1, "no storage plugin administers 'nosuch:'"),
        (["restore", "--force", "--store", store], 2, "--from FILE is required"),
        (["backup", "--store", store], 2, "--to FILE is required"),
        (["backup", "--store", "memory:", "--to", str(tmp_path / "m.bak")], 1, "backup is not supported for memory:"),
        (["backup", "--store", f"sqlite:{tmp_path / 'missing.db'}", "--to", str(tmp_path / "m.bak")], 1,
         "no SQLite store"),
    ]
    for args, code, needle in cases:
        if "--store" not in args:
            args = [*args, "--store", store]
        r = run_cli(*args)
        assert r.returncode == code, (args, r.stderr)
        assert needle in error_line(r), (args, r.stderr)
    assert read_all(store) == before
    assert not (tmp_path / "m.bak").exists() and not (tmp_path / "missing.db").exists()


# ---- PostgreSQL (under tests/storage/with-postgres) ----

def pg_count(store):
    """Events in a PostgreSQL store, through the CLI (no driver needed in Python)."""
    r = run_cli("read", "--from-position", "1", "--limit", "100000", store=store, timeout=120)
    return len(r.stdout.splitlines()) if r.returncode == 0 else 0


@requires_postgres
def test_postgres_migrate_from_sqlite_resumes_after_being_killed(tmp_path):
    target = pg_store("mig")
    source = check_resume_after_kill(tmp_path, target, lambda: pg_count(target))
    r = run_cli("verify", store=target)
    assert r.returncode == 0 and "20000 events" in r.stdout
    # And back again: PostgreSQL -> SQLite gives the same log.
    back = f"sqlite:{tmp_path / 'back.db'}"
    r = run_cli("migrate", "--from", target, "--to", back)
    assert r.returncode == 0, r.stderr
    assert read_all(back) == read_all(source)
    assert "***" in r.stdout and PG_URI.split(":")[2].split("@")[0] not in r.stdout + r.stderr


def create_database(name):
    """A new, empty database on the test cluster (psql, with the password in its environment)."""
    psql = subprocess.run(["sh", "-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1"],
                          capture_output=True, text=True).stdout.strip() + "/psql"
    credentials, address = PG_URI.split("://", 1)[1].split("@", 1)
    user, password = credentials.split(":", 1)
    host, port = address.split("/", 1)[0].split(":")
    env = dict(base_env(), PGPASSWORD=password)
    subprocess.run([psql, "-h", host, "-p", port, "-U", user, "-d", "rh_test", "-v", "ON_ERROR_STOP=1",
                    "-c", f"CREATE DATABASE {name}"], check=True, env=env, capture_output=True)
    return f"postgresql://{credentials}@{address.split('/', 1)[0]}/{name}"


@requires_postgres
def test_postgres_backup_restore_round_trip_served_by_a_host(tmp_path, start_host):
    # pg_restore keeps schema names: restore into the same schema of another database.
    store = pg_store("bk")
    schema = store.split("?schema=")[1]
    elsewhere = create_database(f"restored_{uuid.uuid4().hex[:8]}") + f"?schema={schema}"
    check_backup_restore(tmp_path, start_host, store, elsewhere, ".dump")


@requires_postgres
def test_postgres_restore_into_the_same_schema_of_an_emptied_database(tmp_path, start_host):
    store = pg_store("same")
    fill(store, 300)
    backup = tmp_path / "same.dump"
    assert run_cli("backup", "--to", str(backup), store=store).returncode == 0
    fill(store, 7, per_line=7)
    r = run_cli("restore", "--from", str(backup), "--force", store=store)
    assert r.returncode == 0, r.stderr
    assert "300 events, head position 300, hash chain verified (replaced 307 events)" in r.stdout
    other = store.split("?schema=")[0] + "?schema=elsewhere"
    r = run_cli("restore", "--from", str(backup), store=other)
    assert r.returncode == 1 and "pg_restore cannot rename schemas" in error_line(r)


@requires_postgres
def test_postgres_password_never_reaches_a_command_line(tmp_path):
    """pg_dump/pg_restore get the connection through PG* variables: a wrapper records what they see."""
    real = subprocess.run(["sh", "-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1"],
                          capture_output=True, text=True).stdout.strip()
    bindir = tmp_path / "bin"
    bindir.mkdir()
    record = tmp_path / "seen.txt"
    for tool in ("pg_dump", "pg_restore"):
        wrapper = bindir / tool
        wrapper.write_text(f'#!/bin/sh\necho "$0 $*" >> {record}\necho "PGPASSWORD=$PGPASSWORD" >> {record}\n'
                           f'exec {real}/{tool} "$@"\n')
        wrapper.chmod(0o755)
    store = pg_store("pw")
    fill(store, 50, per_line=50)
    password = PG_URI.split("://", 1)[1].split("@")[0].split(":", 1)[1]
    env = {"ROUNDHOUSE_PG_BINDIR": str(bindir)}
    backup = tmp_path / "pw.dump"
    r = run_cli("backup", "--to", str(backup), store=store, env=env)
    assert r.returncode == 0, r.stderr
    r = run_cli("restore", "--from", str(backup), "--force", store=store, env=env)
    assert r.returncode == 0, r.stderr
    seen = record.read_text().splitlines()
    commands = [l for l in seen if not l.startswith("PGPASSWORD=")]
    assert any("pg_dump" in c for c in commands) and any("pg_restore" in c for c in commands)
    assert all(password not in c for c in commands)
    assert f"PGPASSWORD={password}" in seen
    assert password not in r.stdout + r.stderr
