"""The corpus report's statistics: quantiles and the bootstrap interval of the mean of a score
histogram, and a group's row of the groups table (:func:`group_row`).

A group's scores are kept as a histogram (:data:`framescore.corpus_report.BINS` bins on 0..1),
so that memory does not grow with its articles. Its 95% interval of the mean score is a
percentile bootstrap over its articles (seeded, so a report is reproducible), resampled through
the histogram: each score at its bin's centre, the bins merged as long as that adds at most
0.5% to the scores' variance, and the interval shifted by the difference between the exact
mean and the binned one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

_BLOCK = 250  # bootstrap resamples drawn at a time


def hist_quantiles(hist: np.ndarray, qs: Iterable[float]) -> list[float]:
    """Quantiles of the scores a histogram of :data:`BINS` bins on 0..1 counts (each score
    at its bin's centre, so within 0.0005 of the exact quantile)."""
    n = int(hist.sum())
    if not n:
        return [float("nan") for _ in qs]
    cum = np.cumsum(hist)
    return [(int(np.searchsorted(cum, max(q * n, 1), side="left")) + 0.5) / len(hist)
            for q in qs]


def bootstrap_interval(hist: np.ndarray, mean: float, n_boot: int,
                       rng: np.random.Generator, level: float = 0.95,
                       var: float | None = None) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean score: articles resampled with replacement
    (``n_boot`` times), each at its histogram bin's centre; shifted by the difference between
    the exact mean and the binned one.

    With the scores' variance ``var``, the bins are first merged into the widest ones (up to
    0.05) whose rounding adds at most 0.5% to the variance (0.25% to the interval's width),
    so that resampling costs little
    however many articles and bins there are."""
    n = int(hist.sum())
    if not n:
        return float("nan"), float("nan")
    if var is not None and var > 0:
        for factor in (50, 20, 10, 5, 2):
            width = factor / len(hist)
            if len(hist) % factor == 0 and width * width / 12 <= 0.005 * var:
                hist = hist.reshape(-1, factor).sum(axis=1)
                break
    filled = np.flatnonzero(hist)
    centres = (filled + 0.5) / len(hist)
    p = hist[filled] / n
    # resampled a block at a time (the same draws as at once), so memory stays small
    means = np.concatenate([rng.multinomial(n, p, size=min(_BLOCK, n_boot - k)) @ centres
                            for k in range(0, n_boot, _BLOCK)]) / n
    shift = mean - float(p @ centres)
    alpha = (1 - level) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha]) + shift
    return float(max(low, 0.0)), float(min(high, 1.0))


def group_row(g, count_columns: Sequence[str], *, min_articles: int, n_boot: int,
              rng: np.random.Generator, words: bool = True) -> dict:
    """The row of the groups table of a group's running totals ``g`` (a
    ``corpus_report._Group``): articles, the mean score with its bootstrap interval (drawn
    with ``rng``), median, quartiles, 5th and 95th percentiles, share framed, the counts of
    ``count_columns`` and their rates per 1,000 words (unknown without ``words``), and
    ``small`` (fewer than ``min_articles`` articles)."""
    mean = g.score_sum / g.articles if g.articles else float("nan")
    var = max(g.score_sq / g.articles - mean * mean, 0.0) if g.articles else 0.0
    low, high = bootstrap_interval(g.hist, mean, n_boot, rng, var=var)
    q = hist_quantiles(g.hist, (0.05, 0.25, 0.5, 0.75, 0.95))
    per_k = 1000 / g.words if g.words else float("nan")
    row = {
        "group": g.name, "articles": g.articles, "small": g.articles < min_articles,
        "sentences": g.sentences, "words": g.words if words else None,
        "mean_score": mean, "ci_low": low, "ci_high": high,
        "median_score": q[2], "q1_score": q[1], "q3_score": q[3],
        "p5_score": q[0], "p95_score": q[4],
        "framed_share": g.framed / g.articles if g.articles else float("nan"),
    }
    counts = dict(zip(count_columns, g.counts.tolist(), strict=True))
    row.update(counts)
    row["loaded_own"] = counts["loaded_narrator"] + counts["loaded_title"]
    row["loaded_attributed"] = counts["loaded_quoted"] + counts["loaded_reported"]
    for col in (*count_columns, "loaded_own", "loaded_attributed"):
        row[f"{col}_per_1k"] = (counts.get(col, row.get(col, 0))) * per_k
    return row
