"""End-to-end tests of the ``framescore`` command line (click's CliRunner, plus the installed
entry point in a subprocess).

Every text here is written for these tests. The model is a tiny one trained once per session
on 40 template sentences with a small lexicon, so the tests do not depend on the shipped
default model (the one test that does is skipped when it is absent).
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import assert_one_line_error, invoke

import framescore
from framescore import batch, cli, persist
from framescore.corpus import Record
from framescore.explain import explain

ROOT = Path(__file__).resolve().parents[1]
VOICES = {"narrator", "quoted", "reported", "title"}

LOADED = """\
term,category,neutral,note,not_before
puppet regime,delegitimizing,government,,
martyr,valorizing,person killed,,
freedom fighters,valorizing,fighters,,
radical left,partisan,opposition,,
brutal onslaught,atrocity,offensive,,
slammed,loaded_verb,criticized,,
blasted,loaded_verb,criticized,,
"""

ATTRIBUTION = """\
term,category,neutral,note,not_before
said,report,,,
told,report,,,
claimed,distancing,said,,responsibility|the lives
so-called,distancing,,,
confirmed,endorsing,,,
reportedly,hedge,,,
could not be independently verified,unverified,,,
according to,sourcing,,,
"""

# Three outlets telling the same invented event.
ARTICLES = {
    "outlet_a.txt": (
        "Puppet regime blamed for dam failure\n\n"
        "The puppet regime in Velmora slammed flood victims on Tuesday after the dam failed. "
        "Residents mourned the martyrs of the disaster. The ministry claimed that repairs had "
        "begun, but the figures could not be independently verified.\n"
    ),
    "outlet_b.txt": (
        "Dam fails near Velmora\n\n"
        "A dam failed near Velmora on Tuesday, officials said. An opposition leader told "
        "reporters: \"This puppet regime ignored every warning.\" The ministry said repairs "
        "had begun.\n"
    ),
    "outlet_c.txt": (
        "Velmora dam collapse floods valley\n\n"
        "The radical left blasted the government on Tuesday after a dam near Velmora failed. "
        "Engineers said the structure had been inspected in May. The government confirmed "
        "that repairs had begun.\n"
    ),
}

THINGS = ["bridge", "harbour", "clinic", "railway", "library"]
PLACES = ["Norvik", "Lamberg", "Kelso", "Arden"]


def _corpus() -> tuple[list[str], list[int]]:
    """40 labeled sentences: 20 framed (loaded terms), 20 neutral (plain reporting)."""
    framed_t = [
        "The puppet regime wrecked the {t} in {p}, and critics slammed the move.",
        "Freedom fighters defended the {t} in {p} against a brutal onslaught.",
        "The radical left blasted plans for the {t} in {p}.",
        "Martyrs fell at the {t} in {p}, activists claimed.",
        "So-called officials of the puppet regime seized the {t} in {p}.",
    ]
    neutral_t = [
        "Officials said the {t} in {p} would reopen next month.",
        "The council confirmed the budget for the {t} in {p}, a spokesperson said.",
        "Engineers inspected the {t} in {p} on Monday, according to the city.",
        "The {t} in {p} closed early because of rain, staff told reporters.",
        "Work on the {t} in {p} is due to finish in spring, the mayor said.",
    ]
    texts, labels = [], []
    for k, (t, p) in enumerate(itertools.islice(itertools.product(THINGS, PLACES), 20)):
        texts += [framed_t[k % 5].format(t=t, p=p), neutral_t[k % 5].format(t=t, p=p)]
        labels += [1, 0]
    return texts, labels


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def cli_lexicons(tmp_path_factory) -> list[Path]:
    d = tmp_path_factory.mktemp("cli_lexicons")
    (d / "loaded.csv").write_text(LOADED, encoding="utf-8")
    (d / "attribution.csv").write_text(ATTRIBUTION, encoding="utf-8")
    return [d / "loaded.csv", d / "attribution.csv"]


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory, cli_lexicons) -> Path:
    texts, y = _corpus()
    model = framescore.train(texts, y, cv=0, ngrams=True, min_df=1,
                             lexicons=[str(p) for p in cli_lexicons])
    return model.save(tmp_path_factory.mktemp("cli_model") / "tiny")


@pytest.fixture(scope="session")
def model(model_dir):
    return framescore.load(model_dir)


@pytest.fixture(scope="session")
def articles(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("articles")
    out = {}
    for name, text in ARTICLES.items():
        (d / name).write_text(text, encoding="utf-8")
        out[name] = d / name
    return out


@pytest.fixture(scope="session")
def labeled_csv(tmp_path_factory) -> Path:
    texts, y = _corpus()
    rows = [{"sentence": t, "label": "framed" if v else "plain", "outlet": f"o{k % 4}"}
            for k, (t, v) in enumerate(zip(texts, y, strict=True))]
    rows += [{"sentence": "Nobody agreed on the label of this row.", "label": "unsure",
              "outlet": "o1"},
             {"sentence": "", "label": "framed", "outlet": "o2"}]
    path = tmp_path_factory.mktemp("labeled") / "labeled.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"FRAMESCORE_MODEL": None, "FRAMESCORE_DEBUG": None, "NO_COLOR": None})




def _no_constants(name: str):
    raise AssertionError(f"not JSON: {name}")


def jsonl(text: str) -> list[dict]:
    """Parse JSON lines strictly (NaN or Infinity fail)."""
    return [json.loads(line, parse_constant=_no_constants)
            for line in text.splitlines() if line.strip()]


def write_csv(path: Path, rows: list[dict]) -> Path:
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


# --- help and global behaviour ---------------------------------------------------------------


@pytest.mark.parametrize("command", [
    [], ["score"], ["explain"], ["compare"], ["train"], ["evaluate"], ["lexicon"],
    ["lexicon", "list"], ["lexicon", "validate"], ["lexicon", "show"],
])
def test_help_reads_like_documentation(runner, command):
    result = invoke(runner, [*command, "--help"])
    assert result.stdout.startswith("Usage: framescore")
    if command:
        assert "Example" in result.stdout
        assert "framescore " + " ".join(command) in result.stdout


@pytest.mark.parametrize("command", [[], ["lexicon"]])
def test_a_group_without_a_command_prints_its_help_with_exit_2(runner, command):
    result = invoke(runner, command, code=2)
    assert "Usage: framescore" in result.output and "Commands:" in result.output


def test_version(runner):
    assert framescore.__version__ in invoke(runner, ["--version"]).stdout


def test_help_and_usage_errors_import_no_model_libraries():
    """``--help`` and usage errors stay fast: importing the CLI (and ``framescore``) loads
    neither scikit-learn, SciPy nor NLTK; the library's names still resolve on first use."""
    code = ("import sys, framescore.cli, framescore\n"
            "heavy = sorted({m.split('.')[0] for m in sys.modules}\n"
            "               & {'sklearn', 'scipy', 'nltk'})\n"
            "print(heavy, framescore.FramingModel.__module__, sorted(framescore.__all__) == "
            "sorted(n for n in dir(framescore) if n in framescore.__all__))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", "framescore.model", "True"]
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        framescore.nope  # noqa: B018


