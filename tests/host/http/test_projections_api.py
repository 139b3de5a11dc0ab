"""Projections over HTTP (/api/v1/projections...) and the `roundhouse projections` command."""

import json

from conftest import KEYS, FleetClient, requires_sqlite, run_cli, wait_until

FLEET_PROJECTIONS = {"vehicle-state", "fleet-status-board", "work-orders", "inventory-levels"}
READER = KEYS["acme-reader"]["key"]
WRITER = KEYS["acme-writer"]["key"]


def caught_up(host):
    """The projection list once every projection is live at the store's head, else None."""
    head = host.get("/health").json["head_position"]
    listed = host.get("/api/v1/projections", token=READER).json["projections"]
    done = all(p["state"] == "live" and p["lag"] == 0 and p["position"] == head and not p["rebuilding"] for p in listed)
    return listed if done else None


def test_fleet_projections_go_live_with_zero_lag(host, fleet):
    fleet.register("EMU-1", depot="North")
    fleet.register("EMU-2", depot="South")
    fleet.status("EMU-2", "standby")
    listed = wait_until(lambda: caught_up(host))
    assert FLEET_PROJECTIONS <= {p["name"] for p in listed}
    for p in listed:
        assert p["head"] == 3 and p["lag"] == 0 and p["failed_at"] is None and p["error"] == ""
        assert set(p) == {"name", "state", "position", "head", "lag", "failed_at", "error", "rebuilding", "rebuild_position"}
    one = host.get("/api/v1/projections/vehicle-state", token=READER)
    assert one.status == 200 and one.json["name"] == "vehicle-state" and one.json["position"] == 3


def test_state_reflects_a_registered_vehicle(host, fleet):
    fleet.register("EMU-7", depot="East")
    wait_until(lambda: caught_up(host))
    r = host.get("/api/v1/projections/vehicle-state/state?id=EMU-7", token=READER)
    assert r.status == 200, r
    assert r.json["number"] == "EMU-7" and r.json["depot"] == "East" and r.json["status"] == "in_service"
    board = host.get("/api/v1/projections/fleet-status-board/state?depot=East", token=READER)
    assert board.status == 200 and "East" in board.body
    # Parameters belong to the projection, which refuses ones it does not know.
    bad = host.get("/api/v1/projections/vehicle-state/state?colour=red", token=READER)
    assert bad.status == 400 and bad.json["code"] == "invalid_argument" and "colour" in bad.json["detail"]


def test_rebuild_answers_202_and_the_state_is_the_same_afterwards(host, fleet):
    for n in range(5):
        fleet.register(f"EMU-{n}", depot="North" if n % 2 else "South")
    fleet.status("EMU-3", "under_maintenance")
    wait_until(lambda: caught_up(host))
    before = {name: host.get(f"/api/v1/projections/{name}/state", token=READER).json for name in FLEET_PROJECTIONS}

    r = host.post("/api/v1/projections/vehicle-state/rebuild", None)
    assert r.status == 202, r
    assert r.json["name"] == "vehicle-state" and r.headers["location"] == "/api/v1/projections/vehicle-state"
    for name in FLEET_PROJECTIONS - {"vehicle-state"}:
        assert host.post(f"/api/v1/projections/{name}/rebuild", None).status == 202

    wait_until(lambda: caught_up(host))
    after = {name: host.get(f"/api/v1/projections/{name}/state", token=READER).json for name in FLEET_PROJECTIONS}
    assert after == before


def test_unknown_projection_is_404(host):
    for method, path in [("GET", "/api/v1/projections/nope"), ("GET", "/api/v1/projections/nope/state"),
                         ("POST", "/api/v1/projections/nope/rebuild")]:
        r = host.request(method, path)
        assert r.status == 404, (path, r)
        assert r.json["code"] == "not_found" and "nope" in r.json["detail"]


def test_rebuild_needs_the_admin_role(host):
    for token in (READER, WRITER):
        r = host.post("/api/v1/projections/vehicle-state/rebuild", None, token=token)
        assert r.status == 403 and r.json["code"] == "forbidden" and "admin" in r.json["detail"]
    assert host.get("/api/v1/projections", token=None).status == 401


# ---- roundhouse projections ----

@requires_sqlite
def test_cli_projections_list_state_and_rebuild(tmp_path):
    store = f"sqlite:{tmp_path / 'fleet.db'}"
    vehicle = {"number": "EMU-9", "vehicle_type": "emu_car", "depot": "West", "commissioned_on": "2019-04-01"}
    assert run_cli("fleet", "register-vehicle", "--data", json.dumps(vehicle), store=store).returncode == 0

    r = run_cli("projections", "list", "--json", store=store)
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)
    assert FLEET_PROJECTIONS <= {p["name"] for p in listed}
    assert all(p["state"] == "live" and p["lag"] == 0 and p["position"] == 1 for p in listed)
    table = run_cli("projections", store=store)  # list is the default action
    assert table.returncode == 0 and table.stdout.startswith("NAME") and "vehicle-state" in table.stdout

    r = run_cli("projections", "state", "vehicle-state", "--param", "id=EMU-9", store=store)
    assert r.returncode == 0, r.stderr
    state = json.loads(r.stdout)
    assert state["depot"] == "West" and state["status"] == "in_service"

    r = run_cli("projections", "rebuild", "vehicle-state", "--json", store=store)
    assert r.returncode == 0, r.stderr
    status = json.loads(r.stdout)
    assert status[0]["name"] == "vehicle-state" and not status[0]["rebuilding"] and status[0]["position"] == 1
    again = run_cli("projections", "state", "vehicle-state", "--param", "id=EMU-9", store=store)
    assert json.loads(again.stdout) == state


def test_cli_projections_bad_input_is_one_line_and_exit_2():
    for args, needle in [(("projections", "state"), "needs a projection NAME"),
                         (("projections", "sideways"), "unknown action 'sideways'"),
                         (("projections", "list", "--param", "a=b"), "--param does not apply to 'list'"),
                         (("projections", "state", "vehicle-state", "--param", "novalue"), "KEY=VALUE")]:
        r = run_cli(*args, store="memory:")
        assert r.returncode == 2, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and needle in r.stderr, r.stderr
    r = run_cli("projections", "state", "nope", store="memory:")
    assert r.returncode == 1 and "no projection named 'nope'" in r.stderr


def test_each_tenant_sees_only_its_own_read_model(host, fleet):
    fleet.register("EMU-ACME", depot="North")
    globex = FleetClient(host, token=KEYS["globex-admin"]["key"])
    globex.register("EMU-GLOBEX", depot="Harbour")
    wait_until(lambda: caught_up(host))
    mine = host.get("/api/v1/projections/fleet-status-board/state", token=READER)
    assert mine.status == 200 and "North" in mine.body
    assert "Harbour" not in mine.body and "EMU-GLOBEX" not in mine.body
    theirs = host.get("/api/v1/projections/vehicle-state/state?id=EMU-ACME", token=KEYS["globex-admin"]["key"])
    assert theirs.status == 404 or "EMU-ACME" not in theirs.body
    own = host.get("/api/v1/projections/vehicle-state/state?id=EMU-GLOBEX", token=KEYS["globex-admin"]["key"])
    assert own.status == 200 and own.json["depot"] == "Harbour"
