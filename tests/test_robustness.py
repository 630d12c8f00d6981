"""Robustness (issue 6): bad input, batches that lose nothing, untrusted model files and
adversarial text.

1. Bad input through the command line: one error line naming the file (and the line, row or
   column), exit 1 (2 for usage errors), no traceback. Cases already covered by tests/cli/
   are not repeated here.
2. Nothing lost: ``--on-error skip`` accounts for every row of a CSV/JSONL/Parquet mix, and an
   output file appears only when complete, even when a real ``framescore`` process is killed.
3. Model files: a pipeline file that is a pickle, or smuggles one, never runs code.
4. Adversarial text: property-based tests (hypothesis) of segmentation, matching, features
   and explanations, and pathological inputs whose processing time must grow linearly.

Every text here is written for these tests. Command-line tests use the shipped default model.
"""

from __future__ import annotations

import gc
import gzip
import io
import json
import math
import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import time
import warnings
import zipfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import assert_one_line_error, invoke, rehash, save_skops_model
from hypothesis import given, settings
from hypothesis import strategies as st

import framescore
from framescore.explain import explain
from framescore.inputs import DataError, not_utf8_error
from framescore.lexicon import LexiconError, load_entries
from framescore.persist import MODEL_FILE, PIPELINE_FILE, ModelError, verify
from framescore.text import TOKEN_RE, VOICES, segment

ROOT = Path(__file__).resolve().parents[1]


# --- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"FRAMESCORE_MODEL": None, "FRAMESCORE_DEBUG": None, "NO_COLOR": None})


@pytest.fixture(scope="module")
def model_dir(default_model_dir) -> Path:
    return default_model_dir


@pytest.fixture(scope="module")
def model(model_dir):
    m = framescore.load(model_dir)
    m.score(["Warm-up: the council met on Monday."])
    return m




def fails(runner, args: list, *needles: str, code: int = 1, input=None) -> str:
    """Run a command that must fail with one error line holding ``needles``, and no output."""
    result = invoke(runner, args, code=code, input=input)
    assert result.stdout == ""
    return assert_one_line_error(result, *needles)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write(path: Path, data: str | bytes) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def leftovers(folder: Path) -> list[str]:
    """Temporary files an atomic write may have left behind."""
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".part"))


# Sentences written for these tests, combined at random into long articles.
SUBJECTS = ["The council", "Officials in Norvik", "The ministry", "A spokesperson", "Residents",
            "The radical left", "Engineers", "The puppet regime", "Police", "The mayor of Lamberg",
            "Freedom fighters", "The port authority"]
VERBS = ["said", "claimed", "confirmed", "denied", "reported", "slammed", "announced",
         "told reporters"]
OBJECTS = ["that the bridge would reopen next month", "the budget for the harbour",
           "a brutal onslaught on the valley", "that the martyrs of the flood would be honoured",
           "the so-called reform", "plans for a new railway",
           "that the figures could not be independently verified", "the decision on Tuesday"]
ENDINGS = [".", ", according to the statement.", ", officials said.", " on Monday.", "!", "?",
           ": “We will not stop.”", " in what critics called a ‘betrayal’.",
           " (Mr. Adams disagreed).", " at 3 p.m. in the U.S. capital."]


def article(n_chars: int, seed: int = 0, paragraph_every: float = 0.0) -> str:
    """A headline and about ``n_chars`` of varied sentences; a blank line follows a sentence
    with probability ``paragraph_every`` (0: the body is one line)."""
    rnd = random.Random(seed)
    parts, size = ["Dam report: what we know so far\n\n"], 0
    while size < n_chars:
        s = (f"{rnd.choice(SUBJECTS)} {rnd.choice(VERBS)} {rnd.choice(OBJECTS)}"
             f"{rnd.choice(ENDINGS)}")
        s += "\n\n" if rnd.random() < paragraph_every else " "
        parts.append(s)
        size += len(s)
    return "".join(parts)


# --- 1. bad input through the command line --------------------------------------------------


@pytest.mark.parametrize("command", ["score", "explain", "compare"])
def test_whitespace_only_file_is_empty_text(runner, tmp_path, model_dir, command):
    blank = write(tmp_path / "blank.txt", " \n\t  \r\n\u00a0\n\n")
    other = write(tmp_path / "other.txt", "The council met on Monday.")
    files = [other, blank] if command == "compare" else [blank]
    fails(runner, [command, *files, "--model", model_dir], "blank.txt", "empty text")


@pytest.mark.parametrize(("name", "content", "needle"), [
    ("empty.csv", b"", "empty file (no header row)"),
    ("blank.csv", b" \n\n  \n", "empty file (no header row)"),
    ("empty.jsonl", b"", "empty file (no JSON lines)"),
    ("blank.jsonl", b"\n  \r\n\n", "empty file (no JSON lines)"),
    ("empty.parquet", b"", "not a readable Parquet file"),
])
def test_empty_table_files(runner, tmp_path, model_dir, name, content, needle):
    path = write(tmp_path / name, content)
    fails(runner, ["score", path, "--model", model_dir], name, needle)
    fails(runner, ["score", path, "--on-error", "skip", "--model", model_dir], name, needle)


def test_empty_training_files(runner, tmp_path):
    for name, content in [("empty.csv", b""), ("empty.jsonl", b"\n")]:
        path = write(tmp_path / name, content)
        fails(runner, ["train", path, "--positive", "framed", "-o", tmp_path / "m"], name,
              "empty file")
    assert not (tmp_path / "m").exists()


def test_a_table_with_a_header_and_no_rows_is_an_empty_table(runner, tmp_path, model_dir):
    path = write(tmp_path / "header.csv", "id,text\n")
    out = tmp_path / "scores.csv"
    r = invoke(runner, ["score", path, "--model", model_dir, "-o", out])
    assert "0 records: 0 scored, 0 skipped" in r.stderr
    assert out.read_text().startswith("row,score,label,logit")


# Non-UTF-8 input is refused, naming the line of the first invalid byte: framescore does not
# guess encodings (a wrong guess would silently change the texts and their scores).

LATIN1_TEXT = "Dam report\n\nThe council met.\nThe café reopened, officials said.\n"


