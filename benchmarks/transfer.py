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
from framescore.model import DEFAULT_PARAMS  # noqa: E402
from framescore.terms import read_word_list  # noqa: E402
from framescore.text import VOICES  # noqa: E402
from framescore.training import article_threshold, train  # noqa: E402

SEED = 42


@dataclass
class Fitted:
    """A model trained in this run: probabilities of texts and articles, its threshold."""

    proba: Callable[[list[str]], np.ndarray]
    article_proba: Callable[[list[str]], np.ndarray]
    threshold: float


def framescore_candidate(params: dict, use_spans: bool = True, candidates=None):
    """A framescore model of ``params``: terms learned from the annotated spans (unless not
    ``use_spans``) and from the ``candidates`` words whose texts lean framed."""
    def fit(texts, y, spans, groups) -> Fitted:
        model = train(texts, y, cv=0, seed=SEED, spans=spans if use_spans else None,
                      groups=groups, candidates=candidates, **params)
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
    return {path.stem: frozenset(read_word_list(path))
            for path in sorted((shared / "lexicons").glob("*.txt"))}


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
    return figures(data, wiki_p=fitted.proba(data["wiki"].texts),
                   line_p=fitted.proba(data["ptc"].texts),
                   art_p=fitted.article_proba(data["ptc_articles"]["text"].tolist()),
                   seed_p=fitted.article_proba(list(data["seeds"].values())))


def figures(data: dict, wiki_p, line_p, art_p, seed_p) -> dict:
    """The transfer columns from the probabilities of WikiNPOV statements, ptc_dev lines,
    ptc_dev articles and the seeds."""
    articles = data["ptc_articles"]
    return {
        "wiki": roc_auc_score(data["wiki"].y, wiki_p),
        "ptc": roc_auc_score(data["ptc"].y, line_p),
        "ptc_narrator": roc_auc_score(data["ptc_narrator"].y, line_p),
        "rho": spearmanr(art_p, articles["loaded_per_line"]).statistic,
        "rho_narrator": spearmanr(art_p, articles["narrator_loaded_per_line"]).statistic,
        "article_threshold": article_threshold(
            (art_p, sc.ptc_article_labels(articles)), (seed_p, _seed_labels(data["seeds"]))),
        "seeds": seed_p,
        "art_p": np.asarray(art_p),
    }


def rho_gaps(rows: list[dict], articles, resamples: int = 2000) -> str:
    """How far the first row's article ρ is from each other row's, with a 95% interval from a
    paired bootstrap over the ptc_dev articles (the same resampled articles for both)."""
    rng = np.random.default_rng(SEED)
    picks = rng.integers(0, len(articles), size=(resamples, len(articles)))
    lines = []
    for column, what in (("loaded_per_line", "all"), ("narrator_loaded_per_line", "narrator")):
        truth = articles[column].to_numpy()
        for other in rows[1:]:
            gap = [spearmanr(rows[0]["art_p"][i], truth[i]).statistic
                   - spearmanr(other["art_p"][i], truth[i]).statistic for i in picks]
            low, high = np.nanpercentile(gap, [2.5, 97.5])
            point = (spearmanr(rows[0]["art_p"], truth).statistic
                     - spearmanr(other["art_p"], truth).statistic)
            lines.append(f"- article ρ ({what}), first row − {other['name']}: {point:+.3f} "
                         f"(95% interval {low:+.3f} to {high:+.3f})")
    return (f"Article ρ gaps, paired bootstrap over the {len(articles)} ptc_dev articles "
            f"({resamples} resamples):\n" + "\n".join(lines))


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


def ablations() -> dict[str, tuple[dict, bool, str]]:
    """The default candidate with one feature family left out, or one added: name →
    (parameters over the default's, whether terms are learned from spans, which candidate
    words are learned from labels: "default", "none" or "all" public subjectivity lexicons)."""
    curated = [f"loaded:{v}" for v in VOICES] + [
        f"loaded:{c}" for c in Lexicon.from_paths(default_paths()).categories]
    return {
        "without terms learned from spans": ({}, False, "default"),
        "without learned subjective words": ({}, True, "none"),
        "with every public opinion and subjectivity lexicon as candidates": ({}, True, "all"),
        "without curated lexicon terms": ({"exclude": tuple(curated)}, True, "default"),
        "without attribution": ({"exclude": ("attribution:",)}, True, "default"),
        "without scare quotes": ({"exclude": ("scare_quotes",)}, True, "default"),
        "without voice (categories only)": ({"voice": False}, True, "default"),
        "without constraints (plain L2 LR)": ({"constrained": False}, True, "default"),
        "with quote and reported-speech shares": ({"shares": True}, True, "default"),
        "with content-word 1–2-grams (weight 0.3, min_df 2)": (
            {"ngrams": True, "ngram_weight": 0.3, "min_df": 2}, True, "default"),
        "with 1–2-grams of every word (weight 0.3, min_df 2)": (
            {"ngrams": True, "ngram_weight": 0.3, "min_df": 2, "ngram_words": "all"}, True,
            "default"),
        "with sentence length": ({"length": True}, True, "default"),
    }


