"""FramingClassifier: the framing constraints hold, and without them it is scikit-learn's
L2 logistic regression."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from framescore.classifier import FramingClassifier, parametrization

NAMES = ["loaded:narrator", "loaded:quoted", "loaded:reported", "loaded:title",
         "loaded:emotive:narrator", "loaded:emotive:quoted", "loaded:emotive:reported",
         "loaded:emotive:title", "attribution:report", "scare_quotes"]


def _data(seed=0, n=400):
    rng = np.random.default_rng(seed)
    X = rng.poisson(0.4, size=(n, len(NAMES))).astype(float)
    # Labels that reward quoting and punish adopting: the data disagree with the constraints.
    logit = (-2.0 * X[:, 0] + 1.5 * X[:, 1] - 1.0 * X[:, 4] + 2.0 * X[:, 5]
             - 0.8 * X[:, 8] - 1.0 * X[:, 9] + rng.normal(0, 0.5, n))
    return X, (logit > 0).astype(int)


def test_parametrization_ties_voices_and_bounds_the_loaded_families():
    m, bounds, names = parametrization(NAMES)
    assert m.shape == (len(NAMES), len(names))
    dense = m.toarray()
    # quoted and reported share one parameter; narrator and title add a second one
    assert (dense[1] == dense[2]).all() and (dense[0] == dense[3]).all()
    assert dense[0].sum() == 2 and dense[1].sum() == 1
    lower = dict(zip(names, [b[0] for b in bounds], strict=True))
    assert lower["loaded:attributed"] == 0 and lower["loaded:adopted_extra"] == 0
    assert lower["scare_quotes"] == 0 and lower["attribution:report"] is None


def test_constraints_hold_even_when_the_data_disagree():
    X, y = _data()
    w = dict(zip(NAMES, FramingClassifier(C=10).fit(X, y, feature_names=NAMES).coef_[0],
                 strict=True))
    for family in ("loaded", "loaded:emotive"):
        narrator, quoted = w[f"{family}:narrator"], w[f"{family}:quoted"]
        assert quoted >= 0 and narrator >= quoted
        assert w[f"{family}:reported"] == quoted and w[f"{family}:title"] == narrator
    assert w["scare_quotes"] >= 0
    assert w["attribution:report"] < 0  # free: it follows the data


def test_unconstrained_equals_scikit_learns_logistic_regression():
    X, y = _data(seed=1)
    ours = FramingClassifier(C=0.5, constrained=False, tol=1e-10).fit(sp.csr_matrix(X), y)
    ref = LogisticRegression(C=0.5, class_weight="balanced", tol=1e-10, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-4)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)


def test_exclude_holds_a_family_at_zero_and_the_estimator_clones():
    X, y = _data(seed=2)
    clf = FramingClassifier(exclude=("attribution:",))
    w = clone(clf).fit(X, y, feature_names=NAMES).coef_[0]
    assert w[NAMES.index("attribution:report")] == 0
    assert clone(clf).get_params() == clf.get_params()


def test_scores_are_the_logistic_of_the_linear_function():
    X, y = _data(seed=3)
    clf = FramingClassifier().fit(X, y, feature_names=NAMES)
    z = X @ clf.coef_[0] + clf.intercept_[0]
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], 1 / (1 + np.exp(-z)))
    assert set(clf.predict(X)) <= set(clf.classes_)


def test_binary_only():
    with pytest.raises(ValueError, match="binary"):
        FramingClassifier().fit(np.ones((3, 2)), [0, 1, 2])
