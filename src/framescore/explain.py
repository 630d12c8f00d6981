"""Exact explanations: ``logit = intercept + Σ weight × value``, tied to character spans.

An :class:`Explanation` holds every non-zero feature's contribution (``weight × value``), every
lexicon span with the share of the logit it causes (each span adds ``1 / n_sentences`` to the
article value of each feature it feeds), per-sentence scores, and counterfactual scores with
each loaded term replaced by its neutral alternative. Renderers: :func:`to_dict` (JSON),
:func:`render_text` (terminal) and :func:`render_html` (one self-contained page).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import expit

from .features import Span
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

    def _repr_html_(self) -> str:
        """Jupyter's rendering: the same element as the HTML page's."""
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
            "skipped": self.skipped,
        }


def _sigmoid(z: float) -> float:
    return float(expit(z))  # stable for any logit (math.exp overflows below -709)


def explain(model, text: str, counterfactuals: bool = True) -> Explanation:
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
    score = _sigmoid(logit)
    sentence_logits = (intercept + batch.sentence_matrix @ weights).tolist()
    sentences = [{"start": start, "end": end, "score": _sigmoid(z), "logit": z}
                 for (start, end), z in zip(batch.bounds.tolist(), sentence_logits, strict=True)]
    n_sent = max(len(sentences), 1)
    spans = []
    for s in (Span(*t) for t in batch.spans):
        d = s.as_dict()
        d["contribution"] = float(s.value * sum(weights[c] for c in s.columns) / n_sent)
        d["neutral"] = s.neutral
        spans.append(d)
    spans.sort(key=lambda d: (d["start"], d["end"]))
    expl = Explanation(
        text=text, score=score, label=str(model.label([score])[0]), logit=logit,
        intercept=intercept, threshold=model.threshold_for("article"),
        contributions=contributions,
        spans=spans, sentences=sentences,
        model=str(model.path) if getattr(model, "path", None) else "",
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
                       contribution, neutral (by text, then by position);
    ``sentences``      :meth:`FramingModel.score`'s table at sentence level (score, label,
                       text_index, sentence, start, end, logit).
    """

    intercept: float
    threshold: float
    texts: pd.DataFrame
    contributions: pd.DataFrame
    spans: pd.DataFrame
    sentences: pd.DataFrame


def explain_many(model, texts) -> Explanations:
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

    spans = _span_table(batch, weights)
    return Explanations(model.intercept, model.threshold_for("article"), model.article_frame(batch),
                        contributions, spans, sentences)


#: The tables of :class:`Explanations` that can accompany scores (:func:`scores_with`).
TABLES = ("spans", "contributions")


def scores_with(model, texts: list[str], level: str = "article",
                tables: tuple[str, ...] = ()) -> tuple[pd.DataFrame, ...]:
    """``model.score(texts, level=level)``, followed by the :class:`Explanations` tables
    named in ``tables`` (of :data:`TABLES`), computed in the same pass over the texts."""
    if not tables or level not in ("article", "sentence"):
        return (model.score(texts, level=level),)  # which checks the level
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; expected some of {TABLES}")
    expl = explain_many(model, texts)
    scores = expl.texts if level == "article" else expl.sentences
    return (scores, *(getattr(expl, name) for name in tables))


def _span_table(batch, weights: np.ndarray) -> pd.DataFrame:
    """The spans of a batch analysis as one table, by text and position."""
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
        "neutral": _strings(neutral),
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


def _counterfactuals(model, text: str, spans: list[dict], logit: float) -> list[dict]:
    """Loaded terms with a neutral alternative, each re-scored with that wording (the
    :data:`MAX_COUNTERFACTUALS` with the largest contributions, so the cost stays linear in the
    text's length), then ``all``: every one of them replaced at once. Scores are exact: the
    edited text is scored by the same model."""
    swappable = [s for s in spans if s.get("neutral") and s["feature"].startswith("loaded:")]
    if not swappable:
        return []
    largest = sorted(swappable, key=lambda s: -abs(s["contribution"]))[:MAX_COUNTERFACTUALS]
    singles = sorted(largest, key=lambda s: s["start"])
    edited = [_replace(text, [s]) for s in singles] + [_replace(text, swappable)]
    logits = model.logits(edited)
    out = []
    for s, z in zip([*singles, None], logits, strict=True):
        entry = {"logit": float(z), "score": _sigmoid(float(z)), "delta_logit": float(z - logit),
                 "delta_score": _sigmoid(float(z)) - _sigmoid(logit)}
        if s is None:
            entry.update(scope="all", replacements=len(swappable))
        else:
            entry.update(scope="span", start=s["start"], end=s["end"], text=s["text"],
                         neutral=s["neutral"])
        out.append(entry)
    return out


# --- terminal ---------------------------------------------------------------------------------