def with_ptc(fit, data: dict, ptc_rows):
    """``fit`` that also trains on the ptc_dev lines ``ptc_rows`` (the shipped recipe: BABE
    and ptc_dev, groups prefixed by corpus so that term learning counts outlets and articles
    apart)."""
    lines = data["ptc"]

    def fitted(texts, y, spans, groups) -> Fitted:
        return fit(list(texts) + [lines.texts[i] for i in ptc_rows],
                   np.concatenate([y, lines.y[ptc_rows]]),
                   list(spans) + [lines.spans[i] for i in ptc_rows],
                   [f"babe:{g}" for g in groups] + [f"ptc:{lines.groups[i]}" for i in ptc_rows])
    return fitted


def recipe_row(name: str, fit, data: dict, quick: bool, folds: int = 5) -> dict:
    """One row of the shipped recipe's table: trained on BABE and ptc_dev. BABE figures are
    out-of-fold over BABE (every ptc_dev line in each training part); ptc_dev figures are
    cross-fitted by article (each fold of articles scored by a model trained on BABE and the
    other folds' articles); WikiNPOV and the seeds from a model trained on all of both."""
    t0 = time.time()
    babe, lines, articles = data["babe"], data["ptc"], data["ptc_articles"]
    every_line = np.arange(len(lines.y))
    row = {"name": name, "cv": cv_metrics(with_ptc(fit, data, every_line), babe, grouped=False)}
    if not quick:
        row["outlet"] = cv_metrics(with_ptc(fit, data, every_line), babe, grouped=True)
    line_groups = np.asarray(lines.groups)
    ids = np.unique(line_groups)
    line_p, art_p = np.zeros(len(lines.y)), np.zeros(len(articles))
    order = np.random.default_rng(SEED).permutation(len(ids))
    for k in range(folds):
        held = ids[order[k::folds]]
        test = np.isin(line_groups, held)
        fitted = with_ptc(fit, data, np.flatnonzero(~test))(babe.texts, babe.y, babe.spans,
                                                            babe.groups)
        line_p[test] = fitted.proba([lines.texts[i] for i in np.flatnonzero(test)])
        is_held = articles["article"].isin(held).to_numpy()
        if is_held.any():
            art_p[is_held] = fitted.article_proba(articles["text"][is_held].tolist())
    full = with_ptc(fit, data, every_line)(babe.texts, babe.y, babe.spans, babe.groups)
    row.update(figures(data, wiki_p=full.proba(data["wiki"].texts), line_p=line_p,
                       art_p=art_p, seed_p=full.article_proba(list(data["seeds"].values()))))
    print(f"{name} (BABE + ptc_dev): {time.time() - t0:.0f} s", file=sys.stderr)
    return row


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
    words = {"default": sc.subjectivity_words(args.shared), "none": None,
             "all": sorted(set().union(*(public_lexicons(args.shared)[name] for name in (
                 "strong_subjectives_riloff2003", "weak_subjectives_riloff2003",
                 "negative_liu2005", "positive_liu2005", "npov_lexicon"))))}
    models = {
        "framescore default (constrained lexicon + voice + attribution + learned terms)":
            framescore_candidate(DEFAULT_PARAMS, candidates=words["default"]),
        "baseline: TF-IDF 1–2-grams + LR": tfidf_baseline(),
        "baseline: public lexicon rates + LR": lexicon_baseline(args.shared),
    }
    rows = [evaluate(name, fit, data, args.quick) for name, fit in models.items()]
    print(f"All trained on BABE ({len(data['babe'].y)} sentences) in this run; seeds: score and "
          "label (F framed, n neutral) at each model's article threshold.\n")
    print(table(rows, data["seeds"], args.quick))
    print("\n" + rho_gaps(rows, data["ptc_articles"]))
    rows = [recipe_row(name, fit, data, args.quick) for name, fit in models.items()]
    print("\nThe shipped recipe: every model trained on BABE and ptc_dev in this run (ptc_dev "
          "figures cross-fitted by article, so no article is scored by a model that learned "
          "from it):\n")
    print(table(rows, data["seeds"], args.quick))
    print("\n" + rho_gaps(rows, data["ptc_articles"]))
    if not args.no_ablations:
        rows = [evaluate(f"default {name}", framescore_candidate(
                    {**DEFAULT_PARAMS, **params}, use_spans, words[which]), data, quick=True)
                for name, (params, use_spans, which) in ablations().items()]
        print("\nAblations (the outlet CV left out):\n")
        print(table(rows, data["seeds"], quick=True))
    print(f"\n{time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