def test_non_utf8_text_file_names_its_line(runner, tmp_path, model_dir):
    path = write(tmp_path / "latin1.txt", LATIN1_TEXT.encode("latin-1"))
    offset = LATIN1_TEXT.encode("latin-1").index(b"\xe9")
    for command in (["score"], ["explain"], ["compare", path]):
        fails(runner, [command[0], path, *command[1:], "--model", model_dir],
              f"latin1.txt:4: not valid UTF-8 (byte 0xe9 at offset {offset})")


@pytest.mark.parametrize(("name", "data", "where"), [
    ("latin1.csv", "id,text\n1,The council met.\n2,The café reopened.\n".encode("latin-1"),
     "latin1.csv:3:"),
    ("utf16.csv", "id,text\n1,The council met.\n".encode("utf-16"), "utf16.csv:1:"),
    ("gzipped.csv", gzip.compress(b"id,text\n1,The council met.\n", mtime=0),
     "gzipped.csv:1:"),
    ("latin1.jsonl", '{"text": "ok"}\n{"text": "café"}\n'.encode("latin-1"), "latin1.jsonl:2:"),
    ("png.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png.jsonl:1:"),
])
def test_non_utf8_tables_name_the_line(runner, tmp_path, model_dir, name, data, where):
    path = write(tmp_path / name, data)
    fails(runner, ["score", path, "--model", model_dir], where, "not valid UTF-8")


@pytest.mark.parametrize("mtime", [0, 0x0D, 0x0A0D, 0x0D0D0D0D])
def test_a_gzipped_csv_is_not_utf8_whatever_time_its_header_holds(runner, tmp_path, model_dir,
                                                                   mtime):
    # gzip writes the time into its header; a 0x0D byte there once ended the run with a CSV
    # error instead (the tests fix the time, so that they are deterministic)
    data = gzip.compress(b"id,text\n1,The council met.\n", mtime=mtime)
    path = write(tmp_path / "gzipped.csv", data)
    fails(runner, ["score", path, "--model", model_dir], "gzipped.csv:1:", "not valid UTF-8")


def test_non_utf8_training_data_names_the_line(runner, tmp_path):
    rows = "text,label\nThe council met.,neutral\nThe café burned.,framed\n"
    path = write(tmp_path / "labeled.csv", rows.encode("latin-1"))
    fails(runner, ["train", path, "--positive", "framed", "-o", tmp_path / "m"],
          "labeled.csv:3: not valid UTF-8")


def test_non_utf8_jsonl_line_is_one_skipped_record(runner, tmp_path, model_dir):
    """A JSONL line is a record: with --on-error skip, a line in another encoding is skipped
    like a malformed one, and the lines after it are still scored."""
    data = b'{"text": "The council met."}\n{"text": "caf\xe9"}\n{"text": "The port closed."}\n'
    path = write(tmp_path / "mixed.jsonl", data)
    r = invoke(runner, ["score", path, "--on-error", "skip", "--model", model_dir])
    assert [x["row"] for x in jsonl(r.stdout)] == [0, 2]
    assert "3 records: 2 scored, 1 skipped" in r.stderr
    offset = data.index(b"\xe9")
    assert f"row 1: line 2: not valid UTF-8 (byte 0xe9 at offset {offset})" in r.stderr


BOM_THEN_LATIN1 = b"\xef\xbb\xbfThe council met.\nLe caf\xe9 a rouvert.\n"


@pytest.mark.parametrize("name", ["bom.txt", "bom.jsonl", "stdin"])
def test_a_byte_order_mark_does_not_shift_the_invalid_byte(runner, tmp_path, model_dir, name):
    """Decoding with utf-8-sig counts positions from after the BOM; the error still names the
    invalid byte itself, its line and its offset in the file."""
    data = BOM_THEN_LATIN1
    if name == "bom.jsonl":
        data = b'\xef\xbb\xbf{"text": "caf\xe9"}\n'
    offset = data.index(b"\xe9")
    line = data.count(b"\n", 0, offset) + 1
    if name == "stdin":
        r = invoke(runner, ["score", "-", "--model", model_dir], code=1, input=data)
        assert_one_line_error(r, f"-:{line}: not valid UTF-8 (byte 0xe9 at offset {offset})")
        return
    path = write(tmp_path / name, data)
    r = invoke(runner, ["score", path, "--model", model_dir], code=1)
    assert_one_line_error(r, f"{name}:{line}: not valid UTF-8 (byte 0xe9 at offset {offset})")


def test_a_byte_order_mark_does_not_shift_a_lexicon_error_line(tmp_path):
    path = write(tmp_path / "bom.csv", b"\xef\xbb\xbfterm,category\n\xe9lan,evaluative\n")
    with pytest.raises(LexiconError, match=r"bom\.csv:2: not valid UTF-8"):
        load_entries(path)


def test_not_utf8_error_locates_the_byte_across_blocks(tmp_path):
    """The first invalid byte is found in a file larger than the 1 MiB read block, and a
    valid character cut by a block boundary is not mistaken for one."""
    head = b"x" * ((1 << 20) - 1) + "é\n".encode()  # 'é' straddles the 1 MiB boundary
    body = b"".join(b"line %d\n" % k for k in range(2, 50_000))
    path = write(tmp_path / "big.csv", head + body + b"caf\xe9\n")
    err = not_utf8_error(path)
    assert isinstance(err, DataError)
    assert str(err).startswith(f"{path}:50000: not valid UTF-8 (byte 0xe9 at offset "
                               f"{len(head + body) + 3})")
    assert "not valid UTF-8" in str(not_utf8_error(write(tmp_path / "cut.txt", b"ok \xe2\x82")))


def test_utf8_with_bom_is_read(runner, tmp_path, model_dir):
    path = write(tmp_path / "bom.csv", "\ufeffid,text\n1,The council met.\n".encode())
    r = invoke(runner, ["score", path, "--id-col", "id", "--model", model_dir])
    assert [x["id"] for x in jsonl(r.stdout)] == ["1"]


@pytest.mark.parametrize(("command", "name", "data", "needle"), [
    (["explain"], "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (["score"], "text.parquet", b"id,text\n1,The council met.\n", "not a readable Parquet"),
    (["score"], "data.parquet", bytes(range(256)) * 4, "not a readable Parquet"),
])
def test_binary_files(runner, tmp_path, model_dir, command, name, data, needle):
    path = write(tmp_path / name, data)
    fails(runner, [*command, path, "--model", model_dir], name, needle)


def test_binary_file_in_a_folder_is_one_skipped_record(runner, tmp_path, model_dir):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "a.txt", "The council met on Monday.")
    write(folder / "b.txt", b"\x00\x01\x02binary")
    r = invoke(runner, ["score", folder, "--on-error", "skip", "--model", model_dir])
    assert [x["id"] for x in jsonl(r.stdout)] == ["a.txt"]
    assert "b.txt" in r.stderr and "binary" in r.stderr
    assert "2 records: 1 scored, 1 skipped" in r.stderr


