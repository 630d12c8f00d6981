"""Chunked scoring: in this process, in worker processes, or on a Dask cluster.

- :func:`scores_with` scores a list of texts, with the explanation tables asked for beside the
  scores, in one pass; :func:`score_columns` and :data:`TABLE_COLUMNS` declare the columns (and
  their kinds) of what it returns, for writers that need a schema before the first row.
- :func:`scored_chunks` scores chunks of records in input order (each row with
  ``looks_english``, :data:`RECORD_COLUMNS`): here, in the worker
  processes of :func:`worker_pool` (a fork server, each worker with a copy of the model), or
  on a Dask cluster; a bounded number of chunks is in flight, so memory stays flat however
  long the input is.
- Dask (``pip install 'framescore[dask]'``): :func:`score_dataframe` scores a Dask
  DataFrame's text column partition by partition; :func:`score_chunks` scores tagged chunks
  on an existing cluster (a ``distributed.Client``).
"""

from __future__ import annotations

import gc
import json
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pandas as pd

from .explain import explain_many
from .inputs import TABLE_KINDS
from .language import looks_english_many
from .model import SUMMARY_FEATURES, FramingModel, load

if TYPE_CHECKING:
    from .inputs import InputFile, Record

T = TypeVar("T")

# --- scores, with explanation tables, and their columns -----------------------------------------

#: The tables of :class:`~framescore.explain.Explanations` that can accompany scores
#: (:func:`scores_with`).
TABLES = ("spans", "contributions")


def scores_with(model: FramingModel, texts: list[str], level: str = "article",
                tables: tuple[str, ...] = ()) -> tuple[pd.DataFrame, ...]:
    """``model.score(texts, level=level)``, followed by the :class:`Explanations` tables
    named in ``tables`` (of :data:`TABLES`), computed in the same pass over the texts."""
    if not tables or level not in ("article", "sentence"):
        return (model.score(texts, level=level),)  # which checks the level
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; expected some of {TABLES}")
    expl = explain_many(model, texts)
    scores = expl.texts if level == "article" else expl.sentences
    return (scores, *(getattr(expl, name) for name in tables))


def score_columns(model: FramingModel, level: str = "article") -> dict[str, str]:
    """The columns of scored rows, each with its kind (``string``, ``int`` or ``float``), in
    output order. Article level: ``score``, ``label``, ``logit``, ``sentences`` and the
    summary counts (:data:`framescore.model.SUMMARY_FEATURES`) the model has; sentence level:
    ``sentence``, ``start``, ``end``, ``text`` (the sentence, which the caller cuts from its
    record), ``score``, ``label``, ``logit``. (``text_index``, which ties a row to its text in
    :meth:`FramingModel.score`'s frames, is not an output column.)"""
    if level == "sentence":
        return {"sentence": "int", "start": "int", "end": "int", "text": "string",
                "score": "float", "label": "string", "logit": "float"}
    if level != "article":
        raise ValueError(f"level must be 'article' or 'sentence', not {level!r}")
    names = set(model.feature_names.tolist())
    return {"score": "float", "label": "string", "logit": "float", "sentences": "int",
            **{column: "int" for column, feature in SUMMARY_FEATURES.items()
               if feature in names}}


#: The columns chunked scoring (:func:`scored_chunks`, :func:`score_records`) adds after
#: :func:`score_columns`: whether the row's text looks like English
#: (:func:`framescore.language.looks_english`; at sentence level, the whole text's), and, when
#: lexicons were added at scoring time, ``lexicons`` (:func:`framescore.overlay.lexicons_tag`:
#: ``model:<sha256>;<file>:<sha256>``).
RECORD_COLUMNS = {"looks_english": "bool"}
LEXICONS_COLUMN = {"lexicons": "string"}


def record_columns(lexicons: bool = False) -> dict[str, str]:
    """The columns :func:`score_records` adds after :func:`score_columns` (with ``lexicons``
    when it is given lexicons)."""
    return {**RECORD_COLUMNS, **(LEXICONS_COLUMN if lexicons else {})}


