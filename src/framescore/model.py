"""The framing model: FramingFeatures → FramingClassifier, training, thresholds, scoring.

The model scores sentences; a text's logit is the same linear model applied to the mean of its
sentence features, so ``logit = intercept + Σ weight × value`` holds exactly at every level and
equals the mean of the sentence logits.

:func:`load` and :meth:`FramingModel.save` read and write model directories through
:mod:`framescore.persist`; explanations are :mod:`framescore.explain`'s (which imports this
module, never the reverse).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.model_selection import (
    StratifiedGroupKFold,
    StratifiedKFold,
    TunedThresholdClassifierCV,
)
from sklearn.pipeline import Pipeline

from . import persist
from .classifier import FramingClassifier, FramingPipeline
from .features import BatchAnalysis, FramingFeatures, as_texts
from .lexicon import ATTRIBUTION_TYPES
from .metrics import binary_metrics
from .terms import learn_terms

#: Settings of the shipped model, chosen on the transfer benchmark
#: (benchmarks/transfer.py); ``framescore train`` uses them unless told otherwise.
DEFAULT_PARAMS = {"ngrams": False, "shares": False, "C": 1.0, "constrained": True}
#: Settings of term learning (:func:`framescore.terms.learn_terms`) when spans are given.
TERM_PARAMS = {"min_marked": 2, "min_weight": 0.25}
#: With groups (outlets, articles), a learned term must be marked in this many of them.
GROUPS_MARKING = 3


#: Summary columns of article-level scores: output column → feature (values are counts).
SUMMARY_FEATURES = {
    "loaded_narrator": "loaded:narrator",
    "loaded_title": "loaded:title",
    "loaded_quoted": "loaded:quoted",
    "loaded_reported": "loaded:reported",
    **{f"attribution_{t}": f"attribution:{t}" for t in ATTRIBUTION_TYPES},
    "scare_quotes": "scare_quotes",
}


def make_pipeline(*, C: float = 1.0, class_weight: str | None = "balanced",
                  constrained: bool = True, exclude=(), **features) -> Pipeline:
    """FramingFeatures(**features) → FramingClassifier(C, constrained, exclude)."""
    return FramingPipeline([
        ("features", FramingFeatures(**features)),
        ("clf", FramingClassifier(C=C, class_weight=class_weight, constrained=constrained,
                                  exclude=tuple(exclude))),
    ])


def sigmoid(z):
    """The probability of a logit, or of each of an array of logits (without overflow or
    warnings for extreme ones, where ``1 / (1 + math.exp(-z))`` overflows below -709)."""
    return expit(z)


@dataclass
class FramingModel:
    """A fitted pipeline with its decision thresholds (sentences; articles, when chosen on
    article-level evidence) and manifest."""

    pipeline: Pipeline
    threshold: float = 0.5
    manifest: dict = field(default_factory=dict)
    path: Path | None = None
    article_threshold: float | None = None

    @property
    def features(self) -> FramingFeatures:
        return self.pipeline.named_steps["features"]

    @property
    def weights(self) -> np.ndarray:
        return self.pipeline.named_steps["clf"].coef_[0]

    @property
    def intercept(self) -> float:
        return float(self.pipeline.named_steps["clf"].intercept_[0])

    @cached_property
    def feature_names(self) -> np.ndarray:
        """Names of the model's features (computed once: a fitted model does not change)."""
        return self.features.get_feature_names_out()

    @cached_property
    def _summary_columns(self) -> dict[str, int]:
        """Summary column → feature column, for the summary features this model has."""
        index = {name: k for k, name in enumerate(self.feature_names)}
        return {col: index[f] for col, f in SUMMARY_FEATURES.items() if f in index}

    def logits(self, X) -> np.ndarray:
        """Logit of each text: intercept + features · weights."""
        return self.intercept + np.asarray(self.features.transform(X) @ self.weights).ravel()

    def threshold_for(self, level: str = "article") -> float:
        """The decision threshold of a level: ``article_threshold`` for articles when the
        model has one, else ``threshold``."""
        if level == "article" and self.article_threshold is not None:
            return self.article_threshold
        return self.threshold

    def label(self, scores, level: str = "article") -> np.ndarray:
        return np.where(np.asarray(scores) >= self.threshold_for(level), "framed", "neutral")

    def score(self, texts, level: str = "article", on_empty: str = "raise") -> pd.DataFrame:
        """Score texts: a DataFrame with ``score`` (probability of framed), ``label``, ``logit``.

        At article level it also has ``sentences`` and the summary counts
        (:data:`SUMMARY_FEATURES`: loaded terms by voice, attributions by type). With
        ``level="sentence"`` there is one row per sentence, with ``text_index``, ``sentence``,
        ``start`` and ``end`` (character offsets into its text).

        A text that is empty, only whitespace, or missing (None, NaN, ``pd.NA``) has nothing to
        score: by default (``on_empty="raise"``) it is a ValueError naming the positions of
        all such texts, as the command line refuses them. ``on_empty="score"`` scores each as
        a text without features (a missing one as ""): its logit is the intercept.
        """
        if level not in ("article", "sentence"):
            raise ValueError(f"level must be 'article' or 'sentence', not {level!r}")
        if on_empty not in ("raise", "score"):
            raise ValueError(f"on_empty must be 'raise' or 'score', not {on_empty!r}")
        # (a single string, or an array that is not 1-D, is refused by as_texts below)
        if not isinstance(texts, str) and getattr(texts, "ndim", 1) == 1:
            if not hasattr(texts, "__len__"):
                texts = list(texts)  # an iterator can be read only once

            def missing(t) -> bool:
                return t is None or t is pd.NA or (isinstance(t, float) and t != t)

            bad = [i for i, t in enumerate(texts)
                   if (not t.strip() if isinstance(t, str) else missing(t))]
            if bad and on_empty == "raise":
                where = ", ".join(map(str, bad[:10])) + (f" and {len(bad) - 10} more"
                                                         if len(bad) > 10 else "")
                raise ValueError(
                    f"{len(bad)} of {len(texts)} texts are empty or missing (None, NaN or "
                    f"only whitespace), at position{'s' if len(bad) > 1 else ''} {where}; "
                    "drop them first, or pass on_empty='score' to score each as a text "
                    "without features")
            if bad:
                texts = ["" if missing(t) else t for t in texts]
        batch = self.features.analyze_many(texts, spans=False)
        if level == "article":
            return self.article_frame(batch)
        return self.sentence_frame(batch)

    def article_frame(self, batch: BatchAnalysis) -> pd.DataFrame:
        """:meth:`score`'s article-level table of an analyzed batch."""
        matrix, n_sent = batch.rows, batch.counts
        summary = self._summary_columns
        values = matrix[:, list(summary.values())].toarray()  # all columns in one slice
        counts = np.rint(values * n_sent[:, None]).astype(int)
        return self._scored_frame("article", {
            "logit": self.intercept + matrix @ self.weights, "sentences": n_sent,
            **{name: counts[:, k] for k, name in enumerate(summary)}})

    def sentence_frame(self, batch: BatchAnalysis) -> pd.DataFrame:
        """:meth:`score`'s sentence-level table of an analyzed batch."""
        counts = batch.counts
        first = np.repeat(np.cumsum(counts) - counts, counts)  # each sentence's text's first
        return self._scored_frame("sentence", {
            "text_index": np.repeat(np.arange(len(counts)), counts),
            "sentence": np.arange(len(first)) - first,
            "start": batch.bounds[:, 0], "end": batch.bounds[:, 1],
            "logit": self.intercept + batch.sentence_matrix @ self.weights})

    def _scored_frame(self, level: str, columns: dict) -> pd.DataFrame:
        """``score`` and ``label`` (from ``columns["logit"]``), then ``columns``, in one
        DataFrame built at once: adding columns one by one costs pandas more than scoring a
        short text."""
        score = sigmoid(np.asarray(columns["logit"], dtype=float))
        return pd.DataFrame({"score": score, "label": self.label(score, level), **columns})

    def save(self, path: str | Path, *, card: str = "", **manifest) -> Path:
        """Write the model directory: model file, manifest (with hashes), model card (see
        :func:`framescore.persist.save`)."""
        return persist.save(self, path, card=card, **manifest)


