"""roundhouse.sync (the device client library from Python) against a real `roundhouse serve`: a
device registers, writes offline, syncs; refusals become dead letters; bad input raises the
package's named exceptions and changes nothing."""

import sys

import pytest

from conftest import ADMIN, BUILD_DIR, WRITER, FleetClient, stalling_server

sys.path.insert(0, str(BUILD_DIR / "python"))
rh = pytest.importorskip("roundhouse")
sync = pytest.importorskip("roundhouse.sync")


def test_a_python_device_syncs_and_dead_letters(host, tmp_path):
    f = FleetClient(host)
    f.register("EMU-1", depot="Eastfield")
    f.command("work-orders", {"work_order_id": "WO-1", "vehicle_id": "EMU-1", "category": "corrective",
                              "priority": "high", "due_date": "2026-12-01"})
    url = f"http://127.0.0.1:{host.port}"
    dev = sync.register(tmp_path / "t.rhs", server=url, api_key=ADMIN, device_id="py-tab", depot="Eastfield")
    assert dev.replica_id == 2 and dev.device_id == "py-tab"
    # enrolment pulled the depot's work order (created over HTTP above)
    assert dev.fields()["work_order/WO-1/status"] == ["created"] and dev.pending == 0
    assert dev.write("work_order/WO-1/status", "in_progress") == 1
    assert dev.add("work_order/WO-1/labour", 2) == 2
    assert dev.write("vehicle/EMU-1/status", "retired") == 3          # a technician may not
    assert dev.pending == 3
    report = dev.sync(url, WRITER)
    assert report["acked"] == 3 and [r["op_seq"] for r in report["refused"]] == [3]
    assert report["refused"][0]["status"] == 403
    assert host.get("/api/v1/fleet/work-orders/WO-1").json["state"]["status"] == "in_progress"
    assert [d["op_seq"] for d in dev.dead_letters()] == [3]
    assert dev.fields()["work_order/WO-1/status"] == ["in_progress"]
    dev.discard(3)
    assert dev.dead_letters() == []
    dev.close()

    again = sync.open(tmp_path / "t.rhs")
    assert again.pending == 0 and again.acked == 3 and again.dead_letters() == []
    with pytest.raises(rh.ValidationError):
        again.write("work_order/WO-1/notes", {"not": "a scalar"})
    with pytest.raises(rh.ValidationError):
        again.add("work_order/WO-1/labour", "two")
    with pytest.raises(rh.NotFound):
        again.retry(42)
    with pytest.raises(rh.NotFound):
        sync.open(tmp_path / "missing.rhs")
    with pytest.raises(rh.Error):
        again.sync("http://127.0.0.1:1", WRITER, max_attempts=1)  # nobody listens: unavailable
    assert again.pending == 0 and again.acked == 3
    with stalling_server() as stalled:  # accepts, reads, never answers
        with pytest.raises(rh.Unavailable, match="no answer within 200 ms"):
            again.sync(stalled, WRITER, max_attempts=1, timeout=0.2)
    with pytest.raises(rh.ValidationError):
        again.sync(url, WRITER, timeout=0)
    assert again.pending == 0 and again.acked == 3
    with pytest.raises(rh.Error):
        sync.register(tmp_path / "x.rhs", server=url, api_key=ADMIN, device_id="py-tab")  # taken
    assert not (tmp_path / "x.rhs").exists()