@pytest.mark.slow
def test_20_mb_single_article_is_scored(runner, tmp_path, model_dir):
    """20 MB of text in one line (one paragraph): no recursion, regex or wall-clock limit
    (NLTK's Punkt runs its sentence-end pattern under a 5 s limit by default) stops it."""
    text = article(20_000_000, seed=1)
    path = write(tmp_path / "huge.txt", text)
    assert path.stat().st_size >= 20_000_000
    start = time.perf_counter()
    r = invoke(runner, ["score", path, "--model", model_dir])
    elapsed = time.perf_counter() - start
    (row,) = jsonl(r.stdout)
    assert row["id"] == "huge.txt" and 0.0 <= row["score"] <= 1.0
    assert row["sentences"] > 200_000
    assert elapsed < 300, f"20 MB took {elapsed:.0f} s"


@pytest.mark.parametrize(("name", "make", "needles"), [
    ("cols.tsv", lambda p: p.write_text("id\tbody\n1\tThe council met.\n"),
     ["cols.tsv", "no column 'text'", "columns found: id, body"]),
    ("cols.parquet", lambda p: pd.DataFrame({"id": [1], "body": ["x"]}).to_parquet(p),
     ["cols.parquet", "no column 'text'", "columns found: id, body"]),
    ("fields.jsonl", lambda p: p.write_text('{"id": 1, "body": "The council met."}\n'),
     ["fields.jsonl:1:", "no field 'text'", "fields found: id, body"]),
])
def test_missing_text_column(runner, tmp_path, model_dir, name, make, needles):
    make(tmp_path / name)
    fails(runner, ["score", tmp_path / name, "--model", model_dir], *needles)


def test_missing_id_column_names_the_columns(runner, tmp_path, model_dir):
    path = write(tmp_path / "t.csv", "text,url\nThe council met.,http://example.org/a\n")
    fails(runner, ["score", path, "--id-col", "link", "--model", model_dir],
          "t.csv", "no column 'link'", "columns found: text, url")


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_missing_text_column_in_training_data(runner, tmp_path, command):
    path = write(tmp_path / "labeled.csv", "body,label\nThe council met.,neutral\n")
    extra = ["-o", tmp_path / "m"] if command == "train" else ["--cv", "2"]
    fails(runner, [command, path, "--positive", "framed", *extra],
          "labeled.csv", "no column 'text'", "columns found: body, label")


@pytest.mark.parametrize(("name", "make", "needles"), [
    ("none.parquet", lambda p: pd.DataFrame({"text": ["The council met.", None]}).to_parquet(p),
     ["none.parquet: row 1", "missing text in column 'text'"]),
    ("nan.parquet", lambda p: pd.DataFrame({"text": ["The council met.", np.nan]}).to_parquet(p),
     ["nan.parquet: row 1", "missing text in column 'text'"]),
    ("blank.parquet", lambda p: pd.DataFrame({"text": ["The council met.", " \n"]}).to_parquet(p),
     ["blank.parquet: row 1", "empty text"]),
    ("null.jsonl", lambda p: p.write_text('{"text": "The council met."}\n{"text": null}\n'),
     ["null.jsonl: row 1", "missing text in column 'text'"]),
    ("nan.jsonl", lambda p: p.write_text('{"text": "The council met."}\n{"text": NaN}\n'),
     ["nan.jsonl: row 1", "missing text in column 'text'"]),
    ("number.jsonl", lambda p: p.write_text('{"text": "The council met."}\n{"text": 42}\n'),
     ["number.jsonl: row 1", "column 'text' holds int, not text"]),
    ("blank.csv", lambda p: p.write_text('text\nThe council met.\n"  \t "\n'),
     ["blank.csv: row 1", "empty text"]),
])
def test_empty_or_missing_text_rows(runner, tmp_path, model_dir, name, make, needles):
    make(tmp_path / name)
    fails(runner, ["score", tmp_path / name, "--model", model_dir], *needles,
          "--on-error skip")


def test_nan_like_strings_in_csv_are_texts(runner, tmp_path, model_dir):
    """CSV cells are read as written: 'NaN', 'NA' or 'null' are (short) texts, not missing."""
    path = write(tmp_path / "words.csv", "text\nNaN\nNA\nnull\n")
    r = invoke(runner, ["score", path, "--model", model_dir])
    assert [x["row"] for x in jsonl(r.stdout)] == [0, 1, 2]


@pytest.mark.parametrize(("data", "needles"), [
    ('{"text": "The council met."}\n["The", "port"]\n', ["bad.jsonl:2:", "expected a JSON "
                                                         "object, got list"]),
    ('{"text": "The council met."}\n\n{"text": "cut', ["bad.jsonl:3:", "malformed JSON"]),
    ('{"text": "The council met."}\n{"text": "a"} {"text": "b"}\n', ["bad.jsonl:2:",
                                                                     "malformed JSON"]),
])
def test_malformed_jsonl_line_names_the_line(runner, tmp_path, model_dir, data, needles):
    path = write(tmp_path / "bad.jsonl", data)
    fails(runner, ["score", path, "--model", model_dir], *needles)


def test_malformed_jsonl_training_data_names_the_line(runner, tmp_path):
    path = write(tmp_path / "labeled.jsonl",
                 '{"text": "The council met.", "label": "neutral"}\n{"text": oops}\n')
    fails(runner, ["train", path, "--positive", "framed", "-o", tmp_path / "m"],
          "labeled.jsonl:2:", "malformed JSON")