_ANSI = {"framed": "\033[1;31m", "neutral": "\033[1;34m", "dim": "\033[2m", "bold": "\033[1m",
         "reset": "\033[0m"}


def render_text(expl: Explanation, top: int = 8, color: bool = False) -> str:
    """A plain-text (or ANSI-coloured) explanation for a terminal."""

    def c(kind: str, s: str) -> str:
        return f"{_ANSI[kind]}{s}{_ANSI['reset']}" if color else s

    lines = [
        c("bold", f"score {expl.score:.3f}  label {expl.label}  (threshold {expl.threshold:.2f})"),
        f"logit {expl.logit:+.4f} = intercept {expl.intercept:+.4f} + "
        f"Σ contributions {expl.logit - expl.intercept:+.4f}",
        "",
    ]
    pos = [d for d in expl.contributions if d["contribution"] > 0][:top]
    neg = [d for d in expl.contributions if d["contribution"] < 0][:top]
    for title, items, kind in (("toward framed", pos, "framed"),
                               ("toward neutral", neg, "neutral")):
        lines.append(c("bold", f"Top features {title}:"))
        if not items:
            lines.append("  (none)")
        for d in items:
            lines.append(f"  {c(kind, format(d['contribution'], '+.4f'))}  {d['feature']:<38} "
                         f"value {d['value']:.4f} × weight {d['weight']:+.4f}")
        lines.append("")
    lines.append(c("bold", "Article (matched spans marked [text|feature|voice]):"))
    lines.append(_marked_text(expl, color))
    lines.append("")
    ranked = sorted(expl.sentences, key=lambda s: -s["score"])[:3]
    if ranked:
        lines.append(c("bold", "Most framed sentences:"))
        for s in ranked:
            snippet = " ".join(expl.text[s["start"]:s["end"]].split())
            if len(snippet) > 110:
                snippet = snippet[:107] + "..."
            lines.append(f"  {s['score']:.3f}  {snippet}")
        lines.append("")
    if expl.counterfactuals:
        lines.append(c("bold", "With neutral wording (exact scores of the edited text):"))
        for cf in expl.counterfactuals:
            if cf["scope"] == "all":
                what = f"all {cf['replacements']} replacements"
            else:
                what = f"{cf['text']!r} → {cf['neutral']!r}"
            lines.append(f"  {what:<52} score {expl.score:.3f} → {cf['score']:.3f} "
                         f"({cf['delta_score']:+.3f})")
    if expl.skipped:
        lines += ([""] if lines[-1] else []) + [c("bold", "Skipped (not scored):")]
        lines += [f"  {s['reason']:<18} {' '.join(s['text'].split())}" for s in expl.skipped]
    return "\n".join(lines).rstrip() + "\n"


def _marked_text(expl: Explanation, color: bool) -> str:
    out, pos = [], 0
    for s in expl.spans:
        if s["start"] < pos:
            continue  # a span nested in a scare quote: the outer one is shown
        out.append(expl.text[pos : s["start"]])
        label = f"{s['feature']}|{s['voice']}"
        if color:
            kind = "framed" if s["contribution"] > 0 else "neutral"
            out.append(f"{_ANSI[kind]}{s['text']}{_ANSI['reset']}{_ANSI['dim']}"
                       f"[{label}]{_ANSI['reset']}")
        else:
            out.append(f"[{s['text']}|{label}]")
        pos = s["end"]
    out.append(expl.text[pos:])
    return "".join(out)


# --- HTML -------------------------------------------------------------------------------------

_PAGE_CSS = """
body{font:16px/1.55 Georgia,serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font:600 1.3rem system-ui,sans-serif}
"""
#: The explanation's own styles, scoped to its element (a page, or a notebook's output cell).
_CSS = """
.fs .meta,.fs .bars,.fs table{font:14px system-ui,sans-serif}
.fs .score{font-size:2rem;font-weight:700}
.fs .framed{color:#b3261e}.fs .neutral{color:#1f5fa8}
.fs .article{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid #ddd;padding:1rem;
 border-radius:6px}
.fs mark.span{position:relative;border-radius:3px;padding:0 1px;cursor:help;color:inherit}
.fs mark.span .tip{display:none;position:absolute;left:0;bottom:125%;z-index:2;
 background:#222;color:#fff;font:12px/1.4 system-ui,sans-serif;padding:.4rem .6rem;
 border-radius:4px;width:max-content;max-width:18rem;white-space:normal}
.fs mark.span:hover .tip,.fs mark.span:focus .tip{display:block}
.fs .bar{display:flex;align-items:center;gap:.5rem;margin:2px 0}
.fs .bar .name{width:min(22rem,40%);text-align:right;overflow:hidden;text-overflow:ellipsis;
 white-space:nowrap}
.fs .bar .track{flex:1;position:relative;height:14px;background:#f3f3f3}
.fs .bar .fill{position:absolute;top:0;height:14px}
.fs .bar .num{width:5rem;font-variant-numeric:tabular-nums}
.fs table{border-collapse:collapse;max-width:100%}
.fs td,.fs th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left;
 overflow-wrap:anywhere}
"""