def test_usage_errors_exit_2_with_one_line(runner, articles, model_dir):
    a = articles["outlet_a.txt"]
    r = invoke(runner, ["score", a, "--model", model_dir, "--no-such-option"], code=2)
    assert_one_line_error(r, "--no-such-option", "framescore score --help")
    r = invoke(runner, ["score", a, "--model", model_dir, "--format", "xml"], code=2)
    assert_one_line_error(r, "xml")
    r = invoke(runner, ["score", a, "--model", model_dir, "--format", "parquet"], code=2)
    assert_one_line_error(r, "Parquet output needs -o")
    r = invoke(runner, ["score", a, "--model", model_dir, "-o", "out.unknown"], code=2)
    assert_one_line_error(r, "out.unknown")
    r = invoke(runner, ["score", "--model", model_dir], code=2)
    assert_one_line_error(r, "INPUT")
    r = invoke(runner, ["score", a, "--model", model_dir, "-j", "0"], code=2)
    assert_one_line_error(r, "-j")
    r = invoke(runner, ["compare", a, "--model", model_dir], code=2)
    assert_one_line_error(r, "at least two")


def test_debug_shows_the_traceback(runner, tmp_path, model_dir):
    missing = tmp_path / "missing.txt"
    plain = invoke(runner, ["score", missing, "--model", model_dir], code=1)
    assert_one_line_error(plain, str(missing), "no such file")
    debug = invoke(runner, ["--debug", "score", missing, "--model", model_dir], code=1)
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.strip().splitlines()[-1].startswith("framescore: error: ")


