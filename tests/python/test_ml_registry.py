"""The ml plugin's model registry from Python (rh.ml.train / models / versions / promote / rollback /
predict) on the small demo fleet: versions are stored in the store, predictions follow the promoted
version and are recorded as events, and refusals raise the package's named exceptions without
writing anything."""

import pytest

import roundhouse as rh

FAST = {"threads": 1, "rounds": 20}  # one tree thread: the same fit on every machine


@pytest.fixture(scope="module")
def demo(demo_uri):
    with rh.open(demo_uri) as store:
        yield store


def test_train_promote_predict_and_roll_back(demo):
    first = rh.ml.train(demo, "work-order-duration", "wo-days", hyperparameters=FAST, promote=True)
    assert first["version"]["version"] == 1 and first["model"]["promoted_version"] == 1
    assert first["version"]["metrics"]["rmse"] > 0 and first["version"]["feature_schema"]["hash"]
    second = rh.ml.train(demo, "work-order-duration", "wo-days", hyperparameters={**FAST, "rounds": 5})
    assert second["version"]["version"] == 2 and second["model"]["promoted_version"] == 1

    listed = {m["name"]: m for m in rh.ml.models(demo)["models"]}
    assert listed["wo-days"]["latest_version"] == 2
    assert [v["version"] for v in rh.ml.versions(demo, "wo-days")] == [1, 2]

    head = demo.head()
    served = rh.ml.predict(demo, "wo-days", known_at="now", record=False)
    assert len(served) > 10 and (served["value"] > 0).all() and demo.head() == head
    some = list(served.index[:3])
    recorded = rh.ml.predict(demo, "wo-days", some, known_at="now")
    assert list(recorded.index) == some and demo.head() == head + 3
    assert recorded["value"].tolist() == pytest.approx(served.loc[some, "value"].tolist())

    assert rh.ml.promote(demo, "wo-days", 2)["promoted_version"] == 2
    v2 = rh.ml.predict(demo, "wo-days", some, known_at="now", record=False)
    assert v2["value"].tolist() != pytest.approx(recorded["value"].tolist())
    assert rh.ml.rollback(demo, "wo-days")["promoted_version"] == 1
    again = rh.ml.predict(demo, "wo-days", some, known_at="now", record=False)
    assert again["value"].tolist() == pytest.approx(recorded["value"].tolist())


def test_refusals_raise_named_errors_and_write_nothing(demo):
    head = demo.head()
    with pytest.raises(rh.NotFound, match="quantum"):
        rh.ml.train(demo, "quantum", "x")
    with pytest.raises(rh.ValidationError, match="max_dept"):
        rh.ml.train(demo, "work-order-duration", "x", hyperparameters={"max_dept": 3})
    with pytest.raises(rh.RuleViolation):  # no run-to-failure assets in a fleet store: too little data
        rh.ml.train(demo, "rul", "x", parameters={"asset_prefix": "NOPE-"})
    with pytest.raises(rh.NotFound):
        rh.ml.versions(demo, "never-trained")
    with pytest.raises(rh.NotFound):
        rh.ml.predict(demo, "never-trained", ["EMU-0001"])
    with pytest.raises(rh.ValidationError):
        rh.ml.versions(demo, "")
    assert demo.head() == head
