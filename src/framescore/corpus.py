"""Readers: .txt files, folders, CSV/TSV (delimiter sniffed), JSONL, Parquet, stdin.

Scoring input is streamed (:func:`iter_records`), one record at a time, in input order, so
memory does not grow with the input. Labeled training data is read whole
(:func:`read_labeled`). Every problem is a :class:`DataError` naming the file and, where it
applies, the line or column.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import io
import json
import lzma
import math
import re
import shutil
import sys
import tempfile
import warnings
import zlib
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


@dataclass(slots=True)
class Record:
    """One input record: ``key`` is the id (file name or ``--id-col`` value) or None, ``row`` its
    0-based position in its file, ``text`` the text or None when the record must be skipped
    for ``reason``; ``extra`` the values of the columns asked to be kept (``keep``)."""

    source: str
    row: int
    key: str | None
    text: str | None
    reason: str = ""
    extra: dict | None = None  # the --keep-col columns' values, for a table's record


#: Compressed files are read by the extension after the format's: news.csv.gz, a.jsonl.zst.
COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd"}
#: What ``--input-format`` may name; ``tsv`` is CSV with tabs.
INPUT_FORMATS = ("txt", "csv", "tsv", "jsonl", "parquet")


def split_compression(path: str | Path) -> tuple[str, str | None]:
    """(format suffix, compression or None) of a file name: ``news.csv.gz`` gives
    ``(".csv", "gzip")``, ``news.csv`` gives ``(".csv", None)``."""
    path = Path(path)
    compression = COMPRESSIONS.get(path.suffix.lower())
    return (Path(path.stem).suffix if compression else path.suffix).lower(), compression


def format_of_name(path: str | Path) -> str | None:
    """``txt``, ``csv``, ``jsonl`` or ``parquet`` as the file name says (through a
    compression suffix), or None."""
    suffix, _ = split_compression(path)
    if suffix in TEXT_SUFFIXES:
        return "txt"
    return TABLE_FORMATS.get(suffix)


def input_format(path: str | Path, given: str | None = None) -> str:
    """``txt``, ``dir``, ``csv``, ``jsonl``, ``parquet`` or ``stdin``; DataError otherwise.
    ``given`` (one of :data:`INPUT_FORMATS`) is the format of a file whatever its name, and
    of stdin (``-``; ``txt`` keeps ``stdin``)."""
    if given is not None and given not in INPUT_FORMATS:
        raise ValueError(f"unknown input format {given!r}; expected one of {INPUT_FORMATS}")
    kind = {"tsv": "csv"}.get(given, given)
    if str(path) == "-":
        return "stdin" if kind in (None, "txt") else kind
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file or directory")
    if path.is_dir():
        return "dir"
    if kind is None:
        kind = format_of_name(path)
    if kind is None:
        known = ", ".join(sorted({*TEXT_SUFFIXES, *TABLE_FORMATS}))
        suffix = path.suffix.lower()
        raise DataError(f"{path}: unknown file type {suffix or '(no extension)'!r}; expected "
                        f"one of {known} (also compressed: .gz, .bz2, .xz, .zst), or pass "
                        "--input-format")
    compression = split_compression(path)[1]
    if kind == "parquet" and compression:
        raise DataError(f"{path}: a compressed Parquet file; Parquet compresses its columns "
                        "itself, so decompress the file first")
    if compression == "zstd":
        try:
            _zstd_open()  # the error now, when the package is missing
        except DataError as exc:
            raise DataError(f"{path}: {exc}") from None
    return kind


def _zstd_open():
    """The ``open`` of a Zstandard module: Python's own (3.14+) or the zstandard package."""
    try:
        from compression import zstd  # Python 3.14+

        return zstd.open
    except ImportError:
        pass
    try:
        import zstandard
    except ImportError:
        raise DataError("reading .zst files needs the zstandard package: pip install "
                        "'framescore[zstd]' (or zstandard)") from None
    return zstandard.open


def open_binary(path: str | Path):
    """``path`` opened for reading bytes, decompressed as its extension says."""
    compression = split_compression(path)[1]
    if compression == "gzip":
        return gzip.open(path, "rb")
    if compression == "bz2":
        return bz2.open(path, "rb")
    if compression == "xz":
        return lzma.open(path, "rb")
    if compression == "zstd":
        return _zstd_open()(path, "rb")
    return open(path, "rb")


def _decompression_errors() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [gzip.BadGzipFile, EOFError, lzma.LZMAError, zlib.error]
    try:
        import zstandard

        types.append(zstandard.ZstdError)
    except ImportError:
        pass
    return tuple(types)


