"""The corpus report's per-article table, ``articles.csv``: one row per article, written chunk by
chunk as the corpus is read (so the table is never held in memory), with pyarrow's CSV writer.

Columns: id, source, row, group, time (with a time column), the kept columns, score, label,
logit, sentences, words (empty when the texts are not known) and the per-article counts
(:data:`framescore.corpus_report.COUNT_COLUMNS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

import numpy as np
import pandas as pd


class ArticlesCsv:
    """Write the per-article rows of each chunk to ``stream`` (open, binary; the caller's):
    a header first, then the rows; :meth:`close` finishes the table (nothing is written when
    no chunk came)."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self._writer = None

    def write(self, scores: pd.DataFrame, groups: Sequence[str], ids: Sequence[str],
              sources: Sequence[str] | None, rows: Sequence[int] | None,
              times: Sequence | None, extra: dict[str, Sequence] | None,
              words: np.ndarray | None, counts: np.ndarray, count_columns: Sequence[str],
              seq0: int) -> None:
        """The rows of a chunk of ``len(groups)`` articles; ``seq0``: the first one's number
        in the corpus (its row when ``rows`` is None)."""
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
            words=column(words, whole) if words is not None else column([None] * n, whole))
        for j, col in enumerate(count_columns):
            columns[col] = column(np.ascontiguousarray(counts[:, j]), whole)
        table = pa.table(columns)
        if self._writer is None:
            self._writer = pa_csv.CSVWriter(self.stream, table.schema, memory_pool=pool)
        self._writer.write_table(table)

    def close(self) -> None:
        """Finish the table (``stream`` stays open)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
