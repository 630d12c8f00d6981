"""Side-by-side comparison of articles (say, outlets reporting the same event).

:func:`compare_rows` explains each article and counts its spans into the model's summary
columns (:data:`framescore.model.SUMMARY_FEATURES`: loaded terms by voice, attributions by
type, scare quotes), then lists the loaded terms each article uses and those none of the
others do.
"""

from __future__ import annotations

from collections import Counter

from .explain import explain
from .feature_rows import LEARNED_CATEGORIES
from .lexicon import ATTRIBUTION_TYPES
from .model import SUMMARY_FEATURES, FramingModel

#: Summary feature → its column (the inverse of SUMMARY_FEATURES).
_COLUMN_OF = {feature: column for column, feature in SUMMARY_FEATURES.items()}
#: Attribution types that attribute a claim to a source (not hedges or unverified markers).
ATTRIBUTING = ("report", "distancing", "endorsing", "sourcing")


def norm_term(text: str) -> str:
    """A span's text for comparison: lowercase, one space, straight apostrophes, and no
    possessive ("Regime’s" and "regime" are the same term)."""
    term = " ".join(text.lower().replace("\u2019", "'").split())
    return term[:-2] if term.endswith("'s") else term


def _is_lexicon_term(span: dict) -> bool:
    """A span of a lexicon's loaded term (not a learned term: evidence, not a label)."""
    return span["feature"].startswith("loaded:") and span["category"] not in LEARNED_CATEGORIES


def summary_counts(spans: list[dict]) -> Counter[str]:
    """Summary column → number of an explanation's ``spans`` that feed it, as in the model's
    summary columns: a lexicon's loaded term counts in ``loaded_<voice>`` (whatever its
    category; learned terms in none), an attribution in ``attribution_<type>``, a scare quote
    in ``scare_quotes``."""
    counts: Counter[str] = Counter()
    for s in spans:
        if s["feature"].startswith("loaded:") and not _is_lexicon_term(s):
            continue
        feature = s["feature"]
        column = _COLUMN_OF.get(f"loaded:{s['voice']}" if feature.startswith("loaded:")
                                else feature)
        if column is not None:
            counts[column] += 1
    return counts


def compare_rows(named_texts: list[tuple[str, str]], model: FramingModel) -> list[dict]:
    """One dict per ``(name, text)``: its score, label and logit, the counts of its spans
    (:func:`summary_counts`: loaded terms in its own voice, narrator and headline, and quoted
    or reported; attributed claims; each attribution type; scare quotes), whether it looks
    like English (``looks_english``), its loaded terms, and the loaded terms none of the
    others use (``unique_loaded_terms``): the lexicons' terms, not learned ones."""
    rows = []
    for name, text in named_texts:
        expl = explain(model, text, counterfactuals=False)
        counts = summary_counts(expl.spans)
        loaded = {v: counts[f"loaded_{v}"] for v in ("narrator", "title", "quoted", "reported")}
        attribution = {t: counts[f"attribution_{t}"] for t in ATTRIBUTION_TYPES}
        rows.append({
            "file": name, "score": expl.score, "label": expl.label, "logit": expl.logit,
            "loaded_own_voice": loaded["narrator"] + loaded["title"],
            "loaded_quoted_reported": loaded["quoted"] + loaded["reported"],
            **{f"loaded_{v}": n for v, n in loaded.items()},
            "attributed_claims": sum(attribution[t] for t in ATTRIBUTING),
            **{t: attribution[t] for t in
               ("report", "distancing", "endorsing", "sourcing", "hedge", "unverified")},
            "scare_quotes": counts["scare_quotes"],
            "looks_english": expl.looks_english,
            "loaded_terms": sorted({norm_term(s["text"]) for s in expl.spans
                                    if _is_lexicon_term(s)}),
        })
    for k, row in enumerate(rows):
        others = set().union(*(set(r["loaded_terms"]) for j, r in enumerate(rows) if j != k))
        row["unique_loaded_terms"] = sorted(set(row["loaded_terms"]) - others)
    return rows
