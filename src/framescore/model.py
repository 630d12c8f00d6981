"""The framing model: FramingFeatures → FramingClassifier, its fit, thresholds, scoring.

:class:`FramingModel` is a scikit-learn classifier of texts (``fit``, ``predict_proba``,
``predict`` at its tuned threshold, ``decision_function`` = the logit) with the research API
(``score``, ``label``, the weights; :mod:`framescore.explain`) on top;
:func:`framescore.training.train` fits one and also cross-validates it for its manifest
(:mod:`framescore.training` imports this module, never the reverse).

The model scores sentences; a text's logit is the same linear model applied to the mean of its
sentence features, so ``logit = intercept + Σ weight × value`` holds exactly at every level and
equals the mean of the sentence logits.

:func:`load` and :meth:`FramingModel.save` read and write model directories through
:mod:`framescore.persist`; explanations are :mod:`framescore.explain`'s (which imports this
module, never the reverse).
"""

from __future__ import annotations

import inspect
import json
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV
from sklearn.pipeline import Pipeline
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from . import persist
from .classifier import FramingClassifier, FramingPipeline
from .features import BatchAnalysis, FramingFeatures, as_texts
from .lexicon import ATTRIBUTION_TYPES
from .terms import learned_terms_for

#: Settings of the shipped model, chosen on the transfer benchmark
#: (benchmarks/transfer.py); ``framescore train`` uses them unless told otherwise.
DEFAULT_PARAMS = {"ngrams": False, "shares": False, "C": 1.0, "constrained": True}


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


class _AcceptsFittedPipeline(type):
    """The metaclass of :class:`FramingModel`: ``FramingModel(pipeline, threshold, manifest,
    path, article_threshold)``, its constructor when it was a dataclass (framescore 0.1),
    still makes a fitted model of a fitted pipeline (:meth:`FramingModel.from_pipeline`).
    Keyword arguments alone, which is how scikit-learn makes estimators (``clone``), go to
    ``__init__`` as usual."""

    def __call__(cls, *args, **kwargs):
        if args or "pipeline" in kwargs:
            return cls.from_pipeline(*args, **kwargs)
        return super().__call__(**kwargs)

    @property
    def __signature__(cls) -> inspect.Signature:
        """The class's signature is its ``__init__``'s (``inspect.signature``, ``help`` and
        scikit-learn's checks would otherwise see ``__call__``'s ``*args, **kwargs``)."""
        sig = inspect.signature(cls.__init__)
        return sig.replace(parameters=list(sig.parameters.values())[1:])


