"""CSV files as scraped news comes: carriage returns in fields, old Mac line ends, CRLF.

A carriage return inside a field (quoted or not) is text, in a file whose lines end in
``\\n`` or ``\\r\\n``; in a file whose lines end in ``\\r`` alone, ``\\r`` ends a line. The
delimiter is sniffed from text opened with ``newline=""`` and read by one path.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import assert_one_line_error, invoke

from framescore.corpus import iter_records, read_labeled
from framescore.tables import read_table, sniff_sep


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"FRAMESCORE_MODEL": None, "FRAMESCORE_DEBUG": None})


def write(path: Path, data: str) -> Path:
    path.write_bytes(data.encode("utf-8"))
    return path


def texts(path: Path, **options) -> list[tuple[int, str | None, str | None]]:
    return [(r.row, r.key, r.text) for r in iter_records([str(path)], **options)]


# The reproducer, and its variants.
CASES = {
    "quoted.csv": ('id,text\n1,"Officials said\rthe talks resumed."\n'
                   '2,"The minister said the plan works."\n'),
    "unquoted.csv": ("id,text\n1,Officials said\rthe talks resumed.\n"
                     "2,The minister said the plan works.\n"),
    "crlf.csv": ('id,text\r\n1,"Officials said\rthe talks resumed."\r\n'
                 "2,The minister said\rthe plan works.\r\n"),
    "mac.csv": ("id,text\r1,Officials said the talks resumed.\r"
                '2,"The minister said\rthe plan works."\r'),
}
EXPECTED = {
    "quoted.csv": ["Officials said\rthe talks resumed.", "The minister said the plan works."],
    "unquoted.csv": ["Officials said\rthe talks resumed.", "The minister said the plan works."],
    "crlf.csv": ["Officials said\rthe talks resumed.", "The minister said\rthe plan works."],
    # with \r line ends, a quoted \r is still text
    "mac.csv": ["Officials said the talks resumed.", "The minister said\rthe plan works."],
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("skip", [False, True])
def test_carriage_returns_are_read_as_text(tmp_path, name, skip):
    path = write(tmp_path / name, CASES[name])
    got = texts(path, id_col="id", skip_bad_lines=skip)
    assert got == [(k, str(k + 1), t) for k, t in enumerate(EXPECTED[name])]


@pytest.mark.parametrize("name", sorted(CASES))
def test_read_table_and_read_labeled_keep_the_carriage_returns(tmp_path, name):
    path = write(tmp_path / name, CASES[name])
    assert read_table(path)["text"].tolist() == EXPECTED[name]
    labeled = write(tmp_path / f"labeled_{name}", CASES[name].replace("id,", "label,")
                    .replace("1,", "framed,").replace("2,", "neutral,"))
    data = read_labeled(labeled, positive="framed", negative="neutral")
    assert data.texts == EXPECTED[name] and data.y.tolist() == [1, 0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_score_a_csv_with_carriage_returns(runner, tmp_path, default_model_dir, name):
    path = write(tmp_path / name, CASES[name])
    r = invoke(runner, ["score", path, "--model", default_model_dir, "--format", "csv"])
    assert "2 records: 2 scored, 0 skipped" in r.stderr
    assert len(r.stdout.splitlines()) == 3


def test_carriage_returns_in_column_names_and_ids(tmp_path):
    path = write(tmp_path / "names.csv", 'id,"the\rtext"\n"a\rb",First.\n')
    assert texts(path, text_col="the\rtext", id_col="id") == [(0, "a\rb", "First.")]
    assert list(read_table(path).columns) == ["id", "the\rtext"]


def test_malformed_rows_are_named_in_a_file_with_carriage_returns(runner, tmp_path,
                                                                 default_model_dir):
    data = "id,text\n1,One\rtwo.\n2,Three,four\n3,Five.\n"
    path = write(tmp_path / "ragged.csv", data)
    r = invoke(runner, ["score", path, "--model", default_model_dir], code=1)
    assert_one_line_error(r, "ragged.csv: row 1: malformed row")
    assert texts(path, skip_bad_lines=True) == [(0, None, "One\rtwo."), (1, None, None),
                                                 (2, None, "Five.")]


def test_an_open_quote_after_carriage_returns_keeps_the_rows_before_it(tmp_path):
    rows = "".join(f'{k},"Row\r{k}."\n' for k in range(3000))
    path = write(tmp_path / "open.csv", "id,text\n" + rows + '3000,"never closed\rhere.\n')
    got = texts(path, skip_bad_lines=True)
    assert [t for _, _, t in got[:3000]] == [f"Row\r{k}." for k in range(3000)]
    assert got[-1][2] is None and len(got) == 3001


def test_the_unicode_placeholder_character_is_refused(runner, tmp_path, default_model_dir):
    path = write(tmp_path / "nonchar.csv", "id,text\n1,a\ufdd0b\n")
    r = invoke(runner, ["score", path, "--model", default_model_dir], code=1)
    assert_one_line_error(r, "nonchar.csv", "U+FDD0")


@pytest.mark.parametrize(("data", "sep"), [
    ("id,text\n1,The council met; it left.\n", ","),
    ("id;text\n1;Hello, world, again.\r2;Foo, bar.\n", ";"),
    ("id\ttext\n1\tOne, two; three.\n", "\t"),
    ("text\nhello, world\nfoo; bar\n", "\t"),  # one column: a delimiter it does not hold
    ("id;text\r1;Hello, world.\r2;Foo, bar.\r", ";"),
    ('id,text\n1,"a\rb; c"\n2,"d; e"\n', ","),
])
def test_sniffed_delimiter(tmp_path, data, sep):
    assert sniff_sep(write(tmp_path / "s.csv", data)) == sep


def test_sniffing_a_line_full_of_quotes_is_quick(tmp_path):
    # csv.Sniffer takes quadratic time in such a line: it sees only the file's start
    path = write(tmp_path / "quotes.csv", 'id,"' + ', "x' * 200_000 + '"\n1,a\n')
    start = time.perf_counter()
    assert sniff_sep(path) == ","
    assert time.perf_counter() - start < 2
