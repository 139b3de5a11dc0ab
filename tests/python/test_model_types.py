"""Model types written in Python (@rh.model_type on an rh.Model subclass), trained and served by the
ml plugin's own pipeline and routes: in this process through rh.ml.train/predict, and from a real
`roundhouse serve` whose scripting plugin loads the script — POST /api/v1/ml/models/train, versions,
promote, rollback, POST /api/v1/ml/predict/{name}. Bad requests answer 4xx problem+json, a raising
class 500 with its traceback, and nothing is stored either way; the host keeps serving."""

import sys
import textwrap
import types

import numpy as np
import pytest

import roundhouse as rh
from conftest import register_vehicle, report_failure
from host_harness import harness, needs_scripting_host, report_failures, scripted_host

VEHICLES = [f"EMU-{i:02d}" for i in range(1, 16)]

TYPE_SCRIPT = """
import numpy as np

import roundhouse as rh


@rh.model_type("failure-line", kind="regression")
class FailureLine(rh.Model):
    \"\"\"Least squares on the failure count (labels 2 * failures + 1).\"\"\"
    extractor = "vehicle"
    columns = ["failures_total"]

    def __init__(self, ridge=0.0):
        self.ridge = ridge

    def labels(self, store, rows, params):
        if set(params) - {"periods", "every_days"}:
            raise rh.ValidationError(f"unknown parameter(s) {sorted(set(params) - {'periods', 'every_days'})}")
        return 2 * rows["failures_total"] + 1

    def fit(self, X, y):
        design = np.column_stack([X, np.ones(len(X))])
        self.coef = np.linalg.solve(design.T @ design + self.ridge * np.eye(2), design.T @ y)
        return self

    def predict(self, X):
        if (X[:, 0] >= 5).any():
            raise RuntimeError("too many failures for this model")
        return np.column_stack([X, np.ones(len(X))]) @ self.coef


@rh.model_type("broken-fit", kind="classification", summary="fit() raises")
class BrokenFit(rh.Model):
    def labels(self, store, rows, params):
        return np.zeros(len(rows))

    def fit(self, X, y):
        raise ZeroDivisionError("the fit broke")


@rh.model_type("rul")  # a built-in name: not installed, the others are
class Clash(rh.Model):
    pass
"""


def load_script():
    module = types.ModuleType("rh_test_model_type_script")
    sys.modules[module.__name__] = module
    exec(textwrap.dedent(TYPE_SCRIPT), module.__dict__)
    return module.__dict__


def test_decorator_registers_and_refuses():
    load_script()
    listed = {t["name"]: t for t in rh.models.model_types()}
    assert listed["failure-line"] == {"name": "failure-line", "class": "FailureLine", "kind": "regression",
                                      "extractor": "vehicle", "summary": "Least squares on the failure count "
                                      "(labels 2 * failures + 1).", "script": None}
    assert listed["broken-fit"]["kind"] == "classification" and listed["broken-fit"]["summary"] == "fit() raises"
    with pytest.raises(rh.ValidationError, match="letters, digits"):
        rh.model_type("bad name")
    with pytest.raises(rh.ValidationError, match="kind must be one of"):
        rh.model_type("x", kind="clustering")
    with pytest.raises(rh.ValidationError, match="subclass of rh.Model"):
        rh.model_type("x")(object)


def test_default_training_times_and_their_refusals():
    import pandas as pd

    end = pd.Timestamp("2025-06-30", tz="UTC")
    times = rh.Model().training_times({"every_days": 10, "periods": 3}, end)
    assert times == [pd.Timestamp("2025-06-10", tz="UTC"), pd.Timestamp("2025-06-20", tz="UTC"), end]
    assert len(rh.Model().training_times({}, end)) == 12
    for params, text in [({"every_days": 0}, "every_days"), ({"periods": 0}, "periods"), ({"periods": 1.5}, "periods")]:
        with pytest.raises(rh.ValidationError, match=text):
            rh.Model().training_times(params, end)


def fleet(store):
    for i, vehicle in enumerate(VEHICLES):
        register_vehicle(store, vehicle)
        for _ in range(i % 4):
            report_failure(store, vehicle, "doors")
    return store


def test_trained_in_process_through_rh_ml(mem):
    load_script()
    fleet(mem)
    types_ = {t["name"]: t for t in rh.ml.models(mem)["types"]}
    assert types_["failure-line"]["provider"] == "python" and types_["failure-line"]["kind"] == "regression"
    assert types_["rul"]["provider"] == "ml"  # the clash was not installed over the built-in
    assert "rul" in rh.models.errors()

    out = rh.ml.train(mem, "failure-line", "fl", parameters={"periods": 1}, hyperparameters={"ridge": 0.0},
                      split={"test_fraction": 0.2}, promote=True)
    version = out["version"]
    assert version["model_type"] == "failure-line" and version["hyperparameters"] == {"ridge": 0.0}
    assert version["metrics"]["rmse"] == pytest.approx(0.0, abs=1e-9) and version["metrics"]["test_rows"] == 3
    predicted = rh.ml.predict(mem, "fl", ["EMU-01", "EMU-04"], record=False)
    assert list(predicted["value"]) == pytest.approx([1.0, 7.0])  # 0 and 3 failures


def test_in_process_errors_keep_their_class(mem):
    load_script()
    fleet(mem)
    head = mem.head()
    with pytest.raises(rh.ValidationError, match="hyperparameters: FailureLine"):
        rh.ml.train(mem, "failure-line", "fl", parameters={"periods": 1}, hyperparameters={"colour": 1})
    with pytest.raises(rh.ValidationError, match="unknown parameter"):
        rh.ml.train(mem, "failure-line", "fl", parameters={"periods": 1, "horizon": 3})
    with pytest.raises(rh.InternalError, match="ZeroDivisionError: the fit broke"):
        rh.ml.train(mem, "broken-fit", "bf", parameters={"periods": 1})
    assert mem.head() == head  # nothing stored