class FramingModel(ClassifierMixin, BaseEstimator, metaclass=_AcceptsFittedPipeline):
    """The framing model as a scikit-learn classifier of texts, with the research API on top.

    ``FramingModel(**params).fit(X, y)`` trains what :func:`~framescore.training.train`
    trains (with ``cv=0``): :class:`~framescore.features.FramingFeatures` →
    :class:`FramingClassifier` with these parameters, and a decision threshold tuned for
    macro-F1 by inner cross-validation. :func:`load` returns a fitted one. ``X`` is a 1-D
    sequence of texts (list, tuple, array of str, pandas Series); ``y`` is 0 (neutral) and 1
    (framed), or False and True.

    As a classifier (it works in ``clone``, ``Pipeline``, ``cross_val_score``,
    ``GridSearchCV``):

    - ``predict_proba(X)``: shape (n, 2), the probability of ``classes_[1]`` (framed) in
      column 1, equal to :meth:`score`'s ``score``;
    - ``decision_function(X)``: the logit, equal to :meth:`score`'s ``logit`` and to an
      explanation's ``logit``;
    - ``predict(X)``: ``classes_[1]`` where the probability is ``>= threshold``, the
      *sentence-level* threshold that fit tuned (a model's ``article_threshold``, when it has
      one, labels articles in :meth:`score` and the command line; ``fit`` does not choose
      one). Empty or missing texts are a ValueError, as in :meth:`score`;
    - ``score(X, y)``: the accuracy of ``predict`` (what ``cross_val_score`` uses unless
      given ``scoring=``); ``score(X)`` without labels is the research API's table.

    Parameters
    ----------
    lexicons, extra_lexicons, framing, voice, shares, length, ngrams, ngram_range, min_df,
    max_features, ngram_weight, ngram_words
        :class:`~framescore.features.FramingFeatures`'s. The defaults are those of the
        shipped model (:data:`DEFAULT_PARAMS`): no n-grams, no shares.
    learned_terms : sequence of (term, weight) pairs, or None
        None: learned from ``spans`` when fit is given them (none otherwise); a sequence: these
        terms, and none learned.
    C, class_weight, constrained, exclude
        :class:`~framescore.classifier.FramingClassifier`'s.
    threshold_cv : int
        Folds of the stratified cross-validation that tunes the threshold for macro-F1 (0:
        no tuning, the threshold is 0.5).
    thresholds : int
        Candidate thresholds tried (as in scikit-learn's TunedThresholdClassifierCV).
    random_state : int or None
        Seed of the threshold-tuning splits (``train``'s ``seed``).

    Fitted attributes: ``pipeline_`` (features → classifier), ``threshold_``,
    ``article_threshold_`` (None after fit), ``classes_``, ``manifest_`` (what fit knows of
    its training: params, sizes, learned terms) and ``path_`` (the model directory it was
    loaded from or saved to, else None); ``pipeline``, ``threshold``, ``article_threshold``,
    ``manifest`` and ``path`` are their names in the research API.
    """

    def __init__(self, *, lexicons=None, extra_lexicons=(), learned_terms=None, framing=True,
                 voice=True, shares=False, length=False, ngrams=False, ngram_range=(1, 2),
                 min_df=1, max_features=100_000, ngram_weight=1.0, ngram_words="content",
                 C=1.0, class_weight="balanced", constrained=True, exclude=(),
                 threshold_cv=3, thresholds=91, random_state=42):
        self.lexicons = lexicons
        self.extra_lexicons = extra_lexicons
        self.learned_terms = learned_terms
        self.framing = framing
        self.voice = voice
        self.shares = shares
        self.length = length
        self.ngrams = ngrams
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.ngram_weight = ngram_weight
        self.ngram_words = ngram_words
        self.C = C
        self.class_weight = class_weight
        self.constrained = constrained
        self.exclude = exclude
        self.threshold_cv = threshold_cv
        self.thresholds = thresholds
        self.random_state = random_state

    # --- a fitted model of a fitted pipeline ----------------------------------------------------

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline, threshold: float = 0.5,
                      manifest: dict | None = None, path: str | Path | None = None,
                      article_threshold: float | None = None) -> FramingModel:
        """A fitted model of a fitted FramingFeatures → FramingClassifier ``pipeline``
        (:func:`make_pipeline`), with its thresholds, manifest and directory. Its parameters
        are the pipeline's, so that ``clone`` of it trains the same kind of model anew."""
        features, clf = pipeline.steps[0][1], pipeline.steps[-1][1]
        names = cls._get_param_names()
        params = {k: v for step in (features, clf) for k, v in step.get_params().items()
                  if k in names}
        model = cls(**params)
        model._set_fitted(pipeline, threshold, manifest or {}, path, article_threshold,
                          getattr(clf, "classes_", np.array([0, 1])))
        return model

    def _set_fitted(self, pipeline, threshold, manifest, path, article_threshold,
                    classes) -> None:
        self.pipeline_ = pipeline
        self.threshold_ = float(threshold)
        self.article_threshold_ = None if article_threshold is None else float(
            article_threshold)
        self.manifest_ = manifest
        self.path_ = None if path is None else Path(path)
        self.classes_ = np.asarray(classes)
        self._forget_derived()

    def _forget_derived(self) -> None:
        for name in ("feature_names", "_summary_columns"):  # the cached properties
            self.__dict__.pop(name, None)

    def _fitted(self, name: str):
        try:
            return self.__dict__[name]
        except KeyError:
            raise NotFittedError(f"this FramingModel is not fitted yet (no {name}): call fit, "
                                 "or get a fitted one from framescore.load()") from None

    # --- scikit-learn: fit, predict_proba, predict, decision_function -------------------------

    def fit(self, X, y, *, spans=None, groups=None, candidates=None) -> FramingModel:
        """Fit on texts ``X`` with 0/1 labels ``y``. When ``learned_terms`` is None, terms are
        learned: from ``spans`` (annotated character spans of loaded language, one list per
        text; with ``groups``, e.g. outlets, a term must be marked in
        :data:`~framescore.terms.GROUPS_MARKING` of them), and from ``candidates`` (words such as a
        subjectivity lexicon's): those whose texts lean framed become the category
        ``learned_subjective`` (:func:`framescore.terms.learn_label_terms`)."""
        if y is None:
            raise ValueError("FramingModel requires y to be passed, but the target y is None")
        labels = column_or_1d(y, warn=True)  # a column vector is taken, with a warning
        check_classification_targets(labels)  # continuous targets: 'Unknown label type'
        if type_of_target(labels) != "binary":
            raise ValueError("Only binary classification is supported: labels are 0 (neutral) "
                             f"and 1 (framed), and these are {type_of_target(labels)}")
        target = _binary_labels(labels)
        classes = np.unique(labels)
        if len(classes) != 2:
            raise ValueError("training needs both classes (0 = neutral, 1 = framed); got "
                             f"only class {classes.tolist()}")
        texts = as_texts(X)
        if len(labels) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        spans = _check_spans(spans, len(texts))
        if groups is not None and len(groups) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(groups)} groups")
        cv = self.threshold_cv or 0
        if cv == 1 or cv < 0:
            raise ValueError(f"threshold_cv must be 0 (no tuning) or at least 2, not {cv}")
        params = self._pipeline_params()
        params["learned_terms"] = tuple(self.learned_terms) if self.learned_terms is not None \
            else learned_terms_for(texts, target, spans=spans, groups=groups,
                                   candidates=candidates, lexicons=self.lexicons,
                                   extra_lexicons=self.extra_lexicons)
        texts = np.asarray(texts, dtype=object)
        if cv:
            tuned = _tuned(params, self.random_state, cv, self.thresholds).fit(texts, target)
            pipeline, threshold = tuned.estimator_, float(tuned.best_threshold_)
        else:
            pipeline, threshold = make_pipeline(**params).fit(texts, target), 0.5
        manifest = {"params": {k: _json_safe(v) for k, v in self.get_params().items()
                               if k != "learned_terms"
                               and (k in DEFAULT_PARAMS or not _is_default(self, k))},
                    "n_train": len(target), "n_framed": int(target.sum()),
                    "n_learned_terms": len(params.get("learned_terms", ()))}
        self._set_fitted(pipeline, threshold, manifest, None, None, classes)
        return self

    def _pipeline_params(self) -> dict:
        """The parameters of :func:`make_pipeline`: all but the threshold tuning's."""
        return {k: v for k, v in self.get_params().items()
                if k not in ("learned_terms", "threshold_cv", "thresholds", "random_state")}

    def decision_function(self, X) -> np.ndarray:
        """The logit of each text (:meth:`score`'s ``logit``), shape (n,)."""
        self._fitted("pipeline_")
        return self.logits(_checked_texts(X))

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of ``classes_``, shape (n, 2): column 1 is :meth:`score`'s
        ``score``, the probability of framed."""
        p = sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X) -> np.ndarray:
        """``classes_[1]`` (framed) where the probability is at least :attr:`threshold`, the
        sentence-level threshold (see the class docstring), else ``classes_[0]``."""
        framed = self.predict_proba(X)[:, 1] >= self.threshold
        return self.classes_[framed.astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # a 1-D sequence of texts
        tags.input_tags.string = True
        tags.classifier_tags.multi_class = False
        return tags

    # --- the research API ---------------------------------------------------------------------

    @property
    def pipeline(self) -> Pipeline:
        return self._fitted("pipeline_")

    @pipeline.setter
    def pipeline(self, value: Pipeline) -> None:
        self.pipeline_ = value
        self._forget_derived()

    @property
    def threshold(self) -> float:
        """The decision threshold of sentences (of articles too unless the model has an
        ``article_threshold``)."""
        return self._fitted("threshold_")

    @threshold.setter
    def threshold(self, value: float) -> None:
        self.threshold_ = float(value)

    @property
    def article_threshold(self) -> float | None:
        return self._fitted("article_threshold_")

    @article_threshold.setter
    def article_threshold(self, value: float | None) -> None:
        self.article_threshold_ = None if value is None else float(value)

    @property
    def manifest(self) -> dict:
        return self._fitted("manifest_")

    @manifest.setter
    def manifest(self, value: dict) -> None:
        self.manifest_ = value

    @property
    def path(self) -> Path | None:
        return self._fitted("path_")

    @path.setter
    def path(self, value: str | Path | None) -> None:
        self.path_ = None if value is None else Path(value)

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
        """Names of the model's features (computed once per fitted pipeline)."""
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

    def score(self, X, y=None, sample_weight=None, *, level: str = "article",
              on_empty: str = "raise"):
        """Score texts: a DataFrame with ``score`` (probability of framed), ``label``, ``logit``.

        At article level it also has ``sentences`` and the summary counts
        (:data:`SUMMARY_FEATURES`: loaded terms by voice, attributions by type). With
        ``level="sentence"`` there is one row per sentence, with ``text_index``, ``sentence``,
        ``start`` and ``end`` (character offsets into its text).

        A text that is empty, only whitespace, or missing (None, NaN, ``pd.NA``) has nothing to
        score: by default (``on_empty="raise"``) it is a ValueError naming the positions of
        all such texts, as the command line refuses them. ``on_empty="score"`` scores each as
        a text without features (a missing one as ""): its logit is the intercept.

        With labels ``y``, it is scikit-learn's ``score(X, y, sample_weight)`` instead: the
        accuracy of :meth:`predict` (a float), which ``cross_val_score`` uses by default.
        """
        if isinstance(y, str):  # score(texts, "sentence"), the level given by position
            level, y = y, None
        if y is not None:
            return ClassifierMixin.score(self, X, y, sample_weight=sample_weight)
        if level not in ("article", "sentence"):
            raise ValueError(f"level must be 'article' or 'sentence', not {level!r}")
        batch = self.features.analyze_many(_checked_texts(X, on_empty), spans=False)
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


