"""What a corpus report needs of each chunk of texts, explained here, in worker processes or on
a Dask cluster (:func:`explained_chunks`).

A chunk's explanation (:class:`ChunkExplanation`) is plain data, cheap to send back from a
worker: the scores table of :meth:`FramingModel.score` and one tuple per matched span. The
chunks come back in input order with a bounded number in flight, so memory stays flat
however long the corpus is, and :class:`framescore.corpus_report.CorpusReport` adds them up
in the same order, so the report is the same wherever they were explained.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .features import Span

if TYPE_CHECKING:
    from .inputs import Record

#: The fields of a span a report keeps, after its text's index.
SPAN_FIELDS = ("start", "end", "text", "feature", "category", "voice")
#: A span's tuple (as :class:`~framescore.features.BatchAnalysis` holds it) → those fields.
_SPAN_FIELDS_OF = itemgetter(*[[f.name for f in fields(Span)].index(name)
                               for name in SPAN_FIELDS])


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
    get = _SPAN_FIELDS_OF
    spans = [(i, *get(s)) for i, s in zip(index, batch.spans, strict=True)]
    return ChunkExplanation(model.article_frame(batch), spans)


def from_explanations(expl) -> ChunkExplanation:
    """A :class:`ChunkExplanation` from :func:`framescore.explain.explain_many`'s tables."""
    cols = ["text_index", *SPAN_FIELDS]
    return ChunkExplanation(expl.texts, list(zip(*(expl.spans[c].tolist() for c in cols),
                                                 strict=True)))


def explained_chunks(chunks: Iterable[list[Record]], model, pool=None,
                     scheduler: str | None = None
                     ) -> Iterator[tuple[list[Record], ChunkExplanation | None]]:
    """(chunk, :func:`explain_chunk` of its records that have text, or None when none has),
    in input order: here, in the worker processes of ``pool``
    (:func:`framescore.batch.worker_pool`), or on the Dask cluster whose scheduler is at
    ``scheduler`` (an address; needs the dask extra), as ``framescore score`` scores them."""
    if not scheduler:
        from .batch import mapped_chunks

        yield from mapped_chunks(explain_chunk, chunks, model, pool)
        return
    from distributed import Client

    from .batch import IN_FLIGHT_PER_THREAD

    try:
        client = Client(scheduler, timeout="10s")
    except OSError as exc:
        raise OSError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        [remote_model] = client.scatter([model], broadcast=True)  # to each worker, once
        limit = IN_FLIGHT_PER_THREAD * (sum(client.nthreads().values()) or 1)
        window: deque = deque()
        for chunk in chunks:
            texts = [r.text for r in chunk if r.text is not None]
            window.append((chunk, client.submit(explain_chunk, remote_model, texts,
                                                pure=False) if texts else None))
            if len(window) >= limit:
                done, future = window.popleft()
                yield done, None if future is None else future.result()
        while window:
            done, future = window.popleft()
            yield done, None if future is None else future.result()