@contextmanager
def decompression_errors(path: str | Path):
    """A compressed file that cannot be decompressed, as a one-line DataError."""
    compression = split_compression(path)[1]
    try:
        yield
    except DataError:
        raise
    except (*_decompression_errors(), OSError) as exc:
        if compression is None or (isinstance(exc, OSError) and exc.errno is not None):
            raise
        raise DataError(f"{path}: not a readable {compression} file ({exc})") from None


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
    with decompression_errors(path), open_binary(path) as fh:
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
    with decompression_errors(path), open_binary(path) as fh:
        raw = fh.read()
    if b"\x00" in raw[:8192]:
        raise DataError(f"{path}: looks like a binary file (NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, *invalid_byte(raw, exc)) from None


#: Stands for a bare carriage return while a CSV file is parsed (see :class:`CsvText`): a
#: Unicode noncharacter, which Unicode sets aside for a program's internal use.
CR_PLACEHOLDER = "\ufdd0"
_BARE_CR = re.compile(r"\r(?!\n)")
#: Characters of a CSV file's start that :func:`sniff_sep` looks at. ``csv.Sniffer`` takes
#: time quadratic in the length of a line full of quote marks, so the sample is kept small.
SNIFF_CHARS = 4096


class CsvText:
    """A CSV/TSV file as text for the CSV parsers (pandas' and Python's): UTF-8 (a byte-order
    mark dropped), line ends untranslated (``newline=""``), read in blocks.

    Scraped text is full of carriage returns. In a file whose lines end in ``\n`` or
    ``\r\n``, a carriage return not followed by ``\n`` is part of a field, quoted or not;
    it goes through the parser as :data:`CR_PLACEHOLDER`, which :meth:`restore` turns back.
    In a file whose lines end in ``\r`` alone (old Mac files: a ``\r`` and no ``\n`` in the
    first block), every ``\r`` ends a line. Decoding errors surface as UnicodeDecodeError
    from :meth:`read`.
    """

    BLOCK = 1 << 16

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._fh = open_text(self.path)
        try:
            first = self._fh.read(self.BLOCK)
        except BaseException:
            self._fh.close()
            raise
        #: True: lines end in \n (or \r\n) and a bare \r is text; False: lines end in \r.
        self.newline_lf = "\n" in first or "\r" not in first
        self.replaced = False  # whether a bare \r was seen (and so restore has work to do)
        self._first = first
        self._blocks = self._protected_blocks(first)
        self._buffer = ""

    def sample(self, size: int = SNIFF_CHARS) -> str:
        """The start of the file, whole lines where the block holds more than one, with
        ``\n`` line ends (for sniffing the delimiter)."""
        text = self._first
        text = _BARE_CR.sub(CR_PLACEHOLDER, text) if self.newline_lf else text.replace("\r", "\n")
        if len(text) > size or len(self._first) == self.BLOCK:
            cut = text.rfind("\n", 0, size)
            text = text[:cut + 1] if cut > 0 else text[:size]
        return text

    def _protected_blocks(self, first: str) -> Iterator[str]:
        carry, block = "", first
        while block:
            text = carry + block
            carry = ""
            if self.newline_lf:
                if text.endswith("\r"):  # its \n may start the next block
                    text, carry = text[:-1], "\r"
                if CR_PLACEHOLDER in text:
                    raise DataError(f"{self.path}: holds the Unicode noncharacter U+FDD0, "
                                    "which is not text; remove it")
                if "\r" in text:
                    text, n = _BARE_CR.subn(CR_PLACEHOLDER, text)
                    self.replaced = self.replaced or n > 0
            yield text
            block = self._fh.read(self.BLOCK)
        if carry:
            self.replaced = True
            yield CR_PLACEHOLDER

    def read(self, size: int = -1) -> str:
        while size is None or size < 0 or len(self._buffer) < size:
            block = next(self._blocks, None)
            if block is None:
                break
            self._buffer += block
        if size is None or size < 0:
            out, self._buffer = self._buffer, ""
        else:
            out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def lines(self) -> Iterator[str]:
        """The file's lines with their line ends (for Python's csv module)."""
        end = "\n" if self.newline_lf else "\r"
        rest = ""
        while block := self.read(self.BLOCK):
            parts = (rest + block).split(end)
            rest = parts.pop()
            for part in parts:
                yield part + end
        if rest:
            yield rest

    def __iter__(self) -> Iterator[str]:
        return self.lines()

    def restore(self, value):
        """``value`` (a field or column name) with its carriage returns back in place."""
        if self.replaced and isinstance(value, str):
            return value.replace(CR_PLACEHOLDER, "\r")
        return value

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> CsvText:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_text(path: str | Path, newline: str | None = ""):
    """``path`` opened as UTF-8 text (a BOM dropped; decompressed as its extension says),
    line ends untranslated."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", newline=newline)


def sniff_sep(path: str | Path, sep: str | None = None, text: CsvText | None = None) -> str:
    """The delimiter of a CSV/TSV file: ``sep`` if given, tab for .tsv, else comma, semicolon
    or tab as ``csv.Sniffer`` finds it in the file's first lines (``text``, the file opened as
    :class:`CsvText`, when the caller has it). When the sniffer cannot tell, or picks one
    the header line does not hold, the header decides: the candidate it holds most often;
    a header with none of them is a single column."""
    if sep:
        return "\t" if sep in ("\\t", "tab") else sep
    path = Path(path)
    if split_compression(path)[0] in (".tsv", ".tab"):
        return "\t"
    if text is None:
        with CsvText(path) as opened:
            return sniff_sep(path, text=opened)
    sample = text.sample()
    header = sample.split("\n", 1)[0]
    try:
        found = csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:
        found = None
    if found is not None and found in header:
        return found
    counts = {d: header.count(d) for d in SEPARATORS}
    best = max(SEPARATORS, key=lambda d: (counts[d], -SEPARATORS.index(d)))
    if counts[best]:
        return best
    return next((d for d in SEPARATORS if d not in sample), ",")


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _check_columns(path, columns, *wanted: str | None) -> None:
    for col in wanted:
        if col is not None and col not in columns:
            found = ", ".join(map(str, columns)) or "(none)"
            raise DataError(f"{path}: no column {col!r}; columns found: {found}")


def _record(source: str, row: int, text, key, text_col: str, extra: dict | None = None
            ) -> Record:
    key = None if _is_missing(key) else str(key)
    if _is_missing(text):
        return Record(source, row, key, None, f"missing text in column {text_col!r}", extra)
    if not isinstance(text, str):
        return Record(source, row, key, None,
                      f"column {text_col!r} holds {type(text).__name__}, not text", extra)
    if not text.strip():
        return Record(source, row, key, None, "empty text", extra)
    return Record(source, row, key, text, "", extra)


def _csv_columns(path: Path, frame: pd.DataFrame) -> list:
    """The columns of a CSV file; a blank header (a whitespace-only file) is no header."""
    columns = list(frame.columns)
    if not any(str(c).strip() for c in columns):
        raise DataError(f"{path}: empty file (no header row)")
    return columns


#: pandas' warning for a row it skipped; its "line" counts records, the header being 1.
_SKIPPED_ROW_RE = re.compile(r"Skipping line (\d+): (.+)")


def _read_csv(text: CsvText, delimiter: str, **options):
    """pandas' reader of a CSV file opened as :class:`CsvText`: every cell a string as
    written (no NA guessing), blank lines kept as rows."""
    return pd.read_csv(text, sep=delimiter, dtype=str, keep_default_na=False, na_values=[],
                       skip_blank_lines=False, **options)


def _restored(text: CsvText, frame: pd.DataFrame, columns) -> pd.DataFrame:
    """``frame`` with the carriage returns of its column names and of ``columns`` restored."""
    if not text.replaced:
        return frame
    frame = frame.rename(columns=text.restore)
    for col in columns:
        if col is not None and col in frame.columns:
            frame[col] = frame[col].map(text.restore)
    return frame


def _iter_csv(path: Path, text_col: str, id_col: str | None, sep: str | None,
              skip_bad_rows: bool = False, keep: tuple[str, ...] = ()):
    """Records of a CSV/TSV file. With ``skip_bad_rows``, a row with more fields than the
    header is a skipped record at its own position, and a quote left open (which swallows the
    rest of the file) is a last skipped record, instead of a :class:`DataError`."""
    source = str(path)
    pending: list[tuple[int, str]] = []  # (row, reason) of rows pandas skipped
    row = 0
    with _table_errors(path), CsvText(path) as text:
        delimiter = sniff_sep(path, sep, text)
        reader = _read_csv(text, delimiter, chunksize=CHUNK_ROWS,
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
                                                              first=row, keep=keep)
                                if r.text is None and r.reason.startswith("malformed")), None)
                    if bad is None:
                        raise
                    raise RecordError(f"{path}: row {bad.row}: {bad.reason}") from None
                # pandas read ahead into a quote left open and lost the whole chunk: the rest
                # of the file, from the first row not yielded yet, with Python's csv module
                yield from _iter_csv_strictly(path, delimiter, text_col, id_col, first=row,
                                              keep=keep)
                return
            pending += _skipped_rows(path, caught)
            if chunk is None:
                break
            chunk = _restored(text, chunk, (text_col, id_col, *keep))
            _check_columns(path, _csv_columns(path, chunk), text_col, id_col, *keep)
            keys = chunk[id_col] if id_col else [None] * len(chunk)
            extras = _extras(chunk, keep)
            for value, key, extra in zip(chunk[text_col], keys, extras, strict=True):
                while pending and pending[0][0] <= row:
                    yield Record(source, row, None, None, pending.pop(0)[1])
                    row += 1
                yield _record(source, row, value, key, text_col, extra)
                row += 1
    for _, reason in pending:
        yield Record(source, row, None, None, reason)
        row += 1


def _extras(frame: pd.DataFrame, keep: tuple[str, ...]) -> list[dict | None]:
    """Each row's values of the ``keep`` columns (None for each row when there are none)."""
    if not keep:
        return [None] * len(frame)
    columns = [frame[c].tolist() for c in keep]
    return [dict(zip(keep, values, strict=True)) for values in zip(*columns, strict=True)]


