"""Models written in Python (subclass rh.Model): fit/predict on arrays and on a store's features,
save/load, registration and its refusals — and a real `roundhouse serve` serving a script's model
at POST /api/v1/scripting/models/{name}/predict, with every bad request answered 4xx and a raising
model answered 500 with its traceback while the host carries on."""

import sys
import textwrap
import types

import numpy as np
import pytest

import roundhouse as rh
from conftest import small_fleet
from host_harness import needs_scripting_host, report_failures, scripted_host

MODEL_SCRIPT = """
import numpy as np

import roundhouse as rh


class FailureLine(rh.Model):
    \"\"\"Least squares on the failure count.\"\"\"
    extractor = "vehicle"
    columns = ["failures_total"]

    def fit(self, X, y):
        design = np.column_stack([X, np.ones(len(X))])
        self.coef = np.linalg.lstsq(design, y, rcond=None)[0]
        return self

    def predict(self, X):
        return np.column_stack([X, np.ones(len(X))]) @ self.coef


class Broken(rh.Model):
    def fit(self, X, y):
        return self

    def predict(self, X):
        raise RuntimeError("the model broke")


x = np.arange(5.0).reshape(-1, 1)
rh.register_model("failure-line", FailureLine().fit(x, 2 * x[:, 0] + 1))
rh.register_model("broken", Broken())
"""


def load_script():
    """The script as an importable module (pickle finds classes by module and name)."""
    module = types.ModuleType("rh_test_model_script")
    sys.modules[module.__name__] = module
    exec(textwrap.dedent(MODEL_SCRIPT), module.__dict__)
    return module.__dict__


@pytest.fixture
def fleet(mem):
    return small_fleet(mem, [("EMU-1", "doors"), ("EMU-2", "doors"), ("EMU-2", "doors")])


def test_fit_and_predict_on_arrays_and_on_a_store(fleet):
    FailureLine = load_script()["FailureLine"]
    model = rh.models.get("failure-line")
    assert isinstance(model, FailureLine) and isinstance(model, rh.Model)
    np.testing.assert_allclose(model.predict(np.array([[0.0], [10.0]])), [1.0, 21.0])
    frame = model.predict_store(fleet)
    assert list(frame.index.names) == ["entity_id", "as_of"] and list(frame.columns) == ["prediction"]
    got = dict(zip(frame.index.get_level_values("entity_id"), frame["prediction"]))
    assert got == pytest.approx({"EMU-1": 3.0, "EMU-2": 5.0})
    only = model.predict_store(fleet, entities=["EMU-2"])
    assert list(only["prediction"]) == pytest.approx([5.0])


def test_fit_store_takes_targets_per_entity(fleet):
    FailureLine = load_script()["FailureLine"]
    model = FailureLine().fit_store(fleet, {"EMU-1": 10.0, "EMU-2": 20.0})  # failures 1 -> 10, 2 -> 20
    assert model.predict(np.array([[3.0]]))[0] == pytest.approx(30.0)


def test_save_and_load_round_trip():
    FailureLine = load_script()["FailureLine"]
    saved = rh.models.get("failure-line").save()
    loaded = FailureLine.load(saved)
    assert loaded.predict(np.array([[4.0]]))[0] == pytest.approx(9.0)
    with pytest.raises(rh.ValidationError, match="not a FailureLine"):
        FailureLine.load(load_script()["Broken"]().save())


def test_registry_lists_and_refuses():
    load_script()
    listed = {m["name"]: m for m in rh.models.registered()}
    assert listed["failure-line"]["class"] == "FailureLine" and listed["failure-line"]["columns"] == ["failures_total"]
    assert listed["failure-line"]["summary"] == "Least squares on the failure count."
    with pytest.raises(rh.NotFound, match="no model 'nope'"):
        rh.models.get("nope")
    with pytest.raises(rh.ValidationError, match="letters, digits"):
        rh.register_model("bad name", rh.models.get("broken"))
    with pytest.raises(rh.ValidationError, match="instance of a rh.Model subclass"):
        rh.register_model("plain", object())


def test_unimplemented_and_misfitting_models_say_so(fleet):
    with pytest.raises(NotImplementedError, match="must implement fit"):
        rh.Model().fit(np.zeros((1, 1)), np.zeros(1))

    class NoSuchColumn(rh.Model):
        columns = ["not_a_column"]

    with pytest.raises(rh.ValidationError, match="no column"):
        NoSuchColumn().features(fleet)

    class TooFew(rh.Model):
        def predict(self, X):
            return np.zeros(1)

    with pytest.raises(rh.ValidationError, match="gave 1 values for 2 rows"):
        TooFew().predict_store(fleet)


@needs_scripting_host
def test_the_host_serves_a_model_from_a_script(tmp_path):
    host = scripted_host(tmp_path, "models.py", textwrap.dedent(MODEL_SCRIPT))
    try:
        report_failures(host, [("EMU-2", "doors"), ("EMU-2", "doors")])
        listed = host.get("/api/v1/scripting/models").json["models"]
        assert [(m["name"], m["script"]) for m in listed] == [("broken", "models.py"), ("failure-line", "models.py")]

        r = host.post("/api/v1/scripting/models/failure-line/predict", {"rows": [[0], [3]]})
        assert r.status == 200 and r.json["model"] == "failure-line", r
        assert r.json["predictions"] == pytest.approx([1.0, 7.0])
        r = host.post("/api/v1/scripting/models/failure-line/predict", {"entities": ["EMU-1", "EMU-2"]})
        assert r.status == 200, r
        assert [p["entity_id"] for p in r.json["predictions"]] == ["EMU-1", "EMU-2"]
        assert [p["value"] for p in r.json["predictions"]] == pytest.approx([1.0, 5.0])
        assert r.json["predictions"][0]["as_of"].endswith("Z")

        for body, status, text in [({"rows": "x"}, 400, "rows"), ({"rows": [[1]], "entities": ["EMU-1"]}, 400, "excludes"),
                                   ({"colour": 1}, 400, "unknown field"), ([1, 2], 400, "JSON object"),
                                   ({"entities": ["EMU-404"]}, 404, "EMU-404")]:
            r = host.post("/api/v1/scripting/models/failure-line/predict", body)
            assert r.status == status and text in r.json["detail"], (body, r)
        r = host.post("/api/v1/scripting/models/nope/predict", {"rows": [[1]]})
        assert r.status == 404 and "failure-line" in r.json["detail"], r
        r = host.post("/api/v1/scripting/models/broken/predict", {"rows": [[1]]})
        assert r.status == 500 and "the model broke" in r.json["detail"] and "Traceback" in r.json["detail"], r
        r = host.post("/api/v1/scripting/models/failure-line/predict", {"rows": [[2]]})  # still serving
        assert r.status == 200 and r.json["predictions"] == pytest.approx([5.0]), r
    finally:
        host.stop()