@pytest.mark.parametrize(("name", "data", "needle"), [
    ("quote.csv", 'id,text\n1,ok\n2,"The council met.\n3,ok\n',
     "row 1: malformed CSV (unexpected end of data in the row starting at line 3); the rest "
     "of the file could not be read"),
    ("ragged.csv", "id,text\n1,The council met.\n2,a,b\n",
     "row 1: malformed row (expected 2 fields, saw 3)"),
])
def test_malformed_csv_names_the_row_as_skip_mode_does(runner, tmp_path, model_dir, name, data,
                                                       needle):
    """The row is counted as the output's rows are (pandas' own error counts lines its own
    way), with the same reason --on-error skip gives, and the hint to use it."""
    path = write(tmp_path / name, data)
    fails(runner, ["score", path, "--model", model_dir],
          f"{name}: {needle} (use --on-error skip to skip such records)")
    errors = tmp_path / "errors.jsonl"
    invoke(runner, ["score", path, "--on-error", "skip", "--errors", errors, "--model", model_dir])
    (skipped,) = jsonl(errors.read_text())
    assert f"row {skipped['row']}: {skipped['reason']}" == needle


@pytest.mark.parametrize(("name", "data"), [
    ("bad.jsonl", b'{"text": "The council met."}\n["a list"]\n'),
    ("latin1.txt", b"The caf\xe9 reopened."),
    ("binary.txt", b"\x00\x01\x02"),
    ("empty.txt", b"  \n"),
])
def test_every_record_that_skip_mode_skips_suggests_it(runner, tmp_path, model_dir, name, data):
    path = write(tmp_path / name, data)
    r = invoke(runner, ["score", path, "--model", model_dir], code=1)
    assert_one_line_error(r, name)
    assert r.stderr.rstrip().endswith("(use --on-error skip to skip such records)")
    assert r.stderr.count("--on-error skip") == 1
    r = invoke(runner, ["score", path, "--on-error", "skip", "--model", model_dir])
    assert "1 skipped" in r.stderr


def test_ragged_csv_rows_are_skipped_records_in_place(runner, tmp_path, model_dir):
    """With --on-error skip, a CSV row with too many fields is one skipped record at its own
    row number (pandas drops it; nothing else moves), across read chunks."""
    rows = [f"{k},The council met on day {k}." for k in range(4500)]
    rows[10] = "10,The council met,twice"
    rows[3001] = "3001,a,b,c"
    path = write(tmp_path / "ragged.csv", "id,text\n" + "\n".join(rows) + "\n")
    errs = tmp_path / "errors.jsonl"
    r = invoke(runner, ["score", path, "--on-error", "skip", "--errors", errs,
                        "--model", model_dir])
    assert [x["row"] for x in jsonl(r.stdout)] == [k for k in range(4500) if k not in (10, 3001)]
    r = invoke(runner, ["score", path, "--id-col", "id", "--on-error", "skip", "--errors", errs,
                        "--model", model_dir])
    assert [x["id"] for x in jsonl(r.stdout)] == [str(k) for k in range(4500)
                                                  if k not in (10, 3001)]
    skipped = jsonl(errs.read_text())
    assert [(x["row"], x["reason"]) for x in skipped] == [
        (10, "malformed row (expected 2 fields, saw 3)"),
        (3001, "malformed row (expected 2 fields, saw 4)")]
    assert "4500 records: 4498 scored, 2 skipped" in r.stderr


def test_open_quote_in_csv_keeps_the_rows_before_it(runner, tmp_path, model_dir):
    """A quote left open swallows the rest of the file: pandas fails on the whole chunk it was
    reading; with --on-error skip the rows before it are still scored and the open row is
    reported with its line (a quoted line break before it counted)."""
    rows = [f"{k},The port closed on day {k}." for k in range(2500)]
    rows[1] = '1,"The port\nclosed."'
    rows[2400] = '2400,"It never closes'
    path = write(tmp_path / "open.csv", "id,text\n" + "\n".join(rows) + "\n")
    errs = tmp_path / "errors.jsonl"
    r = invoke(runner, ["score", path, "--on-error", "skip", "--errors", errs,
                        "--model", model_dir])
    assert [x["row"] for x in jsonl(r.stdout)] == list(range(2400))
    (skipped,) = jsonl(errs.read_text())
    assert skipped["row"] == 2400
    assert skipped["reason"] == ("malformed CSV (unexpected end of data in the row starting at "
                                 "line 2403); the rest of the file could not be read")
    out = tmp_path / "scores.jsonl"  # without --on-error skip, the run fails, writing nothing
    fails(runner, ["score", path, "-o", out, "--model", model_dir], "open.csv: row 2400: "
          "malformed CSV (unexpected end of data in the row starting at line 2403)")
    assert not out.exists()
    # the strict re-read checks the columns too: pandas failed before it saw them
    body = write(tmp_path / "body.csv", 'id,body\n1,fine\n2,"open\n')
    fails(runner, ["score", body, "--on-error", "skip", "--model", model_dir], "body.csv",
          "no column 'text'", "columns found: id, body")


FRAMED = ["The puppet regime slammed the {} plan.", "Martyrs fell defending the {}.",
          "The radical left blasted the {}.", "A brutal onslaught hit the {}."]
NEUTRAL = ["Officials said the {} would reopen.", "The council approved the {} budget.",
           "Engineers inspected the {} on Monday.", "The {} closed early, staff said."]


@pytest.fixture
def labeled(tmp_path) -> Path:
    """16 labeled sentences (8 framed, 8 neutral) and one row with an unexpected label."""
    rows = [{"text": f.format(t), "label": "framed"} for f in FRAMED for t in ("bridge", "port")]
    rows += [{"text": f.format(t), "label": "neutral"} for f in NEUTRAL
             for t in ("bridge", "port")]
    rows.append({"text": "Nobody agreed on this sentence.", "label": "unsure"})
    path = tmp_path / "labeled.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_unexpected_label_values(runner, tmp_path, labeled, command):
    """Without --negative, 'any other label' must be one label: a third value is refused (it
    would silently become 'neutral'); with --negative, its rows are dropped and counted."""
    tail = ["-o", tmp_path / "m", "--cv", "0"] if command == "train" else ["--cv", "2"]
    base = [command, labeled, "--positive", "framed", "--no-ngrams", *tail]
    fails(runner, base, "labeled.csv", "column 'label' has 2 values besides 'framed'",
          "neutral, unsure", "--negative")
    fails(runner, [*base, "--negative", "plain"], "no value 'plain'", "framed, neutral, unsure")
    r = invoke(runner, [*base, "--negative", "neutral"])
    assert "16 texts (8 framed, 8 neutral); 1 rows dropped" in r.stderr


