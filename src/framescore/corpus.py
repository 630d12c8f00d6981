"""Corpora: the records of many inputs, streamed in order and in chunks
(:func:`iter_records`, :func:`read_chunks`), and labeled corpora for training
(:func:`read_labeled`), read whole.

Scoring input is streamed, one record at a time, in input order, so memory does not grow with
the input. Every problem is a :class:`~framescore.inputs.DataError` naming the file and, where
it applies, the line or column.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .inputs import (
    DataError,
    InputFile,
    InputFormatError,
    Record,
    RecordError,
    decompression_errors,
    input_files,
    input_format,
    open_binary,
    read_stdin,
    read_text_file,
    record_place,
)
from .tables import (
    check_columns,
    is_missing,
    iter_csv,
    iter_jsonl,
    iter_parquet,
    read_table,
    to_record,
)


def iter_records(inputs: list[str], text_col: str = "text", id_col: str | None = None,
                 sep: str | None = None, skip_bad_lines: bool = False,
                 as_format: str | None = None, keep: tuple[str, ...] = ()) -> Iterator[Record]:
    """Stream the records of every input, in order. Text files (and ``-``, stdin) are one
    record each, keyed by file name; folders are walked recursively for text files in
    sorted order (:func:`~framescore.inputs.input_files`). ``as_format`` (one of
    :data:`~framescore.inputs.INPUT_FORMATS`) reads every file, and stdin, as that format
    whatever its name. With ``skip_bad_lines``,
    a JSONL line that is not valid UTF-8, malformed, not an object or without the text
    field, and a CSV row with too many fields, becomes a record with ``text=None`` and the
    reason (a JSONL line's number) instead of a :class:`DataError`. ``keep`` names columns
    whose values each table record carries in ``extra`` (a CSV or Parquet file without one
    is an error; a JSONL line without one has None)."""
    keep = tuple(keep)
    given = as_format
    if given == "tsv" and not sep:
        sep = "\t"
    for f in input_files(inputs, given):
        yield from _records_of(f, text_col, id_col, sep, skip_bad_lines, keep)


def _records_of(f: InputFile, text_col: str, id_col: str | None, sep: str | None,
                skip_bad_lines: bool, keep: tuple[str, ...]) -> Iterator[Record]:
    """The records of one input file (see :func:`iter_records`)."""
    if f.kind == "stdin":
        yield to_record("-", 0, read_stdin(), "-", "text")
    elif f.path == "-":
        yield from _iter_stdin_table(f.kind, text_col, id_col, sep, skip_bad_lines, keep)
    elif f.kind == "txt":
        yield to_record(f.path, 0, read_text_file(f.path), Path(f.path).name, "text")
    elif f.kind == "csv":
        yield from iter_csv(Path(f.path), text_col, id_col, sep, skip_bad_lines, keep)
    elif f.kind == "jsonl":
        with decompression_errors(f.path), open_binary(f.path) as fh:
            yield from iter_jsonl(fh, f.path, text_col, id_col, skip_bad_lines, keep)
    else:
        yield from iter_parquet(Path(f.path), text_col, id_col, keep)


def _iter_stdin_table(fmt: str, text_col: str, id_col: str | None, sep: str | None,
                      skip_bad_lines: bool, keep: tuple[str, ...] = ()) -> Iterator[Record]:
    """The records of a table on stdin: copied to a temporary file first (a CSV file may be
    read twice, a Parquet file needs seeking), named ``-`` in records and errors."""
    suffix = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}[fmt]
    stream = getattr(sys.stdin, "buffer", None)
    with tempfile.TemporaryDirectory(prefix="framescore-stdin-") as folder:
        copy = Path(folder) / f"stdin{suffix}"
        with open(copy, "wb") as fh:
            if stream is not None:
                shutil.copyfileobj(stream, fh, 1 << 20)
            else:
                fh.write(sys.stdin.read().encode("utf-8"))
        try:
            for rec in iter_records([str(copy)], text_col, id_col, sep, skip_bad_lines, fmt,
                                    keep):
                rec.source = "-"
                yield rec
        except DataError as exc:
            raise type(exc)(str(exc).replace(str(copy), "-")) from None


def _looks_like_json(text: str) -> bool:
    """Whether ``text`` (stdin, read as one article) starts with a JSON object line."""
    first = next((line for line in text.splitlines() if line.strip()), "").strip()
    if not (first.startswith("{") and first.endswith("}")):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _file_reason(path: str, exc: DataError) -> str:
    """A file-level error as a skip reason (the path is in the ``source`` field already)."""
    msg = str(exc)
    if msg.startswith(f"{path}:"):
        msg = msg[len(path) + 1 :].lstrip()
        msg = re.sub(r"^(\d+): ", r"line \1: ", msg)
    return msg


def read_chunks(files: list[InputFile], *, text_col: str = "text", id_col: str | None = None,
                sep: str | None = None, skip: bool = False, size: int = 1000,
                stdin_is_text: bool = False, keep: tuple[str, ...] = ()
                ) -> Iterator[list[Record]]:
    """Records of every input file (:func:`~framescore.inputs.input_files`) in chunks of
    ``size``. Without ``skip``, the first record that cannot be scored stops the run with its
    file and row (a DataError); with it, such records come with ``text=None`` and their
    reason, and so does an article file that cannot be read. Stdin read as one article that
    starts with a JSON object line is an :class:`~framescore.inputs.InputFormatError` (a
    JSONL table piped without ``--input-format jsonl``), unless ``stdin_is_text``."""
    chunk: list[Record] = []
    for f in files:
        try:
            if f.kind == "stdin":
                text = read_stdin()
                if not stdin_is_text and _looks_like_json(text):
                    raise InputFormatError(
                        "stdin looks like JSONL (a JSON object on its first line), not an "
                        "article: pass --input-format jsonl to read it as a table, or "
                        "--input-format txt to score it as one text")
                records = [Record("-", 0, "-", text, "") if text.strip()
                           else Record("-", 0, "-", None, "empty text")]
            else:
                records = iter_records([f.path], text_col, id_col, sep, skip_bad_lines=skip,
                                       as_format=f.kind, keep=keep)
            for rec in records:
                if rec.text is None and not skip:
                    raise RecordError(f"{record_place(rec, f.kind)}: {rec.reason}")
                chunk.append(rec)
                if len(chunk) >= size:
                    yield chunk
                    chunk = []
        except DataError as exc:
            article = f.kind in ("txt", "stdin")
            if skip and article:  # an unreadable article file is one skipped record
                chunk.append(Record(f.path, 0, Path(f.path).name, None,
                                    _file_reason(f.path, exc)))
            elif not skip and (article or isinstance(exc, RecordError)):
                raise DataError(f"{exc} (use --on-error skip to skip such records)") from None
            else:
                raise
    if chunk:
        yield chunk


@dataclass
class LabeledData:
    texts: list[str]
    y: np.ndarray  # 1 = positive (framed), 0 = negative
    groups: np.ndarray | None
    dropped: int  # rows whose label was neither positive nor negative, or whose text was empty
    sha256: str  # of the file read (of the texts, in order, for a folder)
    #: Character spans of the words annotators marked in each text (``words_col``), or None.
    spans: list[list[tuple[int, int]]] | None = None


def combine_labeled(parts: list[LabeledData]) -> LabeledData:
    """Several labeled corpora as one, in order (texts of a corpus without marked words get
    none when another has them; the SHA-256 is that of the parts' hashes)."""
    if len(parts) == 1:
        return parts[0]
    has_groups = [p.groups is not None for p in parts]
    if any(has_groups) and not all(has_groups):
        raise ValueError("either every corpus has groups or none has")
    spans = None
    if any(p.spans is not None for p in parts):
        spans = [s for p in parts for s in (p.spans or [[] for _ in p.texts])]
    return LabeledData(
        texts=[t for p in parts for t in p.texts],
        y=np.concatenate([p.y for p in parts]),
        groups=np.concatenate([p.groups for p in parts]) if all(has_groups) else None,
        dropped=sum(p.dropped for p in parts),
        sha256=hashlib.sha256("".join(p.sha256 for p in parts).encode()).hexdigest(),
        spans=spans,
    )


def _read_folder(root: Path, labels: str | None, sep: str | None) -> pd.DataFrame:
    """A folder of .txt files with a labels table (``labels.csv``/``.tsv``/``.jsonl`` inside
    it, or ``labels``) that has a ``file`` column naming each text file."""
    candidates = [Path(labels)] if labels else [root / f"labels{s}" for s in
                                                 (".csv", ".tsv", ".jsonl", ".parquet")]
    table_path = next((p for p in candidates if p.exists()), None)
    if table_path is None:
        raise DataError(f"{root}: a folder needs a labels file (labels.csv with a 'file' "
                        "column) or --labels PATH")
    table = read_table(table_path, sep)
    check_columns(table_path, list(table.columns), "file")
    texts = []
    for line, name in enumerate(table["file"], start=2):
        file = root / str(name)
        if not file.is_file():
            raise DataError(f"{table_path}:{line}: no file {name!r} in {root}")
        texts.append(read_text_file(file))
    return table.assign(text=texts)


def _check_texts(path: Path, text: pd.Series, text_col: str) -> None:
    """Refuse a text column holding numbers, lists or other non-text values."""
    if text.dtype.kind in "biufcmM":
        raise DataError(f"{path}: column {text_col!r} has type {text.dtype}, expected text")
    for row, value in enumerate(text):
        if not (isinstance(value, str) or is_missing(value)):
            raise DataError(f"{path}: row {row}: column {text_col!r} holds "
                            f"{type(value).__name__}, not text")


def read_labeled(path: str | Path, *, text_col: str = "text", label_col: str = "label",
                 positive: str, negative: str | None = None, group_col: str | None = None,
                 sep: str | None = None, labels: str | None = None,
                 words_col: str | None = None) -> LabeledData:
    """Read a labeled corpus. Rows labeled ``positive`` are 1; rows labeled ``negative`` (or,
    when it is None, the one other non-empty label) are 0; other rows and empty texts are
    dropped and counted. Without ``negative``, a label column with two or more values besides
    ``positive`` is an error (which of them is neutral?), as is a text column holding anything
    but text. ``words_col`` names a column of the words annotators marked in each text
    (``['a', 'b']`` as in BABE, or ``a|b``): they become :attr:`LabeledData.spans`."""
    path = Path(path)
    if input_format(path) == "dir":
        table = _read_folder(path, labels, sep)
        text_col = "text"
        digest = hashlib.sha256("\0".join(table["text"]).encode("utf-8")).hexdigest()
    else:
        table = read_table(path, sep)
        with open(path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
    check_columns(path, list(table.columns), text_col, label_col, group_col, words_col)
    label = table[label_col].astype(str).str.strip()
    is_pos = label == str(positive)
    if negative is not None:
        is_neg = label == str(negative)
        if not is_neg.any():
            values = ", ".join(sorted(label.unique())[:10])
            raise DataError(f"{path}: column {label_col!r} has no value {negative!r}; "
                            f"values found: {values}")
    else:
        is_neg = ~is_pos & table[label_col].notna() & (label != "")
    if not is_pos.any():
        values = ", ".join(sorted(label.unique())[:10])
        raise DataError(f"{path}: column {label_col!r} has no value {positive!r}; values "
                        f"found: {values}")
    if negative is None:  # "any other label" must be one label, not a mix of unexpected ones
        others = sorted(set(label[is_neg]))
        if len(others) > 1:
            raise DataError(f"{path}: column {label_col!r} has {len(others)} values besides "
                            f"{positive!r} ({', '.join(others[:10])}); pass --negative VALUE to "
                            "name the neutral one (rows with other labels are then dropped)")
    text = table[text_col]
    _check_texts(path, text, text_col)
    has_text = text.notna() & (text.astype(str).str.strip() != "")
    keep = (is_pos | is_neg) & has_text
    kept = table[keep]
    texts = kept[text_col].astype(str).tolist()
    spans = None
    if words_col:
        from .terms import parse_word_list, word_spans  # the text tools, only when needed

        try:
            spans = [word_spans(t, parse_word_list(w))
                     for t, w in zip(texts, kept[words_col].tolist(), strict=True)]
        except ValueError as exc:
            raise DataError(f"{path}: column {words_col!r}: {exc}") from None
    return LabeledData(
        texts=texts,
        y=is_pos[keep].to_numpy().astype(int),
        groups=kept[group_col].astype(str).to_numpy() if group_col else None,
        dropped=int((~keep).sum()),
        sha256=digest,
        spans=spans,
    )
