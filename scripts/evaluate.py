"""Model-quality figures for benchmarks/RESULTS.md: ablations, outlet CV, WikiNPOV transfer.

    python scripts/evaluate.py [--shared ../shared] [--skip-outlets] > quality.md

For each configuration: BABE 5-fold stratified CV (shuffle, seed 42; per-fold thresholds tuned
on the training folds) and, trained on all of BABE, ROC-AUC on WikiNPOV. References measured in
the same run: a bare TF-IDF 1-2-gram + LogisticRegression. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline as sk_pipeline

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from train_default import SEED, read_babe, read_wikinpov  # noqa: E402

from framescore.model import DEFAULT_PARAMS  # noqa: E402
from framescore.training import cross_validate, train  # noqa: E402

CONFIGS = {
    "framescore default: lexicon + voice + n-grams": {},
    "lexicon + voice features only": {"ngrams": False},
    "lexicon features only, without voice": {"ngrams": False, "voice": False},
    "lexicon + n-grams, without voice": {"voice": False},
    "n-grams only (framescore tokenization per sentence)": {"framing": False},
}


def bare_reference(texts, y, wiki) -> tuple[float, float, float]:
    """TF-IDF 1-2-gram + LR: 5-fold macro-F1 at 0.5, ROC-AUC, and WikiNPOV ROC-AUC."""
    texts = np.asarray(texts, dtype=object)
    proba = np.zeros(len(y))
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=SEED).split(texts, y):
        pipe = sk_pipeline(TfidfVectorizer(ngram_range=(1, 2)),
                           LogisticRegression(max_iter=2000)).fit(texts[tr], y[tr])
        proba[te] = pipe.predict_proba(texts[te])[:, 1]
    pipe = sk_pipeline(TfidfVectorizer(ngram_range=(1, 2)),
                       LogisticRegression(max_iter=2000)).fit(texts, y)
    wiki_auc = roc_auc_score(wiki.y, pipe.predict_proba(wiki.texts)[:, 1])
    return (f1_score(y, proba >= 0.5, average="macro"), roc_auc_score(y, proba), wiki_auc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--skip-outlets", action="store_true",
                    help="skip leave-one-outlet-out CV (the slowest part)")
    args = ap.parse_args()
    babe, wiki = read_babe(args.shared), read_wikinpov(args.shared)
    rows = []
    f1, auc, wiki_auc = bare_reference(babe.texts, babe.y, wiki)
    rows.append(("reference: bare TF-IDF 1-2-gram + LR (threshold 0.5)", f1, auc, wiki_auc))
    for name, params in CONFIGS.items():
        t0 = time.time()
        metrics, _ = cross_validate(babe.texts, babe.y, cv=5, seed=SEED, **params)
        model = train(babe.texts, babe.y, cv=0, seed=SEED, **params)
        wiki_auc = roc_auc_score(wiki.y, model.score(wiki.texts)["score"])
        rows.append((name, metrics["macro_f1"], metrics["roc_auc"], wiki_auc))
        print(f"{name}: {time.time() - t0:.0f}s", file=sys.stderr)
    print("| model | BABE 5-fold macro-F1 | BABE ROC-AUC | trained on BABE: WikiNPOV ROC-AUC |")
    print("| --- | --- | --- | --- |")
    for name, f1, auc, wiki_auc in rows:
        print(f"| {name} | {f1:.3f} | {auc:.3f} | {wiki_auc:.3f} |")
    if not args.skip_outlets:
        outlets = len(np.unique(babe.groups))
        m, _ = cross_validate(babe.texts, babe.y, groups=babe.groups, cv=outlets, seed=SEED,
                              **DEFAULT_PARAMS)
        print(f"\nLeave-one-outlet-out CV ({outlets} outlets, default model): macro-F1 "
              f"{m['macro_f1']:.3f}, accuracy {m['accuracy']:.3f}, ROC-AUC {m['roc_auc']:.3f}, "
              f"PR-AUC {m['pr_auc']:.3f}, Brier {m['brier']:.3f}, ECE {m['ece']:.3f}")


if __name__ == "__main__":
    main()