def test_single_class_labels(runner, tmp_path):
    path = tmp_path / "one.csv"
    pd.DataFrame({"text": [f.format("port") for f in FRAMED], "label": "framed"}).to_csv(path)
    fails(runner, ["--quiet", "train", path, "--positive", "framed", "-o", tmp_path / "m"],
          "one.csv", "both classes")


@pytest.mark.parametrize(("name", "make", "needles"), [
    ("ints.parquet", lambda p: pd.DataFrame({"text": [1, 2], "label": ["a", "b"]}).to_parquet(p),
     ["ints.parquet", "column 'text' has type int64, expected text"]),
    ("lists.jsonl", lambda p: p.write_text('{"text": "The council met.", "label": "a"}\n'
                                           '{"text": ["a", "list"], "label": "b"}\n'),
     ["lists.jsonl: row 1", "column 'text' holds list, not text"]),
])
def test_training_text_column_of_the_wrong_type(runner, tmp_path, name, make, needles):
    make(tmp_path / name)
    fails(runner, ["train", tmp_path / name, "--positive", "a", "-o", tmp_path / "m"], *needles)


@pytest.mark.parametrize(("command", "name", "kind"), [
    ("explain", "notes.docx", "'.docx'"), ("compare", "notes.docx", "'.docx'"),
    ("train", "data.xlsx", "'.xlsx'"), ("score", "README", "'(no extension)'"),
])
def test_unknown_extension(runner, tmp_path, model_dir, command, name, kind):
    path = write(tmp_path / name, "The council met.")
    other = write(tmp_path / "other.txt", "The port closed.")
    args = {"explain": [path, "--model", model_dir],
            "compare": [other, path, "--model", model_dir],
            "train": [path, "--positive", "x", "-o", tmp_path / "m"],
            "score": [path, "--model", model_dir]}[command]
    fails(runner, [command, *args], name, f"unknown file type {kind}")


@pytest.mark.parametrize("command", ["explain", "compare", "train", "evaluate", "lexicon"])
def test_path_that_does_not_exist(runner, tmp_path, model_dir, command):
    other = write(tmp_path / "other.txt", "The port closed.")
    labeled = write(tmp_path / "l.csv", "text,label\nThe port closed.,a\nIt rained.,b\n")
    missing = tmp_path / "absent" / "file.txt"
    args = {"explain": ["explain", missing, "--model", model_dir],
            "compare": ["compare", other, missing, "--model", model_dir],
            "train": ["train", missing, "--positive", "x", "-o", tmp_path / "m"],
            "evaluate": ["evaluate", missing, "--positive", "x", "--cv", "2"],
            "lexicon": ["train", labeled, "--positive", "a", "-o", tmp_path / "m",
                        "--lexicon", missing]}[command]
    line = fails(runner, args, str(missing))
    assert "no such file" in line.lower()
    assert not (tmp_path / "m").exists()


def test_output_that_cannot_be_written(runner, tmp_path, model_dir):
    art = write(tmp_path / "a.txt", "The council met.")
    other = write(tmp_path / "b.txt", "The port closed.")
    blocker = write(tmp_path / "file.txt", "a file, not a folder")
    table = write(tmp_path / "t.csv", "text\nThe council met.\n\n")
    cases = [
        (["score", art, "-o", blocker / "out.jsonl"], "is a file, not a folder"),
        (["explain", art, "-o", blocker / "out.html", "--format", "html"], "is a file"),
        (["compare", art, other, "-o", tmp_path / "missing" / "c.csv", "--format", "csv"],
         "no folder"),
        (["explain", art, "-o", tmp_path], "is a folder"),
        (["score", table, "--on-error", "skip", "--errors", blocker / "e.jsonl", "-o",
          tmp_path / "s.jsonl"], "is a file, not a folder"),
    ]
    for args, needle in cases:
        fails(runner, [*args, "--model", model_dir], needle)
    fails(runner, ["train", table, "--positive", "x", "-o", blocker], "file.txt",
          "not a folder")
    assert not (tmp_path / "s.jsonl").exists()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(("column", "needle"), [
    (pa.array([["a", "list"], ["of", "words"]]), "has type list<"),
    (pa.array([b"The council", b"met"], type=pa.binary()), "has type binary"),
    (pa.array([None, None], type=pa.null()), "has type null"),
    (pa.array([1.5, 2.5]), "has type double"),
])
def test_parquet_text_column_of_the_wrong_type(runner, tmp_path, model_dir, column, needle):
    path = tmp_path / "typed.parquet"
    pq.write_table(pa.table({"text": column}), path)
    fails(runner, ["score", path, "--model", model_dir], "typed.parquet", "column 'text'",
          needle, "expected string")


def test_parquet_large_string_text_column_is_text(runner, tmp_path, model_dir):
    path = tmp_path / "large.parquet"
    texts = pa.array(["The council met.", "The port closed."], type=pa.large_string())
    pq.write_table(pa.table({"text": texts}), path)
    r = invoke(runner, ["score", path, "--model", model_dir])
    assert [x["row"] for x in jsonl(r.stdout)] == [0, 1]


# --- 2. nothing lost ----------------------------------------------------------------------------


