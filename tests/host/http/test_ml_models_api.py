"""The model registry and prediction service through the real host and CLI, on a small subset of
NASA C-MAPSS FD001 imported with `roundhouse ml import-cmapss`: train through
POST /api/v1/ml/models/train, versions, promote, roll back, predict one and batch, predictions
recorded as PredictionMade events, and the refusals (problem+json 4xx; CLI exit 2 usage / 1 refusal)
that must leave the store unchanged."""

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BINARY, BUILD_DIR, KEYS, PLUGIN_DIR, Host, base_env, default_config, requires_sqlite, run_cli

ADMIN = KEYS["acme-admin"]["key"]
WRITER = KEYS["acme-writer"]["key"]
READER = KEYS["acme-reader"]["key"]
REPO = Path(__file__).resolve().parents[3]
CHANNELS = ["s2", "s3", "s4", "s7", "s11", "s12", "s15", "s21"]


def shared_cmapss():
    """../shared/data/cmapss, as CMake found it (ROUNDHOUSE_SHARED_DATA_DIR in the build's cache)."""
    candidates = [os.environ.get("ROUNDHOUSE_SHARED_DATA_DIR")]
    cache = BUILD_DIR / "CMakeCache.txt"
    if cache.exists():
        m = re.search(r"^ROUNDHOUSE_SHARED_DATA_DIR:\w+=(.*)$", cache.read_text(), re.M)
        candidates.append(m and m.group(1))
    candidates.append(str(REPO.parent / "shared" / "data"))
    for c in candidates:
        if c and (Path(c) / "cmapss" / "train_FD001.txt").exists():
            return Path(c) / "cmapss"
    return None


CMAPSS = shared_cmapss()
pytestmark = [requires_sqlite, pytest.mark.skipif(CMAPSS is None, reason="../shared/data/cmapss not found")]


def subset(src, dst, units):
    """The lines of the first `units` engines of a C-MAPSS file."""
    lines = [l for l in src.read_text().splitlines() if l.strip() and int(l.split()[0]) <= units]
    dst.write_text("\n".join(lines) + "\n")
    return dst


def import_subset(work, train_units=12, test_units=4):
    db = work / "fd.db"
    train = subset(CMAPSS / "train_FD001.txt", work / "train_FD001.txt", train_units)
    test = subset(CMAPSS / "test_FD001.txt", work / "test_FD001.txt", test_units)
    r = run_cli("ml", "import-cmapss", "--train", str(train), "--test", str(test), "--tenant", "acme",
                store=f"sqlite:{db}", timeout=300)
    assert r.returncode == 0, r.stderr
    return f"sqlite:{db}"


def train_body(name="fd-rul", rounds=40, **extra):
    return {"model_type": "rul", "name": name, "parameters": {"asset_prefix": "FD001-train-"},
            "extractor_parameters": {"window": 10, "channels": CHANNELS},
            "hyperparameters": {"rounds": rounds, "max_depth": 3, "learning_rate": 0.1, "threads": 1},
            "split": {"test_fraction": 0.25, "seed": 1}, "known_at": "now", **extra}


@pytest.fixture(scope="module")
def fd(tmp_path_factory):
    work = tmp_path_factory.mktemp("mlmodels")
    store = import_subset(work)
    host = Host(work, store, env={"OMP_WAIT_POLICY": "PASSIVE"}).start()
    yield host
    host.stop()


def head(host):
    return host.get("/health").json["head_position"]


def problem(r, status, text):
    assert r.status == status, r
    assert r.headers.get("Content-Type", r.headers.get("content-type", "")).startswith("application/problem+json"), r
    assert text in r.json["detail"], r.json["detail"]
    return r.json


def stream(host, type_, id_):
    r = host.get(f"/api/v1/events/{type_}/{id_}", token=READER)
    assert r.status == 200, r
    return r.json["events"]


