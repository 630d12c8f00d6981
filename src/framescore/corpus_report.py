"""Corpus framing reports: which groups (outlets) adopt which loaded labels, over many articles.

The texts are explained chunk by chunk (:func:`explain_chunk`: the scores and the matched
spans, with their voice and category, that :func:`framescore.explain.explain_many` gives), and each
chunk is folded into running totals before the next one is read, so memory does not grow
with the number of articles:

- per group: articles, sentences, words, the sum of scores (and of their squares), articles
  labelled framed, loaded terms by voice, attribution patterns by type, scare quotes; a
  histogram of scores (1,000 bins on 0..1) for the median, quartiles and the bootstrap
  interval of the mean; a seeded random sample of 300 scores for the strip plot; the most
  and least framed articles;
- per group, term, category and voice: how often the term occurs and in how many articles
  (the term is the span's text, normalized by :func:`normalize_term`), which grows with the
  vocabulary, not the corpus; a few example uses of the most frequent loaded terms;
- per group and day (with a time column): articles, the sum of scores, own-voice loaded
  terms and words.

A group's 95% interval of the mean score is a percentile bootstrap over its articles
(2,000 resamples, seeded, so a report is reproducible), resampled through the histogram:
each score at its bin's centre, the bins merged as long as that adds at most 0.5% to the
scores' variance, and the interval shifted by the difference between the exact mean and the
binned one. Groups with fewer than ``min_articles`` articles are flagged as small and not
ranked. Sums are added article by article in input order, so the report is the same
whatever the chunk size or the number of worker processes.

*Adopted labels*: loaded terms a group uses in its own voice (narrator or headline) while
at least half of the other groups do not (they only quote or report them, or do not use
them); ``strict`` marks the terms no other group uses in its own voice while at least one
quotes or reports them.

``framescore report`` reads the input and feeds this module chunks of records; the module
never imports the CLI. :mod:`framescore.report_page` writes the page and the tables.
"""

from __future__ import annotations

import heapq
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from .features import LEARNED, Span
from .inputs import Record
from .lexicon import ATTRIBUTION_TYPES

#: Voices of a span, in the order of the tables; narrator and title are the outlet's own.
VOICES = ("narrator", "title", "quoted", "reported")
OWN_VOICES = ("narrator", "title")
ATTRIBUTED_VOICES = ("quoted", "reported")
#: Columns of the per-article counts (and of the per-group totals), from the spans.
COUNT_COLUMNS = (*(f"loaded_{v}" for v in VOICES),
                 *(f"attribution_{t}" for t in ATTRIBUTION_TYPES), "scare_quotes")
BINS = 1000
#: Scores kept per group for the strip plot (a seeded reservoir sample).
SAMPLE_SIZE = 300
SNIPPET_CONTEXT = 90
MISSING_GROUP = "(missing)"
#: A term's running total is one int: uses + (articles << 32), compact for a large vocabulary.
_USE_AND_ARTICLE = (1 << 32) + 1
_USES = (1 << 32) - 1
_SPACES = re.compile(r"\s+")


def normalize_term(text: str) -> str:
    """A span's text as a term: lowercase, single spaces, straight apostrophes, without a
    possessive ("Regime’s" and "regime" are one term)."""
    term = " ".join(text.lower().replace("\u2019", "'").split())
    return term[:-2] if term.endswith("'s") else term


def word_count(text: str) -> int:
    """Words of a text for the rates per 1,000 words: its whitespace-separated tokens."""
    return len(text.split())


def _span_code(feature: str) -> int:
    """The COUNT_COLUMNS index a span of ``feature`` adds to (a loaded term's feature ends
    with its voice: ``loaded:<category>:<voice>``), or -1."""
    if feature.startswith("loaded:"):
        voice = feature.rsplit(":", 1)[-1]
        return VOICES.index(voice) if voice in VOICES else -1
    if feature.startswith("attribution:"):
        kind = feature.split(":", 1)[1]
        return 4 + ATTRIBUTION_TYPES.index(kind) if kind in ATTRIBUTION_TYPES else -1
    if feature == "scare_quotes":
        return len(COUNT_COLUMNS) - 1
    return -1


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


