"""The benchmark scripts run as benchmarks/RESULTS.md says, at a tiny scale, and print the
figures it records. No timing is asserted here (the figures come from full-size runs); these
tests keep the documented commands working. They read BABE from ../shared, as the scripts do.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"
#: Every script reads BABE from ../shared, and runs as a process: slow.
pytestmark = [pytest.mark.usefixtures("shared_dir"), pytest.mark.slow]


def run_script(*args: str) -> str:
    """stdout of ``python benchmarks/SCRIPT ARGS``, with this environment's ``framescore`` on
    PATH (the scripts that time the CLI run it as a command)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, *args], cwd=BENCHMARKS, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_throughput_reports_every_workload_against_the_reference():
    out = run_script("throughput.py", "--scale", "0.01", "--repeat", "1", "--parts", "2")
    assert "`python benchmarks/throughput.py --scale 0.01 --repeat 1 --parts 2`" in out
    for workload in ("scoring, sentences", "scoring, articles",
                     "explanation with spans, batch, sentences",
                     "explanation with spans, batch, articles",
                     "explanation with spans, one text at a time, sentences",
                     "explanation with spans, one text at a time, articles"):
        row = next(line for line in out.splitlines() if line.startswith(f"| {workload} |"))
        assert re.search(r"\| \d+\.\d\d× \|", row) and re.search(r"≤ \d\.\d× (met|not met)", row)
    assert "| scoring, sentences | 1,000 | 1,000 |" in out
    assert "| scoring, articles | 100 | 3,000 |" in out
    # the second table: one text at a time against the reference one text at a time
    for workload, n in (("scoring, sentences", 20), ("explanation with spans, sentences", 20),
                        ("scoring, articles", 2), ("explanation with spans, articles", 2)):
        assert re.search(rf"^\| {workload} \| {n} \| \d+\.\d\d \| \d+\.\d\d \| "
                         r"\*\*\d+\.\d\d×\*\* \(\d+\.\d\d–\d+\.\d\d\) \|$", out, re.M), workload


def test_quartiles_of_few_pairs_stay_within_their_range(monkeypatch):
    """Two slice pairs far apart once gave a negative first quartile, which no ratio can be."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from _common import quartiles

    for ratios in ([8.0, 45.0], [0.5, 0.51, 30.0], [1.2] * 4, [3.0, 1.0, 2.0, 9.0, 1.5]):
        q1, median, q3 = quartiles(ratios)
        assert min(ratios) <= q1 <= median <= q3 <= max(ratios)
        assert median == statistics.median(ratios)


def test_lexicon_size_reports_the_paired_ratio():
    out = run_script("lexicon_size.py", "--scale", "0.01", "--repeat", "2", "--parts", "2")
    assert re.search(r"\| shipped \| [\d,]+ \| [\d,]+ \|", out)
    assert re.search(r"\| 10× larger \| [\d,]+ \| [\d,]+ \|", out)
    assert re.search(r"Ratio, the median of the 4 slice pairs: \*\*\d+\.\d\d×\*\* "
                     r"\(quartiles \d+\.\d\d–\d+\.\d\d; of the best passes: \d+\.\d\d×\) "
                     r"\(target ≤ 1\.2×: (met|not met)\)", out)


def test_memory_reports_the_peak_of_each_size():
    out = run_script("memory.py", "--sizes", "1", "300")
    assert re.search(r"\| 1 \| [\d.]+ \| 1 \| .* \| \*\*\d+\*\* \|", out)
    assert re.search(r"\| 300 \| [\d.]+ \| 300 \| .* \| \*\*\d+\*\* \|", out)
    assert re.search(r"Peak RSS on 300 sentences: \*\*\d+ MB\*\*", out)


def test_parallel_compares_outputs_and_reports_the_ceiling():
    out = run_script("parallel.py", "--sentences", "3000", "--jobs", "2", "--repeat", "1")
    assert "outputs identical: **yes**" in out
    assert re.search(r"Speed-up: \*\*\d+\.\d\d×\*\*", out)
    assert re.search(r"ceiling for 2 processes .*: \d+\.\d\d×", out)
    for run in ("-j 1", "-j 2", "2 × -j 1 side by side"):
        assert f"| {run} |" in out


def test_startup_times_both_model_formats_with_identical_scores():
    out = run_script("startup.py", "--repeat", "1")
    assert re.search(r"`framescore --help` / `import click`: \*\*\d+\.\d\d×\*\*", out)
    assert "| one-record `score`, model.json |" in out
    assert "| one-record `score`, pipeline.skops |" in out
    assert "scores identical: **yes**" in out


def test_profile_prints_pyinstruments_call_tree_of_score():
    out = run_script("profile_score.py", "--depth", "4")
    assert "`python benchmarks/profile_score.py --what score`" in out
    tree = out.split("```")[1]
    assert re.search(r"^└─ [\d.]+ FramingModel\.score  framescore/model\.py:\d+$", tree, re.M)


def test_instructions_script_scores_without_valgrind():
    run_script("instructions.py", "--calls", "1", "--sentences", "300")


@pytest.mark.slow
def test_transfer_reports_every_model_and_the_shipped_recipe():
    out = run_script("transfer.py", "--sample", "200", "--quick", "--no-ablations")
    header = next(line for line in out.splitlines() if line.startswith("| model |"))
    for column in ("BABE 5-fold F1 / AUC", "WikiNPOV AUC", "PTC line AUC loaded / narrator",
                   "PTC article ρ all / narrator", "seeds 000 001 002 003 004"):
        assert column in header
    babe_only, recipe = out.split("The shipped recipe")
    for model in ("framescore default", "baseline: TF-IDF 1–2-grams + LR",
                  "baseline: public lexicon rates + LR"):
        for part in (babe_only, recipe):  # trained on BABE; on BABE and ptc_dev
            row = next(line for line in part.splitlines() if line.startswith(f"| {model}"))
            assert re.search(r"\| \d\.\d{3} / \d\.\d{3} \|", row), row
            assert re.search(r"\| \d/5 \|$", row), row
    for part in (babe_only, recipe):  # each table is followed by the ρ gaps with intervals
        gaps = re.findall(r"article ρ \((all|narrator)\), first row − baseline: .*?: "
                          r"([+-]\d\.\d{3}) \(95% interval ([+-]\d\.\d{3}) to ([+-]\d\.\d{3})\)",
                          part)
        assert len(gaps) == 4, part
        assert all(float(low) <= float(gap) <= float(high) for _, gap, low, high in gaps)