def test_train_promote_predict_and_roll_back(fd):
    host = fd
    listed = host.get("/api/v1/ml/models", token=READER)
    assert listed.status == 200
    assert {"rul", "failure-risk", "work-order-duration"} <= {t["name"] for t in listed.json["types"]}
    assert listed.json["models"] == []

    r = host.post("/api/v1/ml/models/train", train_body(), token=WRITER)
    assert r.status == 201, r
    v1 = r.json["version"]
    assert v1["version"] == 1 and v1["model_type"] == "rul" and v1["kind"] == "regression"
    assert v1["metrics"]["train_entities"] == 9 and v1["metrics"]["test_entities"] == 3
    assert 0 < v1["metrics"]["rmse"] < 60
    assert re.fullmatch("[0-9a-f]{64}", v1["feature_schema"]["hash"])
    assert v1["feature_schema"]["columns"][:3] == ["cycle", "readings_to_date", "window_readings"]
    assert v1["training_data"]["entities"] == 9 and v1["training_data"]["occurred_from"].startswith("2000-01-01")
    assert r.json["model"]["promoted_version"] is None

    # Not promoted yet: predictions are refused and nothing is recorded.
    before = head(host)
    problem(host.get("/api/v1/ml/predict/rul/FD001-test-001?model=fd-rul&known_at=now", token=READER),
            422, "has no promoted version")
    assert head(host) == before

    r = host.post("/api/v1/ml/models/fd-rul/promote", {"version": 1}, token=WRITER)
    assert r.status == 200 and r.json["promoted_version"] == 1, r
    one = host.get("/api/v1/ml/predict/rul/FD001-test-001?model=fd-rul&known_at=now", token=READER)
    assert one.status == 200, one
    assert one.json["version"] == 1 and one.json["entity_id"] == "FD001-test-001" and one.json["value"] >= 0
    assert one.json["recorded"] == 1
    made = stream(host, "prediction", "fd-rul")
    assert len(made) == 1 and made[0]["type"] == "PredictionMade"
    assert made[0]["payload"]["value"] == one.json["value"] and made[0]["payload"]["version"] == 1
    assert made[0]["payload"]["feature_schema_hash"] == v1["feature_schema"]["hash"]

    # A second version, promoted, then rolled back to the first.
    r = host.post("/api/v1/ml/models/train", train_body(rounds=10, promote=True), token=WRITER)
    assert r.status == 201 and r.json["version"]["version"] == 2 and r.json["model"]["promoted_version"] == 2, r
    two = host.get("/api/v1/ml/predict/rul/FD001-test-001?model=fd-rul&known_at=now", token=READER)
    assert two.json["version"] == 2 and two.json["value"] != one.json["value"]
    back = host.post("/api/v1/ml/models/fd-rul/rollback", {}, token=WRITER)
    assert back.status == 200 and back.json["promoted_version"] == 1, back
    again = host.get("/api/v1/ml/predict/rul/FD001-test-001?model=fd-rul&known_at=now&record=false", token=READER)
    assert again.json["version"] == 1 and again.json["value"] == one.json["value"] and again.json["recorded"] == 0

    versions = host.get("/api/v1/ml/models/fd-rul/versions", token=READER).json
    assert [v["version"] for v in versions["versions"]] == [1, 2]
    assert [v["promoted"] for v in versions["versions"]] == [True, False]
    assert versions["promotion_stack"] == [1]
    assert [e["type"] for e in stream(host, "model", "fd-rul")] == [
        "ModelVersionTrained", "ModelVersionPromoted", "ModelVersionTrained", "ModelVersionPromoted",
        "ModelRolledBack"]

    # Batch: the four test engines in one call, each recorded.
    ids = [f"FD001-test-00{u}" for u in range(1, 5)]
    batch = host.post("/api/v1/ml/predict/fd-rul", {"entity_ids": ids, "known_at": "now"}, token=READER)
    assert batch.status == 200, batch
    assert [p["entity_id"] for p in batch.json["predictions"]] == ids and batch.json["recorded"] == 4
    assert batch.json["predictions"][0]["value"] == one.json["value"]
    assert len(stream(host, "prediction", "fd-rul")) == 1 + 1 + 4

    models = host.get("/api/v1/ml/models", token=READER).json["models"]
    assert [(m["name"], m["latest_version"], m["promoted_version"]) for m in models] == [("fd-rul", 2, 1)]


