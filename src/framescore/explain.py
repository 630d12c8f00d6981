"""Exact explanations: ``logit = intercept + Σ weight × value``, tied to character spans.

An :class:`Explanation` holds every non-zero feature's contribution (``weight × value``), every
lexicon span with the share of the logit it causes (each span adds ``1 / n_sentences`` to the
article value of each feature it feeds), per-sentence scores, and counterfactual scores with
each loaded term replaced by its neutral alternative (inflected to fit the text: "martyrs" →
"people killed"), then all of those that lower the score at once. :meth:`Explanation.to_dict`
is the JSON; :mod:`framescore.render` renders it for a terminal, as an HTML page or in a notebook.
:func:`explain_many` gives the same numbers for a batch of texts, as tables.

This module imports :mod:`framescore.model`; the model never imports it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .features import Span
from .language import looks_english
from .model import FramingModel, sigmoid
from .overlay import lexicon_sources
from .text import segment

#: Loaded terms re-scored one at a time with their neutral alternative (largest first).
MAX_COUNTERFACTUALS = 20


@dataclass
class Explanation:
    text: str
    score: float
    label: str
    logit: float
    intercept: float
    threshold: float
    contributions: list[dict]  # {feature, value, weight, contribution}, by |contribution|
    spans: list[dict]  # {start, end, text, feature, category, voice, contribution, neutral}
    sentences: list[dict]  # {start, end, score, logit}
    counterfactuals: list[dict] = field(default_factory=list)
    model: str = ""
    skipped: list[dict] = field(default_factory=list)  # {start, end, text, reason}: not scored
    #: The lexicons in force: the model's own, then any added at scoring time, each with its
    #: SHA-256 (:func:`framescore.overlay.lexicon_sources`).
    lexicons: list[dict] = field(default_factory=list)
    #: Whether the text looks like English (:func:`framescore.language.looks_english`).
    looks_english: bool = True

    def _repr_html_(self) -> str:
        """Jupyter's rendering: the same element as the HTML page's."""
        from .render import render_html_fragment

        return render_html_fragment(self)

    def to_dict(self) -> dict:
        """The JSON contract of ``framescore explain --format json`` (DESIGN.md)."""
        return {
            "score": self.score,
            "label": self.label,
            "logit": self.logit,
            "intercept": self.intercept,
            "threshold": self.threshold,
            "contributions": self.contributions,
            "spans": self.spans,
            "sentences": self.sentences,
            "counterfactuals": self.counterfactuals,
            "model": self.model,
            "lexicons": self.lexicons,
            "looks_english": self.looks_english,
            "skipped": self.skipped,
        }


def explain(model: FramingModel, text: str, counterfactuals: bool = True) -> Explanation:
    """Explain ``model``'s score of ``text`` exactly."""
    batch = model.features.analyze_many([text])
    weights, intercept, names = model.weights, model.intercept, model.feature_names
    row = batch.rows
    contributions = [
        {"feature": names[c], "value": float(v), "weight": float(weights[c]),
         "contribution": float(v * weights[c])}
        for c, v in zip(row.indices.tolist(), row.data.tolist(), strict=True) if v != 0
    ]
    contributions.sort(key=lambda d: (-abs(d["contribution"]), d["feature"]))
    logit = intercept + math.fsum(d["contribution"] for d in contributions)
    score = float(sigmoid(logit))
    sentence_logits = (intercept + batch.sentence_matrix @ weights).tolist()
    sentences = [{"start": start, "end": end, "score": float(sigmoid(z)), "logit": z}
                 for (start, end), z in zip(batch.bounds.tolist(), sentence_logits, strict=True)]
    n_sent = max(len(sentences), 1)
    lexicon = model.features.lexicon
    spans = []
    for s in (Span(*t) for t in batch.spans):
        d = s.as_dict()
        d["contribution"] = float(s.value * sum(weights[c] for c in s.columns) / n_sent)
        d["neutral"] = lexicon.neutral_for(s.text, s.neutral)
        spans.append(d)
    spans.sort(key=lambda d: (d["start"], d["end"]))
    expl = Explanation(
        text=text, score=score, label=str(model.label([score])[0]), logit=logit,
        intercept=intercept, threshold=model.threshold_for("article"),
        contributions=contributions,
        spans=spans, sentences=sentences,
        model=str(model.path) if getattr(model, "path", None) else "",
        lexicons=lexicon_sources(model), looks_english=looks_english(text),
    )
    if counterfactuals:
        expl.counterfactuals = _counterfactuals(model, text, spans, logit)
    expl.skipped = [{"start": s, "end": e, "text": text[s:e], "reason": r}
                    for s, e, r in segment(text).skipped]
    return expl


@dataclass
class Explanations:
    """Exact explanations of many texts, as tables joined on ``text_index`` (the text's
    position in the input): for every text, ``intercept + Σ contributions.contribution ==
    texts.logit`` (within float rounding), and each span's ``contribution`` is its share.

    ``texts``          :meth:`FramingModel.score`'s table (score, label, logit, counts);
    ``contributions``  text_index, feature, value, weight, contribution: the non-zero
                       features, by text, then in the model's feature order; ``feature`` is
                       categorical (its categories are all the model's features: use
                       ``groupby(..., observed=True)``);
    ``spans``          text_index, sentence, start, end, text, feature, category, voice,
                       contribution, neutral (inflected to fit the text, as in
                       :func:`explain`), by text, then by position;
    ``sentences``      :meth:`FramingModel.score`'s table at sentence level (score, label,
                       text_index, sentence, start, end, logit).
    """

    intercept: float
    threshold: float
    texts: pd.DataFrame
    contributions: pd.DataFrame
    spans: pd.DataFrame
    sentences: pd.DataFrame