def load(path: str | Path | None = None) -> FramingModel:
    """Load a model directory (the shipped default model when ``path`` is None), verified
    (:func:`framescore.persist.read`)."""
    pipeline, manifest, path = persist.read(path)
    article_threshold = manifest.get("article_threshold")
    return FramingModel(pipeline, float(manifest["threshold"]), manifest, path,
                        None if article_threshold is None else float(article_threshold))


def _binary_labels(labels) -> np.ndarray:
    """``labels`` as an int array of 0 (neutral) and 1 (framed); ValueError for anything
    else, such as the label strings of a corpus, which the caller maps (the CLI's
    ``--positive``)."""
    y = np.asarray(labels)
    if y.dtype.kind not in "biuf" or not np.isin(y, (0, 1)).all():
        others = sorted({str(v) for v in y.ravel().tolist() if v not in (0, 1)})
        raise ValueError(f"labels must be 0 (neutral) and 1 (framed), not {others[:3]}; map "
                         "them first, e.g. (df['label'] == 'framed').astype(int)")
    return y.astype(int)


def _with_terms(params: dict, texts, spans, groups=None, rows=None) -> dict:
    """``params`` with ``learned_terms`` learned from the annotated ``spans`` of ``texts``
    (of ``rows`` only, when given; marked in :data:`GROUPS_MARKING` or more ``groups`` when
    there are groups),
    unless there are no spans or terms are given already."""
    if spans is None or "learned_terms" in params:
        return params
    if rows is not None:
        texts, spans = [texts[i] for i in rows], [spans[i] for i in rows]
        groups = None if groups is None else [groups[i] for i in rows]
    settings = {**TERM_PARAMS, **({} if groups is None else {"min_groups": GROUPS_MARKING})}
    return {**params, "learned_terms": tuple(learn_terms(list(texts), list(spans),
                                                         groups=groups, **settings))}


