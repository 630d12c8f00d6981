"""Writers: scored records as JSONL, CSV/TSV or Parquet, chunk by chunk; atomic output files.

An output file appears under its name only when it is complete: :func:`atomic_path` writes to
a temporary file in the same folder and renames it over the target at the end (``os.replace``,
atomic on POSIX and Windows). If anything fails, or the run is interrupted, the temporary file
is removed and an existing file at the target is left as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

import orjson

if TYPE_CHECKING:  # pandas is imported where a frame is written: not for output_format & co.
    import pandas as pd

#: Output file extension → format.
OUTPUT_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv",
                  ".parquet": "parquet", ".pq": "parquet"}
#: Column kinds a :class:`RecordWriter` knows.
KINDS = ("string", "int", "float", "bool")


def output_format(path: str | Path) -> str | None:
    """The output format its extension names (``jsonl``, ``csv``, ``tsv``, ``parquet``) or None."""
    return OUTPUT_FORMATS.get(Path(path).suffix.lower())


def current_umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    current = os.umask(0)
    os.umask(current)
    return current


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` when the block succeeds,
    delete it when the block raises (including KeyboardInterrupt and SystemExit)."""
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, expected a file path", str(target))
    folder = target.parent
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if folder.exists() and not folder.is_dir():
            reason = f"cannot write here: {str(folder)!r} is a file, not a folder"
        elif not folder.is_dir():
            reason = f"cannot write here: no folder {str(folder)!r}"
        raise OSError(exc.errno, reason, str(target)) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8",
                newline: str | None = "") -> Iterator[IO]:
    """:func:`atomic_path`, opened: ``with atomic_open("out.json") as fh: fh.write(...)``."""
    if "b" in mode:
        encoding = newline = None
    with atomic_path(path) as tmp, open(tmp, mode, encoding=encoding, newline=newline) as fh:
        yield fh


@contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``path`` (made with the umask's permissions) to fill;
    when the block succeeds, it replaces ``path`` (and whatever was there); when the block
    raises (including KeyboardInterrupt and SystemExit), it is removed and ``path`` is left
    as it was."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes it 0700; follow the umask
        yield tmp
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _json_column(column: pd.Series, kind: str) -> list:
    """:func:`_plain` of a column; a numeric column without missing values converts at once."""
    values = column.to_numpy()
    if (kind in ("int", "bool") and values.dtype.kind == ("i" if kind == "int" else "b")) or (
            kind == "float" and values.dtype.kind == "f" and not (values != values).any()):
        return values.tolist()  # NumPy numbers → Python int / float
    return _plain(values.tolist(), kind)


def _plain(values: list, kind: str) -> list:
    """JSON-ready values of one column: missing → None (pandas may hold NaN for a missing
    string), NumPy scalars → Python numbers."""
    import pandas as pd

    out = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
            out.append(None)
        elif kind == "int":
            out.append(int(v))
        elif kind == "bool":
            out.append(bool(v))
        elif kind == "float":
            out.append(float(v))
        else:
            out.append(v if isinstance(v, str) else str(v))
    return out


class RecordWriter:
    """Write DataFrames with fixed columns, chunk by chunk, as JSONL, CSV, TSV or Parquet.

    ``columns`` maps each output column to its kind (``string``, ``int``, ``float`` or
    ``bool``: JSON true/false, CSV True/False, a Parquet boolean); every
    chunk is written with exactly these columns in this order, so chunks concatenate into one
    table (an empty output still has the CSV header or the Parquet schema). JSONL and CSV go to
    a text ``stream``; Parquet to a ``path`` (through ``pyarrow.parquet.ParquetWriter``, one row
    group per chunk). Floats are written with full precision.
    """

    def __init__(self, fmt: str, columns: dict[str, str], *, stream: IO[str] | None = None,
                 path: str | Path | None = None):
        unknown = {k for k in columns.values() if k not in KINDS}
        if unknown:
            raise ValueError(f"unknown column kinds {sorted(unknown)}; expected {KINDS}")
        self.fmt, self.columns, self.rows = fmt, dict(columns), 0
        self._stream, self._pq, self._header = stream, None, False
        if fmt == "parquet":
            if path is None:
                raise ValueError("Parquet output needs a file path")
            import pyarrow as pa
            import pyarrow.parquet as pq

            types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(),
                     "bool": pa.bool_()}
            self._schema = pa.schema([(c, types[k]) for c, k in self.columns.items()])
            self._pq = pq.ParquetWriter(str(path), self._schema)
        elif fmt in ("jsonl", "csv", "tsv"):
            if stream is None:
                raise ValueError(f"{fmt} output needs a text stream")
        else:
            raise ValueError(f"unknown output format {fmt!r}; expected jsonl, csv, tsv or parquet")

    def write(self, frame: pd.DataFrame) -> None:
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise ValueError(f"chunk lacks column(s) {missing}")
        if self.fmt == "jsonl":
            self._stream.write(self._json_lines(frame).decode("utf-8"))
        elif self.fmt in ("csv", "tsv"):
            frame = frame[list(self.columns)]
            frame.to_csv(self._stream, index=False, header=not self._header,
                         sep="\t" if self.fmt == "tsv" else ",", lineterminator="\n")
            self._header = True
        else:
            import pyarrow as pa

            table = pa.Table.from_pandas(frame[list(self.columns)], schema=self._schema,
                                         preserve_index=False)
            self._pq.write_table(table)
        self.rows += len(frame)

    def _json_lines(self, frame: pd.DataFrame) -> bytes:
        """The rows of ``frame`` as JSON lines, keys in column order, as orjson writes each
        row's dict. Each column is encoded at once (numbers: one orjson call on the list,
        split at its commas, which no number or ``null`` holds; strings one by one), then
        each row fills a template: a tenth of the time of a dict and an orjson call per row."""
        if frame.empty:
            return b""
        encoded = []
        for column, kind in self.columns.items():
            values = _json_column(frame[column], kind)
            encoded.append(list(map(orjson.dumps, values)) if kind == "string"
                           else orjson.dumps(values)[1:-1].split(b","))
        template = b",".join(orjson.dumps(c).replace(b"%", b"%%") + b":%s" for c in self.columns)
        template = b"{" + template + b"}\n"
        return b"".join([template % row for row in zip(*encoded, strict=True)])

    def close(self) -> None:
        if self.fmt in ("csv", "tsv") and not self._header:
            sep = "\t" if self.fmt == "tsv" else ","
            self._stream.write(sep.join(self.columns) + "\n")
            self._header = True
        if self._pq is not None:
            self._pq.close()
            self._pq = None
        if self._stream is not None:
            self._stream.flush()

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        elif self._pq is not None:  # failed: release the file; its caller discards it
            self._pq.close()
            self._pq = None