def test_skip_accounts_for_every_row_of_a_csv_jsonl_parquet_mix(runner, tmp_path, model_dir):
    csv_path = tmp_path / "a.csv"
    pd.DataFrame({"id": ["a0", "a1", "a2", "a3"],
                  "text": ["The council met, officials said.", "", "Martyrs were named.",
                           " \t "]}).to_csv(csv_path, index=False)
    jsonl_path = write(tmp_path / "b.jsonl", b"\n".join([
        b'{"id": "b0", "text": "The port closed."}',
        b'{"id": "b1", "text": broken',
        b'{"id": "b2", "text": null}',
        b'["b3"]',
        b'',  # a blank line is not a record
        b'{"id": "b4", "body": "no text field"}',
        b'{"id": "b5", "text": "caf\xe9"}',
        b'{"id": "b6", "text": 7}',
        b'{"id": "b7", "text": "The radical left slammed it."}',
    ]) + b"\n")
    offset = jsonl_path.read_bytes().index(b"\xe9")
    parquet_path = tmp_path / "c.parquet"
    pd.DataFrame({"id": ["c0", "c1", "c2", "c3"],
                  "text": ["The bridge reopened.", None, "", "A brutal onslaught began."]}
                 ).to_parquet(parquet_path)
    out = tmp_path / "scores.parquet"
    r = invoke(runner, ["score", csv_path, jsonl_path, parquet_path, "--id-col", "id",
                        "--on-error", "skip", "-o", out, "--chunk-size", "3",
                        "--model", model_dir])
    assert "16 records: 6 scored, 10 skipped" in r.stderr
    scored = pd.read_parquet(out)
    assert scored["id"].tolist() == ["a0", "a2", "b0", "b7", "c0", "c3"]  # input order
    errors = jsonl(Path(f"{out}.errors.jsonl").read_text())
    assert all(set(e) == {"source", "row", "id", "reason"} for e in errors)
    reasons = {(Path(e["source"]).name, e["row"]): (e["id"], e["reason"]) for e in errors}
    assert reasons == {
        ("a.csv", 1): ("a1", "empty text"),
        ("a.csv", 3): ("a3", "empty text"),
        ("b.jsonl", 1): (None, "line 2: malformed JSON (Expecting value at column 22)"),
        ("b.jsonl", 2): ("b2", "missing text in column 'text'"),
        ("b.jsonl", 3): (None, "line 4: expected a JSON object, got list"),
        ("b.jsonl", 4): (None, "line 6: no field 'text'; fields found: id, body"),
        ("b.jsonl", 5): (None, f"line 7: not valid UTF-8 (byte 0xe9 at offset {offset})"),
        ("b.jsonl", 6): ("b6", "column 'text' holds int, not text"),
        ("c.parquet", 1): ("c1", "missing text in column 'text'"),
        ("c.parquet", 2): ("c2", "empty text"),
    }
    assert len(scored) + len(errors) == 16  # each input row once, scored or skipped


def test_failed_skip_run_writes_neither_output_nor_errors_file(runner, tmp_path, model_dir):
    """Skipping is for records; a table that cannot be read at all stops the run, and then no
    output or errors file appears (not even the errors of the rows read before)."""
    good = write(tmp_path / "a.csv", "text\nThe council met.\n\nThe port closed.\n")
    bad = write(tmp_path / "b.csv", "body\nno text column here\n")
    out = tmp_path / "out" / "scores.jsonl"
    out.parent.mkdir()
    fails(runner, ["score", good, bad, "--on-error", "skip", "-o", out, "--model", model_dir],
          "b.csv", "no column 'text'")
    assert list(out.parent.iterdir()) == []


def _news_jsonl(path: Path, n: int) -> Path:
    rnd = random.Random(7)
    with path.open("w", encoding="utf-8") as fh:
        for k in range(n):
            text = "" if k == 3 else " ".join(article(300, seed=rnd.random()).split("\n\n")[1:])
            fh.write(json.dumps({"id": f"n{k}", "text": text}) + "\n")
    return path


@contextmanager
def _long_score_run(tmp_path: Path, model_dir, jobs: int):
    """(process, output folder) of a real ``framescore score -j JOBS`` of 40,000 records to
    ``out/scores.jsonl``, started with the default SIGINT disposition, as from a terminal (a
    shell runs background jobs, ``pytest &``, with SIGINT ignored, which their children
    inherit); killed at exit if still running."""
    data = _news_jsonl(tmp_path / "news.jsonl", 40_000)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    env = {**os.environ, "FRAMESCORE_MODEL": str(model_dir), "PYTHONUNBUFFERED": "1"}
    env.pop("FRAMESCORE_DEBUG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "framescore", "score", str(data), "-o",
         str(out_dir / "scores.jsonl"), "--on-error", "skip", "--chunk-size", "100", "-j",
         str(jobs)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        yield proc, out_dir
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "jobs"), [(signal.SIGINT, 1), (signal.SIGTERM, 1),
                                           (signal.SIGINT, 2), (signal.SIGTERM, 2)])
def test_killed_run_leaves_no_output(tmp_path, model_dir, sig, jobs):
    """A real ``framescore score`` process interrupted (Ctrl-C) or killed (SIGTERM) midway,
    after it has started writing: neither the output nor the errors file appears, and no
    temporary file stays behind."""
    with _long_score_run(tmp_path, model_dir, jobs) as (proc, out_dir):
        deadline = time.monotonic() + 120
        while not any(p.stat().st_size > 0 for p in out_dir.glob(".scores.jsonl.*.part")):
            assert proc.poll() is None, "finished before it could be interrupted"
            assert time.monotonic() < deadline, "no output started within 120 s"
            time.sleep(0.05)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    stderr = stderr.decode()
    assert proc.returncode == 128 + sig, stderr
    assert "Traceback" not in stderr
    if sig == signal.SIGINT:
        assert "framescore: error: interrupted" in stderr
    assert sorted(p.name for p in out_dir.iterdir()) == []  # no output, errors or temp file


def _children(pid: int) -> set[int]:
    """Ids of the processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except OSError:  # ended meanwhile
            continue
        if parent == pid:
            found.add(int(stat.parent.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_a_killed_worker_fails_the_run_at_once(tmp_path, model_dir):
    """A -j worker killed midway (as by the out-of-memory killer) ends the run at once with
    one error line and exit code 1, leaving no output: the chunk it held is lost, and the
    run must neither wait for it forever nor write the output without it."""
    with _long_score_run(tmp_path, model_dir, 2) as (proc, out_dir):
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while len(workers) < 2:  # the fork server's children (the parent's grandchildren)
            assert proc.poll() is None, "finished before a worker could be killed"
            assert time.monotonic() < deadline, "no workers within 120 s"
            time.sleep(0.05)
            workers = {w for child in _children(proc.pid) for w in _children(child)}
        os.kill(min(workers), signal.SIGKILL)
        _, stderr = proc.communicate(timeout=60)
    lines = stderr.decode().strip().splitlines()
    assert proc.returncode == 1, lines
    assert len(lines) == 1, lines
    assert lines[0].startswith("framescore: error: a worker process stopped unexpectedly")
    assert sorted(p.name for p in out_dir.iterdir()) == []  # no output, errors or temp file


@pytest.mark.slow
def test_explain_is_deterministic_across_processes(tmp_path, model_dir):
    """The same input gives byte-identical output in fresh processes with different hash
    seeds (no set or dict order leaks into scores, spans or their order)."""
    path = write(tmp_path / "a.txt", article(3000, seed=3, paragraph_every=0.3))
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "FRAMESCORE_MODEL": str(model_dir)}
        proc = subprocess.run([sys.executable, "-m", "framescore", "explain", str(path),
                               "--format", "json"], capture_output=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr.decode()
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]


# --- 3. model files -------------------------------------------------------------------------


class _Marker:
    """Unpickling this creates a file: evidence that code from a model file ran."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.fixture