def test_bad_model_directory(runner, tmp_path, articles):
    r = invoke(runner, ["score", articles["outlet_a.txt"], "--model", tmp_path / "nope"], code=1)
    assert_one_line_error(r, "nope")
    (tmp_path / "empty").mkdir()
    r = invoke(runner, ["explain", articles["outlet_a.txt"], "--model", tmp_path / "empty"],
               code=1)
    assert_one_line_error(r, "manifest.json")


# --- score -----------------------------------------------------------------------------------


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


def test_workers_get_the_model_as_it_was_when_the_pool_was_asked_for(model_dir):
    """The pool starts in a thread while the parent goes on using the model (its cached
    properties fill in at first use): the workers' copy is taken at once, in the parent's
    thread, so that nothing the parent does afterwards can change it or break its pickling
    ("dictionary changed size during iteration")."""
    model = framescore.load(model_dir)
    threshold = model.threshold
    with batch.worker_pool(model, 2) as pool:
        model.threshold = 1.0  # after the pool was asked for: the workers must not see it
        k = 0
        while not pool.starting.done():  # attributes come and go while the pool starts
            if (k // 100) % 2:
                model.__dict__.pop(f"_scratch{k % 100}", None)
            else:
                model.__dict__[f"_scratch{k % 100}"] = k
            k += 1
        texts = ["The regime's thugs slammed protesters, officials claimed."] * 4
        task = pool.starting.result().submit(batch._worker_score, texts, "article", ())
        (scores,) = task.result(timeout=120)
    assert k > 0
    expected = framescore.load(model_dir).score(texts)
    assert threshold < 1.0 and (scores["label"] == expected["label"]).all()
    assert scores["logit"].tolist() == expected["logit"].tolist()


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


# --- explain ---------------------------------------------------------------------------------


def test_explain_json_contract(runner, articles, model_dir):
    text = ARTICLES["outlet_a.txt"]
    r = invoke(runner, ["explain", articles["outlet_a.txt"], "--format", "json",
                        "--model", model_dir])
    d = json.loads(r.stdout)
    assert {"score", "label", "logit", "intercept", "threshold", "contributions", "spans",
            "sentences"} <= set(d)
    assert 0.0 <= d["score"] <= 1.0 and d["score"] == pytest.approx(_sigmoid(d["logit"]))
    assert d["label"] == ("framed" if d["score"] >= d["threshold"] else "neutral")
    assert abs(d["intercept"] + math.fsum(c["contribution"] for c in d["contributions"])
               - d["logit"]) < 1e-6
    for c in d["contributions"]:
        assert set(c) >= {"feature", "value", "weight", "contribution"}
        assert c["contribution"] == pytest.approx(c["value"] * c["weight"])
    assert d["spans"]
    for s in d["spans"]:
        assert set(s) >= {"start", "end", "text", "feature", "category", "voice"}
        assert s["voice"] in VOICES
        assert text[s["start"]:s["end"]] == s["text"]
    assert {s["voice"] for s in d["spans"]} >= {"title", "narrator"}
    assert [(s["start"], s["end"]) for s in d["sentences"]] == sorted(
        (s["start"], s["end"]) for s in d["sentences"])
    for s in d["sentences"]:
        assert set(s) >= {"start", "end", "score", "logit"}
    # the same numbers as score
    scored = jsonl(invoke(runner, ["score", articles["outlet_a.txt"], "--model",
                                   model_dir]).stdout)[0]
    assert d["logit"] == pytest.approx(scored["logit"], abs=1e-9)


def test_explain_json_top_keeps_the_sum(runner, articles, model_dir):
    r = invoke(runner, ["explain", articles["outlet_a.txt"], "--format", "json", "--top", "3",
                        "--model", model_dir])
    d = json.loads(r.stdout)
    assert len(d["contributions"]) == 3
    rest = d["contributions_omitted"]
    assert rest["count"] > 0
    total = math.fsum(c["contribution"] for c in d["contributions"]) + rest["contribution"]
    assert abs(d["intercept"] + total - d["logit"]) < 1e-6


def test_explain_text_and_colour(runner, articles, model_dir):
    path = articles["outlet_a.txt"]
    plain = invoke(runner, ["explain", path, "--model", model_dir]).stdout
    assert plain.startswith("score ")
    assert "Top features toward framed" in plain
    assert "[puppet regime|loaded:delegitimizing:narrator|narrator]" in plain
    assert "\033[" not in plain  # not a terminal: no colour
    coloured = invoke(runner, ["explain", path, "--color", "--model", model_dir]).stdout
    assert "\033[" in coloured
    assert "\033[" not in invoke(runner, ["explain", path, "--no-color",
                                          "--model", model_dir]).stdout
    stdin = invoke(runner, ["explain", "-", "--model", model_dir],
                   input=ARTICLES["outlet_a.txt"]).stdout
    assert stdin == plain


def test_explain_html_is_self_contained(runner, tmp_path, articles, model_dir):
    out = tmp_path / "a.html"
    r = invoke(runner, ["explain", articles["outlet_a.txt"], "--format", "html", "-o", out,
                        "--model", model_dir])
    assert r.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert page.count('<mark class="span"') >= 3
    assert ">puppet regime<" in page


def test_explain_refuses_tables_folders_and_empty_text(runner, tmp_path, model_dir):
    table = write_csv(tmp_path / "t.csv", [{"text": "x"}])
    assert_one_line_error(invoke(runner, ["explain", table, "--model", model_dir], code=1),
                          "t.csv", "framescore score")
    assert_one_line_error(invoke(runner, ["explain", tmp_path, "--model", model_dir], code=1),
                          "folder")
    assert_one_line_error(invoke(runner, ["explain", "-", "--model", model_dir], code=1,
                                 input="  \n\t\n"), "empty text")


# --- compare ---------------------------------------------------------------------------------


def test_compare_three_outlets(runner, articles, model_dir):
    files = [articles[n] for n in sorted(articles)]
    table = invoke(runner, ["compare", *files, "--model", model_dir]).stdout
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["file", "score", "label"]
    for name in ARTICLES:
        assert any(line.startswith(name) for line in lines[2:5])
    assert "Loaded terms no other article uses:" in table

    d = json.loads(invoke(runner, ["compare", *files, "--format", "json",
                                   "--model", model_dir]).stdout)
    rows = {r["file"]: r for r in d["articles"]}
    assert list(rows) == sorted(ARTICLES)
    a, b, c = rows["outlet_a.txt"], rows["outlet_b.txt"], rows["outlet_c.txt"]
    assert a["unique_loaded_terms"] == ["martyrs", "slammed"]  # puppet regime: B quotes it
    assert b["unique_loaded_terms"] == []
    assert c["unique_loaded_terms"] == ["blasted", "radical left"]
    assert "puppet regime" in a["loaded_terms"] and "puppet regime" in b["loaded_terms"]
    assert a["loaded_own_voice"] == 4 and b["loaded_own_voice"] == 0
    assert b["loaded_quoted_reported"] == 1
    assert a["distancing"] == 1 and a["unverified"] == 1
    assert b["report"] == 3 and b["attributed_claims"] == 3  # said, told, said
    assert c["attributed_claims"] == c["report"] + c["endorsing"] == 2
    assert a["score"] > b["score"]

    r = invoke(runner, ["compare", *files, "--format", "csv", "--model", model_dir])
    got = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [g["file"] for g in got] == sorted(ARTICLES)
    assert got[0]["unique_loaded_terms"] == "martyrs; slammed"


def test_compare_term_normalization():
    from framescore.compare import norm_term

    assert norm_term("Puppet  Regime\u2019s") == norm_term("puppet regime's") == "puppet regime"
    assert norm_term("Martyrs") == "martyrs"


# --- lexicon ---------------------------------------------------------------------------------


def test_lexicon_list_validate_show(runner, tmp_path, cli_lexicons):
    loaded, attribution = cli_lexicons
    r = invoke(runner, ["lexicon", "list", "--lexicon", loaded])
    section = r.stdout.split(f"{loaded}: ")[1]
    assert section.startswith("7 terms")
    assert "delegitimizing" in section and "loaded_verb" in section

    r = invoke(runner, ["lexicon", "validate", loaded, attribution])
    assert r.stdout.splitlines()[0].startswith("ok: 7 terms, categories delegitimizing (1)")
    assert r.stdout.splitlines()[1].startswith("ok: 8 terms")

    bad = tmp_path / "bad.csv"
    bad.write_text("term,category,neutral\nfine term,emotive,\nanother,Not A Category,\n")
    r = invoke(runner, ["lexicon", "validate", bad], code=1)
    assert_one_line_error(r, f"{bad}:3:", "category")
    dup = tmp_path / "dup.csv"
    dup.write_text("term,category\nmartyr,valorizing\nMartyrs,valorizing\n")
    assert_one_line_error(invoke(runner, ["lexicon", "validate", dup], code=1),
                          f"{dup}:3:", "duplicate")

    r = invoke(runner, ["lexicon", "show", "Puppet Regimes", "--lexicon", loaded])
    assert "puppet regime" in r.stdout and f"{loaded}:2" in r.stdout
    assert "delegitimizing" in r.stdout and "government" in r.stdout
    r = invoke(runner, ["lexicon", "show", "zxqv", "--lexicon", loaded], code=1)
    assert_one_line_error(r, "'zxqv'", "none of the lexicons")


# --- train and evaluate ----------------------------------------------------------------------


def test_train_writes_a_model_directory(runner, tmp_path, labeled_csv, cli_lexicons, articles):
    out = tmp_path / "models" / "mine"
    args = ["train", labeled_csv, "--text-col", "sentence", "--label-col", "label",
            "--positive", "framed", "--negative", "plain", "--cv", "2", "--min-df", "1",
            "--lexicon", cli_lexicons[0], "-o", out]
    r = invoke(runner, args)
    assert "2 rows dropped" in r.stderr
    assert "macro_f1" in r.stdout and "roc_auc" in r.stdout
    assert {p.name for p in out.iterdir()} == {"model.json", "manifest.json", "MODEL_CARD.md"}
    manifest = json.loads((out / "manifest.json").read_text())
    [td] = manifest["training_data"]  # one entry per training file
    assert td["n"] == 40 and td["text_col"] == "sentence" and td["positive"] == "framed"
    assert td["negative"] == "plain" and len(td["sha256"]) == 64
    assert manifest["cv_metrics"]["cv"] == 2
    assert manifest["params"]["extra_lexicons"] == [str(cli_lexicons[0])]
    card = (out / "MODEL_CARD.md").read_text()
    assert "macro-F1" in card and "labeled.csv" in card
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temp folder
    # the new model scores
    r = invoke(runner, ["score", articles["outlet_a.txt"], "--model", out])
    assert jsonl(r.stdout)[0]["id"] == "outlet_a.txt"
    # an existing model is replaced only with --force
    again = [a for a in args if a not in ("--cv", "2")] + ["--cv", "0"]
    assert_one_line_error(invoke(runner, again, code=1), "--force")
    invoke(runner, [*again, "--force"])
    assert "cv_metrics" not in json.loads((out / "manifest.json").read_text())


def test_train_bad_labels_and_columns(runner, tmp_path, labeled_csv):
    base = ["train", labeled_csv, "--text-col", "sentence", "-o", tmp_path / "m"]
    r = invoke(runner, [*base, "--positive", "biased"], code=1)
    assert_one_line_error(r, "labeled.csv", "no value 'biased'", "framed")
    r = invoke(runner, [*base, "--label-col", "stance", "--positive", "framed"], code=1)
    assert_one_line_error(r, "no column 'stance'", "sentence, label, outlet")
    r = invoke(runner, [*base, "--positive", "framed", "--cv", "1"], code=2)
    assert_one_line_error(r, "--cv")
    assert not (tmp_path / "m").exists()


def test_evaluate_cv_json_and_report(runner, tmp_path, labeled_csv):
    report = tmp_path / "report"
    r = invoke(runner, ["evaluate", labeled_csv, "--text-col", "sentence", "--positive",
                        "framed", "--negative", "plain", "--group-col", "outlet", "--cv", "2",
                        "--min-df", "1", "--format", "json", "--report", report])
    m = json.loads(r.stdout)
    assert {"macro_f1", "accuracy", "roc_auc", "pr_auc", "brier", "ece",
            "confusion_matrix"} <= set(m)
    assert m["n"] == 40 and m["grouped"] is True and m["cv"] == 2
    assert 0.0 <= m["macro_f1"] <= 1.0
    assert {p.name for p in report.iterdir()} >= {"metrics.json", "roc.png"}


def test_evaluate_saved_model_held_out(runner, labeled_csv, model_dir, model):
    args = ["evaluate", labeled_csv, "--text-col", "sentence", "--positive", "framed",
            "--negative", "plain", "--model", model_dir]
    m = json.loads(invoke(runner, [*args, "--format", "json"]).stdout)
    assert m["threshold"] == pytest.approx(model.threshold)
    assert m["accuracy"] > 0.9  # the tiny model was trained on these very sentences
    text = invoke(runner, args).stdout
    assert text.splitlines()[0].split() == ["n", "40"] and "macro_f1" in text
    r = invoke(runner, ["evaluate", labeled_csv, "--positive", "framed"], code=2)
    assert_one_line_error(r, "--cv", "--model")
    r = invoke(runner, [*args, "--cv", "2"], code=2)
    assert_one_line_error(r, "not both")


# --- the installed entry point ---------------------------------------------------------------


def _entry_point() -> str:
    script = Path(sys.executable).with_name("framescore")
    if not script.exists():
        pytest.skip(f"no installed framescore script beside {sys.executable}")
    return str(script)


def test_installed_entry_point(tmp_path, articles, model_dir):
    exe = _entry_point()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMESCORE_")}
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    run = subprocess.run([exe, "score", str(articles["outlet_b.txt"]), str(empty),
                          "--on-error", "skip", "--model", str(model_dir)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    [rec] = jsonl(run.stdout)
    assert rec["id"] == "outlet_b.txt" and rec["label"] in ("framed", "neutral")
    # off a terminal: no progress bar, just the skipped record and the accounting
    assert run.stderr.splitlines() == [f"framescore: skipped {empty}: empty text",
                                       "2 records: 1 scored, 1 skipped"]


@pytest.mark.skipif(not (ROOT / "models" / "default" / "manifest.json").exists(),
                    reason="the shipped default model (models/default) is not built yet")
def test_default_model_explains(runner, articles):
    d = json.loads(invoke(runner, ["explain", articles["outlet_a.txt"], "--format",
                                   "json"]).stdout)
    assert abs(d["intercept"] + math.fsum(c["contribution"] for c in d["contributions"])
               - d["logit"]) < 1e-6


def test_model_is_loaded_with_the_collector_off_then_frozen(model_dir, tmp_path):
    """Loading runs without garbage collection (its many long-lived objects would be walked
    again and again), then freezes them; the collector is back on after a load, failed or
    not."""
    seen = []
    real_load = framescore.model.load

    def spy(path):
        seen.append(gc.isenabled())
        return real_load(path)

    frozen = gc.get_freeze_count()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(framescore.model, "load", spy)
        model = cli.load_model(model_dir)
    assert seen == [False] and gc.isenabled()
    assert gc.get_freeze_count() > frozen
    assert model.score(["The council met."])["score"].between(0, 1).all()
    with pytest.raises(persist.ModelError):
        cli.load_model(str(tmp_path))  # not a model directory
    assert gc.isenabled()


def test_worker_pool_scores_chunks_in_order(model_dir):
    """Chunks go to the workers once the pool is up (no local scoring is left to hide them),
    and come back in input order with the scores of a serial run."""
    model = framescore.load(model_dir)
    texts, _ = _corpus()
    records = [Record("t", k, None, t) for k, t in enumerate(texts[:40])]
    chunks = [records[k : k + 3] for k in range(0, len(records), 3)]
    serial = list(batch.scored_chunks(iter(chunks), model, "article"))
    with batch.worker_pool(model, 2) as pool:
        pool.starting.result().submit(batch._worker_score, ["warm."], "article", ()).result()
        parallel = list(batch.scored_chunks(iter(chunks), model, "article", pool))
    assert [c for c, _ in parallel] == chunks
    for (_, (a,)), (_, (b,)) in zip(serial, parallel, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_workers_score_with_the_parents_model(model_dir, tmp_path):
    """The workers get the model the parent loaded (and verified), not its directory: they
    score the same after the directory is gone."""
    copy = shutil.copytree(model_dir, tmp_path / "model")
    model = framescore.load(copy)
    shutil.rmtree(copy)
    texts = ["The council met on Tuesday.", "Critics claimed the plan was a disaster."]
    with batch.worker_pool(model, 2) as pool:
        (got,) = pool.starting.result().submit(batch._worker_score, texts, "article",
                                               ()).result()
    pd.testing.assert_frame_equal(got, model.score(texts))


# --- what a new user trips over (issue 23) ---------------------------------------------------


@pytest.fixture(scope="module")
def cli_trained(tmp_path_factory, labeled_csv) -> Path:
    """A model trained through the command line (so its manifest names its training data),
    under a umask of 027."""
    out = tmp_path_factory.mktemp("cli_trained") / "mine"
    old = os.umask(0o027)
    try:
        invoke(CliRunner(), ["train", labeled_csv, "--text-col", "sentence", "--positive",
                             "framed", "--negative", "plain", "--cv", "0", "-o", out])
    finally:
        os.umask(old)
    return out


def test_a_trained_model_directory_follows_the_umask(cli_trained):
    assert cli_trained.stat().st_mode & 0o777 == 0o750  # not mkdtemp's 0700
    assert {p.stat().st_mode & 0o777 for p in cli_trained.iterdir()} == {0o640}


def test_evaluate_on_the_training_data_warns_and_says_so(runner, tmp_path, labeled_csv,
                                                         cli_trained):
    args = ["--text-col", "sentence", "--positive", "framed", "--negative", "plain",
            "--model", cli_trained, "--format", "json"]
    r = invoke(runner, ["evaluate", labeled_csv, *args])
    assert json.loads(r.stdout)["trained_on_this_data"] is True
    warning = [line for line in r.stderr.splitlines() if line.startswith("framescore: warning:")]
    assert len(warning) == 1 and "trained on" in warning[0] and "--cv" in warning[0]
    assert "framescore: warning:" in invoke(runner, ["-q", "evaluate", labeled_csv,
                                                     *args]).stderr  # even when quiet
    other = tmp_path / "other.csv"
    other.write_text(labeled_csv.read_text() + "An added row of plain news.,plain,o3\n")
    r = invoke(runner, ["evaluate", other, *args])
    assert json.loads(r.stdout)["trained_on_this_data"] is False
    assert "warning" not in r.stderr


@pytest.mark.parametrize("command", [
    ["score", "A"], ["explain", "A"], ["compare", "A", "B"], ["lexicon", "list"],
    ["lexicon", "show", "slammed"], ["train", "L", "--positive", "framed", "--negative", "plain",
                                     "--text-col", "sentence", "--cv", "0", "-o", "OUT"],
    ["evaluate", "L", "--positive", "framed", "--negative", "plain", "--text-col", "sentence",
     "--model", "M"],
])
@pytest.mark.parametrize("flag", ["-q", "--quiet"])
def test_quiet_after_the_command(runner, tmp_path, articles, labeled_csv, model_dir,
                                 cli_lexicons, command, flag):
    where = {"A": articles["outlet_a.txt"], "B": articles["outlet_b.txt"], "L": labeled_csv,
             "M": model_dir, "OUT": tmp_path / "m"}
    args = [where.get(a, a) for a in command]
    if command[0] in ("score", "explain", "compare"):
        args += ["--model", model_dir]
    if command[0] == "lexicon":
        args += ["--lexicon", cli_lexicons[0]]
    r = invoke(runner, [*args, flag])
    assert r.stderr == ""


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


def test_a_model_directory_that_is_not_there(runner, tmp_path, articles):
    for command in (["score", articles["outlet_a.txt"]], ["explain", articles["outlet_a.txt"]]):
        r = invoke(runner, [*command, "--model", f"{tmp_path / 'missing'}/"], code=1)
        assert_one_line_error(r, "missing/: no such directory")
    r = invoke(runner, ["score", articles["outlet_a.txt"], "--model", articles["outlet_b.txt"]],
               code=1)
    assert_one_line_error(r, "outlet_b.txt: is a file, not a model directory")


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


@pytest.mark.parametrize(("command", "n", "cv", "need"), [
    ("train", 2, 0, 3), ("train", 4, 5, 5), ("evaluate", 5, 2, 6), ("evaluate", 4, 3, 5)])
def test_too_few_texts_to_train_is_one_clear_error(runner, tmp_path, n, cv, need, command):
    rows = [{"text": f"The puppet regime slammed critics on day {k}." if k % 2 else
             f"Officials said the council met on day {k}.",
             "label": "framed" if k % 2 else "plain"} for k in range(2 * n)]
    path = write_csv(tmp_path / "few.csv", rows)
    args = ["-q", command, path, "--positive", "framed", "--cv", cv]
    r = invoke(runner, [*args, *(["-o", tmp_path / "m"] if command == "train" else [])], code=1)
    line = assert_one_line_error(r, "few.csv: too few texts to train on", f"{n} framed and "
                                 f"{n} neutral", f"at least {need} of each class")
    assert "n_splits" not in line and "Warning" not in r.stderr
    assert not (tmp_path / "m").exists()
    if (command, cv) != ("evaluate", 2):
        return  # (the case where the bound is tightest: one text fewer, and it would fail)
    more = write_csv(tmp_path / "enough.csv", rows + [
        {"text": f"Critics slammed plan {k}." if k % 2 else f"The mayor said plan {k} works.",
         "label": "framed" if k % 2 else "plain"} for k in range(2 * (need - n))])
    r = invoke(runner, [command, more, "--positive", "framed", "--cv", cv,
                        *(["-o", tmp_path / "m"] if command == "train" else [])])
    assert "Warning" not in r.stderr


def test_fewer_groups_than_folds_is_one_clear_error(runner, tmp_path, labeled_csv):
    r = invoke(runner, ["-q", "evaluate", labeled_csv, "--text-col", "sentence", "--positive",
                        "framed", "--negative", "plain", "--group-col", "outlet", "--cv", "5"],
               code=1)
    assert_one_line_error(r, "4 groups in --group-col, fewer than the 5 folds")


def test_texts_without_features_are_one_clear_error(runner, tmp_path):
    rows = [{"text": f"The council met on day {k}.", "label": "framed" if k % 2 else "plain"}
            for k in range(12)]
    path = write_csv(tmp_path / "plain.csv", rows)
    r = invoke(runner, ["-q", "train", path, "--positive", "framed", "--cv", "0", "-o",
                        tmp_path / "m"], code=1)
    assert_one_line_error(r, "plain.csv: the model predicts the same score for every text")


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


def test_train_on_two_files_learns_the_marked_words(runner, tmp_path):
    """Two labeled files read with the same options; --words-col trains learned terms, kept
    when marked in three outlets or more; the manifest and card name both files."""
    rows = []
    for i in range(12):
        rows.append({"text": f"The wobbly council wasted money again, report {i}.", "label": "b",
                     "marked": "['wobbly']" if i < 9 else "[]", "outlet": f"o{i % 4}"})
        rows.append({"text": f"The council approved the budget, report {i}.", "label": "n",
                     "marked": "[]", "outlet": f"o{i % 4}"})
    table = pd.DataFrame(rows)
    table.iloc[:12].to_csv(tmp_path / "a.csv", index=False)
    table.iloc[12:].to_csv(tmp_path / "b.csv", index=False)
    out = tmp_path / "m"
    invoke(runner, ["train", tmp_path / "a.csv", tmp_path / "b.csv", "--positive", "b",
                    "--negative", "n", "--words-col", "marked", "--group-col", "outlet",
                    "--cv", "0", "-o", out])
    model = framescore.load(out)
    assert dict(model.features.learned_terms) == {"wobbly": pytest.approx(9 / 14, abs=1e-3)}
    assert [d["path"] for d in model.manifest["training_data"]] == [
        str(tmp_path / "a.csv"), str(tmp_path / "b.csv")]
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert card.count("term weights learned from the marked words in `marked`") == 2
    spans = explain(model, "The wobbly plan.").spans
    assert [(s["text"], s["feature"]) for s in spans] == [("wobbly", "loaded:learned:narrator")]


def test_train_words_col_must_exist(runner, tmp_path):
    pd.DataFrame({"text": ["A.", "B."] * 6, "label": ["b", "n"] * 6}).to_csv(
        tmp_path / "a.csv", index=False)
    result = invoke(runner, ["train", tmp_path / "a.csv", "--positive", "b", "--words-col",
                             "marked", "--cv", "0", "-o", tmp_path / "m"], code=1)
    assert_one_line_error(result, "no column 'marked'")
