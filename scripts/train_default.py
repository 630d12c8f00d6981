"""Train the shipped default model and write models/default/.

    python scripts/train_default.py [--shared ../shared] [--out models/default]

The recipe (its choices are measured by ``python benchmarks/transfer.py``):

- training data: BABE's expert-labelled sentences (``label_bias``) and the lines of the
  Propaganda Techniques Corpus half in ``../shared/corpora/ptc_dev`` (``loaded``), read from
  ``../shared`` and never copied into the project;
- term weights learned from both corpora's span annotations (BABE's ``biased_words``,
  ptc_dev's Loaded_Language and Name_Calling,Labeling spans), each term marked in three
  outlets or articles or more;
- learned subjective words: the words of two public subjectivity lexicons in ``../shared``
  (strong subjective clues; negative opinion words) whose training texts lean framed
  (:func:`framescore.terms.learn_label_terms`); the model holds only the words it learned;
- features: curated lexicon terms by category and voice, learned terms by voice, typed
  attribution and scare quotes (:data:`framescore.model.DEFAULT_PARAMS`), with the framing
  constraints of :class:`framescore.classifier.FramingClassifier`;
- the sentence threshold tuned for macro-F1 by inner 3-fold CV; the article threshold chosen
  on article-level evidence: the seed articles' reader labels and the ptc_dev articles
  (framed: narrator loaded language per line above the median).

Deterministic: the same data and versions give the same model.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import shared_corpora as sc  # noqa: E402

from framescore.model import DEFAULT_PARAMS  # noqa: E402
from framescore.training import article_threshold, train  # noqa: E402

SEED = 42

CARD = """# framescore default model

A constrained logistic regression (`framescore.classifier.FramingClassifier`, C={C}) over
framescore's named framing features: curated loaded-language terms by category and voice
(narrator, headline, quoted, reported), {n_terms:,} loaded terms learned from annotated spans
(each with its learned weight) and {n_subjective:,} subjective words learned from the labels, by
voice, typed attribution (report, distancing, endorsing, hedge, unverified,
sourcing) and scare quotes; {n_features} features, no word n-grams. Every score is exactly
`intercept + Σ weight × value`; see `framescore explain`.

The weights obey constraints a media scholar would sign: a loaded term in the narrator's or
the headline's voice never lowers a score; quoting or reporting it never lowers it either and
counts no more than adopting it; the headline has the narrator's weight; scare quotes never
lower a score.

## Training data

- BABE (Spinde et al., Findings of EMNLP 2021), `final_labels_SG2.csv`: {n_babe} expert-labelled
  news sentences from US outlets (`label_bias` Biased = framed: {n_babe_pos}), and their
  annotators' `biased_words`. License AGPL-3.0. SHA-256 `{babe_sha}`.
- Propaganda Techniques Corpus (Da San Martino et al., EMNLP 2019), the half in
  `ptc_dev`: {n_ptc} lines of {n_ptc_articles} news and opinion articles (`loaded` = a
  Loaded_Language or Name_Calling,Labeling span touches the line: {n_ptc_pos}), and those
  spans. Research use. SHA-256 of `sentences.csv` `{ptc_sha}`.

- Candidate subjective words: strong subjective clues (Riloff & Wiebe 2003) and negative
  opinion words (Hu & Liu 2004), as collected in rpryzant/neutralizing-bias (MIT); a candidate
  becomes a learned subjective word when the training texts that contain it lean framed.
Neither corpus nor lexicon is part of framescore; the model holds only weights and the terms
it learned.

## Thresholds

- sentences: {threshold:.3f} (tuned for macro-F1 by inner 3-fold CV on the training data);
- articles: {article_threshold:.3f} (chosen on the five seed articles' reader labels and the
  ptc_dev articles, framed when their narrator's loaded language per line is above the
  median).

## Metrics

Measured by `python benchmarks/transfer.py` on models trained in the same run with the same
recipe, against baselines trained on the same data; see `benchmarks/RESULTS.md`. Figures on
ptc_dev there come from models that did not learn from ptc_dev.

## Intended use

Research on framing and attribution in English news: ranking and comparing articles, finding
the words and sentences that carry a framing, with exact explanations. Scores are
comparative evidence for a human reader, not verdicts about an outlet or an author.

## Limits

- Only listed and learned terms count: a loaded word that is in neither is missed, and a
  listed word used in a neutral sense is counted. Retrain on your own annotated corpus where
  you can (`framescore train --words-col`).
- Voice rules are heuristics over speech verbs, quotation marks and "according to".
- The labels are their annotators' view of bias and loaded language; they are not a gold
  standard of framing.
- English only.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=sc.SHARED)
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "default")
    args = ap.parse_args()
    t0 = time.time()
    babe, ptc = sc.babe(args.shared), sc.ptc_lines(args.shared)
    texts = babe.texts + ptc.texts
    y = np.concatenate([babe.y, ptc.y])
    spans = babe.spans + ptc.spans
    groups = [f"babe:{g}" for g in babe.groups] + [f"ptc:{g}" for g in ptc.groups]
    model = train(texts, y, spans=spans, groups=groups,
                  candidates=sc.subjectivity_words(args.shared), cv=0, seed=SEED,
                  **DEFAULT_PARAMS)
    articles = sc.ptc_articles(args.shared)
    seeds = sc.seeds(args.shared)
    seed_scores = model.score(list(seeds.values()))["score"].to_numpy()
    model.article_threshold = article_threshold(
        (model.score(articles["text"].tolist())["score"].to_numpy(),
         sc.ptc_article_labels(articles)),
        (seed_scores, np.array([k in sc.FRAMED_SEEDS for k in seeds], dtype=int)))
    n_subjective = sum(len(t) > 2 for t in model.features.learned_terms)
    n_terms = len(model.features.learned_terms) - n_subjective
    card = CARD.format(
        C=DEFAULT_PARAMS["C"], n_terms=n_terms, n_subjective=n_subjective,
        n_features=len(model.feature_names),
        n_babe=len(babe.y), n_babe_pos=int(babe.y.sum()), babe_sha=babe.sha256,
        n_ptc=len(ptc.y), n_ptc_articles=len(articles), n_ptc_pos=int(ptc.y.sum()),
        ptc_sha=ptc.sha256, threshold=model.threshold,
        article_threshold=model.article_threshold)
    model.save(
        args.out, card=card, command="python scripts/train_default.py",
        training_data=[
            {"path": babe.path, "sha256": babe.sha256, "n": len(babe.y), "text_col": "text",
             "label_col": "label_bias", "positive": "Biased", "negative": "Non-biased",
             "spans": "biased_words", "license": "AGPL-3.0",
             "citation": "Spinde et al., Findings of EMNLP 2021"},
            {"path": ptc.path, "sha256": ptc.sha256, "n": len(ptc.y), "text_col": "text",
             "label_col": "loaded", "positive": "1", "negative": "0",
             "spans": "spans.csv: Loaded_Language, Name_Calling,Labeling",
             "license": "research use",
             "citation": "Da San Martino et al., EMNLP 2019"}],
        seed_scores={k: float(v) for k, v in zip(seeds, seed_scores, strict=True)},
        n_learned_terms=n_terms, n_learned_subjective=n_subjective,
    )
    print(json.dumps({"threshold": model.threshold, "article_threshold": model.article_threshold,
                      "learned_terms": n_terms,
                      "learned_subjective": n_subjective, "seeds": model.manifest["seed_scores"],
                      "seconds": round(time.time() - t0)}))


if __name__ == "__main__":
    main()
