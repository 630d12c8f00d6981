"""Transfer benchmark: does the score hold outside BABE? Candidates against two baselines,
all trained in this run on the same data.

    python benchmarks/transfer.py [--shared ../shared] [--quick] [--no-ablations]

For every model (framescore candidates and the baselines: TF-IDF 1–2-grams + LR, and rates of
the public lexicons in ../shared/lexicons + LR), one table row:

- BABE 5-fold stratified CV and leave-one-outlet-out CV (macro-F1 at thresholds tuned on each
  fold's training part; ROC-AUC); terms are learned from the training part of each fold only
  (marked in three outlets or more);
- trained on all of BABE: WikiNPOV ROC-AUC; ptc_dev line ROC-AUC for ``loaded`` and
  ``loaded_narrator``; ptc_dev article Spearman ρ with ``loaded_per_line`` and
  ``narrator_loaded_per_line``; the five seed articles' scores and labels.

Seed labels use an article threshold chosen as :func:`article_threshold` does (on the seeds'
reader labels and the ptc_dev articles). Then the ablations: the default candidate without
each feature family. ``--quick`` skips the outlet CV. Prints markdown.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.special import expit
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import (
    StratifiedGroupKFold,
    StratifiedKFold,
    TunedThresholdClassifierCV,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import shared_corpora as sc  # noqa: E402

from framescore.lexicon import Lexicon, default_paths  # noqa: E402
from framescore.model import DEFAULT_PARAMS, article_threshold, train  # noqa: E402
from framescore.text import VOICES  # noqa: E402

SEED = 42


@dataclass
class Fitted:
    """A model trained in this run: probabilities of texts and articles, its threshold."""

    proba: Callable[[list[str]], np.ndarray]
    article_proba: Callable[[list[str]], np.ndarray]
    threshold: float


def framescore_candidate(params: dict, use_spans: bool = True):
    def fit(texts, y, spans, groups) -> Fitted:
        model = train(texts, y, cv=0, seed=SEED, spans=spans if use_spans else None,
                      groups=groups, **params)
        return Fitted(lambda t: expit(model.logits(t)),
                      lambda t: model.score(t)["score"].to_numpy(), model.threshold)
    return fit


def _tuned(pipeline) -> TunedThresholdClassifierCV:
    return TunedThresholdClassifierCV(pipeline, scoring="f1_macro",
                                      cv=StratifiedKFold(3, shuffle=True, random_state=SEED),
                                      thresholds=91)


def _sklearn_fit(pipeline_factory):
    def fit(texts, y, spans, groups) -> Fitted:
        tuned = _tuned(pipeline_factory()).fit(np.asarray(texts, dtype=object), y)
        proba = lambda t: tuned.estimator_.predict_proba(np.asarray(t, dtype=object))[:, 1]  # noqa: E731
        return Fitted(proba, proba, float(tuned.best_threshold_))
    return fit


def tfidf_baseline():
    return _sklearn_fit(lambda: make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2)),
        LogisticRegression(max_iter=2000, class_weight="balanced")))


_WORD = re.compile(r"[a-z][a-z'-]*")


def public_lexicons(shared: Path) -> dict[str, frozenset[str]]:
    """The word lists of ../shared/lexicons (comment lines and multi-word entries left out)."""
    out = {}
    for path in sorted((shared / "lexicons").glob("*.txt")):
        words = {line.strip().lower() for line in path.read_text(encoding="latin-1").splitlines()
                 if line.strip() and not line.startswith(("#", ";"))}
        out[path.stem] = frozenset(w for w in words if " " not in w)
    return out


def lexicon_baseline(shared: Path):
    lexicons = list(public_lexicons(shared).values())

    def rates(texts) -> np.ndarray:
        out = np.zeros((len(texts), len(lexicons)))
        for i, t in enumerate(texts):
            words = _WORD.findall(t.lower())
            if words:
                out[i] = [sum(w in lex for w in words) / len(words) for lex in lexicons]
        return out

    return _sklearn_fit(lambda: make_pipeline(
        FunctionTransformer(rates), StandardScaler(),
        LogisticRegression(max_iter=2000, class_weight="balanced")))


def cv_metrics(fit, corpus: sc.Corpus, grouped: bool) -> dict:
    texts = np.asarray(corpus.texts, dtype=object)
    y = corpus.y
    if grouped:
        n = len(np.unique(corpus.groups))
        splits = StratifiedGroupKFold(n, shuffle=True, random_state=SEED).split(texts, y,
                                                                                corpus.groups)
    else:
        splits = StratifiedKFold(5, shuffle=True, random_state=SEED).split(texts, y)
    proba, pred = np.zeros(len(y)), np.zeros(len(y), dtype=int)
    for tr, te in splits:
        fitted = fit(list(texts[tr]), y[tr], [corpus.spans[i] for i in tr], corpus.groups[tr])
        proba[te] = fitted.proba(list(texts[te]))
        pred[te] = proba[te] >= fitted.threshold
    return {"f1": f1_score(y, pred, average="macro"), "auc": roc_auc_score(y, proba)}


def transfer_metrics(fitted: Fitted, data: dict) -> dict:
    wiki, loaded, narrator, articles = (data[k] for k in ("wiki", "ptc", "ptc_narrator",
                                                          "ptc_articles"))
    line_p = fitted.proba(loaded.texts)
    art_p = fitted.article_proba(articles["text"].tolist())
    seed_p = fitted.article_proba(list(data["seeds"].values()))
    return {
        "wiki": roc_auc_score(wiki.y, fitted.proba(wiki.texts)),
        "ptc": roc_auc_score(loaded.y, line_p),
        "ptc_narrator": roc_auc_score(narrator.y, line_p),
        "rho": spearmanr(art_p, articles["loaded_per_line"]).statistic,
        "rho_narrator": spearmanr(art_p, articles["narrator_loaded_per_line"]).statistic,
        "article_threshold": article_threshold(
            (art_p, sc.ptc_article_labels(articles)), (seed_p, _seed_labels(data["seeds"]))),
        "seeds": seed_p,
    }


def _seed_labels(seeds: dict[str, str]) -> np.ndarray:
    return np.array([k in sc.FRAMED_SEEDS for k in seeds], dtype=int)


def evaluate(name: str, fit, data: dict, quick: bool) -> dict:
    t0 = time.time()
    row = {"name": name, "cv": cv_metrics(fit, data["babe"], grouped=False)}
    if not quick:
        row["outlet"] = cv_metrics(fit, data["babe"], grouped=True)
    babe = data["babe"]
    row.update(transfer_metrics(fit(babe.texts, babe.y, babe.spans, babe.groups), data))
    row["seconds"] = time.time() - t0
    print(f"{name}: {time.time() - t0:.0f} s", file=sys.stderr)
    return row


def table(rows: list[dict], seeds: dict[str, str], quick: bool) -> str:
    head = ["model", "BABE 5-fold F1 / AUC"]
    if not quick:
        head.append("BABE outlet F1 / AUC")
    head += ["WikiNPOV AUC", "PTC line AUC loaded / narrator", "PTC article ρ all / narrator",
             "seeds " + " ".join(seeds), "seeds labelled right"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    truth = _seed_labels(seeds)
    for r in rows:
        cells = [r["name"], f"{r['cv']['f1']:.3f} / {r['cv']['auc']:.3f}"]
        if not quick:
            cells.append(f"{r['outlet']['f1']:.3f} / {r['outlet']['auc']:.3f}")
        labels = (r["seeds"] >= r["article_threshold"]).astype(int)
        cells += [f"{r['wiki']:.3f}", f"{r['ptc']:.3f} / {r['ptc_narrator']:.3f}",
                  f"{r['rho']:.3f} / {r['rho_narrator']:.3f}",
                  " ".join(f"{p:.2f}{'F' if lab else 'n'}" for p, lab in zip(r["seeds"], labels,
                                                                             strict=True)),
                  f"{int((labels == truth).sum())}/{len(truth)}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ablations() -> dict[str, tuple[dict, bool]]:
    """The default candidate with one feature family left out, or one added: name →
    (parameters over the default's, whether terms are learned from spans)."""
    curated = [f"loaded:{v}" for v in VOICES] + [
        f"loaded:{c}" for c in Lexicon.from_paths(default_paths()).categories]
    return {
        "without learned terms": ({}, False),
        "without curated lexicon terms": ({"exclude": tuple(curated)}, True),
        "without attribution": ({"exclude": ("attribution:",)}, True),
        "without scare quotes": ({"exclude": ("scare_quotes",)}, True),
        "without voice (categories only)": ({"voice": False}, True),
        "without constraints (plain L2 LR)": ({"constrained": False}, True),
        "with quote and reported-speech shares": ({"shares": True}, True),
        "with content-word 1–2-grams (weight 0.3, min_df 2)": (
            {"ngrams": True, "ngram_weight": 0.3, "min_df": 2}, True),
        "with 1–2-grams of every word (weight 0.3, min_df 2)": (
            {"ngrams": True, "ngram_weight": 0.3, "min_df": 2, "ngram_words": "all"}, True),
        "with sentence length": ({"length": True}, True),
    }


def shipped_recipe(data: dict, folds: int = 5) -> str:
    """The shipped model's recipe (BABE + ptc_dev lines, terms from both) measured on ptc_dev
    by cross-fitting: each fold of ptc_dev articles is scored by a model trained on BABE and
    the other folds' articles, so no article is scored by a model that learned from it."""
    babe, lines, narrator = data["babe"], data["ptc"], data["ptc_narrator"]
    articles = data["ptc_articles"]
    ids = articles["article"].to_numpy()
    line_p = np.zeros(len(lines.y))
    art_p = np.zeros(len(ids))
    order = np.random.default_rng(SEED).permutation(len(ids))
    for k in range(folds):
        held = set(ids[order[k::folds]].tolist())
        train_rows = [i for i, a in enumerate(lines.groups) if a not in held]
        model = train(babe.texts + [lines.texts[i] for i in train_rows],
                      np.concatenate([babe.y, lines.y[train_rows]]),
                      spans=babe.spans + [lines.spans[i] for i in train_rows],
                      groups=[f"babe:{g}" for g in babe.groups]
                      + [f"ptc:{lines.groups[i]}" for i in train_rows],
                      cv=0, seed=SEED, **DEFAULT_PARAMS)
        test_rows = [i for i, a in enumerate(lines.groups) if a in held]
        line_p[test_rows] = expit(model.logits([lines.texts[i] for i in test_rows]))
        is_held = np.isin(ids, list(held))
        art_p[is_held] = model.score(articles["text"][is_held].tolist())["score"].to_numpy()
    return ("| shipped recipe (BABE + ptc_dev), ptc_dev cross-fitted by article "
            f"({folds} folds) | PTC line AUC loaded / narrator "
            f"{roc_auc_score(lines.y, line_p):.3f} / {roc_auc_score(narrator.y, line_p):.3f} | "
            f"PTC article ρ all / narrator "
            f"{spearmanr(art_p, articles['loaded_per_line']).statistic:.3f} / "
            f"{spearmanr(art_p, articles['narrator_loaded_per_line']).statistic:.3f} |")


def sample(data: dict, n: int) -> dict:
    """``n`` texts of each corpus, drawn with the benchmark's seed (the same lines for both
    ptc_dev labels), and ``n // 10`` ptc_dev articles."""
    rng = np.random.default_rng(SEED)

    def take(corpus: sc.Corpus, rows: np.ndarray) -> sc.Corpus:
        pick = lambda v: None if v is None else (  # noqa: E731
            v[rows] if isinstance(v, np.ndarray) else [v[i] for i in rows])
        return sc.Corpus(pick(corpus.texts), corpus.y[rows], pick(corpus.groups),
                         pick(corpus.spans), corpus.sha256, corpus.path)

    def rows(corpus: sc.Corpus) -> np.ndarray:
        return np.sort(rng.choice(len(corpus.y), min(n, len(corpus.y)), replace=False))

    lines = rows(data["ptc"])
    articles = data["ptc_articles"]
    return {**data, "babe": take(data["babe"], rows(data["babe"])),
            "wiki": take(data["wiki"], rows(data["wiki"])),
            "ptc": take(data["ptc"], lines), "ptc_narrator": take(data["ptc_narrator"], lines),
            "ptc_articles": articles.iloc[np.sort(rng.choice(len(articles), max(n // 10, 10),
                                                             replace=False))]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=sc.SHARED)
    ap.add_argument("--quick", action="store_true", help="skip the leave-one-outlet-out CV")
    ap.add_argument("--no-ablations", action="store_true")
    ap.add_argument("--sample", type=int, metavar="N",
                    help="N texts of each corpus (N / 10 ptc_dev articles): a smoke test")
    args = ap.parse_args()
    t0 = time.time()
    data = {"babe": sc.babe(args.shared), "wiki": sc.wikinpov(args.shared),
            "ptc": sc.ptc_lines(args.shared), "ptc_narrator": sc.ptc_lines(args.shared,
                                                                           "loaded_narrator"),
            "ptc_articles": sc.ptc_articles(args.shared), "seeds": sc.seeds(args.shared)}
    if args.sample:
        data = sample(data, args.sample)
    models = {
        "framescore default (constrained lexicon + voice + attribution + learned terms)":
            framescore_candidate(DEFAULT_PARAMS),
        "baseline: TF-IDF 1–2-grams + LR": tfidf_baseline(),
        "baseline: public lexicon rates + LR": lexicon_baseline(args.shared),
    }
    rows = [evaluate(name, fit, data, args.quick) for name, fit in models.items()]
    print(f"All trained on BABE ({len(data['babe'].y)} sentences) in this run; seeds: score and "
          "label (F framed, n neutral) at each model's article threshold.\n")
    print(table(rows, data["seeds"], args.quick))
    print("\nThe shipped recipe on ptc_dev articles it did not learn from:\n")
    print(shipped_recipe(data))
    if not args.no_ablations:
        rows = [evaluate(f"default {name}", framescore_candidate({**DEFAULT_PARAMS, **params},
                                                                 use_spans), data, quick=True)
                for name, (params, use_spans) in ablations().items()]
        print("\nAblations (the outlet CV left out):\n")
        print(table(rows, data["seeds"], quick=True))
    print(f"\n{time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
