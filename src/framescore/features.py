"""FramingFeatures: a scikit-learn transformer from texts to named, explainable features.

Every feature is computed per sentence; a text's row is the mean of its sentence rows, so a
linear model gives ``logit(text) == mean(logit(sentence))`` exactly. Feature names:

- ``loaded:<voice>``: loaded terms (any category) in that voice, per sentence;
- ``loaded:<category>:<voice>``: loaded terms of one category in one voice, per sentence
  (``loaded:<category>`` when ``voice=False``);
- ``attribution:<type>``: attribution patterns outside direct quotes, per sentence;
- ``scare_quotes``: quoted phrases of one to four words not introduced by a speech verb;
- ``quote_share`` / ``reported_share``: share of tokens inside direct quotes / reported speech,
  when ``shares=True``;
- ``sentence_length``: tokens per sentence / 25, when ``length=True``;
- ``word:<n-gram>``: TF-IDF of word n-grams as scikit-learn's TfidfVectorizer computes it
  (smoothed IDF fitted on sentences, l2-normalized per sentence, times ``ngram_weight``), when
  ``ngrams=True``.

Each lexicon match adds exactly 1 to the sentence value of the features it feeds, so a span's
share of the logit is ``Σ weight / n_sentences`` (see :mod:`framescore.explain`).
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from operator import methodcaller
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils.validation import check_is_fitted

from .lexicon import (
    ATTRIBUTION_TYPES,
    Entry,
    Lexicon,
    Match,
    default_paths,
    load_entries,
)
from .terms import is_content_word, proper_names
from .text import VOICES, Document, Quote, Sentence, lowers_in_place, segment
from .voice import is_speech_verb, mark_reported

LEARNED = "learned"  # the category of learned terms
LENGTH_UNIT = 25.0  # sentence_length = tokens / LENGTH_UNIT
SCARE_MAX_TOKENS = 4
SCARE_LOOKBACK = 5  # a speech verb this many tokens before a quote introduces it
_MEMO_SIZE = 200_000  # entries of a memo of token → word code, before a new one starts
_CHUNK_SENTENCES = 16  # texts are segmented in chunks of this many sentences (or more)
_BLOCK_SENTENCES = 8192  # rows are made a block of this many sentences (or more) at a time


@dataclass(slots=True)
class Span:
    """One matched span: character offsets into the text and the feature columns it feeds."""

    start: int
    end: int
    text: str
    feature: str
    category: str
    voice: str
    sentence: int
    columns: tuple[int, ...]
    neutral: str = ""
    value: float = 1.0  # what the span adds to each of its columns' sentence values

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text,
                "feature": self.feature, "category": self.category, "voice": self.voice}


@dataclass(slots=True)
class Analysis:
    """A text's segmentation, per-sentence feature matrix and spans."""

    document: Document
    sentence_matrix: sp.csr_matrix  # (n_sentences, n_features)
    spans: list[Span] = field(default_factory=list)

    @property
    def row(self) -> sp.csr_matrix:
        """The text's feature row: the mean of its sentence rows (zeros without sentences),
        with the same sums as :meth:`FramingFeatures.transform` makes."""
        m = self.sentence_matrix
        cells = _add_up(np.zeros(m.nnz, dtype=np.int64), m.indices,
                        m.data * (1.0 / max(m.shape[0], 1)), m.shape[1])
        return _csr(*cells, shape=(1, m.shape[1]))


@dataclass(slots=True)
class BatchAnalysis:
    """Several texts' sentence rows, sentence offsets and spans, text after text."""

    sentence_matrix: sp.csr_matrix  # (sentences of all texts, n_features)
    counts: np.ndarray  # sentences per text
    bounds: np.ndarray  # (sentences of all texts, 2): start and end offset in its text
    #: Spans in text order, each a tuple of :class:`Span`'s fields (``Span(*t)``; its
    #: ``sentence`` counts within its text). Plain tuples of strings and numbers, which
    #: Python's garbage collector stops tracking, so a large batch costs it nothing.
    spans: list[tuple]
    span_counts: np.ndarray  # spans per text
    _rows: sp.csr_matrix | None = field(default=None, repr=False)

    @property
    def rows(self) -> sp.csr_matrix:
        """Each text's feature row: the mean of its sentence rows (as :meth:`transform`),
        computed once."""
        if self._rows is None:
            self._rows = _mean_rows(self.counts) @ self.sentence_matrix
        return self._rows


