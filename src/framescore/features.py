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
share of the logit is ``Σ weight / n_sentences`` (see :mod:`framescore.explain`). The rows,
spans and columns are :mod:`framescore.feature_rows`'s; the n-gram counts,
:mod:`framescore._ngrams`'s.
"""

from __future__ import annotations

import hashlib
import json
import math
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils.validation import check_is_fitted

from ._ngrams import NgramBatch, NgramCounter
from .feature_rows import LEARNED, Analysis, BatchAnalysis, Cells, ColumnIndex, Span, csr
from .lexicon import ATTRIBUTION_TYPES, Entry, Lexicon, default_paths, load_entries
from .scare_quotes import SpeechVerbs, is_scare_quote
from .terms import is_content_word, proper_names
from .text import VOICES, Document, segment
from .voice import mark_reported

LENGTH_UNIT = 25.0  # sentence_length = tokens / LENGTH_UNIT
_CHUNK_SENTENCES = 16  # texts are segmented in chunks of this many sentences (or more)
_BLOCK_SENTENCES = 8192  # rows are made a block of this many sentences (or more) at a time


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
    learned_terms : sequence of (term, weight) or (term, weight, category)
        Terms learned from annotations (:mod:`framescore.terms`): without a category,
        ``learned`` (from marked spans); with one, that category (``learned_subjective``:
        candidate words learned from text labels). Each match adds its weight to
        ``loaded:<category>:<voice>`` only, not to the counts by voice. A lexicon entry of
        the same term overrides a learned one.
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
        entries = [Entry(str(t[0]), str(t[2]) if len(t) > 2 else LEARNED, source="learned",
                         weight=float(t[1])) for t in self.learned_terms]
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
            params["learned_terms"] = tuple((str(t[0]), float(t[1]), *map(str, t[2:]))
                                            for t in params["learned_terms"])
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
        cells, ngrams = Cells(), self._ngram_batch()
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
                cells, ngrams = Cells(), self._ngram_batch()
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

    def _ngram_batch(self) -> NgramBatch | None:
        ngrams = self._state().ngrams
        return ngrams.batch() if ngrams is not None else None

    def _block(self, cells: Cells, ngrams: NgramBatch | None, n_rows: int) -> sp.csr_matrix:
        """The rows of a block of sentences: their lexicon cells, and their n-gram block
        right of them."""
        n_columns = len(self._state().names)
        if ngrams is not None:
            cells.extend(*self._tfidf(ngrams), col_offset=n_columns - len(self.idf_))
        return csr(*cells.arrays(n_columns), shape=(n_rows, n_columns))

    def _tfidf(self, batch: NgramBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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

    def _lexicon_entries(self, doc: Document, first_row: int, out: Cells,
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
                speech = SpeechVerbs(sent, matches) if in_sentence else None
                for q in in_sentence:
                    if is_scare_quote(text, sent, q, speech):
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
        self.cols = (ColumnIndex({name: k for k, name in enumerate(names)}, ff.voice)
                     if ff.framing else None)
        ngrams = ff.ngrams_.split("\n") if ff.ngrams_ else []
        self.names = names + [f"word:{g}" for g in ngrams]
        self.names_out = np.asarray(self.names, dtype=object)
        self.ngrams = NgramCounter(ff._vectorizer_for(ngrams)) if ngrams else None


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
