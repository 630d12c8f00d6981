"""The corpus report's input: the group of a record, and the output of ``framescore score
--spans`` read back (:func:`read_scored`), so that a scored corpus is not scored again.

Scored input is two tables written by one ``framescore score`` run: the scores (``-o``, article
level: ``score``, ``label``, ``logit``, ``sentences`` and the summary counts, after the
``source``/``id``/``row`` columns and any ``--keep-col`` columns) and the spans (``--spans``:
one row per matched span, with the same source/id/row columns). Both are in input order, so
they are joined as they are read, chunk by chunk, and memory stays flat. Each article's spans
must add up to the counts of its scores row: the first that does not stops the run (the
tables are not of one run). The labels must be the model's at its threshold, and when the
texts are there the first article is scored again, so that a report is not made with one
model from scores of another (:func:`check_scored`).

The texts are in the scores only when ``score --keep-col text`` kept them. Without them a
report has no words (so no rates per 1,000 words) and no explanation pages.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import orjson
import pandas as pd

from .inputs import DataError, Record, decompression_errors, input_format, open_binary, open_text
from .report_chunks import SPAN_FIELDS, ChunkExplanation
from .report_counts import COUNT_COLUMNS, adds_to_counts, span_code
from .tables import sniff_sep

#: The columns that make a table the article-level output of ``framescore score``.
SCORE_COLUMNS = ("score", "label", "logit", "sentences")
#: The columns that tie a score to its spans (those of them the scores have).
META_COLUMNS = ("source", "id", "row")
_SPAN_ROWS = 20_000  # spans read at a time


# --- the group of a record -----------------------------------------------------------------


def group_of(record: Record, how: str) -> str | None:
    """A record's group by ``how``: ``column`` (the record's key holds the group column's
    value), ``parent`` (the name of the folder of its file) or ``file`` (its file's name
    without the extension)."""
    if how == "column":
        return record.key
    return group_of_source(record.source, how)


@lru_cache(maxsize=4096)
def group_of_source(source: str, how: str) -> str:
    """The group of an article of the file ``source``: the name of its folder (``parent``) or
    its own name without the extension (``file``)."""
    if how == "parent":
        return Path(source).resolve().parent.name
    if how == "file":
        return Path(source).stem
    raise ValueError(f"unknown group source {how!r}; expected column, parent or file")


@lru_cache(maxsize=4096)
def file_name(source: str) -> str:
    """The name of a record's file (cached: a corpus has many records per file)."""
    return Path(source).name


# --- tables, column by column --------------------------------------------------------------


def table_columns(path: str, sep: str | None = None) -> list[str] | None:
    """The column names of a CSV/TSV, JSONL or Parquet file, from its head; None when they
    cannot be read (the reader proper says why)."""
    try:
        kind = input_format(path)
        if kind == "parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        if kind == "jsonl":
            with open_binary(path) as fh:
                line = next((raw for raw in fh if raw.strip()), b"{}")
            first = orjson.loads(line)
            return list(first) if isinstance(first, dict) else None
        if kind == "csv":
            with open_text(path) as fh:
                return list(pd.read_csv(fh, sep=sniff_sep(path, sep), nrows=0).columns)
    except (OSError, ValueError, EOFError):
        return None
    return None


def column_chunks(path: str, size: int, sep: str | None = None
                  ) -> Iterator[dict[str, list]]:
    """The rows of a CSV/TSV, JSONL or Parquet table, ``size`` at a time, as columns (name →
    values; a missing value is None; CSV values are text)."""
    kind = input_format(path)
    if kind not in ("csv", "jsonl", "parquet"):
        raise DataError(f"{path}: expected a CSV, TSV, JSONL or Parquet table that "
                        "'framescore score' wrote")
    with decompression_errors(path):
        if kind == "parquet":
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(path).iter_batches(batch_size=size):
                yield batch.to_pydict()
        elif kind == "jsonl":
            yield from _jsonl_chunks(path, size)
        else:
            try:
                with open_text(path) as fh:
                    for frame in pd.read_csv(fh, sep=sniff_sep(path, sep), dtype=str,
                                             keep_default_na=False, na_values=[""],
                                             chunksize=size):
                        yield {c: [None if v is None or v != v else v for v in frame[c].tolist()]
                               for c in frame.columns}
            except pd.errors.EmptyDataError:
                return
            except pd.errors.ParserError as exc:
                raise DataError(f"{path}: malformed CSV ({str(exc).strip()})") from None