def as_texts(X) -> list[str]:
    """Accept a list, tuple, array or Series of strings (None/NaN become empty texts)."""
    if isinstance(X, str):
        raise TypeError("expected an iterable of texts, got a single string; wrap it in a list")
    if hasattr(X, "ndim") and X.ndim != 1:
        raise ValueError(f"expected a 1-D sequence of texts, got shape {X.shape}")
    out = []
    for i, t in enumerate(X):
        if t is None or (isinstance(t, float) and math.isnan(t)):
            out.append("")
        elif isinstance(t, str):
            out.append(t)
        else:
            raise TypeError(f"text {i} is {type(t).__name__}, expected str")
    return out


class FramingFeatures(TransformerMixin, BaseEstimator):
    """Turn texts into framing features (see the module docstring for the names).

    Parameters
    ----------
    lexicons : list of paths or None
        Lexicon CSV files; None uses the files shipped with framescore.
    extra_lexicons : list of paths
        Files added after ``lexicons`` (a user's own terms; they override built-in entries).
    learned_terms : sequence of (term, weight) pairs
        Terms learned from span-level annotations (:mod:`framescore.terms`): category
        ``learned``, each match adding its weight to ``loaded:learned:<voice>``. A lexicon
        entry of the same term overrides a learned one.
    framing : bool
        Compute the lexicon, attribution and quotation features (False leaves only the
        n-gram block: an ablation baseline).
    voice : bool
        Split loaded-term features by voice.
    shares : bool
        Add the shares of tokens in direct quotes and in reported speech (with ``voice``).
    length : bool
        Add ``sentence_length`` (off by default: it transfers badly across corpora).
    ngrams : bool
        Add a TF-IDF block of word n-grams (scikit-learn's tokenization, lowercase).
    ngram_range, min_df, max_features : n-gram vocabulary (fitted on sentences).
    ngram_weight : float
        Scale of the n-gram block; below 1 regularizes it more strongly than the
        lexicon features in a penalized linear model.
    ngram_words : "content" or "all"
        "content": n-grams of content words only: no stop words, numbers, weekdays or months,
        or proper names (words mostly capitalized inside sentences of the training texts).
    """

    def __init__(self, lexicons=None, extra_lexicons=(), learned_terms=(), framing=True,
                 voice=True, shares=True, length=False, ngrams=False, ngram_range=(1, 2), min_df=1,
                 max_features=100_000, ngram_weight=1.0, ngram_words="content"):
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

    # --- fitting ------------------------------------------------------------------------------

    def fit(self, X, y=None):
        texts = as_texts(X)
        paths = [Path(p) for p in (self.lexicons if self.lexicons is not None
                                   else default_paths())]
        paths += [Path(p) for p in self.extra_lexicons]
        entries = [Entry(str(term), LEARNED, source="learned", weight=float(weight))
                   for term, weight in self.learned_terms]
        entries += [e for p in paths for e in load_entries(p)]
        # Fitted state is plain strings and arrays (see fitted_state).
        self.lexicon_json_ = json.dumps([e.to_row() for e in entries], ensure_ascii=False)
        self.lexicon_files_ = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
        self.ngrams_ = ""
        self.idf_ = np.zeros(0)
        if self.ngrams:
            self._fit_ngrams(texts)
        self._compiled = None
        self.n_features_out_ = len(self._state().names)
        return self

    def _lexicon_feature_names(self, categories: list[str]) -> list[str]:
        if not self.framing:
            return []
        names: list[str] = []
        if self.voice:
            names += [f"loaded:{v}" for v in VOICES]
            names += [f"loaded:{c}:{v}" for c in categories for v in VOICES]
        else:
            names += [f"loaded:{c}" for c in categories]
        names += [f"attribution:{t}" for t in ATTRIBUTION_TYPES]
        names.append("scare_quotes")
        if self.voice and self.shares:
            names += ["quote_share", "reported_share"]
        if self.length:
            names.append("sentence_length")
        return names

    def _fit_ngrams(self, texts: list[str]) -> None:
        """Vocabulary and smoothed IDF over the sentences of ``texts`` (as TfidfVectorizer),
        of n-grams of content words only (:func:`framescore.terms.is_content_word`, and no
        proper names) unless ``ngram_words="all"``."""
        sentences = [t[s.start:s.end] for t in texts for s in segment(t).sentences]
        vectorizer = self._vectorizer_for(None)
        try:
            counts = vectorizer.fit_transform(sentences)
        except ValueError:  # no n-gram survives (empty or tiny training data)
            return
        ngrams = vectorizer.get_feature_names_out()
        if self.ngram_words == "content":
            names = proper_names(texts)
            keep = [k for k, g in enumerate(ngrams)
                    if all(is_content_word(w) and w not in names for w in g.split())]
            ngrams, counts = ngrams[keep], counts[:, keep]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.ngrams_ = "\n".join(ngrams)
        self.idf_ = np.log((1 + len(sentences)) / (1 + df)) + 1.0

    def _vectorizer_for(self, vocabulary: list[str] | None) -> CountVectorizer:
        return CountVectorizer(ngram_range=tuple(self.ngram_range), min_df=self.min_df,
                               max_features=self.max_features, vocabulary=vocabulary)

    # --- fitted state as plain data (model files) ----------------------------------------------

    def fitted_state(self) -> dict:
        """The fitted transformer as JSON-able data: its parameters, its lexicon entries, the
        SHA-256 of its lexicon files, its n-gram vocabulary (in column order) and their IDF.
        :meth:`from_fitted_state` rebuilds an equal transformer from it."""
        check_is_fitted(self, "idf_")
        params = self.get_params()
        for key in ("lexicons", "extra_lexicons"):  # paths, as strings
            if params[key] is not None:
                params[key] = [str(p) for p in params[key]]
        return {"params": params, "lexicon": json.loads(self.lexicon_json_),
                "lexicon_files": dict(self.lexicon_files_),
                "ngrams": self.ngrams_.split("\n") if self.ngrams_ else [],
                "idf": self.idf_.tolist()}

    @classmethod
    def from_fitted_state(cls, state: dict) -> FramingFeatures:
        """The fitted transformer that :meth:`fitted_state` described (nothing is refitted and
        no lexicon file is read). Raises ValueError, TypeError or KeyError on malformed state."""
        params = dict(state["params"])
        for key in ("ngram_range", "extra_lexicons"):  # tuples by default, lists in JSON
            if key in params:
                params[key] = tuple(params[key])
        if "learned_terms" in params:
            params["learned_terms"] = tuple((str(t), float(w)) for t, w in params["learned_terms"])
        ff = cls(**params)
        ngrams, idf = list(state["ngrams"]), np.asarray(state["idf"], dtype=float)
        if idf.shape != (len(ngrams),):
            raise ValueError(f"{len(ngrams)} n-grams but IDF of shape {idf.shape}")
        ff.lexicon_json_ = json.dumps([list(row) for row in state["lexicon"]],
                                      ensure_ascii=False)
        ff.lexicon_files_ = {str(k): str(v) for k, v in state["lexicon_files"].items()}
        ff.ngrams_ = "\n".join(ngrams)
        ff.idf_ = idf
        ff._compiled = None
        ff.n_features_out_ = len(ff._state().names)
        return ff

    # --- compiled state (rebuilt after unpickling, never serialized) ---------------------------

    def _state(self) -> _Compiled:
        if getattr(self, "_compiled", None) is None:
            self._compiled = _Compiled(self)
        return self._compiled

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_compiled", None)
        return state

    @property
    def lexicon(self) -> Lexicon:
        """The compiled lexicon this transformer was fitted with."""
        check_is_fitted(self, "idf_")
        return self._state().lexicon

    # --- transforming -------------------------------------------------------------------------

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "idf_")
        return self._state().names_out.copy()

    def transform(self, X) -> sp.csr_matrix:
        """One row per text: the mean of its sentence features (sparse)."""
        return self.transform_counted(X)[0]

    def transform_counted(self, X) -> tuple[sp.csr_matrix, np.ndarray]:
        """:meth:`transform`, and the number of sentences of each text (row × count gives the
        integer counts of the lexicon features)."""
        batch = self.analyze_many(X, spans=False)
        return batch.rows, batch.counts

    def transform_sentences(self, X) -> sp.csr_matrix:
        """One row per sentence of every text, in order (sentence-level features)."""
        return self.analyze_many(X, spans=False).sentence_matrix

    def analyze(self, text: str, spans: bool = True) -> Analysis:
        """Segment ``text`` and compute its per-sentence features and (optionally) spans."""
        check_is_fitted(self, "idf_")
        doc = segment(text)
        batch = self._sentence_matrix([doc], spans)
        return Analysis(doc, batch.sentence_matrix, [Span(*t) for t in batch.spans])

    def analyze_many(self, X, spans: bool = True) -> BatchAnalysis:
        """Per-sentence features of many texts at once, with sentence offsets and
        (optionally) spans: the batch form of :meth:`analyze`, one matrix for all texts."""
        check_is_fitted(self, "idf_")
        return self._sentence_matrix(map(segment, as_texts(X)), spans)

    def spans(self, text: str) -> list[dict]:
        """Every lexicon match and scare quote as ``{start, end, text, feature, category,
        voice}``, with ``text == original[start:end]``."""
        return [s.as_dict() for s in self.analyze(text).spans]

    def _sentence_matrix(self, docs: Iterable[Document], spans: bool) -> BatchAnalysis:
        """Feature rows of all sentences of ``docs`` (stacked), with each doc's sentence
        count and sentence offsets, and (when ``spans``) the spans of its matches.

        Documents are consumed a few at a time (:func:`_in_chunks`) and not kept: only their
        sentences' word numbers (for the n-grams) and feature cells are, until a block of
        :data:`_BLOCK_SENTENCES` sentences or more is made into rows, so a large batch holds
        no token lists, and the array operations on a block stay in the processor's caches.
        """
        blocks: list[sp.csr_matrix] = []
        cells, ngrams = _Cells(), self._ngram_batch()
        block_start = 0  # the row of the block's first sentence
        bounds: list[int] = []
        counts: list[int] = []
        span_list: list[tuple] | None = [] if spans else None
        span_counts: list[int] = []
        spans_before = 0
        for doc in _in_chunks(docs):
            row = len(bounds) // 2
            if row - block_start >= _BLOCK_SENTENCES:
                blocks.append(self._block(cells, ngrams, row - block_start))
                cells, ngrams = _Cells(), self._ngram_batch()
                block_start = row
            if self.framing:
                self._lexicon_entries(doc, row - block_start, cells, span_list)
            if ngrams is not None:
                ngrams.add(doc)
            for s in doc.sentences:
                bounds += (s.start, s.end)
            counts.append(len(doc.sentences))
            if span_list is not None:
                span_counts.append(len(span_list) - spans_before)
                spans_before = len(span_list)
        blocks.append(self._block(cells, ngrams, len(bounds) // 2 - block_start))
        matrix = blocks[0] if len(blocks) == 1 else sp.vstack(blocks, format="csr")
        return BatchAnalysis(matrix, np.asarray(counts, dtype=np.int64),
                             np.asarray(bounds, dtype=np.int64).reshape(-1, 2),
                             span_list or [], np.asarray(span_counts, dtype=np.int64))

    def _ngram_batch(self) -> _NgramBatch | None:
        ngrams = self._state().ngrams
        return ngrams.batch() if ngrams is not None else None

    def _block(self, cells: _Cells, ngrams: _NgramBatch | None, n_rows: int) -> sp.csr_matrix:
        """The rows of a block of sentences: their lexicon cells, and their n-gram block
        right of them."""
        n_columns = len(self._state().names)
        if ngrams is not None:
            cells.extend(*self._tfidf(ngrams), col_offset=n_columns - len(self.idf_))
        return _csr(*cells.arrays(n_columns), shape=(n_rows, n_columns))

    def _tfidf(self, batch: _NgramBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The n-gram block's cells (rows, columns, values) of a batch of sentences, as
        TfidfVectorizer computes them: counts × IDF, l2-normalized per sentence, times
        ``ngram_weight``."""
        rows, cols, values = self._state().ngrams.count(batch)
        values *= self.idf_[cols]
        norms = np.sqrt(np.bincount(rows, weights=values * values,
                                    minlength=len(batch.n_tokens)))
        values /= norms[rows]  # a sentence with an n-gram has a positive norm (IDF >= 1)
        values *= self.ngram_weight
        return rows, cols, values

    def _lexicon_entries(self, doc: Document, first_row: int, out: _Cells,
                         spans: list[tuple] | None) -> None:
        """Add the lexicon, attribution and quotation features of ``doc``'s sentences (rows
        ``first_row``, ``first_row + 1``, ...) to ``out``, and their spans to ``spans`` (as
        tuples of :class:`Span`'s fields)."""
        state = self._state()
        lexicon, cols = state.lexicon, state.cols
        text = doc.text
        quotes = [q for q in doc.quotes if q.closed] if doc.quotes else None
        quote_starts = [q.start for q in quotes] if quotes else None  # sorted: in text order
        for s_idx, sent in enumerate(doc.sentences):
            row = first_row + s_idx
            matches = lexicon.match(sent)
            if matches:
                mark_reported(text, sent, matches)
            for m in matches:
                e = m.entry
                voice = sent.voices[m.i]
                feature_cols = cols.of_match[(e.category, voice)]
                for c in feature_cols:
                    out.add(row, c, e.weight)
                if spans is not None and feature_cols:
                    start, end = sent.starts[m.i], sent.ends[m.j - 1]
                    spans.append((start, end, text[start:end], cols.names[feature_cols[-1]],
                                  e.category, voice, s_idx, feature_cols, e.neutral, e.weight))
            n = len(sent.norms)
            if not n:
                continue
            if quotes:  # those that start in this sentence
                in_sentence = quotes[bisect_left(quote_starts, sent.start):
                                     bisect_left(quote_starts, sent.end)]
                speech = _SpeechVerbs(sent, matches) if in_sentence else None
                for q in in_sentence:
                    if _is_scare_quote(text, sent, q, speech):
                        out.add(row, cols.scare, 1.0)
                        if spans is not None:
                            voice = "title" if sent.is_title else "narrator"
                            spans.append((q.start, q.end, text[q.start:q.end], "scare_quotes",
                                          "scare_quote", voice, s_idx, (cols.scare,), "", 1.0))
            if self.voice and self.shares:
                quoted = sent.voices.count("quoted")
                reported = sent.voices.count("reported")
                if quoted:
                    out.add(row, cols.quote_share, quoted / n)
                if reported:
                    out.add(row, cols.reported_share, reported / n)
            if self.length:
                out.add(row, cols.length, n / LENGTH_UNIT)


class _Compiled:
    """Lookup structures rebuilt from a fitted transformer's plain state (never serialized)."""

    def __init__(self, ff: FramingFeatures):
        self.lexicon = Lexicon([Entry.from_row(r) for r in json.loads(ff.lexicon_json_)])
        names = ff._lexicon_feature_names(self.lexicon.categories)
        self.cols = (_ColumnIndex({name: k for k, name in enumerate(names)}, ff.voice)
                     if ff.framing else None)
        ngrams = ff.ngrams_.split("\n") if ff.ngrams_ else []
        self.names = names + [f"word:{g}" for g in ngrams]
        self.names_out = np.asarray(self.names, dtype=object)
        self.ngrams = _NgramCounter(ff._vectorizer_for(ngrams)) if ngrams else None


class _ColumnIndex:
    """Column numbers of the lexicon features, looked up once per fitted transformer."""

    def __init__(self, index: dict[str, int], voice: bool):
        self.names = {k: name for name, k in index.items()}
        self.scare = index["scare_quotes"]
        self.length = index.get("sentence_length")
        self.quote_share = index.get("quote_share")
        self.reported_share = index.get("reported_share")
        #: The columns a lexicon match feeds, by its entry's category and its voice (none for
        #: an attribution pattern inside a direct quote).
        self.of_match: dict[tuple[str, str], tuple[int, ...]] = {
            (t, v): () if v == "quoted" else (index[f"attribution:{t}"],)
            for t in ATTRIBUTION_TYPES for v in VOICES}
        for name, k in index.items():
            parts = name.split(":")
            if parts[0] != "loaded" or (voice and len(parts) != 3):
                continue
            if voice:  # learned terms are weighted: they stay out of the counts by voice
                self.of_match[(parts[1], parts[2])] = (
                    (k,) if parts[1] == LEARNED else (index[f"loaded:{parts[2]}"], k))
            else:
                for v in VOICES:
                    self.of_match[(parts[1], v)] = (k,)


class _SpeechVerbs:
    """The speech verbs among a sentence's matches (:func:`is_speech_verb`): their first and
    past-the-end token indices, both sorted (matches do not overlap), for window queries."""

    __slots__ = ("ends", "starts")

    def __init__(self, sent: Sentence, matches: list[Match]):
        verbs = [m for m in matches if is_speech_verb(sent, m)]
        self.starts = [m.i for m in verbs]
        self.ends = [m.j for m in verbs]

    def any_ending_in(self, lo: int, hi: int) -> bool:
        """Some verb has ``lo <= end <= hi``."""
        k = bisect_left(self.ends, lo)
        return k < len(self.ends) and self.ends[k] <= hi

    def any_starting_in(self, lo: int, hi: int) -> bool:
        """Some verb has ``lo < start <= hi``."""
        k = bisect_right(self.starts, lo)
        return k < len(self.starts) and self.starts[k] <= hi


def _last_visible(text: str, start: int, end: int) -> str:
    """The last non-whitespace character of ``text[start:end]`` ("" if none), without
    copying the slice: ``text[start:end].rstrip()[-1:]``."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return text[end - 1] if end > start else ""


def _first_visible(text: str, start: int, end: int) -> str:
    """The first non-whitespace character of ``text[start:end]`` ("" if none)."""
    while start < end and text[start].isspace():
        start += 1
    return text[start] if start < end else ""


def _is_scare_quote(text: str, sent: Sentence, q: Quote, speech: _SpeechVerbs) -> bool:
    """A closed quote of 1-4 tokens inside the sentence that is not a direct quotation: not
    the whole sentence, not introduced by a colon, comma or speech verb ("said ‘...’"), not
    followed by its attribution ("‘...,’ the mayor said"), and not inside reported speech
    (the group said it struck ‘the usurping entity’: the group's words, quoted).

    Time does not grow with the sentence's length (only with the whitespace around the
    quote), so a sentence with many quotes takes linear time."""
    if q.end > sent.end:
        return False
    # the tokens inside the quote: a range of token indices (token offsets are sorted)
    first = bisect_left(sent.starts, q.inner_start)
    last = bisect_right(sent.ends, q.inner_end) - 1
    if not 1 <= last - first + 1 <= SCARE_MAX_TOKENS:
        return False
    if first == 0 and last == len(sent) - 1:
        return False  # the whole sentence is the quotation
    voices = sent.voices
    if (first > 0 and voices[first - 1] == "reported") or \
            (last + 1 < len(voices) and voices[last + 1] == "reported"):
        return False  # a partial quotation inside reported speech
    if _last_visible(text, sent.start, q.start) in (":", ","):
        return False
    if speech.any_ending_in(first - SCARE_LOOKBACK, first):
        return False
    closes_clause = _last_visible(text, q.inner_start, q.inner_end) in ",!?" or \
        _first_visible(text, q.end, sent.end) == ","
    return not (closes_clause and speech.any_starting_in(last, last + SCARE_LOOKBACK))


class _Cells:
    """Non-zero cells of a sparse matrix: single cells added in any order (repeated cells add
    up), then blocks of cells sorted by row and column, each right of the cells before it."""

    __slots__ = ("blocks", "cols", "rows", "values")

    def __init__(self):
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.values: list[float] = []
        self.blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, row: int, col: int, value: float) -> None:
        self.rows.append(row)
        self.cols.append(col)
        self.values.append(value)

    def extend(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray,
               col_offset: int = 0) -> None:
        self.blocks.append((rows, cols + col_offset, values))

    def arrays(self, n_cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows, columns and values of every cell, sorted by row, then column."""
        single = _add_up(np.asarray(self.rows, dtype=np.int64),
                         np.asarray(self.cols, dtype=np.int64),
                         np.asarray(self.values, dtype=float), n_cols)
        rows, cols, values = (np.concatenate(part) for part in zip(single, *self.blocks,
                                                                   strict=True))
        order = np.argsort(rows, kind="stable")  # a row's blocks stay in column order
        return rows[order], cols[order], values[order]


class _NgramCounter:
    """Counts of a fixed vocabulary of word n-grams, equal to ``CountVectorizer.transform``'s
    (the vectorizer's own preprocessor and tokenizer, its n-grams), found by array operations
    over a whole batch instead of a joined string and a dictionary lookup per n-gram.

    Each word of the vocabulary's n-grams has a number, and so has each prefix of its
    n-grams, by length: the prefix of length n is found from the prefix of length n - 1 and
    the next word (``prefix * n_words + word``, looked up in a hash table: pandas' index).
    """

    def __init__(self, vectorizer: CountVectorizer):
        vectorizer.build_analyzer()  # validates the settings
        self.preprocess = vectorizer.build_preprocessor()
        self.tokenize = vectorizer.build_tokenizer()
        self.low, self.high = vectorizer.ngram_range
        # one list of all the words, not a list per n-gram (80k lists cost more in garbage
        # collection than in splitting)
        grams = vectorizer.vocabulary
        self.n_columns = len(grams)
        flat = " ".join(grams).split(" ")
        self.words = {w: k for k, w in enumerate(sorted(set(flat)))}
        self.codes = _WordCodes(self.words)
        lengths = np.fromiter(map(methodcaller("count", " "), grams), dtype=np.int64,
                              count=len(grams)) + 1
        ids = np.fromiter(map(self.words.__getitem__, flat), dtype=np.int64, count=len(flat))
        first = np.cumsum(lengths) - lengths  # each n-gram's first word in ``ids``
        column = np.arange(len(grams))
        prefix = ids[first]  # each n-gram's prefix number, for prefixes of the current length
        #: By length from 2: each prefix's key, at its number (the position in the index)
        self.steps: list[pd.Index] = []
        #: By length: prefix number → column, -1 for a prefix only
        self.columns = [self._columns(len(self.words), prefix, lengths == 1)]
        for n in range(2, int(lengths.max(initial=1)) + 1):
            longer = lengths >= n
            column, first, lengths = column[longer], first[longer], lengths[longer]
            keys, prefix = np.unique(prefix[longer] * len(self.words) + ids[first + n - 1],
                                     return_inverse=True)
            self.steps.append(pd.Index(keys))
            self.columns.append(self._columns(len(keys), prefix, lengths == n, column))

    @staticmethod
    def _columns(n_prefixes: int, prefix: np.ndarray, whole: np.ndarray,
                 column: np.ndarray | None = None) -> np.ndarray:
        """Prefix number → the column of the n-gram that is the whole prefix, else -1."""
        columns = np.full(n_prefixes, -1, dtype=np.int64)
        columns[prefix[whole]] = np.flatnonzero(whole) if column is None else column[whole]
        return columns

    def batch(self) -> _NgramBatch:
        """An empty batch. Batches keep the memo of word codes they start with; a full memo
        is left to the batches that have it, and new ones start an empty one."""
        if len(self.codes) >= _MEMO_SIZE:
            self.codes = _WordCodes(self.words)
        return _NgramBatch(self)

    def count(self, batch: _NgramBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cells (sentence, n-gram column, float count) of the vocabulary's n-grams in each
        sentence of ``batch``, sorted by sentence, then column."""
        n_tokens = batch.n_tokens
        words, rows = batch.codes.words_of(np.asarray(batch.ids, dtype=np.int64),
                                           np.repeat(np.arange(len(n_tokens)), n_tokens))
        found = [np.zeros(0, dtype=np.int64)]  # cells: row * n_columns + column
        prefix = words  # at each position, the number of the n-gram starting there, or -1
        for n in range(1, min(self.high, len(self.columns)) + 1):
            if n > 1:
                same_text = rows[: len(rows) - n + 1] == rows[n - 1 :]
                prefix = self._extend(prefix[:-1], words[n - 1 :], same_text, n)
            if n >= self.low:
                cols = np.where(prefix >= 0, self.columns[n - 1][prefix], -1)
                found.append((rows[: len(prefix)] * self.n_columns + cols)[cols >= 0])
        cells, counts = np.unique(np.concatenate(found), return_counts=True)
        return cells // self.n_columns, cells % self.n_columns, counts.astype(float)

    def _extend(self, prefix: np.ndarray, word: np.ndarray, same_text: np.ndarray,
                n: int) -> np.ndarray:
        """Numbers of the prefixes of length ``n`` made of a prefix of length ``n - 1`` and
        the next word (-1 where there is no such prefix)."""
        number = self.steps[n - 2].get_indexer(prefix * len(self.words) + word)
        return np.where((prefix >= 0) & (word >= 0) & same_text, number, -1)


class _NgramBatch:
    """Sentences to count with an :class:`_NgramCounter`, kept as word codes only."""

    __slots__ = ("codes", "counter", "ids", "n_tokens")

    def __init__(self, counter: _NgramCounter):
        self.counter = counter
        self.codes = counter.codes  # this batch's memo, whatever the counter starts later
        self.ids: list[int] = []  # each token's code (see :class:`_WordCodes`)
        self.n_tokens: list[int] = []

    def add(self, doc: Document) -> None:
        """Add the sentences of ``doc``.

        The vectorizer's tokens of a sentence (runs of two word characters or more in the
        lowercased text) are the parts of its own tokens, lowercased (``norms``), split at the
        hyphens and apostrophes that ``TOKEN_RE`` joins words over: their codes come token
        by token from a memo (:class:`_WordCodes`), without another regular-expression pass
        over the text. Where lowercasing could change the text's word characters, the
        vectorizer's own tokens (each its own part)."""
        counter, ids, n_tokens, text = self.counter, self.ids, self.n_tokens, doc.text
        code_of = self.codes.__getitem__
        in_place = lowers_in_place(text)
        for s in doc.sentences:
            if in_place or lowers_in_place(text[s.start : s.end]):
                tokens = s.norms
            else:
                tokens = counter.tokenize(counter.preprocess(text[s.start : s.end]))
            ids += map(code_of, tokens)
            n_tokens.append(len(tokens))


class _WordCodes(dict):
    """Each token's n-gram tokens (its parts at hyphens and apostrophes, of two characters
    or more), as one int, memoized: ``k + 1`` for one part of number ``k`` in ``words`` (-1
    when not there), ``-(i + 1)`` for none or several, whose numbers are ``multi[i]``. One
    int per token, so a sentence's codes are one ``map`` over its tokens."""

    def __init__(self, words: dict[str, int]):
        super().__init__()
        self.words = words
        self.multi: list[tuple[int, ...]] = []
        self._lock = threading.Lock()

    def __missing__(self, token: str) -> int:
        parts = token.replace("-", " ").replace("'", " ").split()
        ids = tuple(self.words.get(t, -1) for t in parts if len(t) > 1)
        if len(ids) == 1:
            code = ids[0] + 1
        else:
            with self._lock:  # threads scoring with one model share the memo
                self.multi.append(ids)
                code = -len(self.multi)
        self[token] = code
        return code

    def words_of(self, codes: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The word numbers of tokens of ``codes``, in order, and the row of each (``rows``
        holds the row of each token)."""
        several = np.flatnonzero(codes < 0)
        if not len(several):
            return codes - 1, rows
        which, where = np.unique(-codes[several] - 1, return_inverse=True)
        table = [self.multi[i] for i in which.tolist()]
        sizes = np.fromiter(map(len, table), dtype=np.int64, count=len(table))
        flat = np.fromiter(chain.from_iterable(table), dtype=np.int64, count=int(sizes.sum()))
        lengths = np.ones(len(codes), dtype=np.int64)
        lengths[several] = n = sizes[where]
        words = np.repeat(codes - 1, lengths)  # right for one part; the others overwritten
        ramp = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        at = np.repeat((np.cumsum(lengths) - lengths)[several], n) + ramp
        words[at] = flat[np.repeat((np.cumsum(sizes) - sizes)[where], n) + ramp]
        return words, np.repeat(rows, lengths)


def _in_chunks(docs: Iterable[Document]) -> Iterator[Document]:
    """``docs``, taken from the iterable (segmented, when it segments them) in chunks of
    :data:`_CHUNK_SENTENCES` sentences or more, each handed on before the next is taken.

    Segmenting a few short texts, then computing their features, is faster than alternating
    text by text (each step's code and lookup tables stay in the processor's caches). A text
    of that many sentences is a chunk of its own: larger chunks (three articles, or 256
    sentences) were slower, their tokens no longer fitting the caches.
    """
    chunk: list[Document] = []
    n = 0
    for doc in docs:
        chunk.append(doc)
        n += len(doc.sentences)
        if n >= _CHUNK_SENTENCES:
            yield from chunk
            chunk.clear()
            n = 0
    yield from chunk


def _add_up(rows: np.ndarray, cols: np.ndarray, values: np.ndarray,
            n_cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells given in any order, sorted by row, then column; the values of repeated cells add
    up, in the order given."""
    cells, where = np.unique(rows * n_cols + cols, return_inverse=True)
    return cells // n_cols, cells % n_cols, np.bincount(where, weights=values,
                                                        minlength=len(cells))


def _csr(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, *,
         shape: tuple[int, int]) -> sp.csr_matrix:
    """A CSR matrix from cells sorted by row, then column, without repeats."""
    indptr = np.searchsorted(rows, np.arange(shape[0] + 1))
    return sp.csr_matrix((values, cols, indptr), shape=shape)


def _mean_rows(counts: np.ndarray) -> sp.csr_matrix:
    """The (n_texts × n_sentences) matrix that averages each text's sentence rows."""
    n = len(counts)
    weights = np.repeat(np.divide(1.0, counts, out=np.zeros(n), where=counts > 0), counts)
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return sp.csr_matrix((weights, np.arange(indptr[-1]), indptr), shape=(n, int(indptr[-1])))