def explain_many(model: FramingModel, texts) -> Explanations:
    """Explain ``model``'s scores of many ``texts`` at once, exactly (no counterfactuals).

    Every number is the one :func:`explain` gives for the same text; the work is done once
    for the whole batch, so explaining costs little more than scoring.
    """
    batch = model.features.analyze_many(texts)
    weights = model.weights
    n_texts = len(batch.counts)
    rows = batch.rows.sorted_indices()  # a copy: the scores sum the rows as they are
    keep = rows.data != 0
    cols = rows.indices[keep]
    contributions = pd.DataFrame({
        "text_index": np.repeat(np.arange(n_texts), np.diff(rows.indptr))[keep],
        "feature": pd.Categorical.from_codes(cols, categories=model.feature_names),
        "value": rows.data[keep],
        "weight": weights[cols],
        "contribution": rows.data[keep] * weights[cols],
    })

    sentences = model.sentence_frame(batch)

    spans = _span_table(batch, weights, model.features.lexicon)
    return Explanations(model.intercept, model.threshold_for("article"), model.article_frame(batch),
                        contributions, spans, sentences)


def _span_table(batch, weights: np.ndarray, lexicon) -> pd.DataFrame:
    """The spans of a batch analysis as one table, by text and position (each neutral
    wording inflected to fit its span, :meth:`Lexicon.neutral_for`)."""
    n = len(batch.spans)
    fields = list(zip(*batch.spans, strict=True)) or [()] * 10
    start, end, text, feature, category, voice, sentence, columns, neutral, value = fields
    text_index = np.repeat(np.arange(len(batch.counts)), batch.span_counts)
    n_sent = np.maximum(batch.counts, 1)[text_index]
    starts = np.fromiter(start, np.int64, n)
    ends = np.fromiter(end, np.int64, n)
    share = np.fromiter((v * sum(weights[c] for c in cols)
                         for v, cols in zip(value, columns, strict=True)), float, n)
    order = np.lexsort((ends, starts, text_index))
    table = pd.DataFrame({
        "text_index": text_index,
        "sentence": np.fromiter(sentence, np.int64, n),
        "start": starts, "end": ends,
        "text": _strings(text), "feature": _strings(feature),
        "category": _strings(category), "voice": _strings(voice),
        "contribution": share / n_sent,
        "neutral": _strings(tuple(lexicon.neutral_for(t, n) if n else n
                                  for t, n in zip(text, neutral, strict=True))),
    })
    return table.take(order).reset_index(drop=True)


def _strings(values: tuple[str, ...]) -> pd.Series:
    """A column of strings, a string column even when empty."""
    return pd.Series(list(values), dtype="str")


def _replace(text: str, spans: list[dict]) -> str:
    out, pos = [], 0
    for s in sorted(spans, key=lambda d: d["start"]):
        out.append(text[pos : s["start"]])
        out.append(_match_case(s["text"], s["neutral"]))
        pos = s["end"]
    out.append(text[pos:])
    return "".join(out)


def _match_case(original: str, neutral: str) -> str:
    if original[:1].isupper() and neutral[:1].islower():
        return neutral[:1].upper() + neutral[1:]
    return neutral


def _counterfactuals(model: FramingModel, text: str, spans: list[dict], logit: float) -> list[dict]:
    """Loaded terms with a neutral alternative, each re-scored with that wording (the
    :data:`MAX_COUNTERFACTUALS` with the largest contributions, so the cost stays linear in the
    text's length), then ``all``: every replacement that lowers the score, at once (of those
    not re-scored one at a time, the ones that push toward framed), with ``left_out``, how
    many were left out because they do not lower it; no ``all`` when none does. Scores are
    exact: the edited text is scored by the same model."""
    swappable = [s for s in spans if s.get("neutral") and s["feature"].startswith("loaded:")]
    if not swappable:
        return []
    largest = sorted(swappable, key=lambda s: -abs(s["contribution"]))[:MAX_COUNTERFACTUALS]
    singles = sorted(largest, key=lambda s: s["start"])
    out = []
    lowering = []
    for s, z in zip(singles, model.logits([_replace(text, [s]) for s in singles]), strict=True):
        entry = _rescored(float(z), logit)
        entry.update(scope="span", start=s["start"], end=s["end"], text=s["text"],
                     neutral=s["neutral"])
        out.append(entry)
        if entry["delta_logit"] < 0:
            lowering.append(s)
    chosen = {id(s) for s in singles}
    lowering += [s for s in swappable if id(s) not in chosen and s["contribution"] > 0]
    if lowering:
        (z,) = model.logits([_replace(text, lowering)])
        entry = _rescored(float(z), logit)
        entry.update(scope="all", replacements=len(lowering),
                     left_out=len(swappable) - len(lowering))
        out.append(entry)
    return out


def _rescored(z: float, logit: float) -> dict:
    """The numbers of an edited text of logit ``z`` (the original's is ``logit``)."""
    return {"logit": z, "score": float(sigmoid(z)), "delta_logit": z - logit,
            "delta_score": float(sigmoid(z)) - float(sigmoid(logit))}
