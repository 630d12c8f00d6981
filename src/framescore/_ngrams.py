"""Counts of word n-grams equal to scikit-learn's ``CountVectorizer.transform``, found over
segmented sentences by array operations: framescore's own copy of the vectorizer's counting.

It mirrors ``CountVectorizer`` with the settings :class:`framescore.features.FramingFeatures`
gives it (a fixed ``vocabulary`` and ``ngram_range``; everything else scikit-learn's default:
``analyzer="word"``, ``lowercase=True``, ``token_pattern=r"(?u)\\b\\w\\w+\\b"``, no accent
stripping, stop words or preprocessor), and relies on these parts of its behaviour:

- its tokens of a text are the runs of two word characters or more of the lowercased text, so
  those of a sentence are the parts of framescore's tokens (``Sentence.norms``: runs of word
  characters joined over hyphens and apostrophes) between those joiners, of two characters
  or more, wherever lowercasing keeps every character in place
  (:func:`framescore.text.lowers_in_place`); elsewhere :class:`NgramCounter` calls the
  vectorizer's own ``build_preprocessor()`` and ``build_tokenizer()``;
- its n-grams are its tokens joined by one space, for each n of ``ngram_range``, within one
  document (here: one sentence);
- ``transform`` counts each n-gram of the vocabulary the number of times it occurs.

Only public scikit-learn API is called. Checked equal with scikit-learn 1.5.2, 1.7.2 and
1.9.1 (``scikit-learn>=1.5,<1.10`` in pyproject.toml): ``tests/test_private_copies.py`` holds
the counts to ``CountVectorizer``'s. Take in a new scikit-learn version only after those tests
pass with it.
"""

from __future__ import annotations

import threading
from itertools import chain
from operator import methodcaller

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

from .text import Document, lowers_in_place

_MEMO_SIZE = 200_000  # entries of a memo of token → word code, before a new one starts


class NgramCounter:
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
        self.codes = WordCodes(self.words)
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

    def batch(self) -> NgramBatch:
        """An empty batch. Batches keep the memo of word codes they start with; a full memo
        is left to the batches that have it, and new ones start an empty one."""
        if len(self.codes) >= _MEMO_SIZE:
            self.codes = WordCodes(self.words)
        return NgramBatch(self)

    def count(self, batch: NgramBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


class NgramBatch:
    """Sentences to count with an :class:`NgramCounter`, kept as word codes only."""

    __slots__ = ("codes", "counter", "ids", "n_tokens")

    def __init__(self, counter: NgramCounter):
        self.counter = counter
        self.codes = counter.codes  # this batch's memo, whatever the counter starts later
        self.ids: list[int] = []  # each token's code (see :class:`WordCodes`)
        self.n_tokens: list[int] = []

    def add(self, doc: Document) -> None:
        """Add the sentences of ``doc``.

        The vectorizer's tokens of a sentence (runs of two word characters or more in the
        lowercased text) are the parts of its own tokens, lowercased (``norms``), split at the
        hyphens and apostrophes that ``TOKEN_RE`` joins words over: their codes come token
        by token from a memo (:class:`WordCodes`), without another regular-expression pass
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


class WordCodes(dict):
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
