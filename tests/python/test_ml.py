"""roundhouse.ml: Weibull analysis (the published wblfit example, the same JSON as the HTTP route,
censoring given as times or as a mask), boosted trees on numpy arrays (fit, predict, save/load) and
the metrics, with every refusal a named error."""

import math

import numpy as np
import pytest

import roundhouse as rh

WBLFIT = [13.22, 9.41, 8.58, 7.98, 4.12, 16.1, 5.62, 2.28, 9.69, 28.2, 13.84, 5.62,
          5.26, 6.91, 8.92, 9.07, 9.83, 1.86, 12.66, 5.44]


def test_weibull_matches_the_published_wblfit_example():
    fit = rh.ml.weibull(WBLFIT)
    assert fit.method == "mle" and fit.failures == 20 and fit.suspensions == 0
    assert fit.eta == pytest.approx(10.411, abs=5e-4) and fit.beta == pytest.approx(1.7397, abs=5e-5)
    assert fit.bounds["eta"] == pytest.approx((7.974, 13.594), abs=5e-4)
    assert fit.bounds["beta"] == pytest.approx((1.2667, 2.3893), abs=5e-5)
    assert fit.b10 == pytest.approx(fit.eta * (-math.log(0.9)) ** (1 / fit.beta), rel=1e-12)
    assert fit.b_life(10) == pytest.approx(fit.b10, rel=1e-12)
    assert fit.b_lives[10.0][0] == fit.b10 and fit.b_lives[10.0][1][0] < fit.b10 < fit.b_lives[10.0][1][1]
    assert fit.reliability(fit.eta) == pytest.approx(math.exp(-1))
    np.testing.assert_allclose(fit.unreliability(np.array([fit.b10])), [0.1])


def test_weibull_is_the_http_routes_answer(mem):
    body = {"failures": [16, 34, 53, 75, 93, 120], "censored": [130, 140], "method": "mle",
            "confidence": 0.9, "b_lives": [1, 5]}
    status, answer = mem.call("POST", "/api/v1/reliability/weibull", body=body)
    assert status == 200
    fit = rh.ml.weibull([16, 34, 53, 75, 93, 120], censored=[130, 140], confidence=0.9, b_lives=[1, 5])
    assert fit.raw == answer
    assert sorted(fit.b_lives) == [1.0, 5.0, 10.0]
    masked = rh.ml.weibull(np.array([16, 34, 130, 53, 75, 140, 93, 120.0]),
                           censored=np.array([0, 0, 1, 0, 0, 1, 0, 0], dtype=bool), confidence=0.9, b_lives=[1, 5])
    assert masked.beta == pytest.approx(fit.beta, rel=1e-12) and masked.suspensions == 2


def test_rank_regression():
    fit = rh.ml.weibull(WBLFIT, method="rr")
    assert fit.method == "rrx" and fit.bounds is None and 0.9 < fit.r_squared <= 1
    rry = rh.ml.weibull(WBLFIT, method="rry")
    assert rry.beta != fit.beta and abs(rry.beta - fit.beta) < 0.3


@pytest.mark.parametrize("args, kwargs, error, text", [
    ([[5.0]], {}, rh.RuleViolation, "at least 2"),
    ([[5.0, -1.0, 3.0]], {}, rh.ValidationError, ""),
    ([WBLFIT], {"method": "best"}, rh.ValidationError, "method"),
    ([WBLFIT], {"confidence": 1.5}, rh.ValidationError, "confidence"),
    ([WBLFIT], {"censored": np.zeros(3, dtype=bool)}, rh.ValidationError, "mask"),
    ([[3.0, 3.0, 3.0]], {}, rh.RuleViolation, ""),
])
def test_weibull_refusals(args, kwargs, error, text):
    with pytest.raises(error, match=text):
        rh.ml.weibull(*args, **kwargs)


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 10, size=(2000, 4))
    y = 3 * x[:, 0] - 2 * (x[:, 1] > 5) + rng.normal(0, 0.1, size=2000)
    return x, y


def test_boosted_trees_fit_predict_save_load(regression):
    x, y = regression
    model = rh.ml.BoostedTrees(rounds=300, max_depth=3, learning_rate=0.1)
    assert not model.fitted
    assert model.fit(x[:1500], y[:1500]) is model and model.fitted and model.feature_count == 4
    predicted = model.predict(x[1500:])
    assert predicted.shape == (500,) and predicted.dtype == np.float64
    assert rh.ml.rmse(predicted, y[1500:]) < 0.5
    assert rh.ml.rmse(model.predict(x[1500:], rounds=10), y[1500:]) > rh.ml.rmse(predicted, y[1500:])
    again = rh.ml.BoostedTrees.load(model.save())
    assert isinstance(again, rh.ml.BoostedTrees)
    np.testing.assert_array_equal(again.predict(x[1500:]), predicted)
    import pandas as pd
    frame = pd.DataFrame(x[1500:], columns=list("abcd"))
    np.testing.assert_array_equal(model.predict(frame), predicted)
    assert model.params["max_depth"] == 3


