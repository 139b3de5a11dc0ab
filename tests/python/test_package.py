"""The package itself: import, typing files, the exception hierarchy, opening stores and plugins."""

import inspect
from pathlib import Path

import pytest

import roundhouse as rh
from conftest import BUILD_DIR, PLUGIN_DIR


def test_package_is_typed_and_documented():
    pkg = Path(rh.__file__).parent
    for name in ("py.typed", "__init__.pyi", "_native.pyi"):
        assert (pkg / name).exists(), name
    assert rh.__version__.count(".") == 2
    for name in rh.__all__:
        obj = getattr(rh, name)
        if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj):
            assert obj.__doc__, name
    for name in ("append", "read_stream", "read_all", "subscribe", "replay", "state_at", "audit_trail",
                 "features", "kpis", "kpi", "kpi_series", "dashboard", "live_projection"):
        assert getattr(rh.Store, name).__doc__, name
    for name in ("fit", "predict", "features", "fit_store", "predict_store", "save", "load", "training_times", "labels"):
        assert getattr(rh.Model, name).__doc__, name


def test_error_hierarchy_maps_every_code():
    from roundhouse._errors import error_class_for

    expected = {
        "invalid_argument": rh.ValidationError, "schema_violation": rh.SchemaViolation,
        "rule_violation": rh.RuleViolation, "not_found": rh.NotFound,
        "wrong_expected_version": rh.ConcurrencyError, "duplicate_event": rh.DuplicateEvent,
        "forbidden": rh.PermissionDenied, "io_error": rh.StorageError, "unavailable": rh.Unavailable,
        "corrupted": rh.CorruptedError, "incompatible": rh.PluginError, "internal": rh.InternalError,
    }
    for code, cls in expected.items():
        assert error_class_for(code) is cls
        assert issubclass(cls, rh.Error)
    assert error_class_for("something_new") is rh.Error
    assert issubclass(rh.NotFound, LookupError) and issubclass(rh.ValidationError, ValueError)


def test_open_uses_the_hosts_plugins(mem):
    assert Path(mem.plugin_dir) == PLUGIN_DIR
    assert Path(rh.default_plugin_dir()) == PLUGIN_DIR
    names = {p["name"]: p for p in mem.plugins()}
    assert names["storage-memory"]["state"] == "loaded"
    assert names["fleet"]["state"] == "loaded"
    assert "vehicle" in mem.aggregate_types()
    assert "demo" in mem.command_names()
    assert mem.projection_names()


def test_unknown_scheme_is_a_plugin_error():
    with pytest.raises(rh.PluginError, match="no storage plugin handles 'nosuch:'") as err:
        rh.open("nosuch:x")
    assert err.value.code == "incompatible"


def test_malformed_uri_is_a_validation_error():
    with pytest.raises(rh.ValidationError):
        rh.open("no scheme here")


def test_missing_plugin_folder_is_a_plugin_error(tmp_path):
    with pytest.raises(rh.PluginError, match="plugin folder"):
        rh.open("memory:", plugin_dir=str(tmp_path / "nowhere"))


def test_empty_plugin_folder_has_no_storage(tmp_path):
    with pytest.raises(rh.PluginError, match="provides none"):
        rh.open("memory:", plugin_dir=str(tmp_path))


def test_missing_sqlite_store_without_create(tmp_path):
    with pytest.raises(rh.Error):
        rh.open(f"sqlite:{tmp_path / 'absent.db'}", create=False)
    assert not (tmp_path / "absent.db").exists()


def test_empty_tenant_is_refused():
    with pytest.raises(rh.ValidationError):
        rh.open("memory:", tenant="")


def test_closed_store_is_unavailable(sqlite_uri):
    s = rh.open(sqlite_uri)
    s.append("vehicle/V1", {"type": "X", "payload": {}})
    s.close()
    s.close()  # idempotent
    assert s.closed and "closed" in repr(s)
    with pytest.raises(rh.Unavailable):
        s.head()
    with rh.open(sqlite_uri) as again:  # nothing lost
        assert again.head() == 1


def test_build_tree_layout():
    assert (BUILD_DIR / "python" / "roundhouse" / "__init__.py").exists()
    assert Path(rh.__file__).parent == BUILD_DIR / "python" / "roundhouse"


def test_scripting_plugin_is_inert_inside_python(mem):
    names = {p["name"]: p["state"] for p in mem.plugins()}
    if "scripting" not in names:
        pytest.skip("scripting plugin not built")
    assert names["scripting"] == "loaded"
    assert mem.call("GET", "/api/v1/reports") == (200, {"reports": [], "scripts": []})
    with pytest.raises(rh.NotFound, match="scripts_dir"):
        mem.call("GET", "/api/v1/reports/anything")