def _check_spans(spans, n: int):
    if spans is not None and len(spans) != n:
        raise ValueError(f"{n} texts but {len(spans)} span lists")
    return None if spans is None else list(spans)


def cross_validate(texts, y, *, groups=None, spans=None, cv: int = 5, seed: int = 42,
                   **params) -> tuple[dict, np.ndarray]:
    """Out-of-fold probabilities and metrics; each fold picks its threshold on its own training
    data (inner 3-fold CV maximizing macro-F1), so the reported macro-F1 is not tuned on the
    test folds. ``groups`` (e.g. outlets) keeps a group on one side of every split. With
    ``spans`` (annotated character spans, one list per text) each fold learns its terms from
    its own training part only."""
    texts = np.asarray(as_texts(texts), dtype=object)
    y = _binary_labels(y)
    spans = _check_spans(spans, len(y))
    params = {**DEFAULT_PARAMS, **params}
    if groups is None:
        splits = StratifiedKFold(cv, shuffle=True, random_state=seed).split(texts, y)
    else:
        splits = StratifiedGroupKFold(cv, shuffle=True, random_state=seed).split(texts, y, groups)
    proba = np.zeros(len(y))
    pred = np.zeros(len(y), dtype=int)
    thresholds = []
    for train_idx, test_idx in splits:
        fold_params = _with_terms(params, texts, spans, groups, train_idx)
        tuned = _tuned(fold_params, seed).fit(texts[train_idx], y[train_idx])
        proba[test_idx] = tuned.estimator_.predict_proba(texts[test_idx])[:, 1]
        pred[test_idx] = proba[test_idx] >= tuned.best_threshold_
        thresholds.append(float(tuned.best_threshold_))
    metrics = binary_metrics(y, proba, threshold=None, pred=pred)
    metrics.update(cv=cv, grouped=groups is not None, seed=seed, fold_thresholds=thresholds)
    return metrics, proba


def _tuned(params: dict, seed: int) -> TunedThresholdClassifierCV:
    return TunedThresholdClassifierCV(
        make_pipeline(**params), scoring="f1_macro", response_method="predict_proba",
        cv=StratifiedKFold(3, shuffle=True, random_state=seed), thresholds=91,
    )


def train(texts, labels, *, groups=None, spans=None, cv: int = 5, seed: int = 42,
          **params) -> FramingModel:
    """Train a model on ``texts`` with binary ``labels`` (1 = framed); ``params`` (feature
    settings, ``C`` and ``constrained``) override :data:`DEFAULT_PARAMS`. With ``spans``
    (annotated character spans of loaded language, one list per text, e.g. from
    :func:`framescore.terms.word_spans`) the model also learns term weights from them. ``groups``
    (e.g. outlets) keep each group on one side of every CV split, and a learned term must be
    marked in texts of :data:`GROUPS_MARKING` groups or more.

    Runs ``cv``-fold cross-validation for the reported metrics (``cv=0`` skips it), then fits
    the final pipeline on all data with a threshold tuned by inner cross-validation.
    """
    texts = as_texts(texts)
    y = _binary_labels(labels)
    spans = _check_spans(spans, len(y))
    if set(np.unique(y)) != {0, 1}:
        raise ValueError("training needs both classes (0 = neutral, 1 = framed)")
    params = {**DEFAULT_PARAMS, **params}
    manifest: dict = {"params": params, "n_train": len(y), "n_framed": int(y.sum())}
    if cv:
        manifest["cv_metrics"], _ = cross_validate(texts, y, groups=groups, spans=spans, cv=cv,
                                                   seed=seed, **params)
    params = _with_terms(params, texts, spans, groups)
    manifest["n_learned_terms"] = len(params.get("learned_terms", ()))
    tuned = _tuned(params, seed).fit(np.asarray(texts, dtype=object), y)
    return FramingModel(tuned.estimator_, float(tuned.best_threshold_), manifest)


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