def _span_style(contribution: float, scale: float) -> str:
    alpha = 0.15 + 0.6 * min(abs(contribution) / scale, 1.0) if scale > 0 else 0.15
    rgb = "220,38,38" if contribution > 0 else "37,99,235"
    return f"background:rgba({rgb},{alpha:.2f})"


def _skipped_html(expl: Explanation) -> str:
    """The lines left out of the score (page furniture), as a list."""
    items = "".join(f"<li><b>{html.escape(s['reason'])}</b> {html.escape(s['text'])}</li>"
                    for s in expl.skipped)
    return (f"<h2 class='meta'>Skipped (not scored)</h2><ul class='meta' id='skipped'>{items}"
            "</ul>" if items else "")


def render_html(expl: Explanation, top: int = 15, title: str = "framescore explanation") -> str:
    """One self-contained HTML page (no scripts, no network requests)."""
    esc = html.escape
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{_PAGE_CSS}</style></head>
<body>
<h1>{esc(title)}</h1>
{render_html_fragment(expl, top)}
</body></html>
"""


def render_html_fragment(expl: Explanation, top: int = 15) -> str:
    """The explanation as one HTML element with its own scoped styles (what
    :func:`render_html` puts in its page, and a notebook shows)."""
    esc = html.escape
    scale = max((abs(s["contribution"]) for s in expl.spans), default=0.0)
    parts, pos = [], 0
    for k, s in enumerate(expl.spans):
        if s["start"] < pos:
            continue
        parts.append(esc(expl.text[pos : s["start"]]))
        tip = (f"{s['feature']} · {s['category']} · voice {s['voice']} · contribution "
               f"{s['contribution']:+.4f}" + (f" · neutral: {s['neutral']}" if s["neutral"]
                                              else ""))
        parts.append(
            f'<mark class="span" id="span-{k}" tabindex="0" data-feature="{esc(s["feature"])}" '
            f'data-voice="{esc(s["voice"])}" data-contribution="{s["contribution"]:.6f}" '
            f'style="{_span_style(s["contribution"], scale)}" title="{esc(tip)}">'
            f'{esc(s["text"])}<span class="tip">{esc(tip)}</span></mark>'
        )
        pos = s["end"]
    parts.append(esc(expl.text[pos:]))
    shown = expl.contributions[:top]
    width = max((abs(d["contribution"]) for d in shown), default=1.0) or 1.0
    bars = []
    for d in shown:
        frac = abs(d["contribution"]) / width * 50
        left = 50 if d["contribution"] >= 0 else 50 - frac
        color = "#dc2626" if d["contribution"] >= 0 else "#2563eb"
        bars.append(
            f'<div class="bar"><span class="name" title="{esc(d["feature"])}">'
            f'{esc(d["feature"])}</span><span class="track"><span class="fill" '
            f'style="left:{left:.1f}%;width:{frac:.1f}%;background:{color}"></span></span>'
            f'<span class="num">{d["contribution"]:+.4f}</span></div>'
        )
    cf_rows = "".join(
        f"<tr><td>{esc(cf.get('text', 'all loaded terms'))}</td>"
        f"<td>{esc(cf.get('neutral', '(neutral alternatives)'))}</td>"
        f"<td>{cf['score']:.3f}</td><td>{cf['delta_score']:+.3f}</td></tr>"
        for cf in expl.counterfactuals
    )
    cf_table = (f"<h2 class='meta'>With neutral wording</h2><table><tr><th>term</th>"
                f"<th>neutral</th><th>score</th><th>change</th></tr>{cf_rows}</table>"
                if cf_rows else "")
    return f"""<div class="fs"><style>{_CSS}</style>
<p class="meta"><span class="score {esc(expl.label)}" id="score">{expl.score:.3f}</span>
label <b class="{esc(expl.label)}" id="label">{esc(expl.label)}</b> (threshold
{expl.threshold:.2f}) · logit {expl.logit:+.4f} = intercept {expl.intercept:+.4f}
+ Σ contributions {expl.logit - expl.intercept:+.4f}
· <span class="framed">red</span>: pushes toward framed,
<span class="neutral">blue</span>: toward neutral; hover a span for details.</p>
<div class="article" id="article">{"".join(parts)}</div>
<h2 class="meta">Contributions (top {len(shown)} of {len(expl.contributions)})</h2>
<div class="bars" id="bars">{"".join(bars)}</div>
{cf_table}
{_skipped_html(expl)}
</div>"""
