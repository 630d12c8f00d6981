"""FramingClassifier: L2 logistic regression whose weights obey the framing constraints.

A media scholar would sign these weights (DESIGN.md, "What makes a score valid"):

- a loaded term in the narrator's or the headline's voice never lowers a score;
- quoting or reporting it never lowers it either, and counts no more than adopting it;
- the headline voice has the narrator's weight (the outlet speaks in both; corpora of single
  sentences have no headlines to learn it from);
- a scare quote never lowers a score.

They are enforced by the parametrization, not hoped for from the data. For each loaded
category ``c`` (and for the any-category ``loaded:<voice>`` columns) two parameters
``a_c, d_c >= 0`` give ``w[loaded:c:quoted] = w[loaded:c:reported] = a_c`` and
``w[loaded:c:narrator] = w[loaded:c:title] = a_c + d_c``; ``scare_quotes >= 0``; every other
feature has a free weight of its own. The model is fitted by L-BFGS-B with these bounds on
``C · Σ sample_weight · log-loss + ½ ‖parameters‖²`` (the intercept unpenalized), and
``coef_`` holds the resulting weights of the original features, so a score is still exactly
``intercept_ + Σ coef_ × value``.

:class:`FramingPipeline` is FramingFeatures → FramingClassifier, fitted with the feature
names the constraints are defined on.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.pipeline import Pipeline
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted, validate_data

ADOPTING_VOICES = ("narrator", "title")
ATTRIBUTED_VOICES = ("quoted", "reported")
NON_NEGATIVE = frozenset({"scare_quotes"})


Bounds = list[tuple[float | None, float | None]]


def parametrization(feature_names, exclude=()) -> tuple[sp.csr_matrix, Bounds, list[str]]:
    """The map from parameters to weights (``weights = M @ parameters``), each parameter's
    bounds, and its name, for features named as :class:`~framescore.features.FramingFeatures`
    names them. Names outside the constrained families get a free parameter each; names that
    start with one of the prefixes in ``exclude`` get none (their weight is 0)."""
    rows, cols, bounds, names = [], [], [], []
    families: dict[str, tuple[int, int]] = {}

    def new(name: str, lower: float | None) -> int:
        names.append(name)
        bounds.append((lower, None))
        return len(names) - 1

    for k, name in enumerate(feature_names):
        if str(name).startswith(tuple(exclude)):
            continue
        parts = str(name).split(":")
        voice = parts[-1]
        if parts[0] == "loaded" and len(parts) in (2, 3) and voice in (*ADOPTING_VOICES,
                                                                        *ATTRIBUTED_VOICES):
            family = ":".join(parts[:-1])
            if family not in families:
                families[family] = (new(f"{family}:attributed", 0.0),
                                    new(f"{family}:adopted_extra", 0.0))
            attributed, extra = families[family]
            rows.append(k)
            cols.append(attributed)
            if voice in ADOPTING_VOICES:
                rows.append(k)
                cols.append(extra)
        else:
            rows.append(k)
            cols.append(new(str(name), 0.0 if name in NON_NEGATIVE else None))
    m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(feature_names), len(names)))
    return m, bounds, names


class FramingClassifier(LinearClassifierMixin, BaseEstimator):
    """Binary logistic regression with the framing constraints (module docstring).

    Parameters
    ----------
    C : float
        Inverse regularization strength, as in scikit-learn's LogisticRegression.
    class_weight : "balanced" or None
    constrained : bool
        Apply the constraints (False: a plain L2 logistic regression, for ablations).
    exclude : tuple of str
        Feature-name prefixes whose weights are held at 0 (ablations: a family left out).
    max_iter, tol : L-BFGS-B settings.

    ``fit(X, y, feature_names=...)`` needs the feature names to find the constrained
    families; without them every weight is free.
    """

    def __init__(self, C=1.0, class_weight="balanced", constrained=True, exclude=(),
                 max_iter=2000, tol=1e-7):
        self.C = C
        self.class_weight = class_weight
        self.constrained = constrained
        self.exclude = exclude
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y, sample_weight=None, feature_names=None):
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=np.float64)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError(f"FramingClassifier is binary; got classes {self.classes_!r}")
        target = (y == self.classes_[1]).astype(np.float64)
        sw = compute_sample_weight(self.class_weight, y) if self.class_weight else np.ones(len(y))
        if sample_weight is not None:
            sw = sw * np.asarray(sample_weight, dtype=np.float64)
        names = feature_names if feature_names is not None else [f"x{k}" for k in
                                                                  range(X.shape[1])]
        if len(names) != X.shape[1]:
            raise ValueError(f"{len(names)} feature names for {X.shape[1]} features")
        if self.constrained:
            m, bounds, _ = parametrization(names, tuple(self.exclude))
        else:
            keep = [k for k, name in enumerate(names) if not str(name).startswith(
                tuple(self.exclude))]
            m = sp.csr_matrix((np.ones(len(keep)), (keep, range(len(keep)))),
                              shape=(len(names), len(keep)))
            bounds = [(None, None)] * len(keep)
        Xp = sp.csr_matrix(X @ m) if sp.issparse(X) else np.asarray(X @ m)
        sign = 2.0 * target - 1.0
        C = float(self.C)

        def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
            theta, b = params[:-1], params[-1]
            z = np.asarray(Xp @ theta).ravel() + b
            margin = sign * z
            value = -C * float(sw @ log_expit(margin)) + 0.5 * float(theta @ theta)
            g = -C * sw * sign * expit(-margin)  # d loss / d z
            grad = np.empty_like(params)
            grad[:-1] = np.asarray(Xp.T @ g).ravel() + theta
            grad[-1] = g.sum()
            return value, grad

        start = np.zeros(Xp.shape[1] + 1)
        result = minimize(loss, start, jac=True, method="L-BFGS-B",
                          bounds=[*bounds, (None, None)],
                          options={"maxiter": self.max_iter, "ftol": self.tol, "gtol": 1e-5})
        theta = result.x[:-1]
        self.coef_ = np.asarray(m @ theta).reshape(1, -1)
        self.intercept_ = np.array([result.x[-1]])
        self.n_iter_ = np.array([result.nit])
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "coef_")
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))


class FramingPipeline(Pipeline):
    """FramingFeatures → FramingClassifier, fitted with the feature names the classifier's
    constraints are defined on."""

    def fit(self, X, y=None, **params):
        features, clf = self.steps[0][1], self.steps[-1][1]
        Xt = features.fit_transform(X, y)
        clf.fit(Xt, y, feature_names=features.get_feature_names_out())
        return self