def copied_model(tmp_path, model_dir) -> Path:
    return Path(shutil.copytree(model_dir, tmp_path / "model"))


@pytest.fixture
def skops_model(tmp_path, model) -> Path:
    """The default model as a framescore-model/1 directory (pipeline.skops)."""
    return save_skops_model(model, tmp_path / "v1")


@pytest.mark.parametrize(("directory", "name"), [("copied_model", MODEL_FILE),
                                               ("skops_model", PIPELINE_FILE)])
def test_pickle_in_place_of_the_model_file_never_runs(runner, tmp_path, request, directory,
                                                       name):
    model = request.getfixturevalue(directory)
    marker = tmp_path / "pwned"
    (model / name).write_bytes(pickle.dumps(_Marker(marker)))
    rehash(model, name)
    verify(model)  # the hashes match: only the file format can refuse it
    with pytest.raises(ModelError, match=name):
        framescore.load(model)
    art = write(tmp_path / "a.txt", "The council met.")
    fails(runner, ["score", art, "--model", model])
    assert not marker.exists()


def test_pickle_inside_the_skops_archive_never_runs(runner, tmp_path, skops_model):
    """A NumPy member of the archive replaced by an object array (which NumPy stores as a
    pickle) is refused: skops loads arrays with allow_pickle=False."""
    marker = tmp_path / "pwned"
    archive = skops_model / PIPELINE_FILE
    with zipfile.ZipFile(archive) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    target = next(name for name in members if name.endswith(".npy"))
    buf = io.BytesIO()
    np.save(buf, np.array([_Marker(marker)], dtype=object), allow_pickle=True)
    members[target] = buf.getvalue()
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    rehash(skops_model, PIPELINE_FILE)
    with pytest.raises(Exception):  # noqa: B017 - refused however skops words it
        framescore.load(skops_model)
    art = write(tmp_path / "a.txt", "The council met.")
    fails(runner, ["score", art, "--model", skops_model])
    assert not marker.exists()


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["tampered", "pickle, rehashed"])
def test_bad_model_with_workers_is_one_line(tmp_path, copied_model, damage):
    """With -j 2 the parent loads (and verifies) the model before any worker starts, the
    workers getting its copy: a model that fails verification or loading stops the run with
    one error line, no worker traceback, no code run."""
    marker = tmp_path / "pwned"
    if damage == "tampered":
        with (copied_model / MODEL_FILE).open("ab") as fh:
            fh.write(b"x")
    else:
        (copied_model / MODEL_FILE).write_bytes(pickle.dumps(_Marker(marker)))
        rehash(copied_model, MODEL_FILE)
    art = write(tmp_path / "a.txt", "The council met.")
    env = {k: v for k, v in os.environ.items() if k != "FRAMESCORE_DEBUG"}
    proc = subprocess.run([sys.executable, "-m", "framescore", "score", str(art), "--model",
                           str(copied_model), "-j", "2"], capture_output=True, env=env,
                          timeout=120)
    stderr = proc.stderr.decode()
    assert proc.returncode == 1, stderr
    assert stderr.count("\n") == 1 and stderr.startswith("framescore: error:"), stderr
    assert MODEL_FILE in stderr
    assert not marker.exists()


def test_pipeline_file_that_is_not_a_skops_archive_is_a_model_error(skops_model):
    (skops_model / PIPELINE_FILE).write_bytes(pickle.dumps({"not": "a model"}))
    rehash(skops_model, PIPELINE_FILE)
    with pytest.raises(ModelError, match=PIPELINE_FILE):
        framescore.load(skops_model)


# --- 4. adversarial text --------------------------------------------------------------------

PIECES = [
    # loaded terms and attribution patterns of the shipped lexicons
    "martyrs", "Martyr", "Zionist regime", "usurping entity", "freedom fighters", "slammed",
    "radical left", "said", "said that", "claimed", "claimed responsibility", "the lives of",
    "according to", "According to the statement,", "so-called", "alleged", "reportedly",
    "confirmed", "could not be independently verified", "officials said", "told reporters",
    "the", "it", "on Monday", "x",
    # quote marks, apostrophes and punctuation
    '"', "“", "”", "‘", "’", "'", "«", "»", "„", "’s", "don't", "’90s",
    ".", ",", ":", ";", "!", "?", "...", "…", "(", ")", "—", "-", "/", " / ", "Mr.", "U.S.",
    "3.5", "e.g.",
    # whitespace and line breaks
    " ", " ", "  ", "\n", "\n\n", "\r\n", "\r", "\t", "\u00a0", "\u2028", "\u200b", "\ufeff",
    # other scripts, combining marks, emoji, control characters
    "é", "e\u0301", "Ünïcödé", "🙂", "👩‍👩‍👧", "שלום", "مرحبا", "中文", "\x00", "\x1b",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=50).map(
    "".join)
FAST = settings(max_examples=150)
SLOW = settings(max_examples=40)


def _document(text: str):
    doc = segment(text)
    return [(s.start, s.end, list(s.starts), list(s.ends), list(s.voices), s.is_title)
            for s in doc.sentences], [(q.start, q.end, q.inner_start, q.inner_end, q.depth,
                                       q.closed) for q in doc.quotes], doc.title, doc.paragraphs


@FAST
@given(texts)
def test_segmentation_never_crashes_is_deterministic_and_in_bounds(text):
    sentences, quotes, title, paras = _document(text)
    assert _document(text) == (sentences, quotes, title, paras)
    n = len(text)
    previous_end = 0
    for start, end, starts, ends, voices, _ in sentences:
        assert previous_end <= start <= end <= n
        previous_end = end
        assert len(starts) == len(ends) == len(voices)
        for s, e, v in zip(starts, ends, voices, strict=True):
            assert start <= s < e <= end and TOKEN_RE.fullmatch(text[s:e])
            assert v in VOICES
        assert starts == sorted(starts)
    for start, end, inner_start, inner_end, _, _ in quotes:
        assert 0 <= start < inner_start <= inner_end <= end <= n
    if title is not None:
        assert 0 <= title[0] < title[1] <= n
    for start, end in paras:
        assert 0 <= start < end <= n