def test_boosted_trees_are_reproducible_and_take_weights(regression):
    x, y = regression
    a = rh.ml.BoostedTrees(rounds=50, subsample=0.8, seed=3).fit(x, y).predict(x)
    b = rh.ml.BoostedTrees(rounds=50, subsample=0.8, seed=3).fit(x, y).predict(x)
    np.testing.assert_array_equal(a, b)
    w = np.where(x[:, 0] > 5, 10.0, 0.1)
    weighted = rh.ml.BoostedTrees(rounds=50).fit(x, y, sample_weight=w).predict(x)
    assert not np.array_equal(weighted, a)


def test_classification_gives_probabilities(regression):
    x, _ = regression
    label = (x[:, 0] > 5).astype(float)
    p = rh.ml.BoostedTrees(objective="binary:logistic", rounds=50).fit(x, label).predict(x)
    assert ((p > 0) & (p < 1)).all() and rh.ml.auc(p, label) > 0.99


@pytest.mark.parametrize("make, error, text", [
    (lambda x, y: rh.ml.BoostedTrees(max_depth=0), rh.ValidationError, "depth"),
    (lambda x, y: rh.ml.BoostedTrees(objective="rank:ndcg"), rh.ValidationError, "objective"),
    (lambda x, y: rh.ml.BoostedTrees().predict(x), rh.ValidationError, "not fitted"),
    (lambda x, y: rh.ml.BoostedTrees(rounds=5).fit(x, y[:10]), rh.ValidationError, ""),
    (lambda x, y: rh.ml.BoostedTrees(rounds=5).fit(x, np.full(len(y), np.nan)), rh.ValidationError, ""),
    (lambda x, y: rh.ml.BoostedTrees(rounds=5).fit(x[:, 0], y), rh.ValidationError, "2-dimensional"),
    (lambda x, y: rh.ml.BoostedTrees(rounds=5).fit(x, y).predict(x[:, :3]), rh.ValidationError, ""),
    (lambda x, y: rh.ml.BoostedTrees.load(b"not a model"), rh.Error, ""),
])
def test_boosted_tree_refusals(regression, make, error, text):
    x, y = regression
    with pytest.raises(error, match=text):
        make(x, y)


def test_metrics():
    p, t = np.array([10.0, 20.0, 35.0]), np.array([12.0, 20.0, 30.0])
    assert rh.ml.rmse(p, t) == pytest.approx(math.sqrt((4 + 0 + 25) / 3))
    assert rh.ml.mae(p, t) == pytest.approx(7 / 3)
    assert rh.ml.nasa_score(p, t) == pytest.approx(math.exp(2 / 13) - 1 + math.exp(5 / 10) - 1)
    assert math.isnan(rh.ml.auc([0.1, 0.2], [1, 1]))
    with pytest.raises(rh.ValidationError, match="3 predictions but 2"):
        rh.ml.rmse(p, t[:2])
    with pytest.raises(rh.ValidationError, match="no values"):
        rh.ml.mae([], [])


def test_grouped_cv_picks_the_better_candidate(regression):
    X, y = regression
    groups = np.arange(len(y)) % 10  # 10 units
    cv = rh.ml.grouped_cv(X, y, groups, [{"max_depth": 1, "rounds": 5}, {"max_depth": 3, "rounds": 60}], folds=5,
                          round_counts=[5, 60])
    assert list(cv.scores.columns[-1:]) == ["rmse"] and len(cv.scores) == 4  # 2 candidates x 2 round counts
    assert cv.best_rmse == pytest.approx(cv.scores["rmse"].min())
    assert cv.best["max_depth"] == 3 and cv.best["rounds"] == 60
    again = rh.ml.grouped_cv(X, y, groups, [{"max_depth": 1, "rounds": 5}, {"max_depth": 3, "rounds": 60}], folds=5,
                             round_counts=[5, 60])
    assert again.scores.equals(cv.scores)  # seeded: reproducible
    rh.ml.BoostedTrees(**cv.best).fit(X, y)


@pytest.mark.parametrize("groups, kwargs, text", [
    (lambda n: np.zeros(n - 1, dtype=int), {}, "one entry per row"),
    (lambda n: np.zeros(n), {}, "integers"),
    (lambda n: np.arange(n) % 3, {"folds": 5}, "fold"),
    (lambda n: np.arange(n) % 10, {"grid": [{"max_depth": -1}]}, "max_depth"),
])
def test_grouped_cv_refusals(regression, groups, kwargs, text):
    X, y = regression
    with pytest.raises(rh.ValidationError, match=text):
        rh.ml.grouped_cv(X, y, groups(len(y)), **kwargs)
