"""Corpus framing reports: which groups (outlets) adopt which loaded labels, over many articles.

The texts are explained chunk by chunk (:func:`framescore.report_chunks.explain_chunk`: the
scores and the matched spans, with their voice and category, that
:func:`framescore.explain.explain_many` gives; or the output of ``framescore score --spans``
read back, :mod:`framescore.report_input`), and each
chunk is folded into running totals before the next one is read, so memory does not grow
with the number of articles:

- per group: articles, sentences, words, the sum of scores (and of their squares), articles
  labelled framed, loaded terms by voice, attribution patterns by type, scare quotes; a
  histogram of scores (1,000 bins on 0..1) for the median, quartiles and the bootstrap
  interval of the mean (:mod:`framescore.report_stats`); a seeded random sample of 300
  scores for the strip plot; the most and least framed articles;
- per group, term, category and voice: how often the term occurs and in how many articles
  (the term is the span's text, normalized by :func:`~framescore.report_terms.normalize_term`),
  which grows with the vocabulary, not the corpus; a few example uses of the most frequent
  loaded terms;
- per group and day (with a time column): articles, the sum of scores, own-voice loaded
  terms and words.

Groups with fewer than ``min_articles`` articles are flagged as small and not ranked. Sums
are added article by article in input order, so the report is the same whatever the chunk
size, the number of worker processes or the Dask cluster
(:func:`framescore.report_chunks.explained_chunks`).

``framescore report`` reads the input and feeds this module chunks of articles; the module
never imports the CLI.
:mod:`framescore.report_terms` makes the term tables (adopted labels among them),
:mod:`framescore.report_files` writes the page and the tables.
"""

from __future__ import annotations

import heapq
import math
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import IO

import numpy as np
import pandas as pd

from .report_articles import ArticlesCsv
from .report_chunks import ChunkExplanation, explain_chunk
from .report_counts import COUNT_COLUMNS, adds_to_counts, span_code
from .report_stats import group_row
from .report_terms import (
    OWN_VOICES,
    SNIPPET_CONTEXT,
    adopted_from_columns,
    normalize_term,
    terms_frame,
    top_terms,
)

BINS = 1000
#: Scores kept per group for the strip plot (a seeded reservoir sample).
SAMPLE_SIZE = 300
MISSING_GROUP = "(missing)"
#: A term's running total is one int: uses + (articles << 32), compact for a large vocabulary.
_USE_AND_ARTICLE = (1 << 32) + 1
_USES = (1 << 32) - 1


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
    ``threshold``   the model's threshold for ``framed``;
    ``texts``       whether the articles' texts were known (scores read back without them:
                    no words, so no rates per 1,000 words, and no article texts in
                    ``extremes``).
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
    texts: bool = True


