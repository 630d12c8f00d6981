"""The corpus report's terms: a span's text as a term, example uses, and the tables made of the
per-group term counts (the terms table, adopted labels, the most frequent terms).

*Adopted labels*: loaded terms of the curated lexicons (not those the model learned,
:data:`LEARNED_CATEGORIES`) that a group uses in its own voice (narrator or headline) while
at least half of the other groups do not (they only quote or report them, or do not use
them); ``strict`` marks the terms no other group uses in its own voice while at least one
quotes or reports them.

The functions that make tables take the terms table's six columns (group, term, category,
voice, count, articles) as parallel sequences, as :class:`framescore.corpus_report.CorpusReport`
has them at its end.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .feature_rows import LEARNED_CATEGORIES
from .lexicon import ATTRIBUTION_TYPES

#: Voices of a span, in the order of the tables; narrator and title are the outlet's own.
VOICES = ("narrator", "title", "quoted", "reported")
OWN_VOICES = ("narrator", "title")
ATTRIBUTED_VOICES = ("quoted", "reported")
#: Characters of context kept on each side of an example use.
SNIPPET_CONTEXT = 90
_SPACES = re.compile(r"\s+")


def normalize_term(text: str) -> str:
    """A span's text as a term: lowercase, single spaces, straight apostrophes, without a
    possessive ("Regime’s" and "regime" are one term)."""
    term = " ".join(text.lower().replace("\u2019", "'").split())
    return term[:-2] if term.endswith("'s") else term


def word_count(text: str) -> int:
    """Words of a text for the rates per 1,000 words: its whitespace-separated tokens."""
    return len(text.split())


def _snippet(piece: str, start: int, end: int, more_before: bool,
             more_after: bool) -> tuple[str, str, str]:
    """(before, term, after): a span (at ``start:end`` of ``piece``, a stretch of its text)
    with its context within its line, whitespace squashed, "…" where the text goes on."""
    left, right = 0, len(piece)
    line_start = piece.rfind("\n", 0, start)
    if line_start >= 0:
        left, more_before = line_start + 1, False
    line_end = piece.find("\n", end)
    if line_end >= 0:
        right, more_after = line_end, False
    before = _SPACES.sub(" ", piece[left:start])
    after = _SPACES.sub(" ", piece[end:right])
    if more_before:  # drop the cut word
        before = "…" + (before.split(" ", 1)[1] if " " in before[1:] else before)
    if more_after:
        after = (after.rsplit(" ", 1)[0] if " " in after[:-1] else after) + "…"
    return before.lstrip(), " ".join(piece[start:end].split()), after.rstrip()


def snippets(found: list[tuple]) -> list[tuple[str, str, str, str, str]]:
    """Example uses as kept in ``ReportResult.examples[...]["own"]`` (or ``"attributed"``),
    made readable: (before, term text, after, voice, article id)."""
    return [(*_snippet(*raw[:5]), *raw[5:]) for raw in found]


def terms_frame(columns: list[Sequence]) -> pd.DataFrame:
    """The terms table from its six columns (group, term, category, voice, count,
    articles); the names as object columns (the most compact here)."""
    names = ["group", "term", "category", "voice", "count", "articles"]
    return pd.DataFrame({
        name: pd.Series(list(col), dtype=object) if k < 4 else np.asarray(col, dtype=np.int64)
        for k, (name, col) in enumerate(zip(names, columns, strict=True))})


def adopted_labels(terms: pd.DataFrame, small: set[str] | frozenset = frozenset()
                   ) -> pd.DataFrame:
    """Loaded terms a group uses in its own voice (narrator or headline) while at least half
    of the other groups do not: they only quote or report it, or do not use it. Terms the
    model learned (:data:`LEARNED_CATEGORIES`) are evidence, not labels: never adopted.

    ``terms`` is a terms table (group, term, category, voice, count, articles). One row per
    group and term: ``own`` (own-voice uses), ``own_articles`` (articles that use it in the
    narrator's voice, plus those that use it in a headline), ``strict`` (no other group
    uses it in its own voice, and at least one quotes or reports it), ``attributed_by``
    (other groups that use it only in quotes or reported speech), ``also_adopted_by``
    (other groups that use it in their own voice too), and ``small`` (the group has few
    articles). Strict ones first, then by the number of groups that only attribute it,
    then by use."""
    return adopted_from_columns([terms[c].tolist() for c in (
        "group", "term", "category", "voice", "count", "articles")], small)


def adopted_from_columns(items: list[Sequence], small) -> pd.DataFrame:
    """:func:`adopted_labels` of the terms table's six columns."""
    columns = ["group", "term", "category", "own", "own_articles", "strict", "attributed_by",
               "also_adopted_by", "small"]
    groups = sorted(set(items[0]))
    own_by_term: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    att_by_term: dict[str, set[str]] = defaultdict(set)
    categories: dict[str, Counter] = defaultdict(Counter)
    for group, term, category, voice, cnt, arts in zip(*items, strict=True):
        if category in ATTRIBUTION_TYPES or category in LEARNED_CATEGORIES:
            continue  # labels are the curated lexicon's: learned terms are evidence, not labels
        categories[term][category] += cnt
        if voice in OWN_VOICES:
            before = own_by_term[term].get(group, (0, 0))
            own_by_term[term][group] = (before[0] + cnt, before[1] + arts)
        elif cnt:
            att_by_term[term].add(group)
    if len(groups) < 2 or not categories:
        return pd.DataFrame(columns=columns)
    category = {term: c.most_common(1)[0][0] for term, c in categories.items()}
    rows = []
    for term, users in own_by_term.items():
        if (len(groups) - len(users)) * 2 < len(groups) - 1:
            continue  # most groups use it in their own voice: nobody's adopted label
        for group, (cnt, arts) in users.items():
            others = [h for h in groups if h != group]
            non_adopters = [h for h in others if h not in users]
            if len(non_adopters) * 2 < len(others):
                continue
            attributed_by = [h for h in non_adopters if h in att_by_term[term]]
            also = [h for h in others if h in users]
            rows.append((group, term, category[term], cnt, arts,
                         not also and bool(attributed_by), attributed_by, also,
                         group in small))  # a tuple of the columns: smaller than a dict
    if not rows:
        return pd.DataFrame(columns=columns)
    rows.sort(key=lambda r: (r[0], not r[5], -len(r[6]), -r[3], r[1]))
    return pd.DataFrame.from_records(rows, columns=columns)


def top_terms(items: list[Sequence], n: int) -> list[dict]:
    """The ``n`` most frequent loaded terms (of the terms table's six columns): index,
    term, category (its most frequent), total, and groups: group → (own-voice uses, quoted
    or reported uses)."""
    totals: Counter = Counter()
    for _, term, category, _, cnt, _ in zip(*items, strict=True):
        if category not in ATTRIBUTION_TYPES:
            totals[term] += cnt
    order = sorted(totals.items(), key=lambda tc: (-tc[1], tc[0]))[:max(n, 0)]
    out = [{"index": k, "term": t, "total": int(c), "groups": {}, "categories": Counter()}
           for k, (t, c) in enumerate(order)]
    chosen = {t["term"]: t for t in out}
    for group, term, category, voice, cnt, _ in zip(*items, strict=True):
        t = chosen.get(term)
        if t is None or category in ATTRIBUTION_TYPES:
            continue
        own, att = t["groups"].get(group, (0, 0))
        t["groups"][group] = (own + cnt, att) if voice in OWN_VOICES else (own, att + cnt)
        t["categories"][category] += cnt
    for t in out:
        t["category"] = t.pop("categories").most_common(1)[0][0]
    return out
