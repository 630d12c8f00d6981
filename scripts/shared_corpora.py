"""Readers of the corpora in ../shared, for the training recipe and the benchmarks.

Nothing is copied into the project: every reader takes the ``shared`` folder and reads there.

- BABE (``final_labels_SG2.csv``): sentences, ``label_bias`` (Biased = 1), outlets, and the
  annotators' ``biased_words`` as character spans;
- WikiNPOV statements, ``label`` 1 = flagged as violating the neutral point of view;
- ``ptc_dev``: the Propaganda Techniques Corpus half, as lines (``loaded``,
  ``loaded_narrator``) with the character spans of their Loaded_Language and
  Name_Calling,Labeling annotations, and as articles (``loaded_per_line``,
  ``narrator_loaded_per_line``);
- the seed articles;
- the public subjectivity lexicons whose words are candidates for learned subjective terms.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from framescore.corpus import read_labeled  # noqa: E402
from framescore.persist import sha256_file  # noqa: E402
from framescore.terms import parse_word_list, read_word_list, word_spans  # noqa: E402

SHARED = ROOT.parent / "shared"
BABE = "corpora/babe/final_labels_SG2.csv"
WIKINPOV = "corpora/wikinpov/wikinpov_statements.csv"
PTC = "corpora/ptc_dev"
LOADED_TECHNIQUES = ("Loaded_Language", "Name_Calling,Labeling")
#: The seeds a reader labels framed (they adopt a side's labels) and neutral.
FRAMED_SEEDS = ("001", "002", "004")
NEUTRAL_SEEDS = ("000", "003")
#: Public lexicons whose words are candidates for learned subjective terms (strongly subjective
#: clues, Riloff & Wiebe 2003; negative opinion words, Hu & Liu 2004): evaluative words, as
#: loaded language is, rather than every opinion or hedge word.
SUBJECTIVITY_LEXICONS = ("lexicons/strong_subjectives_riloff2003.txt",
                         "lexicons/negative_liu2005.txt")


@dataclass
class Corpus:
    texts: list[str]
    y: np.ndarray
    groups: np.ndarray | None = None
    spans: list[list[tuple[int, int]]] | None = None
    sha256: str = ""
    path: str = ""


def need(shared: Path, relative: str) -> Path:
    path = shared / relative
    if not path.exists():
        sys.exit(f"{path} not found: this script reads the corpora in ../shared "
                 "(--shared names another folder)")
    return path


def babe(shared: Path = SHARED) -> Corpus:
    """BABE's sentences with expert labels (the one "No agreement" row dropped)."""
    path = need(shared, BABE)
    data = read_labeled(path, label_col="label_bias", positive="Biased",
                        negative="Non-biased", group_col="outlet")
    frame = pd.read_csv(path, sep=";")
    words = dict(zip(frame["text"], frame["biased_words"], strict=True))
    spans = [word_spans(t, parse_word_list(words.get(t))) for t in data.texts]
    return Corpus(list(data.texts), data.y, np.asarray(data.groups), spans, data.sha256,
                  f"../shared/{BABE}")


def wikinpov(shared: Path = SHARED) -> Corpus:
    path = need(shared, WIKINPOV)
    data = read_labeled(path, label_col="label", positive="1", negative="0")
    return Corpus(list(data.texts), data.y, sha256=data.sha256, path=f"../shared/{WIKINPOV}")


def ptc_lines(shared: Path = SHARED, label: str = "loaded") -> Corpus:
    """ptc_dev's lines, labelled by ``label`` (``loaded`` or ``loaded_narrator``), grouped by
    article, with their loaded-language spans (offsets within the line)."""
    folder = need(shared, PTC)
    lines = pd.read_csv(folder / "sentences.csv")
    spans = pd.read_csv(folder / "spans.csv")
    spans = spans[spans["technique"].isin(LOADED_TECHNIQUES)]
    by_article: dict[int, list[tuple[int, int]]] = {}
    for a, s, e in spans[["article", "start", "end"]].itertuples(index=False):
        by_article.setdefault(a, []).append((s, e))
    line_spans = []
    for a, start, end in lines[["article", "start", "end"]].itertuples(index=False):
        line_spans.append(sorted((max(s, start) - start, min(e, end) - start)
                                 for s, e in by_article.get(a, ()) if s < end and e > start))
    return Corpus(lines["text"].astype(str).tolist(), lines[label].to_numpy(int),
                  lines["article"].to_numpy(), line_spans,
                  sha256_file(folder / "sentences.csv"), f"../shared/{PTC}/sentences.csv")


def ptc_articles(shared: Path = SHARED) -> pd.DataFrame:
    """ptc_dev's articles: ``article``, ``text``, ``lines``, ``loaded_per_line``,
    ``narrator_loaded_per_line``."""
    return pd.read_csv(need(shared, PTC) / "articles.csv")


def ptc_article_labels(articles: pd.DataFrame) -> np.ndarray:
    """1 for the ptc_dev articles whose narrator uses loaded language more than the median
    article does (per line), else 0: the article-level evidence for an article threshold."""
    rate = articles["narrator_loaded_per_line"].to_numpy()
    return (rate > np.median(rate)).astype(int)


def seeds(shared: Path = SHARED) -> dict[str, str]:
    """The seed articles by their number ("000" ... "004")."""
    folder = need(shared, "seeds")
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def subjectivity_words(shared: Path = SHARED) -> list[str]:
    """The words of :data:`SUBJECTIVITY_LEXICONS`, sorted: candidates for
    ``train(..., candidates=...)``."""
    return sorted({w for rel in SUBJECTIVITY_LEXICONS for w in read_word_list(need(shared, rel))})
