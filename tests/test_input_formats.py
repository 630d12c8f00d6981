"""Input formats: compressed files by extension, ``--input-format`` for stdin and odd names,
and folders that stand for their .txt files unless ``--input-format`` says otherwise."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import assert_one_line_error, invoke

from framescore.corpus import iter_records, read_labeled

TEXTS = ["Officials said\rthe talks resumed.", "Critics slammed the so-called reform.",
         "The council met on Monday."]
COMPRESS = {".gz": lambda b: gzip.compress(b, mtime=0), ".bz2": bz2.compress,
            ".xz": lzma.compress}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"FRAMESCORE_MODEL": None, "FRAMESCORE_DEBUG": None})


def table_bytes(kind: str) -> bytes:
    frame = pd.DataFrame({"id": ["a", "b", "c"], "text": TEXTS})
    if kind == "jsonl":
        return frame.to_json(orient="records", lines=True).encode("utf-8")
    return frame.to_csv(index=False, sep="\t" if kind == "tsv" else ",").encode("utf-8")


def records(path, **options) -> list[tuple[str | None, str | None]]:
    return [(r.key, r.text) for r in iter_records([str(path)], id_col="id", **options)]


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# --- compressed files ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", sorted(COMPRESS))
@pytest.mark.parametrize("kind", ["csv", "tsv", "jsonl"])
def test_compressed_tables_read_like_plain_ones(tmp_path, kind, suffix):
    path = tmp_path / f"news.{kind}{suffix}"
    path.write_bytes(COMPRESS[suffix](table_bytes(kind)))
    assert records(path) == list(zip("abc", TEXTS, strict=True))


@pytest.mark.parametrize("suffix", sorted(COMPRESS))
def test_compressed_text_and_training_files(tmp_path, suffix):
    article = tmp_path / f"article.txt{suffix}"
    article.write_bytes(COMPRESS[suffix](b"Dam report\n\nThe council met.\n"))
    assert [(r.key, r.text) for r in iter_records([str(article)])] == [
        (article.name, "Dam report\n\nThe council met.\n")]
    labeled = tmp_path / f"labeled.csv{suffix}"
    labeled.write_bytes(COMPRESS[suffix](b"text,label\nA.,framed\nB.,neutral\n"))
    data = read_labeled(labeled, positive="framed")
    assert data.texts == ["A.", "B."] and data.y.tolist() == [1, 0]


def test_score_a_compressed_table(runner, tmp_path, default_model_dir):
    plain = tmp_path / "news.jsonl"
    plain.write_bytes(table_bytes("jsonl"))
    packed = tmp_path / "news.jsonl.gz"
    packed.write_bytes(gzip.compress(table_bytes("jsonl"), mtime=0))
    args = ["--id-col", "id", "--model", default_model_dir]
    assert (invoke(runner, ["score", packed, *args]).stdout
            == invoke(runner, ["score", plain, *args]).stdout)


@pytest.mark.parametrize(("name", "data", "needles"), [
    ("bad.csv.gz", b"not gzip at all", ["bad.csv.gz: not a readable gzip file"]),
    ("cut.jsonl.xz", lzma.compress(b'{"text": "a"}\n' * 100)[:40],
     ["cut.jsonl.xz: not a readable xz file"]),
    ("bad.txt.bz2", b"BZh9 not bzip2", ["bad.txt.bz2: not a readable bz2 file"]),
    ("latin1.csv.gz", gzip.compress("id,text\n1,café\n".encode("latin-1"), mtime=0),
     ["latin1.csv.gz:2: not valid UTF-8"]),
    ("t.parquet.gz", b"x", ["t.parquet.gz: a compressed Parquet file"]),
])
def test_unreadable_compressed_files_are_one_line(runner, tmp_path, default_model_dir, name,
                                                  data, needles):
    path = tmp_path / name
    path.write_bytes(data)
    r = invoke(runner, ["score", path, "--model", default_model_dir], code=1)
    assert_one_line_error(r, *needles)


def test_zstd_files_need_zstandard_or_python_3_14(runner, tmp_path, default_model_dir):
    path = tmp_path / "news.jsonl.zst"
    try:
        from compression import zstd  # Python 3.14+
        compress = zstd.compress
    except ImportError:
        try:
            import zstandard
            compress = zstandard.ZstdCompressor().compress
        except ImportError:
            path.write_bytes(b"\x28\xb5\x2f\xfd")
            r = invoke(runner, ["score", path, "--model", default_model_dir], code=1)
            assert_one_line_error(r, "news.jsonl.zst: reading .zst files needs the zstandard "
                                     "package")
            return
    path.write_bytes(compress(table_bytes("jsonl")))
    assert records(path) == list(zip("abc", TEXTS, strict=True))


# --- --input-format ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "tsv", "jsonl", "parquet"])
def test_tables_on_stdin(runner, tmp_path, default_model_dir, kind):
    if kind == "parquet":
        buffer = io.BytesIO()
        pd.DataFrame({"id": list("abc"), "text": TEXTS}).to_parquet(buffer)
        data = buffer.getvalue()
    else:
        data = table_bytes(kind)
    r = invoke(runner, ["score", "-", "--input-format", kind, "--id-col", "id", "--model",
                        default_model_dir], input=data)
    assert [rec["id"] for rec in jsonl(r.stdout)] == ["a", "b", "c"]
    assert "3 records: 3 scored" in r.stderr


def test_errors_of_a_table_on_stdin_name_stdin(runner, default_model_dir):
    data = b'{"text": "The council met."}\n{"text": "cut sho\n{"text": ""}\n'
    r = invoke(runner, ["score", "-", "--input-format", "jsonl", "--model", default_model_dir],
               code=1, input=data)
    assert_one_line_error(r, "-:2: malformed JSON (Unterminated string")
    r = invoke(runner, ["score", "-", "--input-format", "jsonl", "--on-error", "skip",
                        "--model", default_model_dir], input=data)
    assert "skipped -: row 1: line 2: malformed JSON" in r.stderr
    assert "skipped -: row 2: empty text" in r.stderr
    r = invoke(runner, ["score", "-", "--input-format", "csv", "--model", default_model_dir],
               code=1, input=b"id,body\n1,x\n")
    assert_one_line_error(r, "-: no column 'text'")


def test_jsonl_piped_without_input_format_is_a_usage_error(runner, default_model_dir):
    data = table_bytes("jsonl")
    r = invoke(runner, ["score", "-", "--model", default_model_dir], code=2, input=data)
    assert_one_line_error(r, "stdin looks like JSONL", "--input-format jsonl")
    r = invoke(runner, ["score", "-", "--input-format", "txt", "--model", default_model_dir],
               input=data)
    assert [rec["id"] for rec in jsonl(r.stdout)] == ["-"]  # one text, as asked
    r = invoke(runner, ["score", "-", "--model", default_model_dir],
               input=b"{Braces} open this article.\nThe council met.")
    assert len(jsonl(r.stdout)) == 1


def test_an_odd_name_read_as_a_format(runner, tmp_path, default_model_dir):
    odd = tmp_path / "export.dat"
    odd.write_bytes(table_bytes("csv"))
    r = invoke(runner, ["score", odd, "--model", default_model_dir], code=1)
    assert_one_line_error(r, "export.dat: unknown file type '.dat'", "--input-format")
    r = invoke(runner, ["score", odd, "--input-format", "csv", "--id-col", "id", "--model",
                        default_model_dir])
    assert [rec["id"] for rec in jsonl(r.stdout)] == ["a", "b", "c"]
    r = invoke(runner, ["score", odd, "--input-format", "csv", "--on-error", "skip", "--model",
                        default_model_dir], input=None)
    assert len(jsonl(r.stdout)) == 3


# --- folders ---------------------------------------------------------------------------------


@pytest.fixture
def training_layout(tmp_path) -> Path:
    """``train``'s folder layout: .txt files and a labels.csv, and a table in a subfolder."""
    folder = tmp_path / "corpus"
    (folder / "more").mkdir(parents=True)
    (folder / "a.txt").write_text("The puppet regime slammed the press.\n")
    (folder / "more" / "b.txt").write_text("Officials said the ferry runs daily.\n")
    (folder / "labels.csv").write_text("file,label\na.txt,framed\nmore/b.txt,neutral\n")
    (folder / "more" / "extra.csv").write_text("text\nA row that is not an article file.\n")
    return folder


