"""The command group: help, version, usage errors, --debug, -q, the installed entry point, loading
a model.

Through click's CliRunner (and the installed script where a process is the point), with
the tiny model of tests/conftest.py, trained once per session."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import assert_one_line_error, invoke, jsonl

import framescore
from framescore import cli, persist


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


@pytest.mark.slow
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


def _entry_point() -> str:
    script = Path(sys.executable).with_name("framescore")
    if not script.exists():
        pytest.skip(f"no installed framescore script beside {sys.executable}")
    return str(script)


@pytest.mark.slow
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


def test_a_model_directory_that_is_not_there(runner, tmp_path, articles):
    for command in (["score", articles["outlet_a.txt"]], ["explain", articles["outlet_a.txt"]]):
        r = invoke(runner, [*command, "--model", f"{tmp_path / 'missing'}/"], code=1)
        assert_one_line_error(r, "missing/: no such directory")
    r = invoke(runner, ["score", articles["outlet_a.txt"], "--model", articles["outlet_b.txt"]],
               code=1)
    assert_one_line_error(r, "outlet_b.txt: is a file, not a model directory")
