"""FramingFeatures: a scikit-learn transformer from texts to named, explainable features.

Every feature is computed per sentence; a text's row is the mean of its sentence rows, so a
linear model gives ``logit(text) == mean(logit(sentence))`` exactly. Feature names:

- ``loaded:<voice>``: loaded terms (any category) in that voice, per sentence;
- ``loaded:<category>:<voice>``: loaded terms of one category in one voice, per sentence
  (``loaded:<category>`` when ``voice=False``);
- ``attribution:<type>``: attribution patterns outside direct quotes, per sentence;
- ``scare_quotes``: quoted phrases of one to four words not introduced by a speech verb;
- ``quote_share`` / ``reported_share``: share of tokens inside direct quotes / reported speech;
- ``sentence_length``: tokens per sentence / 25, when ``length=True``;
- ``word:<n-gram>``: TF-IDF of word n-grams as scikit-learn's TfidfVectorizer computes it
  (smoothed IDF fitted on sentences, l2-normalized per sentence, times ``ngram_weight``), when
  ``ngrams=True``.

Each lexicon match adds exactly 1 to the sentence value of the features it feeds, so a span's
share of the logit is ``Σ weight / n_sentences`` (see :mod:`framescore.explain`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from .corpus import sha256_file
from .lexicon import (
    ATTRIBUTION_TYPES,
    Entry,
    Lexicon,
    Match,
    default_paths,
    load_entries,
)
from .text import VOICES, Document, Quote, Sentence, segment
from .voice import is_speech_verb, mark_reported

LENGTH_UNIT = 25.0  # sentence_length = tokens / LENGTH_UNIT
SCARE_MAX_TOKENS = 4
SCARE_LOOKBACK = 5  # a speech verb this many tokens before a quote introduces it


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
        """The text's feature row: the mean of its sentence rows."""
        m = self.sentence_matrix
        if m.shape[0] == 0:
            return sp.csr_matrix((1, m.shape[1]))
        return sp.csr_matrix(m.mean(axis=0))


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
    framing : bool
        Compute the lexicon, attribution and quotation features (False leaves only the
        n-gram block: an ablation baseline).
    voice : bool
        Split loaded-term features by voice and add quote/reported shares.
    length : bool
        Add ``sentence_length`` (off by default: it transfers badly across corpora).
    ngrams : bool
        Add a TF-IDF block of word n-grams (scikit-learn's tokenization, lowercase).
    ngram_range, min_df, max_features : n-gram vocabulary (fitted on sentences).
    ngram_weight : float
        Scale of the n-gram block; below 1 regularizes it more strongly than the
        lexicon features in a penalized linear model.
    """

    def __init__(self, lexicons=None, extra_lexicons=(), framing=True, voice=True, length=False,
                 ngrams=False, ngram_range=(1, 2), min_df=1, max_features=100_000,
                 ngram_weight=1.0):
        self.lexicons = lexicons
        self.extra_lexicons = extra_lexicons
        self.framing = framing
        self.voice = voice
        self.length = length
        self.ngrams = ngrams
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.ngram_weight = ngram_weight

    # --- fitting ------------------------------------------------------------------------------

    def fit(self, X, y=None):
        texts = as_texts(X)
        paths = [Path(p) for p in (self.lexicons if self.lexicons is not None
                                   else default_paths())]
        paths += [Path(p) for p in self.extra_lexicons]
        entries = [e for p in paths for e in load_entries(p)]
        # Fitted state is plain strings and arrays: compact and safe to serialize (skops).
        self.lexicon_json_ = json.dumps([e.to_row() for e in entries], ensure_ascii=False)
        self.lexicon_files_ = {p.name: sha256_file(p) for p in paths}
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
        if self.voice:
            names += ["quote_share", "reported_share"]
        if self.length:
            names.append("sentence_length")
        return names

    def _fit_ngrams(self, texts: list[str]) -> None:
        """Vocabulary and smoothed IDF over the sentences of ``texts`` (as TfidfVectorizer)."""
        sentences = [t[s.start:s.end] for t in texts for s in segment(t).sentences]
        vectorizer = self._vectorizer_for(None)
        try:
            counts = vectorizer.fit_transform(sentences)
        except ValueError:  # no n-gram survives (empty or tiny training data)
            return
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.ngrams_ = "\n".join(vectorizer.get_feature_names_out())
        self.idf_ = np.log((1 + len(sentences)) / (1 + df)) + 1.0

    def _vectorizer_for(self, vocabulary: list[str] | None) -> CountVectorizer:
        return CountVectorizer(ngram_range=tuple(self.ngram_range), min_df=self.min_df,
                               max_features=self.max_features, vocabulary=vocabulary)

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
        return np.asarray(self._state().names, dtype=object)

    def transform(self, X) -> sp.csr_matrix:
        """One row per text: the mean of its sentence features (sparse)."""
        return self.transform_counted(X)[0]

    def transform_counted(self, X) -> tuple[sp.csr_matrix, np.ndarray]:
        """:meth:`transform`, and the number of sentences of each text (row × count gives the
        integer counts of the lexicon features)."""
        check_is_fitted(self, "idf_")
        docs = [segment(t) for t in as_texts(X)]
        sentences, counts = self._sentence_matrix(docs, None)
        return _mean_rows(counts) @ sentences, counts

    def transform_sentences(self, X) -> sp.csr_matrix:
        """One row per sentence of every text, in order (sentence-level features)."""
        check_is_fitted(self, "idf_")
        return self._sentence_matrix([segment(t) for t in as_texts(X)], None)[0]

    def analyze(self, text: str, spans: bool = True) -> Analysis:
        """Segment ``text`` and compute its per-sentence features and (optionally) spans."""
        check_is_fitted(self, "idf_")
        doc = segment(text)
        span_list: list[Span] | None = [] if spans else None
        matrix, _ = self._sentence_matrix([doc], span_list)
        return Analysis(doc, matrix, span_list or [])

    def spans(self, text: str) -> list[dict]:
        """Every lexicon match and scare quote as ``{start, end, text, feature, category,
        voice}``, with ``text == original[start:end]``."""
        return [s.as_dict() for s in self.analyze(text).spans]

    def _sentence_matrix(self, docs: list[Document], spans: list[Span] | None
                         ) -> tuple[sp.csr_matrix, np.ndarray]:
        """Feature rows of all sentences of ``docs`` (stacked), and each doc's sentence count."""
        state = self._state()
        indptr, indices, data = [0], [], []
        counts = np.zeros(len(docs), dtype=np.int64)
        for d, doc in enumerate(docs):
            rows = self._sentence_rows(doc, spans) if self.framing else [{}] * len(doc.sentences)
            counts[d] = len(rows)
            for row in rows:
                for c in sorted(row):
                    indices.append(c)
                    data.append(row[c])
                indptr.append(len(indices))
        n_lex = len(state.names) - len(self.idf_)
        matrix = sp.csr_matrix((np.asarray(data, dtype=float), indices, indptr),
                               shape=(len(indptr) - 1, n_lex))
        if state.vectorizer is not None:
            texts = [doc.text[s.start:s.end] for doc in docs for s in doc.sentences]
            ngrams = state.vectorizer.transform(texts).astype(float) @ state.idf
            if ngrams.shape[0]:  # sklearn's normalize refuses an empty matrix
                ngrams = normalize(ngrams) * self.ngram_weight
            matrix = sp.hstack([matrix, ngrams], format="csr")
        return matrix, counts

    def _sentence_rows(self, doc: Document, spans: list[Span] | None) -> list[dict[int, float]]:
        state = self._state()
        lexicon, cols = state.lexicon, state.cols
        text = doc.text
        quotes = [q for q in doc.quotes if q.closed]
        rows = []
        for s_idx, sent in enumerate(doc.sentences):
            matches = lexicon.match(sent)
            if matches:
                mark_reported(text, sent, matches)
            row: dict[int, float] = {}
            for m in matches:
                e = m.entry
                voice = sent.voices[m.i]
                if e.is_attribution:
                    if voice == "quoted":
                        continue
                    feature_cols = cols.attribution[e.category]
                else:
                    feature_cols = cols.loaded(e.category, voice)
                for c in feature_cols:
                    row[c] = row.get(c, 0.0) + 1.0
                if spans is not None:
                    start, end = sent.starts[m.i], sent.ends[m.j - 1]
                    spans.append(Span(start, end, text[start:end], cols.names[feature_cols[-1]],
                                      e.category, voice, s_idx, feature_cols, e.neutral))
            n = len(sent)
            if n:
                for q in quotes:
                    if sent.start <= q.start < sent.end and _is_scare_quote(text, sent, q, matches):
                        row[cols.scare] = row.get(cols.scare, 0.0) + 1.0
                        if spans is not None:
                            voice = "title" if sent.is_title else "narrator"
                            spans.append(Span(q.start, q.end, text[q.start:q.end], "scare_quotes",
                                              "scare_quote", voice, s_idx, (cols.scare,)))
                if self.voice:
                    quoted = sent.voices.count("quoted")
                    reported = sent.voices.count("reported")
                    if quoted:
                        row[cols.quote_share] = quoted / n
                    if reported:
                        row[cols.reported_share] = reported / n
                if self.length:
                    row[cols.length] = n / LENGTH_UNIT
            rows.append(row)
        return rows


class _Compiled:
    """Lookup structures rebuilt from a fitted transformer's plain state (never serialized)."""

    def __init__(self, ff: FramingFeatures):
        self.lexicon = Lexicon([Entry.from_row(r) for r in json.loads(ff.lexicon_json_)])
        names = ff._lexicon_feature_names(self.lexicon.categories)
        self.cols = (_ColumnIndex({name: k for k, name in enumerate(names)}, ff.voice)
                     if ff.framing else None)
        ngrams = ff.ngrams_.split("\n") if ff.ngrams_ else []
        self.names = names + [f"word:{g}" for g in ngrams]
        self.vectorizer = ff._vectorizer_for(ngrams) if ngrams else None
        self.idf = sp.diags(ff.idf_) if ngrams else None


class _ColumnIndex:
    """Column numbers of the lexicon features, looked up once per fitted transformer."""

    def __init__(self, index: dict[str, int], voice: bool):
        self.names = {k: name for name, k in index.items()}
        self.attribution = {t: (index[f"attribution:{t}"],) for t in ATTRIBUTION_TYPES}
        self.scare = index["scare_quotes"]
        self.length = index.get("sentence_length")
        self.quote_share = index.get("quote_share")
        self.reported_share = index.get("reported_share")
        self._loaded: dict[tuple[str, str], tuple[int, ...]] = {}
        for name, k in index.items():
            parts = name.split(":")
            if parts[0] != "loaded" or (voice and len(parts) != 3):
                continue
            if voice:
                self._loaded[(parts[1], parts[2])] = (index[f"loaded:{parts[2]}"], k)
            else:
                for v in VOICES:
                    self._loaded[(parts[1], v)] = (k,)

    def loaded(self, category: str, voice: str) -> tuple[int, ...]:
        return self._loaded[(category, voice)]


def _is_scare_quote(text: str, sent: Sentence, q: Quote, matches: list[Match]) -> bool:
    """A closed quote of 1-4 tokens inside the sentence that is not a direct quotation: not
    the whole sentence, not introduced by a colon, comma or speech verb ("said ‘...’"), and
    not followed by its attribution ("‘...,’ the mayor said")."""
    if q.end > sent.end:
        return False
    inside = [k for k in range(len(sent))
              if sent.starts[k] >= q.inner_start and sent.ends[k] <= q.inner_end]
    if not 1 <= len(inside) <= SCARE_MAX_TOKENS:
        return False
    first, last = inside[0], inside[-1]
    if first == 0 and last == len(sent) - 1:
        return False  # the whole sentence is the quotation
    if text[sent.start:q.start].rstrip().endswith((":", ",")):
        return False
    speech = [m for m in matches if is_speech_verb(sent, m)]
    if any(first - SCARE_LOOKBACK <= m.j <= first for m in speech):
        return False
    closes_clause = text[q.inner_start:q.inner_end].rstrip()[-1:] in ",!?" or \
        text[q.end:sent.end].lstrip().startswith(",")
    return not (closes_clause and any(last < m.i <= last + SCARE_LOOKBACK for m in speech))


def _mean_rows(counts: np.ndarray) -> sp.csr_matrix:
    """The (n_texts × n_sentences) matrix that averages each text's sentence rows."""
    n = len(counts)
    weights = np.repeat(np.divide(1.0, counts, out=np.zeros(n), where=counts > 0), counts)
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return sp.csr_matrix((weights, np.arange(indptr[-1]), indptr), shape=(n, int(indptr[-1])))