@pytest.fixture(scope="module")
def features(model):
    return model.features


@FAST
@given(texts)
def test_matching_never_crashes_and_matches_are_exact(features, text):
    lexicon = features.lexicon
    for sent in segment(text).sentences:
        matches = lexicon.match(sent)
        assert matches == lexicon.match(sent)
        last = 0
        for m in matches:
            assert last <= m.i < m.j <= len(sent)
            assert tuple(sent.stems[m.i:m.j]) == m.entry.key
            last = m.j


@FAST
@given(texts)
def test_feature_spans_are_exact_and_deterministic(features, text):
    spans = features.spans(text)
    assert spans == features.spans(text)
    for s in spans:
        assert 0 <= s["start"] < s["end"] <= len(text)
        assert s["text"] == text[s["start"]:s["end"]]
        assert s["voice"] in VOICES
    row = features.transform([text])
    assert np.isfinite(row.data).all()


@SLOW
@given(texts)
def test_explanations_sum_to_the_logit(model, text):
    expl = explain(model, text)
    d = expl.to_dict()
    assert math.isclose(d["intercept"] + sum(c["contribution"] for c in d["contributions"]),
                        d["logit"], rel_tol=0, abs_tol=1e-6)
    assert math.isclose(d["logit"], float(model.score([text], on_empty="score")["logit"].iloc[0]),
                        abs_tol=1e-6)
    assert 0.0 <= d["score"] <= 1.0
    for s in d["spans"]:
        assert s["text"] == text[s["start"]:s["end"]]
    for s in d["sentences"]:
        assert 0 <= s["start"] <= s["end"] <= len(text)
    assert explain(model, text).to_dict() == d


# Pathological inputs: time must grow linearly with size. Each input is built at its full
# size and at a quarter of it; the full one may take at most 10 times as long as the quarter
# (linear: about 4; quadratic: about 16). Sizes are those of the issue: 100k quote marks, a
# 1 MB token, a lexicon term 100k times, 100k commas, ...

def _mixed_quotes(n: int) -> str:
    rnd = random.Random(n)
    marks = '"“”‘’«»'
    return "".join(rnd.choice(marks) + (" word " if rnd.random() < 0.2 else "")
                   for _ in range(n))


PATHOLOGICAL = {
    "100k mixed quote marks": (_mixed_quotes, 100_000),
    "100k unbalanced opening quotes": (lambda n: "“the plan " * n, 100_000),
    "50k nested quotes around one word": (lambda n: "«" * n + "x" + "»" * n, 50_000),
    "50k quotes in one sentence": (lambda n: "they said “martyrs” and " * n, 25_000),
    "a 1 MB token without spaces": (lambda n: "x" * n, 1_000_000),
    "a lexicon term 100k times": (lambda n: "martyrs " * n, 100_000),
    "100k commas": (lambda n: "," * n, 100_000),
    "100k words and commas before an attribution": (
        lambda n: "word, " * n + "officials said.", 100_000),
    "a 1 MB line without line breaks": (lambda n: article(n, seed=5)[33:], 1_000_000),
    "100k 'said that'": (lambda n: "said that " * n, 100_000),
    "50k 'according to' inside a sentence": (lambda n: "word according to " * n, 50_000),
    "a 1M-space run in the first line": (lambda n: "News" + " " * n + "now\n\nBody.", 1_000_000),
    "100k breadcrumb separators": (lambda n: "a / " * n + "\nTitle\n\nBody.", 100_000),
    "10k abbreviations": (lambda n: "Mr. " * n, 10_000),
    "10k sentences with a quote in one paragraph": (
        lambda n: "The “martyrs” fell. " * n, 10_000),
}


def _timed(run, text: str):
    """(seconds, result) of ``run(text)``."""
    gc.collect()
    start = time.perf_counter()
    result = run(text)
    return time.perf_counter() - start, result


def _seconds(run, text: str, repeat: int = 1) -> float:
    return min(_timed(run, text)[0] for _ in range(repeat))


@pytest.mark.slow
@pytest.mark.parametrize("case", list(PATHOLOGICAL))
def test_pathological_input_takes_linear_time(model, case):
    make, n = PATHOLOGICAL[case]
    run = model.features.analyze  # segmentation, matching, voice, features, n-grams, spans
    run("Warm “up” caches, officials said.")

    # A case that is too fast to time reliably at the size grows (at most 16x) until
    # the quarter-size input takes 20 ms: a ratio of two timer-noise figures says nothing.
    small = make(n // 4)
    t_small = _seconds(run, small, repeat=2)
    for _ in range(2):
        if t_small >= 0.02:
            break
        n *= 4
        small = make(n // 4)
        t_small = _seconds(run, small, repeat=2)
    big = make(n)
    # The best of two: one page-fault storm in a fresh process is not growth.
    t_big, analysis = min((_timed(run, big) for _ in range(2)), key=lambda r: r[0])
    assert all(s.text == big[s.start:s.end] for s in analysis.spans)
    ratio = t_big / max(t_small, 0.02)
    assert ratio < 10, f"{case}: 4x the input took {ratio:.1f}x the time"


# Extreme logits and many loaded terms (bugs found by these tests, now fixed).


# (which way the logit goes depends on the model's weight for "according to": the tests
# hold for either sign; exp() overflows beyond 709 either way)
EXTREME = "according to some " * 3000 + "it rained."


def test_explain_survives_an_extreme_logit(model):
    expl = explain(model, EXTREME, counterfactuals=False)
    assert abs(expl.logit) > 709 and expl.score == (1.0 if expl.logit > 0 else 0.0)


def test_score_of_an_extreme_logit_warns_nothing(model):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        frame = model.score([EXTREME])
    logit = frame["logit"].iloc[0]
    assert abs(logit) > 709 and frame["score"].iloc[0] == (1.0 if logit > 0 else 0.0)


def test_explain_with_counterfactuals_takes_linear_time(model):
    def run(text: str):
        return explain(model, text)

    small, big = "The martyrs were honoured. " * 50, "The martyrs were honoured. " * 200
    ratio = _seconds(run, big) / max(_seconds(run, small, repeat=2), 0.02)
    assert ratio < 10, f"4x the loaded terms took {ratio:.1f}x the time"
