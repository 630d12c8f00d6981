"""Inputs: what a path stands for and how its text is read.

A path is a text file (one article), a folder (walked for its text files, or its tables of a
given format), a table (CSV/TSV, JSONL, Parquet; :mod:`framescore.tables` reads them), or
``-`` for stdin; files compressed with gzip, bzip2, xz or zstd are read by their extension.
Text is UTF-8, checked: framescore does not guess encodings. Every problem is a
:class:`DataError` naming the file and, where it applies, the line.

This module needs only the standard library, so the command line can check its inputs
before it imports pandas or scikit-learn.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import sys
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TABLE_FORMATS = {".csv": "csv", ".tsv": "csv", ".tab": "csv", ".jsonl": "jsonl",
                 ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}


class DataError(ValueError):
    """Bad input data; the message names the file and the line or column."""


class RecordError(DataError):
    """One record of a table cannot be read (a JSONL line, a CSV row); the records around
    it can be (:func:`iter_records` with ``skip_bad_lines`` skips it)."""


class InputFormatError(ValueError):
    """Input given in one format that looks like another (a JSONL table piped as one
    article): a usage error on the command line."""


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


def open_text(path: str | Path, newline: str | None = ""):
    """``path`` opened as UTF-8 text (a BOM dropped; decompressed as its extension says),
    line ends untranslated."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", newline=newline)


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




#: The formats of table files (as :func:`input_format` names them).
TABLE_KINDS = ("csv", "jsonl", "parquet")


@dataclass(frozen=True)
class InputFile:
    """One file to read: its path (``-`` for stdin) and format (:func:`input_format`)."""

    path: str
    kind: str  # txt, stdin, csv, jsonl, parquet


def input_files(inputs, given: str | None = None) -> list[InputFile]:
    """The files ``inputs`` stand for, in order: a folder stands for its .txt files (with
    ``given``, an ``--input-format``, its files of that format), walked recursively (sorted,
    :func:`folder_files`); ``given`` is the format of every file and of stdin."""
    out: list[InputFile] = []
    for inp in inputs:
        kind = input_format(inp, given)
        if kind != "dir":
            out.append(InputFile(str(inp), kind))
            continue
        out += [InputFile(str(p), input_format(p, given)) for p in folder_files(inp, given)]
    return out


def record_place(rec: Record, kind: str | None = None) -> str:
    """``file: row N`` for a table record, ``file`` for an article file (``kind``: the
    file's format, when known; else its name's)."""
    if (kind or format_of_name(rec.source)) in TABLE_KINDS:
        return f"{rec.source}: row {rec.row}"
    return rec.source


def read_stdin() -> str:
    """All of stdin as UTF-8, checked like a text file (whatever the locale's encoding)."""
    stream = getattr(sys.stdin, "buffer", None)
    raw = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
    if b"\x00" in raw[:8192]:
        raise DataError("-: looks like binary data (NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, offset, byte = invalid_byte(raw, exc)
        raise DataError(f"-:{line}: not valid UTF-8 (byte 0x{byte:02x} at offset {offset}); "
                        "convert the input to UTF-8") from None


def read_article(path: str) -> tuple[str, str]:
    """One article from a text file or stdin (``-``): (text, name). A folder, a table or an
    empty text is a DataError."""
    kind = input_format(path)
    if kind == "stdin":
        text, name = read_stdin(), "-"
    elif kind == "txt":
        text, name = read_text_file(path), Path(path).name
    elif kind == "dir":
        raise DataError(f"{path}: is a folder; this command takes article files (.txt) or -; "
                        "use 'framescore score' for folders")
    else:
        raise DataError(f"{path}: is a {kind} table; this command takes article files (.txt) "
                        "or -; use 'framescore score' for tables")
    if not text.strip():
        raise DataError(f"{path}: empty text (nothing to score)")
    return text, name
