"""Tables: CSV/TSV (delimiter sniffed), JSONL and Parquet files, read as streams of
records (one per row, in order, memory flat however large the file) or whole
(:func:`read_table`). Every problem is a :class:`~framescore.inputs.DataError` naming the file
and, where it applies, the line or column.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pandas as pd

from .inputs import (
    DataError,
    Record,
    RecordError,
    decompression_errors,
    input_format,
    invalid_byte,
    not_utf8_error,
    open_text,
    split_compression,
)

SEPARATORS = ",;\t"
CHUNK_ROWS = 2000

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


def is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def check_columns(path, columns, *wanted: str | None) -> None:
    for col in wanted:
        if col is not None and col not in columns:
            found = ", ".join(map(str, columns)) or "(none)"
            raise DataError(f"{path}: no column {col!r}; columns found: {found}")


def to_record(source: str, row: int, text, key, text_col: str, extra: dict | None = None
            ) -> Record:
    key = None if is_missing(key) else str(key)
    if is_missing(text):
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


def iter_csv(path: Path, text_col: str, id_col: str | None, sep: str | None,
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
            check_columns(path, _csv_columns(path, chunk), text_col, id_col, *keep)
            keys = chunk[id_col] if id_col else [None] * len(chunk)
            extras = _extras(chunk, keep)
            for value, key, extra in zip(chunk[text_col], keys, extras, strict=True):
                while pending and pending[0][0] <= row:
                    yield Record(source, row, None, None, pending.pop(0)[1])
                    row += 1
                yield to_record(source, row, value, key, text_col, extra)
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
        check_columns(path, header, text_col, id_col, *keep)
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
                    yield to_record(source, row, text.restore(fields[text_at]), key, text_col,
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


def iter_jsonl(fh: io.BufferedIOBase, source: str, text_col: str, id_col: str | None,
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
            yield to_record(source, row, obj[text_col], key, text_col, extra)
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
            yield to_record(source, row, obj[text_col], key, text_col, extra)
        row += 1
    if not row:
        raise DataError(f"{source}: empty file (no JSON lines)")


def iter_parquet(path: Path, text_col: str, id_col: str | None, keep: tuple[str, ...] = ()):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{path}: not a readable Parquet file ({exc})") from None
    schema = file.schema_arrow
    check_columns(path, schema.names, text_col, id_col, *keep)
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
            yield to_record(str(path), row, text, key, text_col, extra)
            row += 1


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