def test_a_folder_stands_for_its_txt_files(runner, training_layout, default_model_dir):
    r = invoke(runner, ["score", training_layout, "--model", default_model_dir])
    assert [(Path(rec["source"]).name, rec["id"]) for rec in jsonl(r.stdout)] == [
        ("a.txt", "a.txt"), ("b.txt", "b.txt")]
    data = read_labeled(training_layout, positive="framed")  # train's layout still trains
    assert data.y.tolist() == [1, 0]


def test_a_folder_with_input_format_stands_for_its_tables(runner, training_layout,
                                                          default_model_dir):
    r = invoke(runner, ["score", training_layout / "more", "--input-format", "csv",
                        "--model", default_model_dir])
    assert [rec["row"] for rec in jsonl(r.stdout)] == [0]  # extra.csv's one row
    # both tables, labels.csv first (sorted), so its missing 'text' column stops the run
    r = invoke(runner, ["score", training_layout, "--input-format", "csv", "--model",
                        default_model_dir], code=1)
    assert_one_line_error(r, "labels.csv: no column 'text'")


def test_a_folder_without_txt_files_says_how_to_read_its_tables(runner, tmp_path,
                                                                default_model_dir):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "news.jsonl").write_bytes(table_bytes("jsonl"))
    r = invoke(runner, ["score", tmp_path / "t", "--model", default_model_dir], code=1)
    assert_one_line_error(r, "no .txt files in this folder", "--input-format")
    r = invoke(runner, ["score", tmp_path / "t", "--input-format", "jsonl", "--model",
                        default_model_dir])
    assert len(jsonl(r.stdout)) == 3