@dataclass
class _Group:
    """Running totals of one group (a fixed size, whatever its number of articles)."""

    name: str
    articles: int = 0
    sentences: int = 0
    words: int = 0
    score_sum: float = 0.0
    score_sq: float = 0.0
    framed: int = 0
    counts: np.ndarray = field(default_factory=lambda: np.zeros(len(COUNT_COLUMNS), np.int64))
    hist: np.ndarray = field(default_factory=lambda: np.zeros(BINS, np.int64))
    sample_keys: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sample_scores: np.ndarray = field(default_factory=lambda: np.zeros(0))
    most: list[tuple] = field(default_factory=list)  # min-heap of the highest scores
    least: list[tuple] = field(default_factory=list)  # min-heap of the negated lowest


@dataclass
class ReportResult:
    """What a corpus report shows, as tables (see :func:`build_report`).

    ``groups``      one row per group: articles, scores (mean with its 95% bootstrap
                    interval, median, quartiles, share framed), loaded terms by voice and
                    attribution patterns by type (counts and per 1,000 words), ``small``
                    and ``rank`` (by mean score, small groups unranked);
    ``terms``       group, term, category, voice, count, articles (loaded terms and
                    attribution patterns; scare quotes are counted in ``groups`` only);
    ``adopted``     group, term, category, own-voice uses and articles, ``strict``, and the
                    other groups that also adopt it or only quote or report it;
    ``timeline``    group, day, articles, score_sum, own_loaded, words (None without times);
    ``samples``     group → scores of a seeded sample of its articles (the strip plot);
    ``extremes``    group → {"most": [...], "least": [...]}: its most and least framed
                    articles (id, source, row, score, label, text);
    ``examples``    (term, group) → {"own": [...], "attributed": [...]}: a few uses,
                    as :func:`snippets` reads them (before, term text, after, voice, id);
    ``counts``      records, scored, skipped, groups, sentences, words, spans;
    ``top_terms``   the most frequent loaded terms (``top_terms`` of them): index, term,
                    category, total, and groups: group → (own-voice, attributed) uses;
    ``threshold``   the model's threshold for ``framed``.
    """

    groups: pd.DataFrame
    terms: pd.DataFrame
    adopted: pd.DataFrame
    timeline: pd.DataFrame | None
    samples: dict[str, list[float]]
    extremes: dict[str, dict[str, list[dict]]]
    examples: dict[tuple[str, str], dict[str, list[tuple]]]
    counts: dict
    threshold: float
    options: dict
    top_terms: list[dict] = field(default_factory=list)


@dataclass
class ChunkExplanation:
    """What a report needs of a chunk of texts: ``scores`` (:meth:`FramingModel.score`'s
    article table) and ``spans``, one tuple per matched span: (text_index, start, end,
    text, feature, category, voice). Plain data, cheap to send from a worker process."""

    scores: pd.DataFrame
    spans: list[tuple]


def explain_chunk(model, texts: Sequence[str]) -> ChunkExplanation:
    """Scores and spans of ``texts`` in one pass (the numbers of
    :func:`framescore.explain.explain_many`, without its contribution and sentence tables, which
    a report does not use)."""
    batch = model.features.analyze_many(list(texts))
    index = np.repeat(np.arange(len(batch.counts)), batch.span_counts).tolist()
    spans = []
    for i, fields in zip(index, batch.spans, strict=True):
        s = Span(*fields)
        spans.append((i, s.start, s.end, s.text, s.feature, s.category, s.voice))
    return ChunkExplanation(model.article_frame(batch), spans)


def from_explanations(expl) -> ChunkExplanation:
    """A :class:`ChunkExplanation` from :func:`framescore.explain.explain_many`'s tables."""
    cols = ["text_index", "start", "end", "text", "feature", "category", "voice"]
    return ChunkExplanation(expl.texts, list(zip(*(expl.spans[c].tolist() for c in cols),
                                                 strict=True)))