def test_refusals_are_problems_and_write_nothing(fd):
    host = fd
    before = head(host)
    problem(host.post("/api/v1/ml/models/train", {**train_body(), "model_type": "quantum"}, token=WRITER),
            404, "unknown model type 'quantum'")
    problem(host.post("/api/v1/ml/models/train", train_body(name="x", parameters={"asset_prefix": "NOPE-"}),
                      token=WRITER), 422, "too little data: 0 asset(s) with an AssetFailed event")
    problem(host.post("/api/v1/ml/models/train", {**train_body(name="x"), "hyperparameters": {"max_dept": 3}},
                      token=WRITER), 400, "unknown 'max_dept'")
    problem(host.post("/api/v1/ml/models/train", {**train_body(name="x"), "epochs": 3}, token=WRITER),
            400, "unknown member 'epochs'")
    problem(host.post("/api/v1/ml/models/train", {"name": "x"}, token=WRITER), 400, "'model_type' is required")
    assert host.post("/api/v1/ml/models/train", train_body(name="x"), token=READER).status == 403
    problem(host.get("/api/v1/ml/models/nope/versions", token=READER), 404, "unknown model 'nope'")
    problem(host.get("/api/v1/ml/predict/maintenance/EMU-1", token=READER), 404, "unknown model 'failure-risk'")
    problem(host.post("/api/v1/ml/predict/nope", {}, token=READER), 404, "unknown model 'nope'")
    problem(host.post("/api/v1/ml/models/nope/rollback", {}, token=WRITER), 404, "unknown model 'nope'")
    problem(host.post("/api/v1/ml/models/train", train_body(name="bad/name"), token=WRITER), 400, "model name")
    assert head(host) == before


def test_feature_schema_mismatch_names_both_hashes(fd):
    """A version recorded for another feature schema (here appended through the events API, as an
    older extractor version would have left it) is refused at prediction time."""
    host = fd
    r = host.post("/api/v1/ml/models/train", train_body(name="fd-schema", rounds=5), token=WRITER)
    assert r.status == 201, r
    record = r.json["version"]
    actual = record["feature_schema"]["hash"]
    stale = "a" * 64
    forged = {k: v for k, v in record.items() if k not in ("trained_at",)}
    forged["version"] = 2
    forged["feature_schema"] = {**record["feature_schema"], "hash": stale}
    assert host.append("model", "fd-schema", [{"type": "ModelVersionTrained", "payload": forged}],
                       expected=1).status == 201
    assert host.post("/api/v1/ml/models/fd-schema/promote", {"version": 2}, token=WRITER).status == 200
    before = head(host)
    p = problem(host.get("/api/v1/ml/predict/rul/FD001-test-002?model=fd-schema&known_at=now", token=READER),
                422, "feature schema mismatch")
    assert stale in p["detail"] and actual in p["detail"]
    assert head(host) == before
    problem(host.post("/api/v1/ml/models/fd-schema/promote", {"version": 9}, token=WRITER), 404, "no version 9")
    problem(host.post("/api/v1/ml/models/fd-schema/promote", {"version": 2}, token=WRITER), 422, "already")