#: The columns of each explanation table of :func:`scores_with` (without ``text_index``).
TABLE_COLUMNS = {
    "spans": {"sentence": "int", "start": "int", "end": "int", "text": "string",
              "feature": "string", "category": "string", "voice": "string",
              "contribution": "float", "neutral": "string"},
    "contributions": {"feature": "string", "value": "float", "weight": "float",
                      "contribution": "float"},
}


def meta_columns(files: list[InputFile], id_col: str | None = None) -> dict[str, str]:
    """The columns that say where each scored row comes from, as the inputs call for:
    ``source`` when there are several files, ``id`` (the ``id_col`` value, or an article
    file's name), ``row`` (its 0-based row in a table without ``id_col``)."""
    kinds = {f.kind for f in files}
    meta: dict[str, str] = {}
    if len(files) > 1:
        meta["source"] = "string"
    if id_col or kinds - set(TABLE_KINDS):
        meta["id"] = "string"
    if kinds & set(TABLE_KINDS) and not id_col:
        meta["row"] = "int"
    return meta


def _keep_value(value):
    """A kept column's value as text (None when missing: None, NaN or pandas' NA)."""
    if value is None or (isinstance(value, float) and value != value) or (
            type(value).__name__ == "NAType"):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def with_meta(frame: pd.DataFrame, records: list[Record], meta: dict[str, str],
              keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Prepend source/id/row, and the ``keep`` columns, to scored rows (article level: one
    per record; sentence level: ``text_index`` points to the record)."""
    if "text_index" in frame.columns:
        owners = [records[i] for i in frame["text_index"]]
        frame = frame.drop(columns=["text_index"])
        if "text" not in frame.columns and "end" in frame.columns:  # sentence level
            frame.insert(list(frame.columns).index("end") + 1, "text", [
                r.text[start:end] for r, start, end in zip(owners, frame["start"].tolist(),
                                                            frame["end"].tolist(), strict=True)])
    else:
        owners = records
    values = {"source": [r.source for r in owners], "id": [r.key for r in owners],
              "row": [r.row for r in owners]}
    for k, name in enumerate(meta):
        frame.insert(k, name, values[name])
    for k, name in enumerate(keep, start=len(meta)):
        frame.insert(k, name, [_keep_value(r.extra.get(name)) if r.extra else None
                               for r in owners])
    return frame


@dataclass
class Scored:
    """A chunk of records, scored: its records with text (``valid``) and without (``bad``,
    each with its reason), the scores of the valid ones and the explanation tables asked
    for, with the ``meta`` (and ``keep``) columns first (None when none has text), and how
    many of the valid records do not look like English."""

    records: list[Record]
    valid: list[Record]
    bad: list[Record]
    scores: pd.DataFrame | None
    tables: list[pd.DataFrame]
    not_english: int = 0


def score_records(chunks: Iterable[list[Record]], model: FramingModel, *, level: str = "article",
                  meta: dict[str, str] | None = None, keep: tuple[str, ...] = (),
                  tables: tuple[str, ...] = (), pool=None, scheduler: str | None = None,
                  lexicons: str | None = None) -> Iterator[Scored]:
    """Score chunks of records (:func:`scored_chunks`) and tie each row to its record: the
    ``meta`` columns (:func:`meta_columns`), the ``keep`` columns of its record, and at
    sentence level the sentence's text; with ``lexicons`` (the lexicons in force, as
    :func:`framescore.overlay.lexicons_tag` writes them), a ``lexicons`` column of that value;
    in input order, chunk by chunk."""
    meta = meta or {}
    for chunk, scored in scored_chunks(chunks, model, level, pool, scheduler, tuple(tables)):
        valid = [r for r in chunk if r.text is not None]
        bad = [r for r in chunk if r.text is None]
        frame, explained, not_english = None, [], 0
        if scored is not None:
            frame, *rest = scored
            flagged = ~frame["looks_english"].to_numpy(dtype=bool)
            not_english = (len(set(frame["text_index"].to_numpy()[flagged].tolist()))
                           if "text_index" in frame.columns else int(flagged.sum()))
            frame = with_meta(frame, valid, meta, keep)
            if lexicons is not None:
                frame["lexicons"] = lexicons
            explained = [with_meta(table, valid, meta) for table in rest]
        yield Scored(chunk, valid, bad, frame, explained, not_english)


def _score_texts(model: FramingModel, texts: list[str], level: str,
                 tables: tuple[str, ...]) -> tuple[pd.DataFrame, ...] | None:
    """:func:`scores_with` of ``texts``, its scores with ``looks_english``
    (:data:`RECORD_COLUMNS`), or None when there are none."""
    if not texts:
        return None
    scores, *rest = scores_with(model, texts, level, tables)
    english = np.asarray(looks_english_many(texts), dtype=bool)
    scores["looks_english"] = (english[scores["text_index"].to_numpy()]
                               if "text_index" in scores.columns else english)
    return (scores, *rest)


# --- chunks, here or in worker processes --------------------------------------------------------


def scored_chunks(chunks: Iterable[list[Record]], model: FramingModel, level: str, pool=None,
                  scheduler: str | None = None, tables: tuple[str, ...] = ()
                  ) -> Iterator[tuple[list[Record], tuple | None]]:
    """(chunk, None or (scores, *tables) of its records that have text), in input order;
    ``tables`` names the explanation tables wanted beside the scores (:func:`scores_with`);
    the scores have ``looks_english`` too (:data:`RECORD_COLUMNS`).
    With ``pool`` (from :func:`worker_pool`) the chunks are scored in worker processes, with
    ``scheduler`` (an address) on a Dask cluster; either way a bounded number of chunks is in
    flight, so memory stays flat however long the input is."""
    if scheduler:
        yield from _scored_on_cluster(chunks, model, level, scheduler, tables)
        return
    if pool is None:
        for chunk in chunks:
            texts = [r.text for r in chunk if r.text is not None]
            yield chunk, _score_texts(model, texts, level, tables)
        return
    from concurrent.futures.process import BrokenProcessPool

    # Until the pool is up and a worker has returned a result, the parent scores chunks
    # itself instead of waiting.
    jobs = pool.jobs
    pending: deque = deque()  # (chunk, its Future, whether a worker has it), in input order
    in_flight = 0  # chunks handed to the workers and not yet taken back
    started = False
    try:
        for chunk in chunks:
            texts = [r.text for r in chunk if r.text is not None]
            started = started or any(remote and f.done() for _, f, remote in pending)
            if ((not pool.starting.done() or (not started and in_flight >= jobs))
                    and len(pending) < _MAX_LOCAL_CHUNKS):
                scored = Future()
                scored.set_result(_score_texts(model, texts, level, tables))
                pending.append((chunk, scored, False))
            else:
                task = pool.starting.result().submit(_worker_score, texts, level, tables)
                pending.append((chunk, task, True))
                in_flight += 1
            while pending and (in_flight >= 4 * jobs or pending[0][1].done()):
                done, result, remote = pending.popleft()
                in_flight -= remote
                yield done, result.result()
        while pending:
            done, result, _ = pending.popleft()
            yield done, result.result()
    except BrokenProcessPool:
        raise RuntimeError(WORKER_DIED) from None


def mapped_chunks(func: Callable[[FramingModel, list[str]], T], chunks: Iterable[list[Record]],
                  model: FramingModel, pool=None) -> Iterator[tuple[list[Record], T | None]]:
    """(chunk, ``func(model, texts)`` of its records that have text, or None), in input
    order; with ``pool`` (from :func:`worker_pool`) in the worker processes (``func`` must be
    a module-level function: it is sent by name), a bounded number of chunks in flight (the
    parent runs chunks itself until the workers are up)."""
    from concurrent.futures.process import BrokenProcessPool

    def done_now(value) -> Future:
        future: Future = Future()
        future.set_result(value)
        return future

    pending: deque = deque()
    try:
        for chunk in chunks:
            texts = [r.text for r in chunk if r.text is not None]
            if not texts:
                pending.append((chunk, done_now(None)))
            elif pool is None or (not pool.starting.done()
                                  and len(pending) < _MAX_LOCAL_CHUNKS):
                pending.append((chunk, done_now(func(model, texts))))
            else:
                pending.append((chunk, pool.starting.result().submit(_worker_apply, func,
                                                                     texts)))
            limit = 4 * pool.jobs if pool is not None else 1
            while pending and (len(pending) >= limit or pending[0][1].done()):
                chunk_done, future = pending.popleft()
                yield chunk_done, future.result()
        while pending:
            chunk_done, future = pending.popleft()
            yield chunk_done, future.result()
    except BrokenProcessPool:
        raise RuntimeError(WORKER_DIED) from None


#: The error of a run whose worker process died.
WORKER_DIED = ("a worker process stopped unexpectedly (killed, perhaps for lack of memory); "
               "run again, perhaps with fewer -j jobs or a smaller --chunk-size")

#: At most this many chunks are scored in the parent while the worker processes start.
_MAX_LOCAL_CHUNKS = 64

_WORKER_MODEL: FramingModel | None = None


def _init_worker(pickled_model: bytes) -> None:
    """Worker initializer: keep the parent's model (loaded and verified there, pickled by it
    and sent through the pool's pipe: no model file is read)."""
    import pickle

    global _WORKER_MODEL
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # _stop_workers must end a worker
    model = pickle.loads(pickled_model)
    _ = model.features.lexicon  # builds the lookup tables (never pickled) now, so that
    gc.freeze()  # they, like the unpickled model, stay out of garbage collections
    _WORKER_MODEL = model


