"""Readers and writers: .txt files, folders, CSV/TSV (delimiter sniffed), JSONL, Parquet, stdin.

Scoring input is streamed (:func:`iter_records`), one record at a time, in input order, so
memory does not grow with the input. Labeled training data is read whole
(:func:`read_labeled`). Every problem is a :class:`DataError` naming the file and, where it
applies, the line or column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson
import pandas as pd

TABLE_FORMATS = {".csv": "csv", ".tsv": "csv", ".tab": "csv", ".jsonl": "jsonl",
                 ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}
SEPARATORS = ",;\t"
CHUNK_ROWS = 2000


class DataError(ValueError):
    """Bad input data; the message names the file and the line or column."""


class RecordError(DataError):
    """One record of a table cannot be read (a JSONL line, a CSV row); the records around
    it can be (:func:`iter_records` with ``skip_bad_lines`` skips it)."""


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(slots=True)
class Record:
    """One input record: ``key`` is the id (file name or ``--id-col`` value) or None, ``row`` its
    0-based position in its file, ``text`` the text or None when the record must be skipped
    for ``reason``."""

    source: str
    row: int
    key: str | None
    text: str | None
    reason: str = ""


def input_format(path: str | Path) -> str:
    """``txt``, ``dir``, ``csv``, ``jsonl``, ``parquet`` or ``stdin``; DataError otherwise."""
    if str(path) == "-":
        return "stdin"
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file or directory")
    if path.is_dir():
        return "dir"
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "txt"
    if suffix in TABLE_FORMATS:
        return TABLE_FORMATS[suffix]
    known = ", ".join(sorted({*TEXT_SUFFIXES, *TABLE_FORMATS}))
    raise DataError(f"{path}: unknown file type {suffix or '(no extension)'!r}; "
                    f"expected one of {known}")


def _not_utf8(path: str | Path, line: int, offset: int, byte: int) -> DataError:
    return DataError(f"{path}:{line}: not valid UTF-8 (byte 0x{byte:02x} at offset {offset}); "
                     "convert the file to UTF-8")


def invalid_byte(raw: bytes, exc: UnicodeDecodeError) -> tuple[int, int, int]:
    """(line, offset, value) of the byte of ``raw`` that ``exc`` (from decoding ``raw``)
    is about. With ``utf-8-sig`` the error counts from after the byte-order mark."""
    offset = len(raw) - len(exc.object) + exc.start
    return raw.count(b"\n", 0, offset) + 1, offset, raw[offset]


def not_utf8_error(path: str | Path) -> DataError:
    """The error for a file that is not valid UTF-8, naming the line of its first invalid byte
    (the file is read again in blocks, so this works for files of any size)."""
    line, offset, carry = 1, 0, b""
    with open(path, "rb") as fh:
        while True:
            block = fh.read(1 << 20)
            data = carry + block
            try:
                data.decode("utf-8")
                good = len(data)
            except UnicodeDecodeError as exc:
                if not (block and exc.end == len(data) and exc.reason == "unexpected end of data"):
                    return _not_utf8(path, line + data.count(b"\n", 0, exc.start),
                                     offset + exc.start, data[exc.start])
                good = exc.start  # a character cut at the end of the block: read on
            if not block:
                return DataError(f"{path}: not valid UTF-8; convert the file to UTF-8")
            line += data.count(b"\n", 0, good)
            offset += good
            carry = data[good:]


def read_text_file(path: str | Path) -> str:
    """A whole text file as UTF-8 (a BOM is dropped, CRLF kept). Invalid UTF-8 is an error
    naming the line: framescore does not guess encodings."""
    path = Path(path)
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise DataError(f"{path}: looks like a binary file (NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, *invalid_byte(raw, exc)) from None


def sniff_sep(path: str | Path, sep: str | None = None) -> str:
    """The delimiter of a CSV/TSV file: ``sep`` if given, tab for .tsv, else sniffed among
    comma, semicolon and tab from the first lines."""
    if sep:
        return "\t" if sep in ("\\t", "tab") else sep
    path = Path(path)
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        sample = fh.read(256 * 1024)
    lines = sample.splitlines(keepends=True)
    if len(sample) == 256 * 1024 and len(lines) > 1:
        lines = lines[:-1]  # drop a possibly cut last line

    def consistency(delim: str) -> tuple[bool, int]:
        counts = [len(r) for r in csv.reader(io.StringIO("".join(lines)), delimiter=delim)]
        return (len(set(counts)) == 1 and counts[0] > 1), counts[0] if counts else 0

    scored = {d: consistency(d) for d in SEPARATORS}
    return max(SEPARATORS, key=lambda d: (*scored[d], -SEPARATORS.index(d)))


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _check_columns(path, columns, *wanted: str | None) -> None:
    for col in wanted:
        if col is not None and col not in columns:
            found = ", ".join(map(str, columns)) or "(none)"
            raise DataError(f"{path}: no column {col!r}; columns found: {found}")


def _record(source: str, row: int, text, key, text_col: str) -> Record:
    key = None if _is_missing(key) else str(key)
    if _is_missing(text):
        return Record(source, row, key, None, f"missing text in column {text_col!r}")
    if not isinstance(text, str):
        return Record(source, row, key, None,
                      f"column {text_col!r} holds {type(text).__name__}, not text")
    if not text.strip():
        return Record(source, row, key, None, "empty text")
    return Record(source, row, key, text)


def _csv_columns(path: Path, frame: pd.DataFrame) -> list:
    """The columns of a CSV file; a blank header (a whitespace-only file) is no header."""
    columns = list(frame.columns)
    if not any(str(c).strip() for c in columns):
        raise DataError(f"{path}: empty file (no header row)")
    return columns


#: pandas' warning for a row it skipped; its "line" counts records, the header being 1.
_SKIPPED_ROW_RE = re.compile(r"Skipping line (\d+): (.+)")


def _iter_csv(path: Path, text_col: str, id_col: str | None, sep: str | None,
              skip_bad_rows: bool = False):
    """Records of a CSV/TSV file. With ``skip_bad_rows``, a row with more fields than the
    header is a skipped record at its own position, and a quote left open (which swallows the
    rest of the file) is a last skipped record, instead of a :class:`DataError`."""
    delimiter = sniff_sep(path, sep)
    source = str(path)
    pending: list[tuple[int, str]] = []  # (row, reason) of rows pandas skipped
    row = 0
    with _table_errors(path):
        reader = pd.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False,
                             na_values=[], chunksize=CHUNK_ROWS, encoding="utf-8-sig",
                             skip_blank_lines=False,
                             on_bad_lines="warn" if skip_bad_rows else "error")
        chunks = iter(reader)
        while True:
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", pd.errors.ParserWarning)
                    chunk = next(chunks, None)
            except pd.errors.ParserError:
                if not skip_bad_rows:
                    # pandas counts lines its own way: name the row as the records do
                    bad = next((r for r in _iter_csv_strictly(path, delimiter, text_col, id_col,
                                                              first=row)
                                if r.text is None and r.reason.startswith("malformed")), None)
                    if bad is None:
                        raise
                    raise RecordError(f"{path}: row {bad.row}: {bad.reason}") from None
                # pandas read ahead into a quote left open and lost the whole chunk: the rest
                # of the file, from the first row not yielded yet, with Python's csv module
                yield from _iter_csv_strictly(path, delimiter, text_col, id_col, first=row)
                return
            pending += _skipped_rows(path, caught)
            if chunk is None:
                break
            _check_columns(path, _csv_columns(path, chunk), text_col, id_col)
            keys = chunk[id_col] if id_col else [None] * len(chunk)
            for text, key in zip(chunk[text_col], keys, strict=True):
                while pending and pending[0][0] <= row:
                    yield Record(source, row, None, None, pending.pop(0)[1])
                    row += 1
                yield _record(source, row, text, key, text_col)
                row += 1
    for _, reason in pending:
        yield Record(source, row, None, None, reason)
        row += 1


def _iter_csv_strictly(path: Path, delimiter: str, text_col: str, id_col: str | None,
                       first: int):
    """Records of a CSV file from data row ``first`` on, read with Python's csv module in
    strict mode: a row with too many fields is skipped, and where a quote is left open,
    a last skipped record says that the rest of the file could not be read."""
    source = str(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        header = next(reader, [])
        _check_columns(path, header, text_col, id_col)
        text_at = header.index(text_col)
        key_at = header.index(id_col) if id_col else None
        row = 0
        while True:
            line = reader.line_num + 1  # where the next row starts
            try:
                fields = next(reader, None)
            except csv.Error as exc:
                yield Record(source, max(row, first), None, None,
                             f"malformed CSV ({exc} in the row starting at line {line}); "
                             "the rest of the file could not be read")
                return
            if fields is None:
                return
            if row >= first:
                if len(fields) > len(header):
                    yield Record(source, row, None, None, f"malformed row (expected "
                                 f"{len(header)} fields, saw {len(fields)})")
                else:
                    fields += [""] * (len(header) - len(fields))
                    key = fields[key_at] if key_at is not None else None
                    yield _record(source, row, fields[text_at], key, text_col)
            row += 1


def _skipped_rows(path: Path, caught: list[warnings.WarningMessage]) -> list[tuple[int, str]]:
    """(row, reason) of each row pandas reported skipping, in order; ``row`` counts data
    rows from 0. A parser warning that names no row fails the file (so no row is lost
    unreported if pandas words its warning differently)."""
    out = []
    for w in caught:
        if not issubclass(w.category, pd.errors.ParserWarning):
            continue
        found = _SKIPPED_ROW_RE.findall(str(w.message))
        if not found:
            raise DataError(f"{path}: malformed CSV ({str(w.message).strip()})")
        out += [(int(line) - 2, f"malformed row ({why.strip()})") for line, why in found]
    return sorted(out)


@contextmanager
def _table_errors(path: Path):
    """Turn pandas' and the decoder's exceptions into one-line DataErrors naming the file."""
    try:
        yield
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: empty file (no header row)") from None
    except pd.errors.ParserError as exc:
        raise DataError(f"{path}: malformed CSV ({str(exc).strip()})") from None
    except UnicodeDecodeError:
        raise not_utf8_error(path) from None


def _iter_jsonl(fh: io.BufferedIOBase, source: str, text_col: str, id_col: str | None,
                skip_bad_lines: bool = False):
    """Records of a JSONL file opened in binary mode. Each line is decoded on its own, so a
    line that is not valid UTF-8 is one bad line, like a malformed one; a file without any
    line is an error."""
    row = offset = 0
    for line_no, raw in enumerate(fh, start=1):
        line_start, offset = offset, offset + len(raw)
        obj, problem = None, None
        try:  # the common case, fast: one valid JSON object (orjson also checks the UTF-8)
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            obj = None  # blank, BOM, malformed, NaN, huge ints...: parsed below, as json does
        if type(obj) is dict and text_col in obj:
            key = obj.get(id_col) if id_col else None
            yield _record(source, row, obj[text_col], key, text_col)
            row += 1
            continue
        try:
            line = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            line = None
            _, at, byte = invalid_byte(raw, exc)
            problem = f"not valid UTF-8 (byte 0x{byte:02x} at offset {line_start + at})"
        if line is not None:
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                problem = f"malformed JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})"
        if problem is None and not isinstance(obj, dict):
            problem = f"expected a JSON object, got {type(obj).__name__}"
        if problem is None and text_col not in obj:
            problem = f"no field {text_col!r}; fields found: {', '.join(obj) or '(none)'}"
        if problem is not None:
            if not skip_bad_lines:
                raise RecordError(f"{source}:{line_no}: {problem}")
            yield Record(source, row, None, None, f"line {line_no}: {problem}")
        else:
            key = obj.get(id_col) if id_col else None
            yield _record(source, row, obj[text_col], key, text_col)
        row += 1
    if not row:
        raise DataError(f"{source}: empty file (no JSON lines)")


def _iter_parquet(path: Path, text_col: str, id_col: str | None):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{path}: not a readable Parquet file ({exc})") from None
    schema = file.schema_arrow
    _check_columns(path, schema.names, text_col, id_col)
    kind = schema.field(text_col).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise DataError(f"{path}: column {text_col!r} has type {kind}, expected string")
    columns = [text_col] + ([id_col] if id_col else [])
    row = 0
    for batch in file.iter_batches(batch_size=CHUNK_ROWS, columns=columns):
        texts = batch.column(text_col).to_pylist()
        keys = batch.column(id_col).to_pylist() if id_col else [None] * len(texts)
        for text, key in zip(texts, keys, strict=True):
            yield _record(str(path), row, text, key, text_col)
            row += 1


def iter_records(inputs: list[str], text_col: str = "text", id_col: str | None = None,
                 sep: str | None = None, skip_bad_lines: bool = False) -> Iterator[Record]:
    """Stream the records of every input, in order. Text files (and ``-``, stdin) are one
    record each, keyed by file name; folders are walked recursively for text and table files
    in sorted order. With ``skip_bad_lines``, a JSONL line that is not valid UTF-8, malformed,
    not an object or without the text field, and a CSV row with too many fields, becomes a
    record with ``text=None`` and the reason (a JSONL line's number) instead of a
    :class:`DataError`."""
    for inp in inputs:
        fmt = input_format(inp)
        if fmt == "stdin":
            yield _record("-", 0, sys.stdin.read(), "-", "text")
        elif fmt == "dir":
            root = Path(inp)
            files = sorted(p for p in root.rglob("*") if p.is_file()
                           and (p.suffix.lower() in TEXT_SUFFIXES or p.suffix.lower()
                                in TABLE_FORMATS))
            if not files:
                raise DataError(f"{root}: no .txt, CSV, JSONL or Parquet files in this folder")
            yield from iter_records([str(p) for p in files], text_col, id_col, sep,
                                    skip_bad_lines)
        elif fmt == "txt":
            yield _record(str(inp), 0, read_text_file(inp), Path(inp).name, "text")
        elif fmt == "csv":
            yield from _iter_csv(Path(inp), text_col, id_col, sep, skip_bad_lines)
        elif fmt == "jsonl":
            with open(inp, "rb") as fh:
                yield from _iter_jsonl(fh, str(inp), text_col, id_col, skip_bad_lines)
        else:
            yield from _iter_parquet(Path(inp), text_col, id_col)


def read_table(path: str | Path, sep: str | None = None) -> pd.DataFrame:
    """A whole CSV/TSV/JSONL/Parquet file as a DataFrame of its raw columns."""
    fmt = input_format(path)
    path = Path(path)
    with _table_errors(path):
        if fmt == "csv":
            table = pd.read_csv(path, sep=sniff_sep(path, sep), dtype=str,
                                keep_default_na=False, na_values=[""], encoding="utf-8-sig")
            _csv_columns(path, table)
            return table
        if fmt == "jsonl":
            with open(path, encoding="utf-8-sig") as fh:
                rows = list(_iter_json_objects(fh, str(path)))
            if not rows:
                raise DataError(f"{path}: empty file (no JSON lines)")
            return pd.DataFrame(rows)
        if fmt == "parquet":
            return pd.read_parquet(path)
    raise DataError(f"{path}: expected a CSV, TSV, JSONL or Parquet file, or a folder of .txt "
                    "files with a labels file")


def _iter_json_objects(fh, source: str):
    for line_no, line in enumerate(fh, start=1):
        if line.strip():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{source}:{line_no}: malformed JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise DataError(f"{source}:{line_no}: expected a JSON object")
            yield obj


@dataclass
class LabeledData:
    texts: list[str]
    y: np.ndarray  # 1 = positive (framed), 0 = negative
    groups: np.ndarray | None
    dropped: int  # rows whose label was neither positive nor negative, or whose text was empty
    sha256: str  # of the file read (of the texts, in order, for a folder)


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
    _check_columns(table_path, list(table.columns), "file")
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
        if not (isinstance(value, str) or _is_missing(value)):
            raise DataError(f"{path}: row {row}: column {text_col!r} holds "
                            f"{type(value).__name__}, not text")


def read_labeled(path: str | Path, *, text_col: str = "text", label_col: str = "label",
                 positive: str, negative: str | None = None, group_col: str | None = None,
                 sep: str | None = None, labels: str | None = None) -> LabeledData:
    """Read a labeled corpus. Rows labeled ``positive`` are 1; rows labeled ``negative`` (or,
    when it is None, the one other non-empty label) are 0; other rows and empty texts are
    dropped and counted. Without ``negative``, a label column with two or more values besides
    ``positive`` is an error (which of them is neutral?), as is a text column holding anything
    but text."""
    path = Path(path)
    if input_format(path) == "dir":
        table = _read_folder(path, labels, sep)
        text_col = "text"
        digest = hashlib.sha256("\0".join(table["text"]).encode("utf-8")).hexdigest()
    else:
        table = read_table(path, sep)
        digest = sha256_file(path)
    _check_columns(path, list(table.columns), text_col, label_col, group_col)
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
    return LabeledData(
        texts=kept[text_col].astype(str).tolist(),
        y=is_pos[keep].to_numpy().astype(int),
        groups=kept[group_col].astype(str).to_numpy() if group_col else None,
        dropped=int((~keep).sum()),
        sha256=digest,
    )
