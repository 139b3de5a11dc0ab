"""The ml plugin through the real host: `roundhouse ml import-cmapss`, `roundhouse ml features`
and GET /api/v1/ml/features/{extractor}."""

import csv
import io
import json
from urllib.parse import quote

from conftest import KEYS, FleetClient, iso_days_ago, requires_sqlite, run_cli

READER = KEYS["acme-reader"]["key"]
REST = " 0 0 100 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21\n"


@requires_sqlite
def test_import_cmapss_then_features_from_the_cli(tmp_path):
    store = f"sqlite:{tmp_path / 'rh.db'}"
    train = tmp_path / "train_FD042.txt"
    train.write_text("1 1" + REST + "1 2" + REST + "1 3" + REST + "2 1" + REST)
    r = run_cli("ml", "import-cmapss", "--train", str(train), store=store)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["engines"] == {"train": 2, "test": 0} and summary["cycles"] == {"train": 4, "test": 0}
    assert summary["events_written"] == 4 + 2 + 2
    again = run_cli("ml", "import-cmapss", "--train", str(train), store=store)
    assert again.returncode == 1
    assert again.stderr == "roundhouse ml import-cmapss: asset 'FD042-train-001' exists already (nothing was written)\n"
    assert run_cli("ml", "import-cmapss", store=store).returncode == 2

    r = run_cli("ml", "features", "sensor-window", "--each-event", "--known-at", "now",
                "--params", '{"window": 2, "channels": ["s1"]}', store=store)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["entity_id"], x["cycle"]) for x in rows] == [
        ("FD042-train-001", "1.0"), ("FD042-train-001", "2.0"), ("FD042-train-001", "3.0"), ("FD042-train-002", "1.0")]
    assert rows[2]["window_readings"] == "2.0" and rows[2]["s1_std"] == "0.0" and rows[0]["s1_std"] == ""
    bad = run_cli("ml", "features", "sensor-window", "--params", '{"window": 0}', store=store)
    assert bad.returncode == 2
    assert bad.stderr == "roundhouse ml features: sensor-window features: parameter 'window' must be >= 1, got 0\n"


def test_feature_route_answers_as_of_and_refuses_bad_queries(host):
    fleet = FleetClient(host)
    fleet.register("EMU-9", occurred_at=iso_days_ago(30))
    fleet.meters("EMU-9", 1200.0, occurred_at=iso_days_ago(10))
    r = host.get("/api/v1/ml/features/vehicle?known_at=now", token=READER)
    assert r.status == 200, r
    assert r.json["entity_ids"] == ["EMU-9"]
    cols = [c["name"] for c in r.json["schema"]["columns"]]
    row = dict(zip(cols, r.json["rows"][0]))
    assert row["odometer_km"] == 1200.0 and row["failures_total"] == 0 and row["mtbf_days"] is None
    # Strictly as of a time before anything was recorded: nothing to describe.
    early = host.get("/api/v1/ml/features/vehicle?as_of=" + quote(iso_days_ago(20)), token=READER)
    assert early.status == 200 and early.json["entity_ids"] == []
    missing = host.get("/api/v1/ml/features/vehicles", token=READER)
    assert missing.status == 404 and "unknown feature extractor 'vehicles'" in missing.json["detail"]
    bad = host.get("/api/v1/ml/features/sensor-window?params=" + quote('{"window":0}'), token=READER)
    assert bad.status == 400 and "'window' must be >= 1" in bad.json["detail"]
    assert host.get("/api/v1/ml/features/vehicle", token=None).status == 401