def _iter_csv_strictly(path: Path, delimiter: str, text_col: str, id_col: str | None,
                       first: int, keep: tuple[str, ...] = ()):
    """Records of a CSV file from data row ``first`` on, read with Python's csv module in
    strict mode: a row with too many fields is skipped, and where a quote is left open,
    a last skipped record says that the rest of the file could not be read."""
    source = str(path)
    with CsvText(path) as text:
        reader = csv.reader(text.lines(), delimiter=delimiter, strict=True)
        header = [text.restore(name) for name in next(reader, [])]
        _check_columns(path, header, text_col, id_col, *keep)
        text_at = header.index(text_col)
        key_at = header.index(id_col) if id_col else None
        keep_at = [header.index(c) for c in keep]
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
                    key = text.restore(fields[key_at]) if key_at is not None else None
                    extra = ({c: text.restore(fields[k]) for c, k in zip(keep, keep_at,
                                                                            strict=True)}
                             if keep else None)
                    yield _record(source, row, text.restore(fields[text_at]), key, text_col,
                                  extra)
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
    """Turn pandas', the decoder's and the decompressor's exceptions into one-line
    DataErrors naming the file."""
    try:
        with decompression_errors(path):
            yield
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: empty file (no header row)") from None
    except pd.errors.ParserError as exc:
        raise DataError(f"{path}: malformed CSV ({str(exc).strip()})") from None
    except UnicodeDecodeError:
        raise not_utf8_error(path) from None


