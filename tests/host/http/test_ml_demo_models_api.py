"""The fleet models through the real host on the demo fleet (`roundhouse demo --size small`):
failure-risk trained, promoted and served by GET /api/v1/ml/predict/maintenance/{vehicle_id},
work-order-duration trained, and the maintenance route's refusals."""

import pytest

from conftest import KEYS, Host, demo_sqlite, requires_sqlite

WRITER = KEYS["acme-writer"]["key"]
READER = KEYS["acme-reader"]["key"]

pytestmark = requires_sqlite


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    work = tmp_path_factory.mktemp("mldemo")
    host = Host(work, f"sqlite:{demo_sqlite(work)}", env={"OMP_WAIT_POLICY": "PASSIVE"}).start()
    yield host
    host.stop()


def head(host):
    return host.get("/health").json["head_position"]


def test_failure_risk_serves_the_maintenance_route(demo):
    host = demo
    # Single-threaded trees: the same fit on every machine.
    r = host.post("/api/v1/ml/models/train",
                  {"model_type": "failure-risk", "name": "failure-risk", "promote": True,
                   "hyperparameters": {"threads": 1}}, token=WRITER)
    assert r.status == 201, r
    version = r.json["version"]
    assert version["kind"] == "classification" and r.json["model"]["promoted_version"] == 1
    metrics = version["metrics"]
    # The demo's failures are per-system renewal processes, so a 30-day horizon is only weakly
    # predictable from vehicle history; still better than chance on vehicles the model never saw
    # (measured 0.576, deterministic: fixed demo seed and start, one tree thread).
    assert metrics["auc"] > 0.55, metrics
    assert metrics["train_entities"] == version["training_data"]["entities"] and metrics["test_entities"] > 0
    # The demo's events are recorded when it ran, after the times they occurred: known as of now.
    as_of = version["training_data"]["occurred_to"]

    # Batch over every vehicle, not recorded; then one vehicle through the maintenance route.
    batch = host.post("/api/v1/ml/predict/failure-risk", {"as_of": as_of, "known_at": "now", "record": False}, token=READER)
    assert batch.status == 200, batch
    predictions = batch.json["predictions"]
    assert len(predictions) >= 100 and batch.json["recorded"] == 0
    assert all(0.0 <= p["value"] <= 1.0 for p in predictions)
    assert len({round(p["value"], 6) for p in predictions}) > 10
    vehicle = predictions[0]["entity_id"]

    before = head(host)
    one = host.get(f"/api/v1/ml/predict/maintenance/{vehicle}?as_of={as_of}&known_at=now", token=READER)
    assert one.status == 200, one
    assert one.json["entity_id"] == vehicle and one.json["version"] == 1
    assert one.json["value"] == predictions[0]["value"] and one.json["recorded"] == 1
    assert head(host) == before + 1
    made = host.get("/api/v1/events/prediction/failure-risk", token=READER).json["events"]
    assert [e["payload"]["entity_id"] for e in made] == [vehicle]

    # Refusals write nothing.
    before = head(host)
    r = host.get("/api/v1/ml/predict/maintenance/NO-SUCH-VEHICLE", token=READER)
    assert 400 <= r.status < 500 and "NO-SUCH-VEHICLE" in r.json["detail"], r
    r = host.get(f"/api/v1/ml/predict/maintenance/{vehicle}?horizon=7", token=READER)
    assert r.status == 400 and "horizon" in r.json["detail"], r
    r = host.get(f"/api/v1/ml/predict/maintenance/{vehicle}?model=nope", token=READER)
    assert r.status == 404 and "unknown model 'nope'" in r.json["detail"], r
    assert head(host) == before


def test_work_order_duration_trains_on_the_demo(demo):
    host = demo
    r = host.post("/api/v1/ml/models/train",
                  {"model_type": "work-order-duration", "name": "wo-days", "hyperparameters": {"threads": 1}},
                  token=WRITER)
    assert r.status == 201, r
    metrics = r.json["version"]["metrics"]
    assert metrics["test_rows"] > 100 and 0 < metrics["rmse"] < 5, metrics
    assert r.json["model"]["promoted_version"] is None
