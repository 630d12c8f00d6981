"""The README tells a new user the truth: its set-up commands, CI and commands exist, and
every Python block runs as pasted."""

from __future__ import annotations

import re
import shlex
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from framescore.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_two_setup_commands_and_ci_runs_the_test_command():
    main_job, tests = quick_start_commands()
    assert "framescore explain" in main_job and "pip install" in main_job
    assert "pytest" in tests and "'.[dev]'" in tests
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_main_job_example_exists_and_runs(default_model_dir):
    main_job, _ = quick_start_commands()
    args = shlex.split(main_job.split("&&")[-1])[1:]  # after .venv/bin/framescore
    assert (ROOT / args[-1]).is_file()
    result = CliRunner().invoke(cli, [*args[:-1], str(ROOT / args[-1]),
                                      "--model", str(default_model_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("score ")


def test_every_command_in_the_readme_exists():
    used, in_code = set(), False
    for line in README.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif in_code:
            used.update(re.findall(r"^\$? ?framescore (\w+)", line))
    assert used >= {"score", "explain", "compare", "lexicon", "train", "evaluate"}
    assert used <= set(cli.commands)


def python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", README, flags=re.S | re.M)


def test_the_readme_has_python_blocks():
    assert len(python_blocks()) >= 2


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_every_python_block_runs_as_pasted(index, default_model_dir, monkeypatch, tmp_path):
    """Each block runs on its own, in a fresh namespace, from the repository root (where a
    reader of the README runs it): nothing it uses is left undefined."""
    block = python_blocks()[index]
    if "dask" in block:
        pytest.importorskip("distributed", reason="the dask extra is not installed")
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where the blocks' temporary files go
    monkeypatch.setattr(tempfile, "tempdir", None)
    before = set(p.name for p in ROOT.iterdir())
    exec(compile(block, f"README.md python block {index + 1}", "exec"), {"__name__": "readme"})
    assert set(p.name for p in ROOT.iterdir()) == before  # it wrote nothing into the checkout
