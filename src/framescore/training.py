"""Training and evaluation: :func:`train` (cross-validated metrics, then the final fit),
:func:`cross_validate` (its folds in ``n_jobs`` joblib processes), held-out :func:`evaluate`
and the :func:`article_threshold` of article-level evidence.

The estimator these fit, :class:`~framescore.model.FramingModel`, is :mod:`framescore.model`'s;
this module imports it, never the reverse.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from joblib import Parallel, delayed
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from .features import as_texts
from .metrics import binary_metrics
from .model import DEFAULT_PARAMS, FramingModel, _binary_labels, _check_spans


def _fold(params: dict, seed: int, train_texts, train_y, test_texts, spans, groups,
          candidates) -> tuple[np.ndarray, float]:
    """One fold of :func:`cross_validate` (a top-level function, so that a worker process of
    joblib can run it): the out-of-fold probabilities of ``test_texts`` and the fold's
    threshold, of a model fitted on the training part."""
    model = FramingModel(random_state=seed, **params).fit(
        train_texts, train_y, spans=spans, groups=groups, candidates=candidates)
    return model.predict_proba(test_texts)[:, 1], model.threshold


def cross_validate(texts, y, *, groups=None, spans=None, candidates=None, cv: int = 5,
                   seed: int = 42, progress: Callable[[int, int], object] | None = None,
                   n_jobs: int | None = None, **params) -> tuple[dict, np.ndarray]:
    """Out-of-fold probabilities and metrics; each fold picks its threshold on its own training
    data (inner 3-fold CV maximizing macro-F1), so the reported macro-F1 is not tuned on the
    test folds. ``groups`` (e.g. outlets) keeps a group on one side of every split. With
    ``spans`` (annotated character spans, one list per text) each fold learns its terms from
    its own training part only, as it does from ``candidates``. ``params`` are
    :class:`~framescore.model.FramingModel`'s; ``progress``, when
    given, is called after each fold with the number of folds done and ``cv``.

    ``n_jobs`` fits the folds in that many worker processes (:class:`joblib.Parallel`, its
    default loky backend; scikit-learn's meaning: None or 1 in this process, unless inside a
    :func:`joblib.parallel_config` context; -1 all cores). The results are the same whatever
    ``n_jobs``, and a fold's exception is raised here as it is.
    """
    texts = np.asarray(as_texts(texts), dtype=object)
    y = _binary_labels(y)
    spans = _check_spans(spans, len(y))
    params = {**DEFAULT_PARAMS, **params}
    FramingModel(**params)  # unknown parameters fail now, not after the first fold
    if groups is None:
        splits = StratifiedKFold(cv, shuffle=True, random_state=seed).split(texts, y)
    else:
        splits = StratifiedGroupKFold(cv, shuffle=True, random_state=seed).split(texts, y, groups)
    splits = list(splits)
    folds = (delayed(_fold)(
        params, seed, texts[train_idx], y[train_idx], texts[test_idx],
        None if spans is None else [spans[i] for i in train_idx],
        None if groups is None else [groups[i] for i in train_idx], candidates)
        for train_idx, test_idx in splits)
    proba = np.zeros(len(y))
    pred = np.zeros(len(y), dtype=int)
    thresholds = []
    # in fold order, each as soon as it and those before it are done
    results = Parallel(n_jobs=n_jobs, return_as="generator")(folds)
    for done, ((_, test_idx), (fold_proba, threshold)) in enumerate(
            zip(splits, results, strict=True), start=1):
        proba[test_idx] = fold_proba
        pred[test_idx] = fold_proba >= threshold
        thresholds.append(threshold)
        if progress is not None:
            progress(done, cv)
    metrics = binary_metrics(y, proba, threshold=None, pred=pred)
    metrics.update(cv=cv, grouped=groups is not None, seed=seed, fold_thresholds=thresholds)
    return metrics, proba


def train(texts, labels, *, groups=None, spans=None, candidates=None, cv: int = 5,
          seed: int = 42, n_jobs: int | None = None, **params) -> FramingModel:
    """Train a model on ``texts`` with binary ``labels`` (1 = framed); ``params`` (feature
    settings, ``C`` and ``constrained``: :class:`~framescore.model.FramingModel`'s parameters)
    override :data:`~framescore.model.DEFAULT_PARAMS`. With ``spans``
    (annotated character spans of loaded language, one list per text, e.g. from
    :func:`framescore.terms.word_spans`) the model also learns term weights from them. ``groups``
    (e.g. outlets) keep each group on one side of every CV split, and a learned term must be
    marked in texts of :data:`~framescore.terms.GROUPS_MARKING` groups or more.
    ``candidates`` (words such as a subjectivity lexicon's) add the category
    ``learned_subjective``: those that lean towards framed texts
    (:meth:`~framescore.model.FramingModel.fit`).

    Runs ``cv``-fold cross-validation for the reported metrics (``cv=0`` skips it; its folds
    in ``n_jobs`` processes, as :func:`cross_validate`'s), then fits the final model on all
    data, in this process, with a threshold tuned by inner cross-validation:
    ``FramingModel(random_state=seed, **params).fit(texts, labels, spans=spans,
    groups=groups)``, with the metrics in its manifest.
    """
    texts = as_texts(texts)
    y = _binary_labels(labels)
    spans = _check_spans(spans, len(y))
    if set(np.unique(y)) != {0, 1}:
        raise ValueError("training needs both classes (0 = neutral, 1 = framed)")
    params = {**DEFAULT_PARAMS, **params}
    model = FramingModel(random_state=seed, **params)  # unknown parameters fail before the CV
    manifest: dict = {"params": params, "n_train": len(y), "n_framed": int(y.sum())}
    if cv:
        manifest["cv_metrics"], _ = cross_validate(texts, y, groups=groups, spans=spans,
                                                   candidates=candidates, cv=cv, seed=seed,
                                                   n_jobs=n_jobs, **params)
    model.fit(texts, labels, spans=spans, groups=groups, candidates=candidates)
    model.manifest = {**manifest, "n_learned_terms": model.manifest["n_learned_terms"]}
    return model


def evaluate(model: FramingModel, texts, labels, *, data_sha256: str | None = None
             ) -> tuple[dict, np.ndarray]:
    """Held-out metrics of ``model`` on ``texts`` with 0/1 ``labels``, at its threshold
    (:func:`framescore.metrics.binary_metrics`), and the scores. ``trained_on_this_data``
    says whether ``data_sha256`` (the SHA-256 of the data read) is that of data the model
    was trained on, so that the figures are not held-out ones."""
    proba = model.score(texts)["score"].to_numpy()
    metrics = binary_metrics(labels, proba, threshold=model.threshold)
    trained_on = model.manifest.get("training_data") or []
    trained_on = [trained_on] if isinstance(trained_on, dict) else trained_on
    metrics.update(mode="model", model=str(model.path),
                   trained_on_this_data=data_sha256 is not None and any(
                       d.get("sha256") == data_sha256 for d in trained_on))
    return metrics, proba


def article_threshold(*evidence: tuple[np.ndarray, np.ndarray]) -> float:
    """The article threshold that best separates framed from neutral articles: each piece of
    ``evidence`` is (article scores, 0/1 labels); the threshold maximizes the mean of their
    balanced accuracies (each source counts equally, however many articles it has), and of a
    range of equally good thresholds the middle one is taken."""
    grid = np.linspace(0.0, 1.0, 1001)
    quality = np.zeros(len(grid))
    for scores, labels in evidence:
        scores, labels = np.asarray(scores, dtype=float), np.asarray(labels, dtype=bool)
        if labels.all() or not labels.any():
            raise ValueError("article-level evidence needs framed and neutral articles")
        framed = scores[labels][None, :] >= grid[:, None]
        neutral = scores[~labels][None, :] < grid[:, None]
        quality += (framed.mean(axis=1) + neutral.mean(axis=1)) / 2
    best = np.flatnonzero(quality >= quality.max() - 1e-12)
    return float((grid[best[0]] + grid[best[-1]]) / 2)
