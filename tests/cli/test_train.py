"""framescore train: the model directory, its manifest and card, and data too small or too plain
to train on.

Through click's CliRunner, with the tiny model of tests/conftest.py, trained once per
session."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import assert_one_line_error, invoke, jsonl, write_csv

import framescore
from framescore.explain import explain


@pytest.mark.slow
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


def test_a_trained_model_directory_follows_the_umask(cli_trained):
    assert cli_trained.stat().st_mode & 0o777 == 0o750  # not mkdtemp's 0700
    assert {p.stat().st_mode & 0o777 for p in cli_trained.iterdir()} == {0o640}


@pytest.mark.slow
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


def test_train_learns_subjective_words_from_a_word_list(runner, tmp_path):
    """--subjective-words: listed words whose texts lean framed become learned_subjective
    terms, explained by span and voice; unlisted or neutral-leaning words do not, and the
    manifest and card name the list with its hash."""
    rows = []
    for i in range(12):
        rows.append({"text": f"The wobbly council plan failed, report {i}.", "label": "b"})
        rows.append({"text": f"The council plan passed, report {i}.", "label": "n"})
    pd.DataFrame(rows).to_csv(tmp_path / "a.csv", index=False)
    (tmp_path / "words.txt").write_text("; our list\nwobbly\nshoddy\nplan\nfailed\n",
                                        encoding="utf-8")
    out = tmp_path / "m"
    invoke(runner, ["train", tmp_path / "a.csv", "--positive", "b", "--subjective-words",
                    tmp_path / "words.txt", "--cv", "0", "-o", out])
    model = framescore.load(out)
    learned = sorted(t for t, *_ in model.features.learned_terms)
    assert learned == ["failed", "wobbly"]  # not "shoddy": curated
    assert {c for _, _, c in model.features.learned_terms} == {"learned_subjective"}
    (listed,) = model.manifest["subjective_words"]
    assert listed["path"] == str(tmp_path / "words.txt") and listed["n"] == 4
    assert listed["learned"] == 2 and len(listed["sha256"]) == 64
    assert "learned as `learned_subjective` terms" in (out / "MODEL_CARD.md").read_text()
    spans = explain(model, 'Officials said the plan was "wobbly".').spans
    assert ("wobbly", "loaded:learned_subjective:quoted") in [
        (s["text"].strip('"'), s["feature"]) for s in spans]


def test_train_subjective_words_file_must_exist(runner, tmp_path, labeled_csv):
    result = invoke(runner, ["train", labeled_csv, "--positive", "biased", "--subjective-words",
                             tmp_path / "missing.txt", "--cv", "0", "-o", tmp_path / "m"], code=2)
    assert "missing.txt" in result.output


def test_train_jobs_must_be_positive(runner, tmp_path, labeled_csv):
    r = invoke(runner, ["train", labeled_csv, "--text-col", "sentence", "--positive", "framed",
                        "-j", "0", "-o", tmp_path / "m"], code=2)
    assert_one_line_error(r, "'-j' / '--jobs'", "0 is not in the range x>=1")
    assert not (tmp_path / "m").exists()


@pytest.mark.slow  # starts worker processes
def test_train_jobs_give_the_cv_metrics_and_model_of_one_job(runner, tmp_path, labeled_csv):
    """-j 2 fits the CV folds in two worker processes: the manifest's cv_metrics (fold
    thresholds included) and the model are those of -j 1."""
    args = ["train", labeled_csv, "--text-col", "sentence", "--positive", "framed",
            "--negative", "plain", "--cv", "2", "--min-df", "1"]
    invoke(runner, [*args, "-j", "1", "-o", tmp_path / "one"])
    invoke(runner, [*args, "--jobs", "2", "-o", tmp_path / "two"])
    one, two = (json.loads((tmp_path / d / "manifest.json").read_text()) for d in ("one", "two"))
    assert two["cv_metrics"] == one["cv_metrics"]
    assert len(one["cv_metrics"]["fold_thresholds"]) == 2
    assert ((tmp_path / "two" / "model.json").read_bytes()
            == (tmp_path / "one" / "model.json").read_bytes())