def _jsonl_chunks(path: str, size: int) -> Iterator[dict[str, list]]:
    rows: list[dict] = []
    with open_binary(path) as fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise DataError(f"{path}:{line_no}: malformed JSON") from None
            if type(obj) is not dict:
                raise DataError(f"{path}:{line_no}: expected a JSON object, got "
                                f"{type(obj).__name__}")
            rows.append(obj)
            if len(rows) == size:
                yield {k: [r.get(k) for r in rows] for k in rows[0]}
                rows = []
    if rows:
        yield {k: [r.get(k) for r in rows] for k in rows[0]}


def _numbers(values: list, kind: type, path: str, column: str) -> list:
    """``values`` as ``kind`` (float or int); text (of CSV) is parsed exactly."""
    try:
        if values and isinstance(values[0], str | type(None)):
            return [kind(v) for v in values]
        return np.asarray(values, dtype=kind).tolist()
    except (TypeError, ValueError):
        bad = next(v for v in values if not _is_number(v, kind))
        raise DataError(f"{path}: column {column!r} holds {bad!r}, not a number") from None


def _is_number(value, kind: type) -> bool:
    try:
        kind(value)
    except (TypeError, ValueError):
        return False
    return not (isinstance(value, float) and math.isnan(value))


def _keys(columns: dict[str, list], meta: Sequence[str]) -> list[tuple]:
    """Each row's (source, id, row), as text, of the ``meta`` columns there are."""
    return list(zip(*([("" if v is None else str(v)) for v in columns[m]] for m in meta),
                    strict=True))


def _missing(path: str, columns, wanted: Sequence[str], what: str) -> None:
    gone = [c for c in wanted if c not in columns]
    if gone:
        found = ", ".join(map(str, columns)) or "(none)"
        raise DataError(f"{path}: no column {gone[0]!r} ({what}); columns found: {found}")


# --- scores and spans, joined ---------------------------------------------------------------


@dataclass
class ScoredChunk:
    """Articles of scored input: ``columns``, those of the scores table (name → values, with
    ``row`` as numbers), ``explained`` (their scores and spans, as
    :class:`framescore.corpus_report.CorpusReport` adds them up) and ``first_row``, the first
    one's row in the scores table."""

    columns: dict[str, list]
    explained: ChunkExplanation
    first_row: int

    def __len__(self) -> int:
        return len(self.explained.scores)


class _Spans:
    """The rows of a spans table, read ahead a block at a time, taken article by article."""

    def __init__(self, path: str, meta: Sequence[str], sep: str | None):
        self.path, self.meta = path, tuple(meta)
        self._chunks = column_chunks(path, _SPAN_ROWS, sep)
        self._keys: list[tuple] = []
        self._rows: list[tuple] = []
        self._at = 0
        self._checked = False

    def _fill(self) -> bool:
        while self._at >= len(self._keys):
            columns = next(self._chunks, None)
            if columns is None:
                return False
            if not self._checked:
                _missing(self.path, columns, (*self.meta, *SPAN_FIELDS),
                         "not the --spans table of 'framescore score' that wrote these scores")
                self._checked = True
            self._keys = _keys(columns, self.meta)
            text = [[v if v is not None else "" for v in columns[c]] for c in SPAN_FIELDS[2:]]
            self._rows = list(zip(_numbers(columns["start"], int, self.path, "start"),
                                  _numbers(columns["end"], int, self.path, "end"), *text,
                                  strict=True))
            self._at = 0
        return True

    def take(self, key: tuple) -> list[tuple]:
        """The spans at the head of the table that belong to the article ``key``."""
        out = []
        while self._fill() and self._keys[self._at] == key:
            out.append(self._rows[self._at])
            self._at += 1
        return out

    def next_key(self) -> tuple | None:
        return self._keys[self._at] if self._fill() else None