def _iter_jsonl(fh: io.BufferedIOBase, source: str, text_col: str, id_col: str | None,
                skip_bad_lines: bool = False, keep: tuple[str, ...] = ()):
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
            extra = {c: obj.get(c) for c in keep} if keep else None
            yield _record(source, row, obj[text_col], key, text_col, extra)
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
            try:  # without its line end, a line cut short is an "unterminated string"
                obj = json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as exc:
                problem = _json_problem(exc)
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
            extra = {c: obj.get(c) for c in keep} if keep else None
            yield _record(source, row, obj[text_col], key, text_col, extra)
        row += 1
    if not row:
        raise DataError(f"{source}: empty file (no JSON lines)")


def _iter_parquet(path: Path, text_col: str, id_col: str | None, keep: tuple[str, ...] = ()):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{path}: not a readable Parquet file ({exc})") from None
    schema = file.schema_arrow
    _check_columns(path, schema.names, text_col, id_col, *keep)
    kind = schema.field(text_col).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise DataError(f"{path}: column {text_col!r} has type {kind}, expected string")
    columns = list(dict.fromkeys([text_col, *([id_col] if id_col else []), *keep]))
    row = 0
    for batch in file.iter_batches(batch_size=CHUNK_ROWS, columns=columns):
        texts = batch.column(text_col).to_pylist()
        keys = batch.column(id_col).to_pylist() if id_col else [None] * len(texts)
        kept = [batch.column(c).to_pylist() for c in keep]
        extras = ([dict(zip(keep, v, strict=True)) for v in zip(*kept, strict=True)] if keep
                  else [None] * len(texts))
        for text, key, extra in zip(texts, keys, extras, strict=True):
            yield _record(str(path), row, text, key, text_col, extra)
            row += 1