class CorpusReport:
    """Fold explained chunks of a corpus into per-group totals (memory does not grow with the
    corpus). Call :meth:`add` per chunk, in input order, then :meth:`result`.

    ``top_terms``: the page shows that many loaded terms; example uses are kept for twice
    as many of the most frequent ones (``examples`` per group, term and voice class: own or
    attributed). ``min_articles``: smaller groups are flagged and not ranked.
    ``top_articles``: the most and least framed articles kept per group. ``n_boot`` and
    ``seed``: the bootstrap's resamples and seed (the seed also draws the plotted sample).

    ``articles_csv``: an open binary stream that receives one CSV row per article (with a
    header first), as the chunks come, so the per-article table is never held in memory;
    :meth:`result` (or :meth:`close`) finishes it.
    """

    def __init__(self, model, *, min_articles: int = 10, top_articles: int = 3,
                 examples: int = 2, top_terms: int = 30, seed: int = 0,
                 n_boot: int = 2000,
                 articles_csv: IO[bytes] | None = None):
        if min_articles < 1 or top_articles < 0 or examples < 0 or n_boot < 1:
            raise ValueError("min_articles and n_boot must be positive, top_articles and "
                             "examples not negative")
        self.model = model
        self.min_articles = min_articles
        self.top_articles = top_articles
        self.n_examples = examples
        self.seed = seed
        self.n_boot = n_boot
        self.articles_csv = articles_csv
        self._writer = None
        self._result: ReportResult | None = None
        self._groups: dict[str, _Group] = {}
        self._terms: dict[tuple[str, str, str, str], int] = {}  # uses + (articles << 32)
        self._examples: dict[tuple[str, str], tuple[list, list]] = {}
        self._example_terms: set[str] = set()
        self._term_totals: dict[str, int] = {}
        self._banned: set[str] = set()
        self._chunks = 0
        self.top_terms = top_terms
        self.example_terms = max(2 * top_terms, 20)
        self._timeline: dict[tuple[str, str], list[float]] = {}
        self._times = False
        self._untimed = 0
        self._seq = 0
        self._rng = np.random.default_rng(seed)
        self._norm: dict[str, str] = {}
        self._codes: dict[str, int] = {}
        self.records = self.skipped = self.spans = 0

    # --- chunks --------------------------------------------------------------------------

    def skip(self, n: int = 1) -> None:
        """Count records that could not be scored (they appear in no table)."""
        self.records += n
        self.skipped += n

    def add(self, texts: Sequence[str], groups: Sequence[str | None], *,
            ids: Sequence[str | None] | None = None, sources: Sequence[str] | None = None,
            rows: Sequence[int] | None = None, times: Sequence[str | None] | None = None,
            extra: dict[str, Sequence] | None = None,
            explained: ChunkExplanation | None = None) -> None:
        """Add a chunk of articles: their texts and groups, optionally their ids, source
        files, rows, times (anything :func:`pandas.to_datetime` reads) and extra columns
        for the per-article table. ``explained`` is :func:`explain_chunk` of these texts
        when it was computed elsewhere (in a worker process); otherwise it is computed
        here."""
        n = len(texts)
        if self._result is not None:
            raise RuntimeError("the report is finished (result() was called)")
        if len(groups) != n:
            raise ValueError(f"{n} texts but {len(groups)} groups")
        if n == 0:
            return
        if explained is None:
            explained = explain_chunk(self.model, texts)
        scores, spans = explained.scores, explained.spans
        groups = [MISSING_GROUP if g is None or g == "" or (isinstance(g, float) and math.isnan(g))
                  else str(g) for g in groups]
        seq0 = self._seq
        self._seq += n
        self.records += n
        if ids is None:
            ids = [None] * n
        ids = [str(i) if i is not None else f"{seq0 + k}" for k, i in enumerate(ids)]
        score = scores["score"].to_numpy(dtype=float)
        labels = scores["label"].tolist()
        n_sent = scores["sentences"].to_numpy(dtype=np.int64)
        words = np.fromiter(map(len, map(str.split, texts)), np.int64, n)  # word_count

        counts = self._fold_spans(spans, texts, groups, ids, n, seq0)
        self._fold_groups(texts, groups, ids, sources, rows, score, labels, n_sent, words,
                          counts, seq0)
        if times is not None:
            self._fold_times(times, groups, score, counts, words)
        if self.articles_csv is not None:
            self._write_articles(scores, groups, ids, sources, rows, times, extra, words,
                                 counts, seq0)

    def _term(self, text: str) -> str:
        term = self._norm.get(text)
        if term is None:
            if len(self._norm) > 200_000:  # a cache, not a record: keep it bounded
                self._norm.clear()
            term = self._norm[text] = normalize_term(text)
        return term

    def _fold_spans(self, spans: list[tuple], texts, groups, ids, n: int,
                    seq0: int) -> np.ndarray:
        """Count each span into its article's row (returned: n × COUNT_COLUMNS), and each
        loaded term and attribution pattern into ``terms``; keep a few example uses of the
        frequent loaded terms. (Spans come text after text, so a term's article count goes
        up when the article differs from the last one it was used in.)"""
        self.spans += len(spans)
        scare = len(COUNT_COLUMNS) - 1
        rows_at, cols_at = [], []
        terms, codes, norm = self._terms, self._codes, self._norm
        last: dict[tuple, int] = {}  # key → the last article (of this chunk) that used it
        totals, banned, examples = self._term_totals, self._banned, self._examples
        k = self.n_examples
        for i, start, end, text, feature, category, voice in spans:
            code = codes.get(feature)
            if code is None:
                code = codes[feature] = _span_code(feature)
            if code < 0:
                continue
            rows_at.append(i)
            cols_at.append(code)
            if code == scare:
                continue
            term = norm.get(text)
            if term is None:
                term = self._term(text)
            key = (groups[i], term, category, voice)
            if last.get(key) != i:  # the first use in this article: one more article
                last[key] = i
                terms[key] = terms.get(key, 0) + _USE_AND_ARTICLE
            else:
                terms[key] += 1
            if code >= 4 or not k:  # an attribution pattern: no examples
                continue
            totals[term] = totals.get(term, 0) + 1
            if term in banned:
                continue
            cell = examples.get((term, key[0]))
            if cell is None:
                cell = examples[(term, key[0])] = ([], [])
                self._example_terms.add(term)
            found = cell[0 if voice in OWN_VOICES else 1]
            if len(found) < k:
                text_i = texts[i]
                left = max(0, start - SNIPPET_CONTEXT - 1)
                right = end + SNIPPET_CONTEXT + 1
                found.append((text_i[left:right], start - left, end - left, left > 0,
                              right < len(text_i), voice, ids[i]))
        self._chunks += 1
        if len(self._example_terms) > 2 * self.example_terms or (
                self._banned and self._chunks % 20 == 0):  # a banned term may have risen
            self._prune_examples()
        counts = np.zeros((n, len(COUNT_COLUMNS)), np.int64)
        if rows_at:
            flat = np.asarray(rows_at, np.int64) * len(COUNT_COLUMNS) + np.asarray(cols_at)
            counts += np.bincount(flat, minlength=counts.size).reshape(counts.shape)
        return counts

    def _prune_examples(self) -> None:
        """Keep example uses only of the ``example_terms`` most frequent loaded terms so far
        (memory stays bounded whatever the vocabulary); the others collect no more until
        they are among the most frequent at a later pruning."""
        keep = set(heapq.nlargest(self.example_terms, self._term_totals,
                                  key=self._term_totals.__getitem__))
        self._examples = {key: cell for key, cell in self._examples.items()
                          if key[0] in keep}
        self._example_terms = {term for term, _ in self._examples}
        self._banned = set(self._term_totals) - keep

    def _fold_groups(self, texts, groups, ids, sources, rows, score, labels, n_sent, words,
                     counts, seq0) -> None:
        n = len(groups)
        bins = np.minimum((score * BINS).astype(np.int64), BINS - 1)
        framed = np.fromiter((lab == "framed" for lab in labels), bool, n)
        keys = self._rng.random(n)  # the sample: the SAMPLE_SIZE smallest keys of a group
        index: dict[str, int] = {}
        inverse = np.fromiter((index.setdefault(g, len(index)) for g in groups), np.int64, n)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(index) + 1))
        top = self.top_articles
        for j, name in enumerate(index):
            m = order[bounds[j]:bounds[j + 1]]
            g = self._groups.get(name)
            if g is None:
                g = self._groups[name] = _Group(name)
            s = score[m]
            g.articles += len(m)
            g.sentences += int(n_sent[m].sum())
            g.words += int(words[m].sum())
            # added one by one, in input order: the same sums whatever the chunks
            g.score_sum = reduce(operator.add, s.tolist(), g.score_sum)
            g.score_sq = reduce(operator.add, (s * s).tolist(), g.score_sq)
            g.framed += int(framed[m].sum())
            g.counts += counts[m].sum(axis=0)
            g.hist += np.bincount(bins[m], minlength=BINS)
            g.sample_keys = np.concatenate([g.sample_keys, keys[m]])
            g.sample_scores = np.concatenate([g.sample_scores, s])
            if len(g.sample_keys) > SAMPLE_SIZE:
                keep = np.argpartition(g.sample_keys, SAMPLE_SIZE)[:SAMPLE_SIZE]
                g.sample_keys, g.sample_scores = g.sample_keys[keep], g.sample_scores[keep]
            if top:
                self._extremes(g, m, s, seq0, texts, ids, sources, rows, labels)

    def _extremes(self, g: _Group, m, s, seq0, texts, ids, sources, rows, labels) -> None:
        """Keep the group's ``top_articles`` highest and lowest scores (ties: the earlier
        article), looking only at this chunk's own best candidates."""
        top = self.top_articles
        for heap, sign in ((g.most, 1.0), (g.least, -1.0)):
            # this chunk's candidates: its `top` best by (sign × score, earlier first)
            cand = np.lexsort((m, -sign * s))[:top]
            for c in cand.tolist():
                k, value = int(m[c]), float(s[c])
                item_key = (sign * value, -(seq0 + k))
                if len(heap) >= top and item_key <= heap[0][:2]:
                    break
                article = {"id": ids[k], "source": sources[k] if sources is not None else "",
                           "row": int(rows[k]) if rows is not None else seq0 + k,
                           "score": value, "label": labels[k], "text": texts[k]}
                if len(heap) < top:
                    heapq.heappush(heap, (*item_key, article))
                else:
                    heapq.heapreplace(heap, (*item_key, article))

    def _fold_times(self, times, groups, score, counts, words) -> None:
        self._times = True
        text = [None if t is None or t == "" else str(t) for t in times]
        parsed = pd.to_datetime(pd.Series(text, dtype=object), errors="coerce", utc=True,
                                format="mixed")
        days = parsed.dt.strftime("%Y-%m-%d").tolist()
        own = counts[:, 0] + counts[:, 1]
        for k, day in enumerate(days):
            if not isinstance(day, str):
                self._untimed += 1
                continue
            cell = self._timeline.get((groups[k], day))
            if cell is None:
                cell = self._timeline[(groups[k], day)] = [0, 0.0, 0, 0]
            cell[0] += 1
            cell[1] += float(score[k])
            cell[2] += int(own[k])
            cell[3] += int(words[k])

    def _write_articles(self, scores, groups, ids, sources, rows, times, extra, words,
                        counts, seq0) -> None:
        import pyarrow as pa
        import pyarrow.csv as pa_csv

        n = len(groups)
        # the system allocator: Arrow's default one keeps freed memory for later
        pool = pa.system_memory_pool()

        def column(values, kind=None):
            return pa.array(values, kind, memory_pool=pool)

        text, whole = pa.string(), pa.int64()
        columns = {
            "id": column(ids, text),
            "source": column(sources if sources is not None else [""] * n, text),
            "row": column(np.asarray(rows if rows is not None else range(seq0, seq0 + n),
                                     dtype=np.int64)),
            "group": column(groups, text)}
        if times is not None:
            columns["time"] = column([None if t is None else str(t) for t in times], text)
        for name, values in (extra or {}).items():
            columns[name] = column([None if v is None else str(v) for v in values], text)
        columns.update(
            score=column(scores["score"].to_numpy(dtype=float)),
            label=column(scores["label"].astype(str).tolist(), text),
            logit=column(scores["logit"].to_numpy(dtype=float)),
            sentences=column(scores["sentences"].to_numpy(dtype=np.int64), whole),
            words=column(words, whole))
        for j, col in enumerate(COUNT_COLUMNS):
            columns[col] = column(np.ascontiguousarray(counts[:, j]), whole)
        table = pa.table(columns)
        if self._writer is None:
            self._writer = pa_csv.CSVWriter(self.articles_csv, table.schema, memory_pool=pool)
        self._writer.write_table(table)

    def close(self) -> None:
        """Finish the per-article table (``articles_csv`` stays open: it is the caller's)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    # --- results ------------------------------------------------------------------------

    def result(self, options: dict | None = None) -> ReportResult:
        """The report's tables. This ends the report: ``articles_csv`` is finished, the
        running totals are let go of, and a second call returns the same result."""
        if self._result is not None:
            return self._result
        self.close()
        names = sorted(self._groups)
        groups = pd.DataFrame([self._group_row(self._groups[g], k) for k, g in
                               enumerate(names)])
        if len(groups):
            ranked = groups[~groups["small"]].sort_values(["mean_score", "group"],
                                                          ascending=[False, True])
            groups["rank"] = pd.Series(range(1, len(ranked) + 1), index=ranked.index,
                                       dtype="Int64")
            groups = groups.sort_values(["small", "rank", "group"]).reset_index(drop=True)
        else:
            groups = pd.DataFrame(columns=["group", "articles", "small", "rank"])
        # the terms as columns, and their running totals let go of (result() ends a report)
        keys = sorted(self._terms)
        totals = [self._terms[k] for k in keys]
        self._terms = {}
        counts_of = [t & _USES for t in totals]
        articles_of = [t >> 32 for t in totals]
        del totals
        items = ([*zip(*keys, strict=True), counts_of, articles_of] if keys
                 else [[] for _ in range(6)])
        del keys
        terms = _terms_frame(items)
        timeline = None
        if self._times:
            timeline = pd.DataFrame(
                [(g, d, *v) for (g, d), v in self._timeline.items()],
                columns=["group", "day", "articles", "score_sum", "own_loaded", "words"])
            timeline = timeline.sort_values(["group", "day"]).reset_index(drop=True)
        extremes = {
            name: {"most": [a for *_, a in sorted(g.most, reverse=True)],
                   "least": [a for *_, a in sorted(g.least, reverse=True)]}
            for name, g in self._groups.items()}
        small = set(groups.loc[groups["small"], "group"]) if len(groups) else set()
        counts = {
            "records": self.records, "scored": self.records - self.skipped,
            "skipped": self.skipped, "groups": len(names), "small_groups": len(small),
            "sentences": int(sum(g.sentences for g in self._groups.values())),
            "words": int(sum(g.words for g in self._groups.values())),
            "spans": self.spans,
            **({"without_time": self._untimed} if self._times else {}),
        }
        self._norm = {}  # a cache: what it held is in the terms now
        self._result = ReportResult(
            groups=groups, terms=terms, adopted=_adopted(items, small),
            top_terms=_top_terms(items, self.top_terms),
            timeline=timeline, samples={g: v.sample_scores[np.argsort(v.sample_keys)].tolist()
                     for g, v in self._groups.items()},
            extremes=extremes, counts=counts,
            examples={key: {"own": own, "attributed": att}
                      for key, (own, att) in self._examples.items()},
            threshold=float(self.model.threshold_for("article")),
            options={"min_articles": self.min_articles, "top_articles": self.top_articles,
                     "examples": self.n_examples, "top_terms": self.top_terms,
                     "seed": self.seed,
                     "bootstrap": self.n_boot, **(options or {})})
        return self._result

    def _group_row(self, g: _Group, k: int) -> dict:
        mean = g.score_sum / g.articles if g.articles else float("nan")
        var = max(g.score_sq / g.articles - mean * mean, 0.0) if g.articles else 0.0
        low, high = bootstrap_interval(g.hist, mean, self.n_boot,
                                       np.random.default_rng([self.seed, k]), var=var)
        q = hist_quantiles(g.hist, (0.05, 0.25, 0.5, 0.75, 0.95))
        per_k = 1000 / g.words if g.words else float("nan")
        row = {
            "group": g.name, "articles": g.articles, "small": g.articles < self.min_articles,
            "sentences": g.sentences, "words": g.words,
            "mean_score": mean, "ci_low": low, "ci_high": high,
            "median_score": q[2], "q1_score": q[1], "q3_score": q[3],
            "p5_score": q[0], "p95_score": q[4],
            "framed_share": g.framed / g.articles if g.articles else float("nan"),
        }
        counts = dict(zip(COUNT_COLUMNS, g.counts.tolist(), strict=True))
        row.update(counts)
        row["loaded_own"] = counts["loaded_narrator"] + counts["loaded_title"]
        row["loaded_attributed"] = counts["loaded_quoted"] + counts["loaded_reported"]
        for col in (*COUNT_COLUMNS, "loaded_own", "loaded_attributed"):
            row[f"{col}_per_1k"] = (counts.get(col, row.get(col, 0))) * per_k
        return row


def hist_quantiles(hist: np.ndarray, qs: Iterable[float]) -> list[float]:
    """Quantiles of the scores a histogram of :data:`BINS` bins on 0..1 counts (each score
    at its bin's centre, so within 0.0005 of the exact quantile)."""
    n = int(hist.sum())
    if not n:
        return [float("nan") for _ in qs]
    cum = np.cumsum(hist)
    return [(int(np.searchsorted(cum, max(q * n, 1), side="left")) + 0.5) / len(hist)
            for q in qs]


def bootstrap_interval(hist: np.ndarray, mean: float, n_boot: int,
                       rng: np.random.Generator, level: float = 0.95,
                       var: float | None = None) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean score: articles resampled with replacement
    (``n_boot`` times), each at its histogram bin's centre; shifted by the difference between
    the exact mean and the binned one.

    With the scores' variance ``var``, the bins are first merged into the widest ones (up to
    0.05) whose rounding adds at most 0.5% to the variance (0.25% to the interval's width),
    so that resampling costs little
    however many articles and bins there are."""
    n = int(hist.sum())
    if not n:
        return float("nan"), float("nan")
    if var is not None and var > 0:
        for factor in (50, 20, 10, 5, 2):
            width = factor / len(hist)
            if len(hist) % factor == 0 and width * width / 12 <= 0.005 * var:
                hist = hist.reshape(-1, factor).sum(axis=1)
                break
    filled = np.flatnonzero(hist)
    centres = (filled + 0.5) / len(hist)
    p = hist[filled] / n
    means = rng.multinomial(n, p, size=n_boot) @ centres / n
    shift = mean - float(p @ centres)
    alpha = (1 - level) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha]) + shift
    return float(max(low, 0.0)), float(min(high, 1.0))


def _terms_frame(columns: list[Sequence]) -> pd.DataFrame:
    """The terms table from its six columns (group, term, category, voice, count,
    articles); the names as object columns (the most compact here)."""
    names = ["group", "term", "category", "voice", "count", "articles"]
    return pd.DataFrame({
        name: pd.Series(list(col), dtype=object) if k < 4 else np.asarray(col, dtype=np.int64)
        for k, (name, col) in enumerate(zip(names, columns, strict=True))})


def adopted_labels(terms: pd.DataFrame, small: set[str] | frozenset = frozenset()
                   ) -> pd.DataFrame:
    """Loaded terms a group uses in its own voice (narrator or headline) while at least half
    of the other groups do not: they only quote or report it, or do not use it.

    ``terms`` is a terms table (group, term, category, voice, count, articles). One row per
    group and term: ``own`` (own-voice uses), ``own_articles`` (articles that use it in the
    narrator's voice, plus those that use it in a headline), ``strict`` (no other group
    uses it in its own voice, and at least one quotes or reports it), ``attributed_by``
    (other groups that use it only in quotes or reported speech), ``also_adopted_by``
    (other groups that use it in their own voice too), and ``small`` (the group has few
    articles). Strict ones first, then by the number of groups that only attribute it,
    then by use."""
    return _adopted([terms[c].tolist() for c in (
        "group", "term", "category", "voice", "count", "articles")], small)


def _adopted(items: list[Sequence], small) -> pd.DataFrame:
    """:func:`adopted_labels` of the terms table's six columns."""
    columns = ["group", "term", "category", "own", "own_articles", "strict", "attributed_by",
               "also_adopted_by", "small"]
    groups = sorted(set(items[0]))
    own_by_term: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    att_by_term: dict[str, set[str]] = defaultdict(set)
    categories: dict[str, Counter] = defaultdict(Counter)
    for group, term, category, voice, cnt, arts in zip(*items, strict=True):
        if category in ATTRIBUTION_TYPES or category == LEARNED:
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
            rows.append({"group": group, "term": term, "category": category[term],
                         "own": cnt, "own_articles": arts,
                         "strict": not also and bool(attributed_by),
                         "attributed_by": attributed_by, "also_adopted_by": also,
                         "small": group in small})
    if not rows:
        return pd.DataFrame(columns=columns)
    rows.sort(key=lambda r: (r["group"], not r["strict"], -len(r["attributed_by"]),
                             -r["own"], r["term"]))
    return pd.DataFrame(rows, columns=columns)


def _top_terms(items: list[Sequence], n: int) -> list[dict]:
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


def build_report(model, texts: Iterable[str], groups: Iterable[str], *,
                 ids: Iterable[str] | None = None, times: Iterable[str] | None = None,
                 chunk_size: int = 1000, articles_csv: IO[bytes] | None = None,
                 **options) -> ReportResult:
    """A corpus report of ``texts`` by ``groups`` (parallel iterables, read in chunks of
    ``chunk_size``; generators are fine). ``options``: those of :class:`CorpusReport`."""
    report = CorpusReport(model, articles_csv=articles_csv, **options)
    columns = [iter(texts), iter(groups)]
    if ids is not None:
        columns.append(iter(ids))
    if times is not None:
        columns.append(iter(times))
    rows = zip(*columns, strict=True)
    while True:
        chunk = [next(rows, None) for _ in range(chunk_size)]
        chunk = [r for r in chunk if r is not None]
        if not chunk:
            break
        cols = list(zip(*chunk, strict=True))
        report.add(list(cols[0]), list(cols[1]),
                   ids=list(cols[2]) if ids is not None else None,
                   times=list(cols[-1]) if times is not None else None)
    return report.result()


# --- the group of a record -------------------------------------------------------------


def group_of(record: Record, how: str) -> str | None:
    """A record's group by ``how``: ``column`` (the record's key holds the group column's
    value), ``parent`` (the name of the folder of its file) or ``file`` (its file's name
    without the extension)."""
    if how == "column":
        return record.key
    return _group_of_file(record.source, how)


@lru_cache(maxsize=4096)
def _group_of_file(source: str, how: str) -> str:
    if how == "parent":
        return Path(source).resolve().parent.name
    if how == "file":
        return Path(source).stem
    raise ValueError(f"unknown group source {how!r}; expected column, parent or file")


@lru_cache(maxsize=4096)
def file_name(source: str) -> str:
    """The name of a record's file (cached: a corpus has many records per file)."""
    return Path(source).name
