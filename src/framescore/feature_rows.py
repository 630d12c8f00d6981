"""The rows and spans that :class:`framescore.features.FramingFeatures` makes: what a
text's analysis holds (:class:`Span`, :class:`Analysis`, :class:`BatchAnalysis`), the columns
the lexicon features feed (:class:`ColumnIndex`), and sparse rows built from their cells
(:class:`Cells`, :func:`add_up`, :func:`csr`, :func:`mean_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .lexicon import ATTRIBUTION_TYPES
from .terms import SUBJECTIVE
from .text import VOICES, Document

LEARNED = "learned"  # the category of terms learned from marked spans
#: The categories of learned terms (from marked spans, from text labels): each has features of
#: its own by voice and stays out of the curated terms' counts by voice (``loaded:<voice>``).
LEARNED_CATEGORIES = (LEARNED, SUBJECTIVE)


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
        with the same sums as :meth:`.FramingFeatures.transform` makes."""
        m = self.sentence_matrix
        cells = add_up(np.zeros(m.nnz, dtype=np.int64), m.indices,
                        m.data * (1.0 / max(m.shape[0], 1)), m.shape[1])
        return csr(*cells, shape=(1, m.shape[1]))


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
        """Each text's feature row: the mean of its sentence rows (as
        :meth:`.FramingFeatures.transform`), computed once."""
        if self._rows is None:
            self._rows = mean_rows(self.counts) @ self.sentence_matrix
        return self._rows


class ColumnIndex:
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
            if voice:  # learned terms stay out of the counts by voice
                self.of_match[(parts[1], parts[2])] = (
                    (k,) if parts[1] in LEARNED_CATEGORIES else (index[f"loaded:{parts[2]}"], k))
            else:
                for v in VOICES:
                    self.of_match[(parts[1], v)] = (k,)


class Cells:
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
        single = add_up(np.asarray(self.rows, dtype=np.int64),
                         np.asarray(self.cols, dtype=np.int64),
                         np.asarray(self.values, dtype=float), n_cols)
        rows, cols, values = (np.concatenate(part) for part in zip(single, *self.blocks,
                                                                   strict=True))
        order = np.argsort(rows, kind="stable")  # a row's blocks stay in column order
        return rows[order], cols[order], values[order]


def add_up(rows: np.ndarray, cols: np.ndarray, values: np.ndarray,
            n_cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells given in any order, sorted by row, then column; the values of repeated cells add
    up, in the order given."""
    cells, where = np.unique(rows * n_cols + cols, return_inverse=True)
    return cells // n_cols, cells % n_cols, np.bincount(where, weights=values,
                                                        minlength=len(cells))


def csr(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, *,
         shape: tuple[int, int]) -> sp.csr_matrix:
    """A CSR matrix from cells sorted by row, then column, without repeats."""
    indptr = np.searchsorted(rows, np.arange(shape[0] + 1))
    return sp.csr_matrix((values, cols, indptr), shape=shape)


def mean_rows(counts: np.ndarray) -> sp.csr_matrix:
    """The (n_texts × n_sentences) matrix that averages each text's sentence rows."""
    n = len(counts)
    weights = np.repeat(np.divide(1.0, counts, out=np.zeros(n), where=counts > 0), counts)
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return sp.csr_matrix((weights, np.arange(indptr[-1]), indptr), shape=(n, int(indptr[-1])))
