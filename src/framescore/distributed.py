"""Scale-out with Dask (``pip install 'framescore[dask]'``).

- :func:`score_dataframe` scores a Dask DataFrame's text column partition by partition
  (``map_partitions``); the model enters the task graph once, as one delayed object, so each
  worker receives it once rather than with every partition.
- :func:`score_chunks` scores tagged chunks of texts on an existing cluster (a
  ``distributed.Client``): the model is scattered to every worker once, chunks are submitted
  with a bounded number in flight, and results come back in input order. ``framescore score
  --scheduler tcp://HOST:8786`` uses it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import TypeVar

import pandas as pd

from .explain import scores_with
from .model import FramingModel, load

T = TypeVar("T")

#: Chunks in flight per worker thread when scoring on a cluster.
IN_FLIGHT_PER_THREAD = 2


def _score_partition(part: pd.DataFrame, model: FramingModel, text_col: str) -> pd.DataFrame:
    texts = part[text_col].fillna("").astype(str).tolist()
    scored = model.score(texts, on_empty="score")  # a missing text scores as ""
    scored.index = part.index
    return scored


def score_dataframe(ddf, model: FramingModel | None = None, text_col: str = "text"):
    """A lazy Dask DataFrame of scores (``score``, ``label``, ``logit`` and the summary
    columns of :meth:`FramingModel.score`), aligned with ``ddf``'s index."""
    import dask

    model = model or load()
    if text_col not in ddf.columns:
        raise ValueError(f"no column {text_col!r}; columns found: {', '.join(ddf.columns)}")
    meta = model.score(["Probe."]).iloc[:0]
    return ddf.map_partitions(_score_partition, dask.delayed(model), text_col, meta=meta)


def _score_texts(texts: list[str], model: FramingModel, level: str,
                 tables: tuple[str, ...]) -> pd.DataFrame | tuple[pd.DataFrame, ...] | None:
    if not texts:
        return None
    scored = scores_with(model, texts, level, tables)
    return scored if tables else scored[0]


def score_chunks(client, model: FramingModel, chunks: Iterable[tuple[T, list[str]]],
                 level: str = "article", tables: tuple[str, ...] = ()
                 ) -> Iterator[tuple[T, pd.DataFrame | tuple[pd.DataFrame, ...] | None]]:
    """Score ``(tag, texts)`` chunks on ``client``'s cluster; yield ``(tag, scores)`` in input
    order (scores is None for an empty chunk), or ``(tag, (scores, *tables))`` with the
    explanation ``tables`` asked for (see :func:`framescore.explain.scores_with`). At most
    two chunks per worker thread are in flight, so memory stays bounded however long the
    input is."""
    [model_future] = client.scatter([model], broadcast=True)
    threads = sum(client.nthreads().values()) or 1
    window: deque = deque()
    for tag, texts in chunks:
        window.append((tag, client.submit(_score_texts, texts, model_future, level,
                                          tuple(tables), pure=False)))
        if len(window) >= threads * IN_FLIGHT_PER_THREAD:
            tag, future = window.popleft()
            yield tag, future.result()
    while window:
        tag, future = window.popleft()
        yield tag, future.result()