def _checked_texts(texts, on_empty: str = "raise"):
    """``texts``, with the empty, whitespace-only and missing (None, NaN, ``pd.NA``) ones
    refused: a ValueError naming their positions (``on_empty="raise"``), or kept as texts
    without features, a missing one as "" (``on_empty="score"``). (A single string, or an
    array that is not 1-D, is left for :func:`~framescore.features.as_texts` to refuse.)"""
    if on_empty not in ("raise", "score"):
        raise ValueError(f"on_empty must be 'raise' or 'score', not {on_empty!r}")
    if isinstance(texts, str) or getattr(texts, "ndim", 1) != 1:
        return texts
    if not hasattr(texts, "__len__"):
        texts = list(texts)  # an iterator can be read only once

    def missing(t) -> bool:
        return t is None or t is pd.NA or (isinstance(t, float) and t != t)

    bad = [i for i, t in enumerate(texts) if (not t.strip() if isinstance(t, str) else missing(t))]
    if bad and on_empty == "raise":
        where = ", ".join(map(str, bad[:10])) + (f" and {len(bad) - 10} more"
                                                 if len(bad) > 10 else "")
        raise ValueError(
            f"{len(bad)} of {len(texts)} texts are empty or missing (None, NaN or only "
            f"whitespace), at position{'s' if len(bad) > 1 else ''} {where}; drop them first, "
            "or pass on_empty='score' to score each as a text without features")
    if bad:
        texts = ["" if missing(t) else t for t in texts]
    return texts


