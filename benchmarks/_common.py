"""Shared setup for the benchmark scripts: BABE texts, articles, the bare reference pipeline,
timing and machine information.

The texts come from ``../shared`` (BABE, never copied into the project). Every script measures
framescore against a reference measured in the same run, and prints a markdown block.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BABE = SHARED / "corpora" / "babe" / "final_labels_SG2.csv"
SENTENCES_PER_ARTICLE = 30
SENTENCES_PER_PARAGRAPH = 3


def babe() -> tuple[list[str], np.ndarray]:
    """BABE's sentences and labels (1 = Biased), without the one "No agreement" row."""
    if not BABE.exists():
        sys.exit(f"{BABE} not found: the benchmarks read BABE from ../shared")
    frame = pd.read_csv(BABE, sep=";")
    frame = frame[frame["label_bias"].isin(["Biased", "Non-biased"])]
    return frame["text"].tolist(), (frame["label_bias"] == "Biased").to_numpy(int)


def replicate(texts: list[str], n: int, seed: int = 0) -> list[str]:
    """``n`` texts: copies of ``texts``, each copy in its own shuffled order."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        copy = list(texts)
        rng.shuffle(copy)
        out += copy
    return out[:n]


def articles(texts: list[str], n: int, seed: int = 1) -> list[str]:
    """``n`` articles of :data:`SENTENCES_PER_ARTICLE` sentences, in paragraphs of
    :data:`SENTENCES_PER_PARAGRAPH` (sentences joined by a space, paragraphs by a blank line)."""
    sentences = replicate(texts, n * SENTENCES_PER_ARTICLE, seed)
    out = []
    for a in range(n):
        body = sentences[a * SENTENCES_PER_ARTICLE : (a + 1) * SENTENCES_PER_ARTICLE]
        paragraphs = [" ".join(body[p : p + SENTENCES_PER_PARAGRAPH])
                      for p in range(0, len(body), SENTENCES_PER_PARAGRAPH)]
        out.append("\n\n".join(paragraphs))
    return out


def bare_pipeline(texts: list[str], y: np.ndarray):
    """The reference: TF-IDF of word 1-2-grams + logistic regression, trained on ``texts``."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2)),
                         LogisticRegression(max_iter=2000)).fit(texts, y)


def best_of_each(fns: list[Callable[[], object]], repeats: list[int]) -> list[float]:
    """The shortest wall time (``time.perf_counter``, seconds) of each of ``fns``, called
    ``repeats`` times each, in turns (a call of each, then again), so that a slow spell of a
    shared machine falls on all of them, not on one."""
    times: list[list[float]] = [[] for _ in fns]
    for turn in range(max(repeats)):
        for fn, repeat, spent in zip(fns, repeats, times, strict=True):
            if turn < repeat:
                start = time.perf_counter()
                fn()
                spent.append(time.perf_counter() - start)
    return [min(t) for t in times]


def paired_runs(ours: Callable[[list], object], reference: Callable[[list], object],
                batch: list, parts: int, repeat: int) -> tuple[float, float, list[float]]:
    """Time ``ours`` and ``reference`` on each of ``parts`` consecutive slices of ``batch``,
    one right after the other (which one goes first alternates), in ``repeat`` passes over
    the batch. Returns each one's best pass (the least total of its slices' times) and the
    ratio ours / reference of every slice pair.

    The pairs are seconds apart, so a change in the speed of a shared machine falls on both
    halves of most pairs; their median ratio is steadier than the ratio of two best passes
    taken minutes apart (see RESULTS.md, "Ninth round")."""
    size = -(-len(batch) // parts)
    slices = [batch[k : k + size] for k in range(0, len(batch), size)]
    passes: list[tuple[float, float]] = []
    ratios: list[float] = []
    for turn in range(repeat):
        total_ours = total_ref = 0.0
        for k, part in enumerate(slices):
            spent = [0.0, 0.0]
            for i in (0, 1) if (turn + k) % 2 == 0 else (1, 0):
                start = time.perf_counter()
                (ours, reference)[i](part)
                spent[i] = time.perf_counter() - start
            total_ours += spent[0]
            total_ref += spent[1]
            ratios.append(spent[0] / spent[1])
        passes.append((total_ours, total_ref))
    return min(p[0] for p in passes), min(p[1] for p in passes), ratios


def quartiles(ratios: list[float]) -> list[float]:
    """The first quartile, median and third quartile of the slice pairs' ratios, each within
    the ratios' range (statistics' default method reaches outside it, below zero even, when
    there are few pairs)."""
    return statistics.quantiles(ratios, n=4, method="inclusive")


def megabytes(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def machine() -> str:
    """One markdown line: date, CPUs, CPU model, load, Python and library versions."""
    import nltk
    import scipy
    import sklearn

    import framescore

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} CPUs ({cpu}) · "
            f"load average {load} at start · Python {platform.python_version()} · "
            f"scikit-learn {sklearn.__version__} · NumPy {np.__version__} · "
            f"SciPy {scipy.__version__} · NLTK {nltk.__version__} · "
            f"framescore {framescore.__version__} ({_git_revision(framescore.__file__)})")


def _git_revision(path: str) -> str:
    """The commit of the checkout that ``path`` is in (``-dirty`` with local changes)."""
    try:
        out = subprocess.run(["git", "-C", str(Path(path).parent), "describe", "--always",
                              "--dirty"], capture_output=True, text=True, timeout=10)
    except OSError:
        return "no git"
    return out.stdout.strip() or "no git"


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
