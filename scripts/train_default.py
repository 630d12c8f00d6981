"""Train the shipped default model on BABE and write models/default/.

    python scripts/train_default.py [--shared ../shared] [--out models/default]

Reads ../shared/corpora/babe/final_labels_SG2.csv (never copied into the project), runs
5-fold stratified CV (shuffle, seed 42) and leave-one-outlet-out CV, measures transfer to
WikiNPOV, fits the final model on all of BABE and writes the model directory with its manifest
and MODEL_CARD.md. Deterministic up to floating-point rounding: the same data and versions
give the same model, its weights and metrics equal to about ten significant digits.
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from framescore.corpus import read_labeled  # noqa: E402
from framescore.model import DEFAULT_PARAMS, cross_validate, train  # noqa: E402

BABE = "corpora/babe/final_labels_SG2.csv"
WIKINPOV = "corpora/wikinpov/wikinpov_statements.csv"
SEED = 42


def read_babe(shared: Path):
    return read_labeled(shared / BABE, label_col="label_bias", positive="Biased",
                        negative="Non-biased", group_col="outlet")


def read_wikinpov(shared: Path):
    return read_labeled(shared / WIKINPOV, label_col="label", positive="1", negative="0")


def fmt(m: dict) -> str:
    return (f"macro-F1 {m['macro_f1']:.3f} · accuracy {m['accuracy']:.3f} · ROC-AUC "
            f"{m['roc_auc']:.3f} · PR-AUC {m['pr_auc']:.3f} · Brier {m['brier']:.3f} · "
            f"ECE {m['ece']:.3f}")


CARD = """# framescore default model

A linear model (scikit-learn `LogisticRegression`, C={C}) over framescore's named features:
loaded-term rates by category and voice (narrator, quoted, reported, title), typed attribution
(report, distancing, endorsing, hedge, unverified, sourcing), scare quotes, quote and
reported-speech shares, and a word 1–2-gram TF-IDF block. {n_features:,} features. Every score
is exactly `intercept + Σ weight × value`; see `framescore explain`.

## Training data

BABE (Spinde et al., *Neural Media Bias Detection Using Distant Supervision With BABE*,
Findings of EMNLP 2021), `final_labels_SG2.csv`: {n} expert-labeled news sentences
(`label_bias` Biased = framed: {n_pos}; Non-biased = neutral: {n_neg}; {dropped} row(s) with
no agreement dropped) from {n_outlets} US outlets. License AGPL-3.0. The corpus is not part of
framescore; this model was trained on it (SHA-256 `{sha}`). Lexicons: framescore's own
(`src/framescore/data/lexicons/`).

## Metrics

Each fold picks its decision threshold on its own training data (inner 3-fold CV maximizing
macro-F1), so the reported macro-F1 is not tuned on the test folds.

| evaluation | figures |
| --- | --- |
| BABE 5-fold stratified CV (shuffle, seed 42) | {cv} |
| BABE leave-one-outlet-out CV ({n_outlets} outlets) | {outlet} |
| trained on BABE, tested on WikiNPOV ({n_wiki:,} statements) | ROC-AUC {wiki_auc:.3f} |

References on the same BABE data: TF-IDF 1–2-gram + LR macro-F1 0.725; lexicon rates + LR
0.651; BERT 0.789 and BERT with distant supervision 0.804 (the BABE paper). WikiNPOV transfer
references: TF-IDF LR 0.605, lexicon LR 0.660.

Decision threshold (probability of *framed*): {threshold:.2f}.

## Intended use

Research on framing and attribution in news: ranking and comparing articles, finding the
words and sentences that carry a framing, with exact explanations. Scores are comparative
evidence for a human reader, not verdicts about an outlet or an author.

## Limits

- Trained on single English sentences from US political news (2017–2020 topics); on other
  domains (foreign-affairs and conflict news, other countries) the n-gram block transfers
  poorly and the lexicon and voice features carry the signal. Retrain on your own labeled
  corpus where you can (`framescore train`).
- BABE's labels mark sentence-level bias as experts saw it; they are not a gold standard of
  framing, and annotator politics matter.
- Lexicon matching is stem-based and has no part-of-speech tagging: a few senses are
  confused (see the README). Voice rules are heuristics over speech verbs, quotes and
  "according to".
- Article scores are the model applied to mean sentence features; very short texts get
  scores close to the intercept.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "default")
    args = ap.parse_args()
    t0 = time.time()
    babe = read_babe(args.shared)
    print(f"BABE: {len(babe.texts)} sentences, {int(babe.y.sum())} biased, "
          f"{babe.dropped} dropped", file=sys.stderr)
    model = train(babe.texts, babe.y, cv=5, seed=SEED, **DEFAULT_PARAMS)
    cv_metrics = model.manifest["cv_metrics"]
    print("5-fold CV:", fmt(cv_metrics), file=sys.stderr)
    n_outlets = len(np.unique(babe.groups))
    outlet_metrics, _ = cross_validate(babe.texts, babe.y, groups=babe.groups, cv=n_outlets,
                                       seed=SEED, **DEFAULT_PARAMS)
    print("leave-one-outlet-out:", fmt(outlet_metrics), file=sys.stderr)
    wiki = read_wikinpov(args.shared)
    wiki_auc = float(roc_auc_score(wiki.y, model.score(wiki.texts)["score"]))
    print(f"WikiNPOV ROC-AUC: {wiki_auc:.3f}", file=sys.stderr)
    seeds = sorted(glob.glob(str(args.shared / "seeds" / "*.txt")))
    seed_scores = {Path(s).name: float(v) for s, v in zip(
        seeds, model.score([Path(s).read_text(encoding="utf-8") for s in seeds])["score"],
        strict=True)}
    card = CARD.format(
        C=DEFAULT_PARAMS["C"], n_features=len(model.feature_names), n=len(babe.y),
        n_pos=int(babe.y.sum()), n_neg=int(len(babe.y) - babe.y.sum()), dropped=babe.dropped,
        n_outlets=n_outlets, sha=babe.sha256, cv=fmt(cv_metrics), outlet=fmt(outlet_metrics),
        n_wiki=len(wiki.y), wiki_auc=wiki_auc, threshold=model.threshold,
    )
    model.save(
        args.out, card=card,
        command="python scripts/train_default.py",
        training_data={"path": f"../shared/{BABE}", "sha256": babe.sha256, "n": len(babe.y),
                       "text_col": "text", "label_col": "label_bias", "positive": "Biased",
                       "negative": "Non-biased", "license": "AGPL-3.0",
                       "citation": "Spinde et al., Findings of EMNLP 2021"},
        outlet_cv_metrics=outlet_metrics,
        transfer={"wikinpov_roc_auc": wiki_auc, "wikinpov_sha256": wiki.sha256},
        seed_scores=seed_scores,
    )
    print(json.dumps({"cv": cv_metrics["macro_f1"], "outlet_cv": outlet_metrics["macro_f1"],
                      "wikinpov_auc": wiki_auc, "seconds": round(time.time() - t0)}))


if __name__ == "__main__":
    main()