def read_scored(scores: str, spans: str, *, size: int = 1000, sep: str | None = None,
                need: Sequence[str] = ()) -> Iterator[ScoredChunk]:
    """The articles of ``framescore score``'s output, ``size`` at a time: its scores table
    (``scores``) joined in order with its spans table (``spans``). ``need``: columns the
    scores table must have (a group column, a time column, kept columns). A table that is not
    such output, or spans that do not go with the scores, are a :class:`DataError`."""
    stream: _Spans | None = None
    counted: list[str] = []
    first_row = 0
    for columns in column_chunks(scores, size, sep):
        if stream is None:
            _missing(scores, columns, SCORE_COLUMNS,
                     "not the article-level output of 'framescore score'")
            _missing(scores, columns, need, "asked for by an option")
            meta = [c for c in META_COLUMNS if c in columns]
            if not meta:
                raise DataError(f"{scores}: no source, id or row column to join its spans on")
            counted = [c for c in COUNT_COLUMNS if c in columns]
            stream = _Spans(spans, meta, sep)
        n = len(columns["score"])
        keys = _keys(columns, stream.meta)
        if "row" in columns:
            columns["row"] = _numbers(columns["row"], int, scores, "row")
        frame = pd.DataFrame({
            "score": _numbers(columns["score"], float, scores, "score"),
            "label": ["" if v is None else str(v) for v in columns["label"]],
            "logit": _numbers(columns["logit"], float, scores, "logit"),
            "sentences": _numbers(columns["sentences"], int, scores, "sentences")})
        found = [(i, *s) for i, key in enumerate(keys) for s in stream.take(key)]
        if counted:
            _check_counts(columns, counted, found, keys, n, first_row, scores, spans)
        yield ScoredChunk(columns, ChunkExplanation(frame, found), first_row)
        first_row += n
    left = stream.next_key() if stream is not None else None
    if left is not None:
        raise DataError(f"{spans}: spans of an article that is not in {scores}, or not in its "
                        f"order ({', '.join(filter(None, left))}): give the spans table "
                        "written with these scores")


def _check_counts(columns: dict[str, list], counted: list[str], found: list[tuple],
                  keys: list[tuple], n: int, first_row: int, scores: str,
                  spans: str) -> None:
    """Each article's spans, counted by kind, must be its scores row's counts."""
    index = {c: COUNT_COLUMNS.index(c) for c in counted}
    codes = {}
    at = []
    for i, *_, feature, category, _voice in found:
        code = codes.get(feature)
        if code is None:
            code = codes[feature] = span_code(feature)
        if adds_to_counts(code, category):
            at.append(i * len(COUNT_COLUMNS) + code)
    got = np.bincount(np.asarray(at, dtype=np.int64),
                      minlength=n * len(COUNT_COLUMNS)).reshape(n, len(COUNT_COLUMNS))
    for col in counted:
        want = np.asarray(_numbers(columns[col], int, scores, col), dtype=np.int64)
        bad = np.flatnonzero(want != got[:, index[col]])
        if len(bad):
            i = int(bad[0])
            raise DataError(
                f"{spans} does not go with {scores}: the article "
                f"{', '.join(filter(None, keys[i]))} (row {first_row + i} of the scores) has "
                f"{want[i]} {col} there and {got[i, index[col]]} in the spans; give the spans "
                "table written by the same 'framescore score' run")


def check_scored(chunk: ScoredChunk, model, texts: Sequence[str | None] | None,
                 first: bool) -> None:
    """That ``chunk`` was scored by ``model``: its labels are the model's at its threshold,
    and (on the ``first`` chunk, with texts) its first article's logit is the model's."""
    frame = chunk.explained.scores
    if not len(frame):
        return
    labels = model.label(frame["score"].to_numpy(), "article")
    bad = np.flatnonzero(labels != frame["label"].to_numpy(dtype=object))
    if len(bad):
        i = int(bad[0])
        raise DataError(
            f"the scores were not made by this model: row {chunk.first_row + i} has score "
            f"{frame['score'].iloc[i]:.4f} labelled {frame['label'].iloc[i]!r}, which is "
            f"{labels[i]!r} at the model's threshold {model.threshold_for('article'):.4f}; "
            "pass the model that scored them (--model)")
    if first and texts is not None and texts[0]:
        mine = float(model.score([texts[0]])["logit"].iloc[0])
        theirs = float(frame["logit"].iloc[0])
        if abs(mine - theirs) > 1e-9 * max(1.0, abs(mine)):
            raise DataError(
                f"the scores were not made by this model: the first article's logit is "
                f"{theirs:.6f} in the scores and {mine:.6f} with this model; pass the model "
                "that scored them (--model)")