def _worker_score(texts: list[str], level: str, tables: tuple[str, ...]):
    return _score_texts(_WORKER_MODEL, texts, level, tables)


def _worker_apply(func, texts: list[str]):
    return func(_WORKER_MODEL, texts)


@dataclass(frozen=True)
class _Workers:
    starting: Future  # of the ProcessPoolExecutor, its workers started
    jobs: int


@cache
def worker_context():
    """The multiprocessing context of the worker processes, its fork server started.

    Not fork: forking a process that runs threads (pyarrow's allocator, BLAS) can leave a
    child blocked forever on a lock held at the time of the fork. A fork server imports
    framescore once and forks clean workers from it; spawn where there is none (Windows).
    The fork server starts at once and imports in the background, while the parent goes
    on with its own imports.
    """
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        context.set_forkserver_preload(["framescore.batch", "framescore.model",
                                        "framescore.explain"])
        forkserver.ensure_running()
    return context


@contextmanager
def worker_pool(model: FramingModel, jobs: int) -> Iterator[_Workers]:
    """Start ``jobs`` worker processes, each with a copy of ``model``, in the background;
    stop them at exit.

    A worker that dies (killed, out of memory) fails the run at once: a
    ``ProcessPoolExecutor`` fails every pending chunk (``BrokenProcessPool``), where a
    ``multiprocessing.Pool`` would wait forever for its chunk, and then again, when stopped,
    for a lock the dead worker held.

    Starting a worker blocks until the fork server is up (it imports framescore, which takes
    seconds), so the workers are started in a thread while the parent goes on scoring the
    first chunks. The model is pickled here, at once: pickled in that thread, it could change
    under the pickler while the parent uses it (a cached property filled in at first use).
    """
    import pickle
    from concurrent.futures import ThreadPoolExecutor

    pickled = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    with ThreadPoolExecutor(1) as starter:
        starting = starter.submit(_start_workers, jobs, pickled)
        try:
            yield _Workers(starting, jobs)
        finally:
            _stop_workers(starting.result())


