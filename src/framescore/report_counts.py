"""What a report counts per article: the count columns (loaded terms by voice, attribution
patterns by type, scare quotes) and which one a span adds to."""

from __future__ import annotations

from .feature_rows import LEARNED_CATEGORIES
from .lexicon import ATTRIBUTION_TYPES
from .report_terms import VOICES

#: Columns of the per-article counts (and of the per-group totals), from the spans.
COUNT_COLUMNS = (*(f"loaded_{v}" for v in VOICES),
                 *(f"attribution_{t}" for t in ATTRIBUTION_TYPES), "scare_quotes")


def span_code(feature: str) -> int:
    """The COUNT_COLUMNS index a span of ``feature`` adds to (a loaded term's feature ends
    with its voice: ``loaded:<category>:<voice>``), or -1. (A learned term's span has a
    code but is left out of the counts by voice: :func:`adds_to_counts`.)"""
    if feature.startswith("loaded:"):
        voice = feature.rsplit(":", 1)[-1]
        return VOICES.index(voice) if voice in VOICES else -1
    if feature.startswith("attribution:"):
        kind = feature.split(":", 1)[1]
        return 4 + ATTRIBUTION_TYPES.index(kind) if kind in ATTRIBUTION_TYPES else -1
    if feature == "scare_quotes":
        return len(COUNT_COLUMNS) - 1
    return -1


def adds_to_counts(code: int, category: str) -> bool:
    """Whether a span of ``code`` (:func:`span_code`) and ``category`` adds to the counts:
    the counts by voice are the lexicons' terms, as in the model's summary columns, not the
    learned ones (they are in the terms table)."""
    return code >= 0 and not (code < len(VOICES) and category in LEARNED_CATEGORIES)
