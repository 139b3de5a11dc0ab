"""The package against PostgreSQL, when a throwaway cluster is given (tests/storage/with-postgres
exports ROUNDHOUSE_TEST_POSTGRES_URI; scripts/test runs this file under it). Skipped otherwise."""

import os
import uuid

import pytest

import roundhouse as rh
from conftest import PLUGIN_DIR, register_vehicle

URI = os.environ.get("ROUNDHOUSE_TEST_POSTGRES_URI")
pytestmark = pytest.mark.skipif(not URI or not (PLUGIN_DIR / "storage-postgres.so").exists(),
                                reason="no PostgreSQL cluster (run under tests/storage/with-postgres)")


@pytest.fixture
def pg():
    sep = "&" if "?" in URI else "?"
    with rh.open(f"{URI}{sep}schema=py_{uuid.uuid4().hex[:12]}") as store:
        yield store


def test_append_read_concurrency_and_frames(pg):
    r = pg.append("vehicle/V1", [{"type": "T", "payload": {"i": i}} for i in range(3)], expected_version="no_stream")
    assert r.last_version == 3
    with pytest.raises(rh.ConcurrencyError):
        pg.append("vehicle/V1", {"type": "T", "payload": {}}, expected_version=1)
    assert [e.payload["i"] for e in pg.read_stream("vehicle/V1")] == [0, 1, 2]
    df = pg.read_all().to_pandas()
    assert list(df.index) == [1, 2, 3] and pg.verify()["ok"]


def test_commands_subscribe_and_time_travel(pg):
    register_vehicle(pg, "EMU-9", occurred_at="2026-01-01T00:00:00Z")
    with pg.subscribe() as sub:
        assert sub.get(timeout=10).type == "VehicleRegistered"
        pg.command("change-vehicle-status", "EMU-9", status="standby", occurred_at="2026-02-01T00:00:00Z")
        assert sub.get(timeout=10).type == "VehicleStatusChanged"
    assert pg.state_at("vehicle", "EMU-9", occurred="2026-01-15")["state"]["status"] == "in_service"


def test_unreachable_server_is_a_storage_error():
    with pytest.raises(rh.StorageError):
        rh.open("postgresql://rh@127.0.0.1:1/none?connect_timeout=2")