def _group_name(value, names: dict[str, str]) -> str:
    """A group's name from a column's value (missing: :data:`MISSING_GROUP`)."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return MISSING_GROUP
    name = str(value)
    return names.setdefault(name, name)


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
        self._articles = ArticlesCsv(articles_csv) if articles_csv is not None else None
        self.texts_known: bool | None = None  # whether the chunks came with their texts
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
        self._names: dict[str, str] = {}  # each group's name, one string object
        self.records = self.skipped = self.spans = 0

    # --- chunks --------------------------------------------------------------------------

    def skip(self, n: int = 1) -> None:
        """Count records that could not be scored (they appear in no table)."""
        self.records += n
        self.skipped += n

    def add(self, texts: Sequence[str] | None, groups: Sequence[str | None], *,
            ids: Sequence[str | None] | None = None, sources: Sequence[str] | None = None,
            rows: Sequence[int] | None = None, times: Sequence[str | None] | None = None,
            extra: dict[str, Sequence] | None = None,
            explained: ChunkExplanation | None = None) -> None:
        """Add a chunk of articles: their texts and groups, optionally their ids, source
        files, rows, times (anything :func:`pandas.to_datetime` reads) and extra columns
        for the per-article table. ``explained`` is :func:`explain_chunk` of these texts
        when it was computed elsewhere (in a worker process, or read back from ``framescore
        score``'s output); otherwise it is computed here. ``texts`` may be None with
        ``explained`` (scores read back without their texts): the words, and so the rates per
        1,000 words, are then unknown, and example uses show the term alone."""
        n = len(texts) if texts is not None else len(groups)
        if self._result is not None:
            raise RuntimeError("the report is finished (result() was called)")
        if len(groups) != n:
            raise ValueError(f"{n} texts but {len(groups)} groups")
        if texts is None and explained is None:
            raise ValueError("without texts, pass their explanation (explained=)")
        if self.texts_known is None:
            self.texts_known = texts is not None
        elif self.texts_known != (texts is not None):
            raise ValueError("every chunk of a report comes with its texts, or none does")
        if n == 0:
            return
        if explained is None:
            explained = explain_chunk(self.model, texts)
        scores, spans = explained.scores, explained.spans
        names = self._names
        groups = [names.setdefault(g, g) if type(g) is str and g else _group_name(g, names)
                  for g in groups]
        seq0 = self._seq
        self._seq += n
        self.records += n
        if ids is None:
            ids = [None] * n
        ids = [str(i) if i is not None else f"{seq0 + k}" for k, i in enumerate(ids)]
        score = scores["score"].to_numpy(dtype=float)
        labels = scores["label"].tolist()
        n_sent = scores["sentences"].to_numpy(dtype=np.int64)
        words = (np.fromiter(map(len, map(str.split, texts)), np.int64, n)  # word_count
                 if texts is not None else None)

        counts = self._fold_spans(spans, texts, groups, ids, n, seq0)
        self._fold_groups(texts, groups, ids, sources, rows, score, labels, n_sent, words,
                          counts, seq0)
        if times is not None:
            self._fold_times(times, groups, score, counts, words)
        if self._articles is not None:
            self._articles.write(scores, groups, ids, sources, rows, times, extra, words,
                                 counts, COUNT_COLUMNS, seq0)

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
        width = len(COUNT_COLUMNS)
        flat = []  # article × width + column, of each counted span
        terms, codes, norm = self._terms, self._codes, self._norm
        last: dict[tuple, int] = {}  # key → the last article (of this chunk) that used it
        totals, banned, examples = self._term_totals, self._banned, self._examples
        k = self.n_examples
        for i, start, end, text, feature, category, voice in spans:
            code = codes.get(feature)
            if code is None:
                code = codes[feature] = span_code(feature)
            if code < 0:
                continue
            if adds_to_counts(code, category):
                flat.append(i * width + code)
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
                if texts is None:
                    found.append((text, 0, len(text), False, False, voice, ids[i]))
                    continue
                text_i = texts[i]
                left = max(0, start - SNIPPET_CONTEXT - 1)
                right = end + SNIPPET_CONTEXT + 1
                found.append((text_i[left:right], start - left, end - left, left > 0,
                              right < len(text_i), voice, ids[i]))
        self._chunks += 1
        if len(self._example_terms) > 2 * self.example_terms or (
                self._banned and self._chunks % 20 == 0):  # a banned term may have risen
            self._prune_examples()
        return np.bincount(np.asarray(flat, np.int64), minlength=n * width).reshape(n, width)

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
        framed = np.asarray(labels, dtype=object) == "framed"
        keys = self._rng.random(n)  # the sample: the SAMPLE_SIZE smallest keys of a group
        inverse, index = pd.factorize(np.asarray(groups, dtype=object))  # in order of appearance
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(index) + 1))
        top = self.top_articles
        for j, name in enumerate(index.tolist()):
            m = order[bounds[j]:bounds[j + 1]]
            g = self._groups.get(name)
            if g is None:
                g = self._groups[name] = _Group(name)
            s = score[m]
            g.articles += len(m)
            g.sentences += int(n_sent[m].sum())
            if words is not None:
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
                           "score": value, "label": labels[k],
                           "text": texts[k] if texts is not None else None}
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
            cell[3] += int(words[k]) if words is not None else 0

    def close(self) -> None:
        """Finish the per-article table (``articles_csv`` stays open: it is the caller's)."""
        if self._articles is not None:
            self._articles.close()

    # --- results ------------------------------------------------------------------------

    def result(self, options: dict | None = None) -> ReportResult:
        """The report's tables. This ends the report: ``articles_csv`` is finished, the
        running totals are let go of, and a second call returns the same result."""
        if self._result is not None:
            return self._result
        self.close()
        names = sorted(self._groups)
        groups = pd.DataFrame([
            group_row(self._groups[g], COUNT_COLUMNS, min_articles=self.min_articles,
                      n_boot=self.n_boot, rng=np.random.default_rng([self.seed, k]),
                      words=self.texts_known is not False)
            for k, g in enumerate(names)])
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
        terms = terms_frame(items)
        timeline = None
        if self._times:
            timeline = pd.DataFrame(
                [(g, d, *v) for (g, d), v in self._timeline.items()],
                columns=["group", "day", "articles", "score_sum", "own_loaded", "words"])
            timeline = timeline.sort_values(["group", "day"]).reset_index(drop=True)
            if self.texts_known is False:
                timeline["words"] = np.nan  # unknown, not zero
        extremes = {
            name: {"most": [a for *_, a in sorted(g.most, reverse=True)],
                   "least": [a for *_, a in sorted(g.least, reverse=True)]}
            for name, g in self._groups.items()}
        small = set(groups.loc[groups["small"], "group"]) if len(groups) else set()
        counts = {
            "records": self.records, "scored": self.records - self.skipped,
            "skipped": self.skipped, "groups": len(names), "small_groups": len(small),
            "sentences": int(sum(g.sentences for g in self._groups.values())),
            "words": (None if self.texts_known is False
                      else int(sum(g.words for g in self._groups.values()))),
            "spans": self.spans,
            **({"without_time": self._untimed} if self._times else {}),
        }
        self._norm = {}  # a cache: what it held is in the terms now
        self._result = ReportResult(
            groups=groups, terms=terms, adopted=adopted_from_columns(items, small),
            top_terms=top_terms(items, self.top_terms),
            timeline=timeline, samples={g: v.sample_scores[np.argsort(v.sample_keys)].tolist()
                     for g, v in self._groups.items()},
            extremes=extremes, counts=counts,
            examples={key: {"own": own, "attributed": att}
                      for key, (own, att) in self._examples.items()},
            threshold=float(self.model.threshold_for("article")),
            texts=self.texts_known is not False,
            options={"min_articles": self.min_articles, "top_articles": self.top_articles,
                     "examples": self.n_examples, "top_terms": self.top_terms,
                     "seed": self.seed,
                     "bootstrap": self.n_boot, **(options or {})})
        return self._result


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
