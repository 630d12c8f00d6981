"""framescore evaluate: cross-validated and held-out metrics.

Through click's CliRunner, with the tiny model of tests/conftest.py, trained once per
session."""

from __future__ import annotations

import json

import pytest
from conftest import assert_one_line_error, invoke


@pytest.mark.slow
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


def test_evaluate_cv_shows_progress_per_fold_on_a_terminal_only(runner, labeled_csv, cli_lexicons,
                                                                monkeypatch):
    import click.testing

    from framescore import training as fm

    real = fm.cross_validate
    folds = []

    def quick(*args, progress=None, **kwargs):  # quicker folds: a small lexicon, a coarse grid
        def counted(done, total):
            folds.append((done, total))
            progress(done, total)

        return real(*args, progress=counted, thresholds=11,
                    lexicons=[str(p) for p in cli_lexicons], **kwargs)

    monkeypatch.setattr(fm, "cross_validate", quick)
    args = ["evaluate", labeled_csv, "--text-col", "sentence", "--positive", "framed",
            "--negative", "plain", "--cv", "2", "--format", "json"]
    r = invoke(runner, args)  # stderr is not a terminal here
    quiet_bar = r.stderr.splitlines()  # the log lines, and no bar
    assert quiet_bar[-1] == "cross-validating (2 folds)..." and len(quiet_bar) == 2
    assert folds == [(1, 2), (2, 2)]
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    r = invoke(runner, args)
    assert r.stderr.startswith("\n".join(quiet_bar))
    assert "2/2" in r.stderr and "folds" in r.stderr and "2/2" not in r.stdout
    assert json.loads(r.stdout)["cv"] == 2
    assert invoke(runner, ["-q", *args]).stderr == ""


def test_evaluate_jobs_must_be_positive_and_go_with_cv(runner, labeled_csv, model_dir):
    args = ["evaluate", labeled_csv, "--text-col", "sentence", "--positive", "framed"]
    r = invoke(runner, [*args, "--cv", "2", "-j", "0"], code=2)
    assert_one_line_error(r, "'-j' / '--jobs'", "0 is not in the range x>=1")
    r = invoke(runner, [*args, "--model", model_dir, "-j", "2"], code=2)
    assert_one_line_error(r, "-j/--jobs applies with --cv only")


def test_evaluate_cv_jobs_reach_the_folds(runner, labeled_csv, cli_lexicons, monkeypatch):
    """-j N is cross_validate's n_jobs (no more than the folds): the metrics of -j 2 are those
    of -j 1 (folds in threads here, which start at once; the test below starts processes)."""
    from joblib import parallel_config

    from framescore import training as fm

    real = fm.cross_validate
    n_jobs = []

    def quick(*args, **kwargs):  # quicker folds: a small lexicon, a coarse grid
        n_jobs.append(kwargs["n_jobs"])
        return real(*args, thresholds=11, lexicons=[str(p) for p in cli_lexicons], **kwargs)

    monkeypatch.setattr(fm, "cross_validate", quick)
    args = ["evaluate", labeled_csv, "--text-col", "sentence", "--positive", "framed",
            "--negative", "plain", "--cv", "2", "--format", "json"]
    one = json.loads(invoke(runner, args).stdout)
    with parallel_config(backend="threading"):
        two = json.loads(invoke(runner, [*args, "-j", "8"]).stdout)  # 2 folds: 2 jobs
    assert two == one and len(one["fold_thresholds"]) == 2
    assert n_jobs == [1, 2]


@pytest.mark.slow  # starts worker processes
def test_evaluate_cv_jobs_give_the_metrics_of_one_job(runner, labeled_csv):
    args = ["evaluate", labeled_csv, "--text-col", "sentence", "--positive", "framed",
            "--negative", "plain", "--group-col", "outlet", "--cv", "2", "--format", "json"]
    one = json.loads(invoke(runner, [*args, "-j", "1"]).stdout)
    two = json.loads(invoke(runner, [*args, "--jobs", "2"]).stdout)
    assert two == one and one["grouped"] is True and len(one["fold_thresholds"]) == 2