def _start_workers(jobs: int, pickled_model: bytes):
    """A process pool of ``jobs`` workers, all started (they are otherwise started one by one,
    by the submissions that find none idle)."""
    from concurrent.futures import ProcessPoolExecutor, wait

    executor = ProcessPoolExecutor(jobs, mp_context=worker_context(), initializer=_init_worker,
                                   initargs=(pickled_model,))
    wait([executor.submit(int) for _ in range(jobs)])  # int() is 0: a task that does nothing
    return executor


def _stop_workers(executor) -> None:
    """End the workers now, busy or not (on an error or Ctrl-C, their chunks are not wanted;
    after a complete run they are idle)."""
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
    else:
        for process in list((executor._processes or {}).values()):
            process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)


# --- Dask ---------------------------------------------------------------------------------------

#: Chunks in flight per worker thread when scoring on a cluster.
IN_FLIGHT_PER_THREAD = 2


def dask_installed() -> bool:
    """Whether the dask extra (``distributed``) can be imported."""
    from importlib.util import find_spec

    return find_spec("distributed") is not None


def _score_partition(part: pd.DataFrame, model: FramingModel, text_col: str) -> pd.DataFrame:
    texts = part[text_col].fillna("").astype(str).tolist()
    scored = model.score(texts, on_empty="score")  # a missing text scores as ""
    scored.index = part.index
    return scored


