"""framescore score: the output contract, input formats, chunks and workers, skipped records,
atomic output.

Through click's CliRunner, with the tiny model of tests/conftest.py, trained once per
session."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import (
    ARTICLES,
    PLACES,
    THINGS,
    _corpus,
    _sigmoid,
    assert_one_line_error,
    invoke,
    jsonl,
    write_csv,
)

import framescore
from framescore import batch


def test_score_txt_files_contract(runner, articles, model_dir, model):
    names = ["outlet_c.txt", "outlet_a.txt", "outlet_b.txt"]
    r = invoke(runner, ["score", *(articles[n] for n in names), "--model", model_dir])
    records = jsonl(r.stdout)
    assert [rec["id"] for rec in records] == names  # input order, id = file name
    expected = model.score([ARTICLES[n] for n in names])
    for rec, (_, row) in zip(records, expected.iterrows(), strict=True):
        assert 0.0 <= rec["score"] <= 1.0
        assert rec["score"] == pytest.approx(_sigmoid(rec["logit"]), abs=1e-12)
        assert rec["label"] == ("framed" if rec["score"] >= model.threshold else "neutral")
        assert rec["logit"] == pytest.approx(row["logit"], abs=1e-12)
        for column in ("sentences", "loaded_narrator", "loaded_quoted", "loaded_reported",
                       "loaded_title", "attribution_report", "attribution_distancing",
                       "scare_quotes"):
            assert rec[column] == row[column], column
        assert rec["source"] == str(articles[rec["id"]])  # several files: source is there
    a = records[1]
    assert a["loaded_title"] == 1 and a["loaded_narrator"] >= 2
    assert a["attribution_distancing"] == 1 and a["attribution_unverified"] == 1
    assert "3 records: 3 scored, 0 skipped" in r.stderr


def test_score_table_rows_and_ids(runner, tmp_path, model_dir, model):
    texts = ["The radical left blasted the plan.", "The bridge reopened, officials said.",
             "Martyrs were honoured in the square.", "The clinic is open on Sundays."]
    table = write_csv(tmp_path / "news.csv", [{"url": f"u{k}", "body": t}
                                              for k, t in enumerate(texts)])
    r = invoke(runner, ["score", table, "--text-col", "body", "--model", model_dir])
    records = jsonl(r.stdout)
    assert [rec["row"] for rec in records] == [0, 1, 2, 3]
    assert all("id" not in rec and "source" not in rec for rec in records)
    assert [rec["logit"] for rec in records] == pytest.approx(
        model.score(texts)["logit"].tolist(), abs=1e-12)
    r = invoke(runner, ["score", table, "--text-col", "body", "--id-col", "url",
                        "--model", model_dir])
    assert [rec["id"] for rec in jsonl(r.stdout)] == ["u0", "u1", "u2", "u3"]
    assert all("row" not in rec for rec in jsonl(r.stdout))


def test_score_output_formats_agree(runner, tmp_path, articles, model_dir):
    inputs = [articles[n] for n in sorted(articles)]
    base = pd.DataFrame(jsonl(invoke(runner, ["score", *inputs, "--model", model_dir]).stdout))
    for name, reader in [("s.csv", pd.read_csv), ("s.tsv", lambda p: pd.read_csv(p, sep="\t")),
                         ("s.parquet", pd.read_parquet),
                         ("s.jsonl", lambda p: pd.read_json(p, lines=True))]:
        out = tmp_path / name
        r = invoke(runner, ["score", *inputs, "--model", model_dir, "-o", out])
        assert r.stdout == ""
        got = reader(out)
        assert list(got.columns) == list(base.columns), name
        pd.testing.assert_frame_equal(got, base, check_dtype=False, rtol=1e-12, atol=1e-12)
    # --format wins over the extension; csv to stdout
    r = invoke(runner, ["score", *inputs, "--model", model_dir, "--format", "csv"])
    got = pd.read_csv(io.StringIO(r.stdout))
    pd.testing.assert_frame_equal(got, base, check_dtype=False, rtol=1e-12, atol=1e-12)


def test_score_jsonl_parquet_folder_and_stdin_inputs(runner, tmp_path, model_dir):
    folder = tmp_path / "batch"
    (folder / "deep").mkdir(parents=True)
    (folder / "deep" / "z.txt").write_text("The puppet regime slammed the press.\n")
    (folder / "a.jsonl").write_text(
        json.dumps({"content": "Officials said the ferry runs daily."}) + "\n\n"
        + json.dumps({"content": "Freedom fighters held the pass."}) + "\n")
    pd.DataFrame({"content": ["The library opened, the mayor said."]}).to_parquet(
        folder / "b.parquet")
    (folder / "notes.bin").write_bytes(b"\x00\x01 ignored: not a known extension")
    r = invoke(runner, ["score", folder / "a.jsonl", folder / "b.parquet", folder,
                        "--text-col", "content", "--model", model_dir])
    records = jsonl(r.stdout)
    assert [(Path(rec["source"]).name, rec.get("row"), rec.get("id")) for rec in records] == [
        ("a.jsonl", 0, None), ("a.jsonl", 1, None), ("b.parquet", 0, None),
        ("z.txt", 0, "z.txt")]
    # a folder stands for its .txt files, or with --input-format for its tables of a format
    r = invoke(runner, ["score", folder, "--text-col", "content", "--model", model_dir])
    assert [rec["id"] for rec in jsonl(r.stdout)] == ["z.txt"]
    r = invoke(runner, ["score", folder, "--input-format", "parquet", "--text-col", "content",
                        "--model", model_dir])
    assert [rec["row"] for rec in jsonl(r.stdout)] == [0]
    r = invoke(runner, ["score", "-", "--model", model_dir],
               input="Critics slammed the so-called reform.")
    [rec] = jsonl(r.stdout)
    assert rec["id"] == "-" and set(rec) >= {"score", "label", "logit"}


def test_score_sentence_level_offsets_slice_the_text(runner, articles, model_dir):
    path = articles["outlet_a.txt"]
    text = ARTICLES["outlet_a.txt"]
    article = jsonl(invoke(runner, ["score", path, "--model", model_dir]).stdout)[0]
    rows = jsonl(invoke(runner, ["score", path, "--level", "sentence",
                                 "--model", model_dir]).stdout)
    assert len(rows) == article["sentences"] >= 3
    assert [r["sentence"] for r in rows] == list(range(len(rows)))
    assert list(rows[0])[:4] == ["id", "sentence", "start", "end"]
    prev_end = 0
    for r in rows:
        piece = text[r["start"]:r["end"]]
        assert piece and piece == piece.strip()
        assert r["start"] >= prev_end
        prev_end = r["end"]
        assert r["score"] == pytest.approx(_sigmoid(r["logit"]))
    assert text[rows[0]["start"]:rows[0]["end"]] == "Puppet regime blamed for dam failure"
    # the article logit is the mean of its sentence logits
    assert article["logit"] == pytest.approx(sum(r["logit"] for r in rows) / len(rows))


@pytest.mark.slow
def test_score_parallel_and_chunked_output_is_identical(runner, tmp_path, model_dir):
    texts, _ = _corpus()
    table = write_csv(tmp_path / "many.csv", [{"text": t} for t in texts[:30]])
    one = invoke(runner, ["score", table, "--model", model_dir, "--chunk-size", "7"]).stdout
    two = invoke(runner, ["score", table, "--model", model_dir, "--chunk-size", "4",
                          "-j", "2"]).stdout
    assert one == two and len(jsonl(one)) == 30
    # more one-record chunks than the parent scores while the workers start: some are
    # scored by the workers whatever the machine's speed
    many = write_csv(tmp_path / "more.csv", [{"text": t} for t in texts * 3])
    one = invoke(runner, ["score", many, "--model", model_dir]).stdout
    two = invoke(runner, ["score", many, "--model", model_dir, "--chunk-size", "1",
                          "-j", "2"]).stdout
    assert one == two and len(jsonl(one)) == 3 * len(texts) > 64
    out1, out2 = tmp_path / "one.parquet", tmp_path / "two.parquet"
    invoke(runner, ["score", table, "--model", model_dir, "--level", "sentence", "-o", out1])
    invoke(runner, ["score", table, "--model", model_dir, "--level", "sentence", "-o", out2,
                    "--chunk-size", "1"])
    pd.testing.assert_frame_equal(pd.read_parquet(out1), pd.read_parquet(out2))


def test_score_writes_spans_and_contributions_that_explain_each_score(runner, tmp_path,
                                                                       model_dir):
    """--spans and --contributions: long tables joined to the scores on id; each record's
    contributions add up to its logit, each span's text is the text at its offsets, and the
    same files come out with -j 2 and small chunks."""
    texts, _ = _corpus()
    rows = [{"key": f"k{i}", "text": t} for i, t in enumerate(texts[:24])]
    rows[5]["text"] = ""  # skipped: in neither table
    table = write_csv(tmp_path / "news.csv", rows)
    base = ["score", table, "--id-col", "key", "--model", model_dir, "--on-error", "skip"]
    invoke(runner, [*base, "-o", tmp_path / "s.jsonl", "--spans", tmp_path / "spans.csv",
                    "--contributions", tmp_path / "contrib.jsonl"])
    scores = pd.DataFrame(jsonl((tmp_path / "s.jsonl").read_text()))
    spans = pd.read_csv(tmp_path / "spans.csv", keep_default_na=False)
    contrib = pd.DataFrame(jsonl((tmp_path / "contrib.jsonl").read_text()))
    assert list(spans.columns) == ["id", "sentence", "start", "end", "text", "feature",
                                   "category", "voice", "contribution", "neutral"]
    assert list(contrib.columns) == ["id", "feature", "value", "weight", "contribution"]
    intercept = framescore.load(model_dir).intercept
    sums = contrib.groupby("id")["contribution"].sum()
    assert set(sums.index) == set(scores["id"]) == {f"k{i}" for i in range(24)} - {"k5"}
    for _, row in scores.iterrows():
        assert intercept + sums[row["id"]] == pytest.approx(row["logit"], abs=1e-9)
    by_id = {r["key"]: r["text"] for r in rows}
    assert len(spans) > 24
    assert all(by_id[s.id][s.start:s.end] == s.text for s in spans.itertuples())
    assert set(spans["id"]) <= set(scores["id"])
    assert (contrib["value"] * contrib["weight"]).to_numpy() == pytest.approx(
        contrib["contribution"].to_numpy())
    invoke(runner, [*base, "-o", tmp_path / "s2.jsonl", "--spans", tmp_path / "spans2.csv",
                    "--contributions", tmp_path / "contrib2.jsonl", "-j", "2",
                    "--chunk-size", "1"])
    for a, b in [("s", "s2"), ("contrib", "contrib2")]:
        assert (tmp_path / f"{a}.jsonl").read_text() == (tmp_path / f"{b}.jsonl").read_text()
    assert (tmp_path / "spans.csv").read_text() == (tmp_path / "spans2.csv").read_text()


def test_score_spans_at_sentence_level_and_as_parquet(runner, tmp_path, model_dir):
    texts, _ = _corpus()
    article = " ".join(texts[:3])
    path = tmp_path / "a.txt"
    path.write_text(article, encoding="utf-8")
    out, spans_path = tmp_path / "s.jsonl", tmp_path / "spans.parquet"
    invoke(runner, ["score", path, "--level", "sentence", "--model", model_dir, "-o", out,
                    "--spans", spans_path])
    sentences = jsonl(out.read_text())
    spans = pd.read_parquet(spans_path)
    assert list(spans["id"].unique()) == ["a.txt"] and len(sentences) == 3
    for s in spans.itertuples():
        sentence = sentences[s.sentence]
        assert sentence["start"] <= s.start < s.end <= sentence["end"]
        assert article[s.start:s.end] == s.text


def test_score_table_options_need_a_known_format_and_leave_nothing_on_failure(
        runner, tmp_path, model_dir):
    table = write_csv(tmp_path / "gaps.csv", [{"text": "The bridge reopened."}, {"text": ""}])
    r = invoke(runner, ["score", table, "--model", model_dir, "--spans", tmp_path / "sp.txt"],
               code=2)
    assert_one_line_error(r, "--spans", "sp.txt", ".jsonl, .csv, .tsv or .parquet")
    spans, contrib = tmp_path / "sp.csv", tmp_path / "c.parquet"
    invoke(runner, ["score", table, "--model", model_dir, "--spans", spans,
                    "--contributions", contrib], code=1)
    assert not spans.exists() and not contrib.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gaps.csv"]


def test_score_bad_row_fails_naming_file_and_row(runner, tmp_path, model_dir):
    table = write_csv(tmp_path / "gaps.csv", [{"text": "The bridge reopened."}, {"text": ""},
                                              {"text": "The ferry runs."}])
    r = invoke(runner, ["score", table, "--model", model_dir], code=1)
    assert_one_line_error(r, "gaps.csv: row 1", "empty text", "--on-error skip")


def test_score_on_error_skip_accounts_for_every_row(runner, tmp_path, model_dir):
    folder = tmp_path / "mixed"
    folder.mkdir()
    write_csv(folder / "a.csv", [{"n": 1, "text": "The clinic opened, officials said."},
                                 {"n": 2, "text": "   "},
                                 {"n": 3, "text": "The radical left slammed it."},
                                 {"n": 4, "text": None}])
    (folder / "b.jsonl").write_text(
        '{"text": "Martyrs were named."}\n{"text": broken\n{"text": null}\n'
        '{"body": "no text field"}\n{"text": "The harbour closed."}\n')
    (folder / "c.txt").write_text("")
    (folder / "d.txt").write_bytes(b"caf\xe9 au lait\n")  # Latin-1, not UTF-8
    (folder / "e.txt").write_text("The railway was repaired, engineers said.")
    out = tmp_path / "scores.jsonl"
    r = invoke(runner, ["score", folder / "a.csv", folder / "b.jsonl", folder, "--on-error",
                        "skip", "-o", out, "--model", model_dir])
    scored = jsonl(out.read_text())
    errors = jsonl(Path(f"{out}.errors.jsonl").read_text())
    assert len(scored) == 5 and len(errors) == 7
    assert "12 records: 5 scored, 7 skipped" in r.stderr
    assert all(set(e) == {"source", "row", "id", "reason"} for e in errors)
    reasons = {(Path(e["source"]).name, e["row"]): e["reason"] for e in errors}
    assert reasons[("a.csv", 1)] == "empty text"
    assert reasons[("a.csv", 3)] == "empty text"  # CSV cannot tell missing from empty
    assert "missing text" in reasons[("b.jsonl", 2)]
    assert reasons[("b.jsonl", 1)].startswith("line 2: malformed JSON")
    assert "no field 'text'" in reasons[("b.jsonl", 3)]
    assert reasons[("c.txt", 0)] == "empty text"
    assert "UTF-8" in reasons[("d.txt", 0)]
    # every input row is either scored or skipped, exactly once
    seen = sorted((Path(x["source"]).name, x.get("row", 0)) for x in scored + errors)
    assert len(seen) == len(set(seen)) == 12
    # without -o, skipped rows are reported on stderr and --errors picks a file
    r = invoke(runner, ["score", folder / "a.csv", "--on-error", "skip", "--model", model_dir])
    assert "skipped" in r.stderr and "a.csv: row 1: empty text" in r.stderr
    assert len(jsonl(r.stdout)) == 2
    errs = tmp_path / "errs.jsonl"
    invoke(runner, ["score", folder / "a.csv", "--on-error", "skip", "--errors", errs,
                    "--model", model_dir])
    assert len(jsonl(errs.read_text())) == 2


def test_score_output_is_atomic(runner, tmp_path, model_dir):
    rows = [{"text": f"The {t} in {p} reopened, officials said."}
            for t, p in itertools.product(THINGS, PLACES)]
    rows[13] = {"text": ""}  # fails in the fourth chunk, after three were written
    table = write_csv(tmp_path / "big.csv", rows)
    for name in ("fresh.jsonl", "old.csv", "old.parquet"):
        out = tmp_path / name
        if name.startswith("old"):
            out.write_text("previous complete output\n")
        r = invoke(runner, ["score", table, "-o", out, "--chunk-size", "4", "--model",
                            model_dir], code=1)
        assert_one_line_error(r, "row 13")
        if name.startswith("old"):
            assert out.read_text() == "previous complete output\n"
        else:
            assert not out.exists()
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == ["big.csv", "old.csv", "old.parquet"]  # no temporary files remain


def test_score_interrupted_leaves_no_output(runner, tmp_path, model_dir, monkeypatch):
    table = write_csv(tmp_path / "t.csv", [{"text": f"Story {k} was told, they said."}
                                           for k in range(10)])
    real, calls = batch._score_texts, []

    def interrupted(*args):
        calls.append(1)
        if len(calls) == 2:  # one chunk written, then Ctrl-C
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(batch, "_score_texts", interrupted)
    out = tmp_path / "s.csv"
    r = invoke(runner, ["score", table, "-o", out, "--chunk-size", "5", "--model", model_dir],
               code=130)
    assert "framescore: error: interrupted" in r.stderr and "Traceback" not in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_score_quiet_and_output_folder(runner, tmp_path, articles, model_dir):
    r = invoke(runner, ["--quiet", "score", articles["outlet_a.txt"], "--model", model_dir])
    assert r.stderr == "" and len(jsonl(r.stdout)) == 1
    r = invoke(runner, ["score", articles["outlet_a.txt"], "-o", tmp_path, "--format", "jsonl",
                        "--model", model_dir], code=1)
    assert_one_line_error(r, str(tmp_path), "folder")


@pytest.mark.parametrize(("setup", "needles"), [
    (lambda d: write_csv(d / "cols.csv", [{"id": 1, "body": "x"}]),
     ["cols.csv", "no column 'text'", "columns found: id, body"]),
    (lambda d: (d / "bad.jsonl").write_text('{"text": "ok"}\n{"text": "cut\n') and d / "bad.jsonl",
     ["bad.jsonl:2:", "malformed JSON"]),
    (lambda d: (d / "doc.docx").write_text("x") and d / "doc.docx",
     ["doc.docx", "unknown file type '.docx'"]),
    (lambda d: d / "absent.txt", ["absent.txt", "no such file or directory"]),
    (lambda d: (d / "empty.txt").write_text("") == 0 and d / "empty.txt",
     ["empty.txt", "empty text"]),
    (lambda d: (d / "blob.txt").write_bytes(b"\x00\x01\x02") and d / "blob.txt",
     ["blob.txt", "binary"]),
    (lambda d: pd.DataFrame({"text": [1, 2]}).to_parquet(d / "ints.parquet") or
     d / "ints.parquet", ["ints.parquet", "column 'text'", "expected string"]),
])
def test_score_bad_input_is_one_line_exit_1(runner, tmp_path, model_dir, setup, needles):
    path = setup(tmp_path)
    r = invoke(runner, ["score", path, "--model", model_dir], code=1)
    assert_one_line_error(r, *needles)
    assert r.stdout == ""


def test_score_stdin_must_be_utf8(runner, model_dir):
    r = invoke(runner, ["score", "-", "--model", model_dir], code=1, input=b"caf\xe9 news")
    assert_one_line_error(r, "-:1: not valid UTF-8")
    r = invoke(runner, ["score", "-", "--on-error", "skip", "--model", model_dir],
               input=b"caf\xe9 news")
    assert r.stdout == "" and "1 records: 0 scored, 1 skipped" in r.stderr


def test_score_unwritable_output(runner, tmp_path, articles, model_dir):
    out = tmp_path / "no" / "such" / "folder" / "s.jsonl"
    r = invoke(runner, ["score", articles["outlet_a.txt"], "-o", out, "--model", model_dir],
               code=1)
    assert_one_line_error(r, str(out))


def test_sentence_level_output_has_the_sentence_text(runner, tmp_path, articles, model_dir):
    text = ARTICLES["outlet_a.txt"]
    rows = jsonl(invoke(runner, ["score", articles["outlet_a.txt"], "--level", "sentence",
                                 "--model", model_dir]).stdout)
    assert list(rows[0])[:5] == ["id", "sentence", "start", "end", "text"]
    assert all(r["text"] == text[r["start"]:r["end"]] for r in rows)
    table = write_csv(tmp_path / "t.csv", [{"text": text}, {"text": "One. Two here."}])
    for fmt in ("csv", "parquet"):
        out = tmp_path / f"s.{fmt}"
        invoke(runner, ["score", table, "--level", "sentence", "--model", model_dir, "-o", out,
                        "-j", "2" if fmt == "csv" else "1"])
        df = pd.read_csv(out) if fmt == "csv" else pd.read_parquet(out)
        texts = [text, "One. Two here."]
        assert df["text"].tolist() == [texts[r][s:e] for r, s, e in
                                       zip(df["row"], df["start"], df["end"], strict=True)]


@pytest.mark.parametrize(("name", "data"), [
    ("end.jsonl", '{"text": "The council met."}\n{"text": "The minister sa'),
    ("middle.jsonl", '{"text": "The council met."}\n{"text": "The minister sa\n{"text": "b"}\n'),
])
def test_a_truncated_jsonl_line_is_an_unterminated_string(runner, tmp_path, model_dir, name,
                                                          data):
    path = tmp_path / name
    path.write_text(data)
    r = invoke(runner, ["score", path, "--model", model_dir], code=1)
    assert_one_line_error(r, f"{name}:2: malformed JSON (Unterminated string starting at "
                             "column 10)")
    r = invoke(runner, ["train", path, "--positive", "x", "-o", tmp_path / "m"], code=1)
    assert_one_line_error(r, f"{name}:2: malformed JSON (Unterminated string")


def test_keep_col_copies_input_columns_into_every_output_row(runner, tmp_path, model_dir):
    rows = [{"text": "The puppet regime slammed the press. Officials said so.", "outlet": "A",
             "date": "2026-01-02", "n": 1},
            {"text": "The ferry runs daily, officials said.", "outlet": "B", "date": None,
             "n": 2}]
    csv_path = write_csv(tmp_path / "news.csv", rows)
    pd.DataFrame(rows).to_parquet(tmp_path / "news.parquet")
    (tmp_path / "news.jsonl").write_text("".join(
        json.dumps({k: v for k, v in r.items() if k != "date" or v}) + "\n" for r in rows))
    keep = ["--keep-col", "outlet", "--keep-col", "date", "--keep-col", "outlet"]
    for name in ("news.csv", "news.parquet", "news.jsonl"):
        out = jsonl(invoke(runner, ["score", tmp_path / name, *keep, "--model",
                                    model_dir]).stdout)
        assert [list(r)[:4] for r in out] == [["row", "outlet", "date", "score"]] * 2
        empty = "" if name == "news.csv" else None  # CSV cells are read as written
        assert [(r["outlet"], r["date"]) for r in out] == [("A", "2026-01-02"), ("B", empty)]
    sentences = jsonl(invoke(runner, ["score", csv_path, "--keep-col", "n", "--level",
                                      "sentence", "--model", model_dir]).stdout)
    assert [r["n"] for r in sentences] == ["1", "1", "2"]
    out = tmp_path / "s.parquet"
    invoke(runner, ["score", csv_path, "--keep-col", "outlet", "-o", out, "-j", "2",
                    "--model", model_dir])
    assert pd.read_parquet(out)["outlet"].tolist() == ["A", "B"]
    r = invoke(runner, ["score", csv_path, "--keep-col", "nope", "--model", model_dir], code=1)
    assert_one_line_error(r, "news.csv: no column 'nope'")
    r = invoke(runner, ["score", csv_path, "--keep-col", "label", "--model", model_dir], code=2)
    assert_one_line_error(r, "--keep-col label")
    r = invoke(runner, ["score", tmp_path / "news.jsonl", "--keep-col", "missing", "--model",
                        model_dir])
    assert [r["missing"] for r in jsonl(r.stdout)] == [None, None]


# --- terms added at scoring time (--lexicon), and texts that do not look like English --------

GERMAN = "Die Regierung hat am Dienstag neue Maßnahmen gegen die hohen Preise beschlossen."
BANDITS = "The Velmora bandits closed the road on Monday. Engineers repaired the bridge."


def _mine(tmp_path: Path) -> Path:
    path = tmp_path / "mine.csv"
    path.write_text("term,category,neutral\nvelmora bandits,delegitimizing,Velmora officials\n",
                    encoding="utf-8")
    return path


def test_score_with_added_lexicon_records_the_lexicons_in_force(runner, tmp_path, model_dir,
                                                                 model):
    import hashlib

    from framescore.overlay import lexicon_sha256, with_lexicons

    mine = _mine(tmp_path)
    texts = [BANDITS, "The bridge reopened, officials said."]
    table = write_csv(tmp_path / "news.csv", [{"text": t} for t in texts])
    plain = jsonl(invoke(runner, ["score", table, "--model", model_dir]).stdout)
    assert all("lexicons" not in rec for rec in plain)
    r = invoke(runner, ["score", table, "--model", model_dir, "--lexicon", mine,
                        "--spans", tmp_path / "spans.csv"])
    records = jsonl(r.stdout)
    expected = with_lexicons(model, [mine]).score(texts)["logit"].tolist()
    assert [rec["logit"] for rec in records] == pytest.approx(expected, abs=1e-12)
    assert records[0]["logit"] > plain[0]["logit"]  # a delegitimizing term, now matched
    assert records[0]["loaded_narrator"] == plain[0]["loaded_narrator"] + 1
    assert records[1]["logit"] == pytest.approx(plain[1]["logit"], abs=1e-12)
    tag = (f"model:{lexicon_sha256(model)};"
           f"mine.csv:{hashlib.sha256(mine.read_bytes()).hexdigest()}")
    assert [rec["lexicons"] for rec in records] == [tag, tag]
    assert list(records[0])[-2:] == ["looks_english", "lexicons"]
    assert "lexicons: model (" in r.stderr and "mine.csv (1 terms" in r.stderr
    spans = pd.read_csv(tmp_path / "spans.csv")
    added = spans[spans["text"] == "Velmora bandits"]
    assert added[["row", "category", "voice"]].values.tolist() == [
        [0, "delegitimizing", "narrator"]]
    # the same column in CSV and Parquet output
    invoke(runner, ["score", table, "--model", model_dir, "--lexicon", mine,
                    "-o", tmp_path / "s.parquet"])
    assert pd.read_parquet(tmp_path / "s.parquet")["lexicons"].tolist() == [tag, tag]
    invoke(runner, ["score", table, "--model", model_dir, "--lexicon", mine,
                    "-o", tmp_path / "s.csv"])
    assert pd.read_csv(tmp_path / "s.csv")["lexicons"].tolist() == [tag, tag]


@pytest.mark.parametrize(("content", "line", "needle"), [
    ("term,category\nfine,partisan\nnew term,brand_new\n", 3, "no weight for it"),
    ("term,category,neutral\nfine,partisan\n", 2, "expected 3 fields"),
])
def test_score_refuses_a_lexicon_the_model_cannot_use(runner, tmp_path, model_dir, articles,
                                                      content, line, needle):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = invoke(runner, ["score", articles["outlet_a.txt"], "--model", model_dir, "--lexicon",
                        bad, "-o", out], code=1)
    assert_one_line_error(r, f"{bad}:{line}:", needle)
    assert not out.exists()


def test_score_flags_texts_that_do_not_look_english(runner, tmp_path, model_dir):
    texts = [GERMAN, "The bridge reopened on Monday, officials said.", GERMAN + " " + GERMAN,
             "Streik legt Bahnverkehr lahm"]  # a German headline: too short to tell
    table = write_csv(tmp_path / "news.csv", [{"text": t} for t in texts])
    r = invoke(runner, ["score", table, "--model", model_dir])
    assert [rec["looks_english"] for rec in jsonl(r.stdout)] == [False, True, False, True]
    warnings = [line for line in r.stderr.splitlines() if "warning" in line]
    assert warnings == ["framescore: warning: 2 of 4 records do not look like English (few "
                        "English stop words); framescore's lexicons and model read English "
                        "only, so their scores mean little"]
    # at sentence level each sentence row has its text's flag; the warning counts texts
    r = invoke(runner, ["-q", "score", table, "--level", "sentence", "--model", model_dir])
    rows = jsonl(r.stdout)
    assert [(rec["row"], rec["looks_english"]) for rec in rows] == [
        (0, False), (1, True), (2, False), (2, False), (3, True)]
    assert "2 of 4 records do not look like English" in r.stderr  # even with -q
    invoke(runner, ["score", table, "--model", model_dir, "-o", tmp_path / "s.csv"])
    assert pd.read_csv(tmp_path / "s.csv")["looks_english"].tolist() == [False, True, False,
                                                                         True]
    english = write_csv(tmp_path / "en.csv", [{"text": texts[1]}])
    assert "warning" not in invoke(runner, ["score", english, "--model", model_dir]).stderr