def head(host):
    return host.get("/health").json["head_position"]


def problem(r, status, text):
    assert r.status == status, r
    assert r.headers["content-type"].startswith("application/problem+json"), r
    assert text in r.json["detail"], r


@needs_scripting_host
def test_the_host_trains_and_serves_a_python_model_type(tmp_path):
    host = scripted_host(tmp_path, "types.py", textwrap.dedent(TYPE_SCRIPT), vehicles=VEHICLES)
    try:
        report_failures(host, [(v, "doors") for i, v in enumerate(VEHICLES) for _ in range(i % 4)])
        types_ = {t["name"]: t for t in host.get("/api/v1/ml/models").json["types"]}
        assert types_["failure-line"] == {"name": "failure-line", "kind": "regression", "extractor": "vehicle",
                                          "description": "Least squares on the failure count (labels 2 * failures + 1).",
                                          "provider": "scripting"}
        assert types_["rul"]["provider"] == "ml"
        assert "model type 'rul' not installed" in host.log()

        train = {"model_type": "failure-line", "name": "fl", "parameters": {"periods": 1},
                 "split": {"test_fraction": 0.2}}
        r = host.post("/api/v1/ml/models/train", train)
        assert r.status == 201, r
        v1 = r.json["version"]
        assert v1["version"] == 1 and v1["kind"] == "regression" and v1["hyperparameters"] == {"ridge": 0.0}
        assert v1["metrics"]["rmse"] == pytest.approx(0.0, abs=1e-9)
        assert v1["feature_schema"]["extractor"] == "vehicle" and v1["training_data"]["entities"] == 12
        r = host.post("/api/v1/ml/models/train", {**train, "hyperparameters": {"ridge": 50.0}})
        assert r.status == 201 and r.json["version"]["version"] == 2, r
        versions = host.get("/api/v1/ml/models/fl/versions").json
        assert [v["version"] for v in versions["versions"]] == [1, 2] and versions["promoted_version"] is None

        problem(host.post("/api/v1/ml/predict/fl", {"entity_ids": ["EMU-01"]}), 422, "no promoted version")
        assert host.post("/api/v1/ml/models/fl/promote", {"version": 1}).status == 200
        r = host.post("/api/v1/ml/predict/fl", {"entity_ids": ["EMU-01", "EMU-04"]})
        assert r.status == 200 and r.json["model_type"] == "failure-line" and r.json["recorded"] == 2, r
        assert [p["value"] for p in r.json["predictions"]] == pytest.approx([1.0, 7.0])
        assert host.post("/api/v1/ml/models/fl/promote", {"version": 2}).status == 200
        ridge = host.post("/api/v1/ml/predict/fl", {"entity_ids": ["EMU-04"], "record": False}).json
        assert ridge["version"] == 2 and ridge["predictions"][0]["value"] != pytest.approx(7.0)
        r = host.post("/api/v1/ml/models/fl/rollback", {})
        assert r.status == 200 and r.json["promoted_version"] == 1, r
        r = host.post("/api/v1/ml/predict/fl", {"entity_ids": ["EMU-04"], "record": False})
        assert r.json["version"] == 1 and r.json["predictions"][0]["value"] == pytest.approx(7.0), r

        before = head(host)
        problem(host.post("/api/v1/ml/models/train", {**train, "model_type": "nope"}), 404, "unknown model type 'nope'")
        problem(host.post("/api/v1/ml/models/train", {**train, "name": "fl2", "hyperparameters": {"colour": 1}}), 400,
                "hyperparameters: FailureLine() got an unexpected keyword argument 'colour'")
        problem(host.post("/api/v1/ml/models/train", {**train, "name": "fl2", "parameters": {"horizon": 3}}), 400,
                "unknown parameter(s) ['horizon']")
        problem(host.post("/api/v1/ml/models/train", {**train, "name": "fl2", "parameters": {"periods": 0}}), 400,
                "parameters.periods must be a whole number")
        problem(host.post("/api/v1/ml/models/train", {**train, "name": "fl2", "extractor_parameters": {"colour": 1}}),
                400, "colour")
        r = host.post("/api/v1/ml/models/train", {**train, "model_type": "broken-fit", "name": "bf"})
        problem(r, 500, "ZeroDivisionError: the fit broke")
        assert "Traceback" in r.json["detail"] and "the fit broke" in host.log()
        assert head(host) == before  # nothing stored by a refused or failed training
        # A failure of the served model at prediction time: EMU-01 now has 5 failures.
        report_failures(host, [("EMU-01", "doors")] * 5)
        before = head(host)
        r = host.post("/api/v1/ml/predict/fl", {"entity_ids": ["EMU-01"]})
        problem(r, 500, "too many failures for this model")
        problem(host.post("/api/v1/ml/predict/fl", {"entity_ids": ["EMU-404"]}), 404, "EMU-404")
        problem(host.post("/api/v1/ml/predict/nope", {}), 404, "nope")
        assert head(host) == before  # nothing stored by a failed or refused prediction
        assert host.get("/api/v1/ml/models/fl2/versions").status == 404
        assert host.get("/api/v1/ml/models/bf/versions").status == 404

        r = host.post("/api/v1/ml/predict/fl", {"entity_ids": ["EMU-02"], "record": False})  # still serving
        assert r.status == 200 and r.json["predictions"][0]["value"] == pytest.approx(3.0), r
    finally:
        host.stop()
