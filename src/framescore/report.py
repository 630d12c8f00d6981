"""Evaluation reports: metrics.json and PNG plots (ROC, precision-recall, calibration,
confusion matrix). Needs matplotlib (``pip install framescore[plots]``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.metrics import precision_recall_curve, roc_curve


def write_report(directory: str | Path, y, proba, metrics: dict, title: str = "") -> list[Path]:
    """Write ``metrics.json`` and four PNG plots to ``directory``; return the paths written."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise RuntimeError("--report needs matplotlib: pip install 'framescore[plots]'") from None
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    y = np.asarray(y).astype(int)
    p = np.asarray(proba, dtype=float)
    written = [out / "metrics.json"]
    written[0].write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    suffix = f" — {title}" if title else ""

    def save(fig, name: str) -> None:
        fig.tight_layout()
        fig.savefig(out / name, dpi=110)
        plt.close(fig)
        written.append(out / name)

    fig, ax = plt.subplots(figsize=(5, 5))
    fpr, tpr, _ = roc_curve(y, p)
    ax.plot(fpr, tpr, label=f"ROC-AUC {metrics.get('roc_auc') or float('nan'):.3f}")
    ax.plot([0, 1], [0, 1], ls="--", c="grey", lw=1)
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC" + suffix)
    ax.legend(loc="lower right")
    save(fig, "roc.png")

    fig, ax = plt.subplots(figsize=(5, 5))
    prec, rec, _ = precision_recall_curve(y, p)
    ax.plot(rec, prec, label=f"PR-AUC {metrics.get('pr_auc') or float('nan'):.3f}")
    ax.axhline(y.mean(), ls="--", c="grey", lw=1, label=f"base rate {y.mean():.2f}")
    ax.set(xlabel="recall", ylabel="precision", title="Precision-recall" + suffix,
           xlim=(0, 1), ylim=(0, 1.02))
    ax.legend(loc="lower left")
    save(fig, "precision_recall.png")

    fig, ax = plt.subplots(figsize=(5, 5))
    edges = np.linspace(0, 1, 11)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, 9)
    conf = [p[idx == b].mean() for b in range(10) if (idx == b).any()]
    acc = [y[idx == b].mean() for b in range(10) if (idx == b).any()]
    ax.plot([0, 1], [0, 1], ls="--", c="grey", lw=1, label="perfect calibration")
    ax.plot(conf, acc, marker="o", label=f"ECE {metrics.get('ece', float('nan')):.3f}")
    ax.set(xlabel="mean predicted probability", ylabel="fraction framed",
           title="Calibration" + suffix, xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="upper left")
    save(fig, "calibration.png")

    cm = metrics["confusion_matrix"]
    grid = np.array([[cm["tn"], cm["fp"]], [cm["fn"], cm["tp"]]])
    fig, ax = plt.subplots(figsize=(4.2, 4))
    ax.imshow(grid, cmap="Blues")
    for (i, j), v in np.ndenumerate(grid):
        ax.text(j, i, str(v), ha="center", va="center",
                color="white" if v > grid.max() / 2 else "black", fontsize=14)
    ax.set_xticks([0, 1], ["neutral", "framed"])
    ax.set_yticks([0, 1], ["neutral", "framed"])
    ax.set(xlabel="predicted", ylabel="true",
           title="Confusion matrix" + (f"\n{title}" if title else ""))  # a narrow figure
    save(fig, "confusion_matrix.png")
    return written
