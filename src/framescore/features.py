"""FramingFeatures: a scikit-learn transformer from texts to named, explainable features.

Every feature is computed per sentence; a text's row is the mean of its sentence rows, so a
linear model gives ``logit(text) == mean(logit(sentence))`` exactly. Feature names:

- ``loaded:<voice>``: loaded terms (any category) in that voice, per sentence;
- ``loaded:<category>:<voice>``: loaded terms of one category in one voice, per sentence
  (``loaded:<category>`` when ``voice=False``);
- ``attribution:<type>``: attribution patterns outside direct quotes, per sentence;
- ``scare_quotes``: quoted phrases of one to four words not introduced by a speech verb;
- ``quote_share`` / ``reported_share``: share of tokens inside direct quotes / reported speech;
- ``sentence_length``: tokens per sentence / 25;
- ``word:<n-gram>``: TF-IDF of lowercase word n-grams (l2-normalized per sentence, times
  ``ngram_weight``), when ``ngrams=True``.

Each lexicon match adds exactly 1 to the sentence value of the features it feeds, so a span's
share of the logit is ``Σ weight / n_sentences`` (see :mod:`framescore.explain`).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
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
    voice : bool
        Split loaded-term features by voice and add quote/reported shares.
    ngrams : bool
        Add a TF-IDF block of lowercase word n-grams.
    ngram_range, min_df, max_features : n-gram vocabulary (fitted on sentences).
    ngram_weight : float
        Scale of the n-gram block; below 1 regularizes it more strongly than the
        lexicon features in a penalized linear model.
    """

    def __init__(self, lexicons=None, extra_lexicons=(), voice=True, ngrams=False,
                 ngram_range=(1, 2), min_df=2, max_features=20000, ngram_weight=1.0):
        self.lexicons = lexicons
        self.extra_lexicons = extra_lexicons
        self.voice = voice
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
        self._compiled = None
        if self.ngrams:
            self._fit_ngrams(texts)
            self._compiled = None
        self.n_features_out_ = len(self._state().names)
        return self

    def _lexicon_feature_names(self, categories: list[str]) -> list[str]:
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
        names.append("sentence_length")
        return names

    def _fit_ngrams(self, texts: list[str]) -> None:
        df: Counter[str] = Counter()
        n_sent = 0
        for text in texts:
            for sent in segment(text).sentences:
                n_sent += 1
                df.update(set(self._ngrams(sent.norms)))
        kept = [(g, c) for g, c in df.items() if c >= self.min_df]
        kept.sort(key=lambda gc: (-gc[1], gc[0]))
        kept = sorted(kept[: self.max_features])
        self.ngrams_ = "\n".join(g for g, _ in kept)
        self.idf_ = np.array([math.log((1 + n_sent) / (1 + c)) + 1 for _, c in kept])

    def _ngrams(self, norms: list[str]) -> list[str]:
        lo, hi = self.ngram_range
        out = []
        for n in range(lo, hi + 1):
            if n == 1:
                out.extend(norms)
            else:
                out.extend(" ".join(norms[k : k + n]) for k in range(len(norms) - n + 1))
        return out

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
        texts = as_texts(X)
        indptr, indices, data = [0], [], []
        counts = np.zeros(len(texts), dtype=np.int64)
        for t, text in enumerate(texts):
            sentence_rows = self._sentence_rows(segment(text), None)
            n = counts[t] = len(sentence_rows)
            total: dict[int, float] = {}
            for row in sentence_rows:
                for c, v in row.items():
                    total[c] = total.get(c, 0.0) + v
            for c in sorted(total):
                indices.append(c)
                data.append(total[c] / n)
            indptr.append(len(indices))
        shape = (len(texts), self.n_features_out_)
        matrix = sp.csr_matrix((np.asarray(data, dtype=float), indices, indptr), shape=shape)
        return matrix, counts

    def transform_sentences(self, X) -> sp.csr_matrix:
        """Features of each text taken as one sentence-level unit list: one row per sentence
        of every text, in order (for sentence-level scoring)."""
        check_is_fitted(self, "idf_")
        mats = [self.analyze(t, spans=False).sentence_matrix for t in as_texts(X)]
        if not mats:
            return sp.csr_matrix((0, self.n_features_out_))
        return sp.vstack(mats, format="csr")

    def analyze(self, text: str, spans: bool = True) -> Analysis:
        """Segment ``text`` and compute its per-sentence features and (optionally) spans."""
        check_is_fitted(self, "idf_")
        doc = segment(text)
        span_list: list[Span] | None = [] if spans else None
        rows = self._sentence_rows(doc, span_list)
        m = sp.lil_matrix((len(rows), self.n_features_out_))
        for r, row in enumerate(rows):
            for c, v in row.items():
                m[r, c] = v
        return Analysis(doc, m.tocsr(), span_list or [])

    def spans(self, text: str) -> list[dict]:
        """Every lexicon match and scare quote as ``{start, end, text, feature, category,
        voice}``, with ``text == original[start:end]``."""
        return [s.as_dict() for s in self.analyze(text).spans]

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
                row[cols.length] = n / LENGTH_UNIT
                if state.vocabulary:
                    self._add_ngrams(sent, row, state.vocabulary)
            rows.append(row)
        return rows

    def _add_ngrams(self, sent: Sentence, row: dict[int, float], vocab: dict[str, int]) -> None:
        counts: Counter[int] = Counter()
        for g in self._ngrams(sent.norms):
            c = vocab.get(g)
            if c is not None:
                counts[c] += 1
        if not counts:
            return
        offset = self.n_features_out_ - len(self.idf_)
        weighted = {c: k * self.idf_[c - offset] for c, k in counts.items()}
        norm = math.sqrt(sum(v * v for v in weighted.values()))
        scale = self.ngram_weight / norm
        for c, v in weighted.items():
            row[c] = v * scale


class _Compiled:
    """Lookup structures rebuilt from a fitted transformer's plain state (never serialized)."""

    def __init__(self, ff: FramingFeatures):
        self.lexicon = Lexicon([Entry.from_row(r) for r in json.loads(ff.lexicon_json_)])
        names = ff._lexicon_feature_names(self.lexicon.categories)
        self.cols = _ColumnIndex({name: k for k, name in enumerate(names)}, ff.voice)
        ngrams = ff.ngrams_.split("\n") if ff.ngrams_ else []
        self.vocabulary = {g: len(names) + k for k, g in enumerate(ngrams)}
        self.names = names + [f"word:{g}" for g in ngrams]


class _ColumnIndex:
    """Column numbers of the lexicon features, looked up once per fitted transformer."""

    def __init__(self, index: dict[str, int], voice: bool):
        self.names = {k: name for name, k in index.items()}
        self.attribution = {t: (index[f"attribution:{t}"],) for t in ATTRIBUTION_TYPES}
        self.scare = index["scare_quotes"]
        self.length = index["sentence_length"]
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