def score_dataframe(ddf, model: FramingModel | None = None, text_col: str = "text"):
    """A lazy Dask DataFrame of scores (``score``, ``label``, ``logit`` and the summary
    columns of :meth:`FramingModel.score`), aligned with ``ddf``'s index. The model enters
    the task graph once, as one delayed object, so each worker receives it once rather than
    with every partition."""
    import dask

    model = model or load()
    if text_col not in ddf.columns:
        raise ValueError(f"no column {text_col!r}; columns found: {', '.join(ddf.columns)}")
    meta = model.score(["Probe."]).iloc[:0]
    return ddf.map_partitions(_score_partition, dask.delayed(model), text_col, meta=meta)


def _on_cluster(client, model: FramingModel, chunks: Iterable[tuple[T, list[str]]],
                level: str, tables: tuple[str, ...]
                ) -> Iterator[tuple[T, tuple[pd.DataFrame, ...] | None]]:
    """``(tag, _score_texts(texts))`` of ``(tag, texts)`` chunks scored on ``client``'s
    cluster, in input order: the model is scattered to every worker once, and at most
    :data:`IN_FLIGHT_PER_THREAD` chunks per worker thread are in flight."""
    [model_future] = client.scatter([model], broadcast=True)
    threads = sum(client.nthreads().values()) or 1
    window: deque = deque()
    for tag, texts in chunks:
        window.append((tag, client.submit(_score_texts, model_future, texts, level,
                                          tuple(tables), pure=False)))
        if len(window) >= threads * IN_FLIGHT_PER_THREAD:
            tag, future = window.popleft()
            yield tag, future.result()
    while window:
        tag, future = window.popleft()
        yield tag, future.result()


def score_chunks(client, model: FramingModel, chunks: Iterable[tuple[T, list[str]]],
                 level: str = "article", tables: tuple[str, ...] = ()
                 ) -> Iterator[tuple[T, pd.DataFrame | tuple[pd.DataFrame, ...] | None]]:
    """Score ``(tag, texts)`` chunks on ``client``'s cluster; yield ``(tag, scores)`` in input
    order (scores is None for an empty chunk), or ``(tag, (scores, *tables))`` with the
    explanation ``tables`` asked for (see :func:`scores_with`). At most two chunks per worker
    thread are in flight, so memory stays bounded however long the input is."""
    for tag, result in _on_cluster(client, model, chunks, level, tables):
        yield tag, result if result is None or tables else result[0]


def _scored_on_cluster(chunks: Iterable[list[Record]], model: FramingModel, level: str,
                       scheduler: str, tables: tuple[str, ...]):
    """:func:`scored_chunks` on the Dask cluster whose scheduler is at ``scheduler``."""
    from distributed import Client

    try:
        client = Client(scheduler, timeout="10s")
    except OSError as exc:
        raise OSError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        tagged = ((chunk, [r.text for r in chunk if r.text is not None]) for chunk in chunks)
        yield from _on_cluster(client, model, tagged, level, tables)