def _json_safe(value):
    """``value`` when JSON can hold it (a manifest is JSON), else its repr."""
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


def _is_default(estimator: BaseEstimator, name: str) -> bool:
    """Whether ``estimator``'s parameter ``name`` has its constructor's default value."""
    default = inspect.signature(type(estimator).__init__).parameters[name].default
    return repr(getattr(estimator, name)) == repr(default)


def load(path: str | Path | None = None) -> FramingModel:
    """Load a model directory (the shipped default model when ``path`` is None), verified
    (:func:`framescore.persist.read`)."""
    pipeline, manifest, path = persist.read(path)
    return FramingModel.from_pipeline(pipeline, float(manifest["threshold"]), manifest, path,
                                      manifest.get("article_threshold"))


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


def _check_spans(spans, n: int):
    if spans is not None and len(spans) != n:
        raise ValueError(f"{n} texts but {len(spans)} span lists")
    return None if spans is None else list(spans)


def _tuned(params: dict, seed, cv: int = 3, thresholds=91) -> TunedThresholdClassifierCV:
    return TunedThresholdClassifierCV(
        make_pipeline(**params), scoring="f1_macro", response_method="predict_proba",
        cv=StratifiedKFold(cv, shuffle=True, random_state=seed), thresholds=thresholds,
    )