def test_cli_train_models_versions_promote_predict(tmp_path):
    store = import_subset(tmp_path, train_units=8, test_units=2)
    env = {"OMP_WAIT_POLICY": "PASSIVE"}
    r = run_cli("ml", "train", "rul", "--name", "cli-rul", "--params", '{"asset_prefix": "FD001-train-"}',
                "--extractor-params", json.dumps({"window": 5, "channels": CHANNELS}),
                "--hyperparameters", '{"rounds": 20, "threads": 1}', "--known-at", "now", "--tenant", "acme",
                store=store, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "training cli-rul: 20/20 boosting rounds" in r.stderr
    assert json.loads(r.stdout)["version"]["version"] == 1

    listed = json.loads(run_cli("ml", "models", "--tenant", "acme", store=store).stdout)
    assert [m["name"] for m in listed["models"]] == ["cli-rul"]
    versions = json.loads(run_cli("ml", "versions", "cli-rul", "--tenant", "acme", store=store).stdout)
    assert versions["latest_version"] == 1 and versions["promoted_version"] is None

    refused = run_cli("ml", "predict", "cli-rul", "FD001-test-001", "--known-at", "now", "--tenant", "acme",
                      store=store)
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "has no promoted version" in refused.stderr
    assert run_cli("ml", "promote", "cli-rul", "1", "--tenant", "acme", store=store).returncode == 0
    p = run_cli("ml", "predict", "cli-rul", "FD001-test-001", "FD001-test-002", "--known-at", "now",
                "--tenant", "acme", store=store)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["version"] == 1 and len(out["predictions"]) == 2 and out["recorded"] == 2

    # Re-scoring: once (cron style), then as a worker stopped by SIGTERM after its first pass.
    once = run_cli("ml", "rescore", "--once", "--tenant", "acme", store=store)
    assert once.returncode == 0, once.stderr
    assert json.loads(once.stdout)["predictions"] == 10 and json.loads(once.stdout)["models"] == 1
    worker = subprocess.Popen([str(BINARY), "ml", "rescore", "--every", "1h", "--tenant", "acme", "--plugins",
                               str(PLUGIN_DIR), "--store", store], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=base_env(), cwd=tmp_path)
    try:
        first = json.loads(worker.stdout.readline())
        assert first["predictions"] == 10 and first["errors"] == []
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
        assert "stopped after 1 pass(es)" in worker.stderr.read()
    finally:
        if worker.poll() is None:
            worker.kill()
    assert run_cli("ml", "rescore", "--every", "soon", store=store).returncode == 2

    usage = run_cli("ml", "promote", "cli-rul", "one", "--tenant", "acme", store=store)
    assert usage.returncode == 2 and usage.stderr.count("\n") == 1
    assert run_cli("ml", "train", store=store).returncode == 2
    unknown = run_cli("ml", "versions", "nope", "--tenant", "acme", store=store)
    assert unknown.returncode == 1 and unknown.stderr == "roundhouse ml versions: unknown model 'nope'\n"
    little = run_cli("ml", "train", "rul", "--params", '{"asset_prefix": "X"}', "--known-at", "now",
                     "--tenant", "acme", store=store)
    assert little.returncode == 1 and "too little data" in little.stderr


def test_serve_rescores_with_promoted_models_when_configured(tmp_path):
    """plugins.ml.rescore in the host configuration: `roundhouse serve` re-scores every tenant its
    API keys name, at start and then on the interval, and stops the re-scorer on shutdown."""
    store = import_subset(tmp_path, train_units=8, test_units=2)
    env = {"OMP_WAIT_POLICY": "PASSIVE"}
    r = run_cli("ml", "train", "rul", "--name", "served-rul", "--params", '{"asset_prefix": "FD001-train-"}',
                "--extractor-params", json.dumps({"window": 5, "channels": CHANNELS}),
                "--hyperparameters", '{"rounds": 10, "threads": 1}', "--known-at", "now", "--promote",
                "--tenant", "acme", store=store, env=env, timeout=300)
    assert r.returncode == 0, r.stderr

    config = default_config()
    config["plugins"] = {"ml": {"rescore": {"every": "1h", "actor": "nightly-rescore"}}}
    host = Host(tmp_path / "served", store, config=config, env=env).start()
    try:
        def passes():
            return [l for l in host.log_lines() if l.get("msg", "").startswith("ml rescore pass")]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(passes()) < 2:  # one per tenant: acme, globex
            time.sleep(0.1)
        reports = {json.loads(l["msg"][len("ml rescore pass "):])["tenant"]: l for l in passes()}
        assert set(reports) == {"acme", "globex"}, host.log()
        acme = json.loads(reports["acme"]["msg"][len("ml rescore pass "):])
        assert acme["models"] == 1 and acme["predictions"] == 10 and acme["errors"] == [], acme
        globex = json.loads(reports["globex"]["msg"][len("ml rescore pass "):])
        assert globex["models"] == 0 and globex["predictions"] == 0  # no model of its own, none of acme's
        recorded = stream(host, "prediction", "served-rul")
        assert len(recorded) == 10 and {e["metadata"]["actor"] for e in recorded} == {"nightly-rescore"}
        assert any(l.get("msg") == "serving task started" and l.get("task") == "ml.rescore" for l in host.log_lines())
    finally:
        assert host.stop() == 0, host.log()

    # A malformed section fails the ml plugin with a one-line reason; the host still serves.
    config["plugins"] = {"ml": {"rescore": {"every": "soon"}}}
    bad = Host(tmp_path / "bad", store, config=config, env=env).start()
    try:
        assert bad.get("/health").status == 200
        assert bad.get("/api/v1/ml/models", token=READER).status == 404
        assert "plugins.ml.rescore: every: 'soon' is not a duration" in bad.log()
    finally:
        assert bad.stop() == 0