def folder_files(root: str | Path, given: str | None = None) -> list[Path]:
    """The files a folder input stands for, walked recursively in sorted order: its ``.txt``
    files (and the other text suffixes), or with ``given`` (an ``--input-format``) the files
    of that format (``csv`` and ``tsv`` both take .csv, .tsv and .tab files), compressed or
    not. A DataError when there are none."""
    root = Path(root)
    kind = {"tsv": "csv"}.get(given or "txt", given or "txt")
    files = sorted(p for p in root.rglob("*") if p.is_file() and format_of_name(p) == kind)
    if not files:
        what = {"txt": ".txt", "csv": "CSV/TSV", "jsonl": "JSONL", "parquet": "Parquet"}[kind]
        hint = ("; a folder is read for .txt files: pass --input-format csv, jsonl or "
                "parquet for tables" if given is None else "")
        raise DataError(f"{root}: no {what} files in this folder{hint}")
    return files


def iter_records(inputs: list[str], text_col: str = "text", id_col: str | None = None,
                 sep: str | None = None, skip_bad_lines: bool = False,
                 as_format: str | None = None, keep: tuple[str, ...] = ()) -> Iterator[Record]:
    """Stream the records of every input, in order. Text files (and ``-``, stdin) are one
    record each, keyed by file name; folders are walked recursively for text files in
    sorted order (:func:`folder_files`). ``as_format`` (one of :data:`INPUT_FORMATS`)
    reads every file, and stdin, as that format whatever its name. With ``skip_bad_lines``,
    a JSONL line that is not valid UTF-8, malformed, not an object or without the text
    field, and a CSV row with too many fields, becomes a record with ``text=None`` and the
    reason (a JSONL line's number) instead of a :class:`DataError`. ``keep`` names columns
    whose values each table record carries in ``extra`` (a CSV or Parquet file without one
    is an error; a JSONL line without one has None)."""
    keep = tuple(keep)
    given = as_format
    if given == "tsv" and not sep:
        sep = "\t"
    for inp in inputs:
        fmt = input_format(inp, given)
        if fmt == "stdin":
            yield _record("-", 0, sys.stdin.read(), "-", "text")
        elif str(inp) == "-":
            yield from _iter_stdin_table(fmt, text_col, id_col, sep, skip_bad_lines, keep)
        elif fmt == "dir":
            files = folder_files(inp, given)
            yield from iter_records([str(p) for p in files], text_col, id_col, sep,
                                    skip_bad_lines, given, keep)
        elif fmt == "txt":
            yield _record(str(inp), 0, read_text_file(inp), Path(inp).name, "text")
        elif fmt == "csv":
            yield from _iter_csv(Path(inp), text_col, id_col, sep, skip_bad_lines, keep)
        elif fmt == "jsonl":
            with decompression_errors(inp), open_binary(inp) as fh:
                yield from _iter_jsonl(fh, str(inp), text_col, id_col, skip_bad_lines, keep)
        else:
            yield from _iter_parquet(Path(inp), text_col, id_col, keep)


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


def read_table(path: str | Path, sep: str | None = None) -> pd.DataFrame:
    """A whole CSV/TSV/JSONL/Parquet file as a DataFrame of its raw columns."""
    fmt = input_format(path)
    path = Path(path)
    with _table_errors(path):
        if fmt == "csv":
            with CsvText(path) as text:
                table = pd.read_csv(text, sep=sniff_sep(path, sep, text), dtype=str,
                                    keep_default_na=False, na_values=[""])
                table = _restored(text, table, table.columns)
            _csv_columns(path, table)
            return table
        if fmt == "jsonl":
            with open_text(path, newline=None) as fh:
                rows = list(_iter_json_objects(fh, str(path)))
            if not rows:
                raise DataError(f"{path}: empty file (no JSON lines)")
            return pd.DataFrame(rows)
        if fmt == "parquet":
            return pd.read_parquet(path)
    raise DataError(f"{path}: expected a CSV, TSV, JSONL or Parquet file, or a folder of .txt "
                    "files with a labels file")


def _json_problem(exc: json.JSONDecodeError) -> str:
    return f"malformed JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})"


def _iter_json_objects(fh, source: str):
    for line_no, line in enumerate(fh, start=1):
        if line.strip():
            try:
                obj = json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as exc:
                raise DataError(f"{source}:{line_no}: {_json_problem(exc)}") from None
            if not isinstance(obj, dict):
                raise DataError(f"{source}:{line_no}: expected a JSON object, got "
                                f"{type(obj).__name__}")
            yield obj


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
    _check_columns(path, list(table.columns), text_col, label_col, group_col, words_col)
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
